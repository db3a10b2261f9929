"""HBR reads: DescribeBackupClients (ECS clients, with every filter and paging) and DescribeTask."""

import json

from .errors import invalid, missing
from .hbr_actions import required_row
from .model import CLIENT_TYPES
from .params import check_cross_account, indexed, paging, parse_id_list
from .render import HEAD_COLUMNS, HEAD_COLUMNS_NO_LAG, VISIBLE, envelope
from .tasks import describe_task

FILTER_COLUMNS = {'InstanceId': 'instance_id', 'ClientId': 'client_id', 'Status': 'status'}


def _has_tags(row, tags):
    row_tags = json.loads(row['tags'] or '{}')
    return all(tag['Key'] in row_tags and row_tags[tag['Key']] == tag.get('Value', row_tags[tag['Key']])
               for tag in tags)


def _client_filter(params, now, hide_new):
    """(SQL condition, arguments, tag filters) of a DescribeBackupClients request at time ``now``;
    ``hide_new``: some client a lagging install created may not be listed yet."""
    client_type = params.get('ClientType')
    if not client_type:
        raise missing('ClientType')
    if client_type not in CLIENT_TYPES:
        raise invalid('ClientType', 'Use one of %s.' % ', '.join(CLIENT_TYPES))
    where, args = ['c.client_type = ?'], [client_type]
    if hide_new:  # only then: the plain condition lets SQLite count from the index alone
        where.append(VISIBLE)
        args.append(now)
    for name, column in (('ClientIds', 'client_id'), ('InstanceIds', 'instance_id')):
        values = parse_id_list(name, params.get(name))
        if values:
            where.append('c.%s IN (SELECT value FROM json_each(?))' % column)
            args.append(json.dumps(values))
    if params.get('ClusterId'):
        where.append('c.cluster_id = ?')
        args.append(params['ClusterId'])
    for flt in indexed(params, 'Filters'):
        column = FILTER_COLUMNS.get(flt.get('Key'))
        if column and flt.get('Values'):
            where.append('c.%s IN (SELECT value FROM json_each(?))' % column)
            args.append(json.dumps(flt['Values']))
    tags = indexed(params, 'Tag')
    if len(tags) > 20:
        raise invalid('Tag', 'At most 20 tags.')
    if any(not tag.get('Key') for tag in tags):
        raise invalid('Tag.N.Key', 'A tag key cannot be empty.')
    return ' AND '.join(where), args, tags


def _page_heads(store, condition, args, tags, window):
    """(TotalCount, HEAD_COLUMNS rows of the window (offset, limit, whether a record may lag))."""
    offset, limit, may_lag = window
    if tags:  # rare: match tags in Python over the SQL-filtered rows
        rows = [r for r in store.select_clients(condition, args) if _has_tags(r, tags)]
        return len(rows), [tuple(r[c] for c in HEAD_NAMES) for r in rows[offset: offset + limit]]
    total = store.execute('SELECT COUNT(*) FROM clients c WHERE %s' % condition, args).fetchone()[0]
    heads = store.execute('SELECT %s FROM clients c WHERE %s ORDER BY c.seq LIMIT ? OFFSET ?'
                          % (HEAD_COLUMNS if may_lag else HEAD_COLUMNS_NO_LAG, condition),
                          args + [limit, offset]).fetchall()
    return total, heads


HEAD_NAMES = tuple(name.strip()[2:] for name in HEAD_COLUMNS.split(','))


def describe_backup_clients(service, params):
    """One page of ECS clients. ``page_size_cap`` bounds the page (offsets use the capped size, the
    answer echoes the PageSize asked for); ``short_page_rate`` drops clients from the end of a page."""
    check_cross_account(params)
    now = service.clock()
    condition, args, tags = _client_filter(params, now, now < service.hidden_until)
    page, size = paging(params)
    behaviour = service.behaviour.options
    served = min(size, behaviour['page_size_cap'])
    total, heads = _page_heads(service.store, condition, args, tags,
                               ((page - 1) * served, served, now < service.lag_until))
    if behaviour['short_page_rate']:
        heads = heads[:service.behaviour.short_page_length(len(heads))]
    return envelope(PageNumber=page, PageSize=size, TotalCount=total,
                    Clients=service.page_cache.page_json(service.store, heads, now, service.render_options()))


def describe_task_action(service, params):
    task = required_row(service, params, 'TaskId',
                        ('tasks', 'task_id', 'TaskNotFound', "The specified task doesn't exist."))
    return envelope(**describe_task(service, task))


ACTIONS = {
    'DescribeBackupClients': describe_backup_clients,
    'DescribeTask': describe_task_action,
}
