"""Request parameter parsing: booleans, integers, JSON id lists, ``Prefix.N.Field`` lists, paging
and the cross-account parameters, each failing with the service's InvalidParameter answer."""

import json

from .errors import business_error, invalid, missing


def parse_bool(name, value):
    text = str(value).strip().lower()
    if text in ('true', 'false'):
        return text == 'true'
    raise invalid(name, 'Use true or false.')


def parse_int(name, value, low=0, high=None):
    try:
        number = int(str(value))
    except ValueError:
        raise invalid(name, 'It must be an integer.')
    if number < low or (high is not None and number > high):
        raise invalid(name, 'It must be between %s and %s.' % (low, high if high is not None else 'any'))
    return number


def given(params, name):
    return params.get(name) not in (None, '')


def parse_id_list(name, value, limit=None, required=False):
    if value in (None, ''):
        if required:
            raise missing(name)
        return []
    try:
        ids = json.loads(value)
    except ValueError:
        raise invalid(name, 'It must be a JSON array of strings.')
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise invalid(name, 'It must be a JSON array of strings.')
    if limit is not None and len(ids) > limit:
        raise business_error('BadRequest', 'The number of %s exceeds the limit of %d.' % (name, limit))
    return ids


def _group(params, prefix):
    groups = {}
    for name, value in params.items():
        if not name.startswith(prefix + '.'):
            continue
        parts = name[len(prefix) + 1:].split('.')
        if not parts[0].isdigit() or len(parts) < 2:
            continue
        entry = groups.setdefault(int(parts[0]), {})
        if len(parts) == 3 and parts[2].isdigit():
            entry.setdefault(parts[1], {})[int(parts[2])] = value
        else:
            entry[parts[1]] = value
    return groups


def indexed(params, prefix):
    """Collect ``Prefix.N.Field[.M]`` parameters into a list of dicts, ordered by N."""
    groups = _group(params, prefix)
    result = []
    for index in sorted(groups):
        entry = groups[index]
        for key, value in list(entry.items()):
            if isinstance(value, dict):
                entry[key] = [value[i] for i in sorted(value)]
        result.append(entry)
    return result


def repeated(params, prefix):
    """The values of ``Prefix.1``, ``Prefix.2``, ... in index order (the ECS list style)."""
    return [value for name, value in sorted(params.items(), key=lambda item: _index_of(item[0]))
            if name.startswith(prefix + '.')]


def _index_of(name):
    tail = name.rsplit('.', 1)[-1]
    return int(tail) if tail.isdigit() else 0


def paging(params, maximum=99):
    page = parse_int('PageNumber', params['PageNumber'], 1) if given(params, 'PageNumber') else 1
    size = parse_int('PageSize', params['PageSize'], 1, maximum) if given(params, 'PageSize') else 10
    return page, size


def unique(ids):
    seen, out = set(), []
    for item in ids:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def check_cross_account(params):
    kind = params.get('CrossAccountType')
    if kind not in (None, '', 'SELF_ACCOUNT', 'CROSS_ACCOUNT'):
        raise invalid('CrossAccountType', 'Use SELF_ACCOUNT or CROSS_ACCOUNT.')
    if kind == 'CROSS_ACCOUNT':
        if not params.get('CrossAccountUserId'):
            raise missing('CrossAccountUserId')
        if not params.get('CrossAccountRoleName'):
            raise missing('CrossAccountRoleName')
        parse_int('CrossAccountUserId', params['CrossAccountUserId'], 1)
