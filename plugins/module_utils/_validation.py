# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# Validation of the options, before any API call: every error names the option and the fix,
# and none quotes a credential, a token or an endpoint (they may hold secrets).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ._errors import HbrConfigError
from ._model import SETTINGS

# Matched with fullmatch: '$' also matches before a final newline, so 'i-...\n' would pass.
INSTANCE_ID_RE = re.compile(r'i-[0-9a-z]{6,32}')
CLIENT_ID_RE = re.compile(r'c-[0-9a-z]{6,32}')
VAULT_ID_RE = re.compile(r'v-[0-9a-z]{6,32}')
CLUSTER_ID_RE = re.compile(r'cl-[0-9a-z]{6,32}')

# C0 and C1 control characters and the Unicode line separators: no header or URL can carry them.
_CONTROL_RE = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029]')
CREDENTIAL_OPTIONS = ('alicloud_access_key', 'alicloud_secret_key', 'alicloud_security_token', 'hana_access_key_id',
                      'hana_access_key_secret')
ENDPOINT_OPTIONS = ('hbr_endpoint', 'ecs_endpoint', 'sts_endpoint', 'ecs_metadata_endpoint')
# Options that end up in a URL, a header or a signature besides the credentials and endpoints.
REQUEST_TEXT_OPTIONS = CREDENTIAL_OPTIONS + ENDPOINT_OPTIONS + (
    'alicloud_region', 'profile', 'ecs_role_name', 'alicloud_assume_role_arn', 'alicloud_assume_role_session_name')
SCALAR_TYPES = (str, int, float)  # bool is an int


def text_problem(value, ascii_only=False):
    """What makes a credential, token or endpoint unusable in a request, or None. Never the value.

    ``ascii_only``: access keys and tokens are printable ASCII; anything else cannot go into an
    HTTP header (V3 sends the token there) and would fail deep in http.client."""
    if not isinstance(value, str):
        return None
    if _CONTROL_RE.search(value):
        return 'a control character (a line break, a tab or another non-printing character)'
    if value != value.strip():
        return 'leading or trailing whitespace'
    if ascii_only and not all(' ' <= char <= '~' for char in value):
        return 'a character outside printable ASCII'
    return None


def check_text(option, value):
    """A credential, token or endpoint: no control character, no surrounding whitespace; a
    credential is printable ASCII."""
    problem = text_problem(value, ascii_only=option in CREDENTIAL_OPTIONS)
    if problem:
        raise HbrConfigError(option, '%s has %s; remove it (the value is not shown)' % (option, problem))


def check_name(option, value, what=None):
    """A name, host or id: not a string of only whitespace."""
    if isinstance(value, str) and value and not value.strip():
        raise HbrConfigError(option, '%s is only whitespace; give a real value or leave %s out'
                             % (what or option, option))


def check_integer(option, value):
    """Ansible's int type lets a boolean through (true is an int in Python): refuse it."""
    if isinstance(value, bool):
        raise HbrConfigError(option, '%s must be an integer, not the boolean %s' % (option, str(value).lower()))


def validate_option_types(spec, params):
    """What Ansible's type checks let through, for every option of a module's argument spec: a
    boolean for an integer, a whitespace-only name, a credential or endpoint that no request can
    carry, a control character in any secret."""
    for option in sorted(spec):
        value = params.get(option)
        kind = spec[option].get('type', 'str')
        no_log = spec[option].get('no_log')
        if kind == 'int':
            check_integer(option, value)
        elif kind in ('str', 'path') and not no_log:
            check_name(option, value)
        elif kind == 'list' and spec[option].get('elements') == 'str':
            for item in value or []:
                check_name(option, item, 'an item of %s' % option)
        if option in REQUEST_TEXT_OPTIONS:
            check_text(option, value)
        elif no_log and isinstance(value, str) and _CONTROL_RE.search(value):
            raise HbrConfigError(option, '%s has a control character; remove it (the value is not shown)' % option)


def validate_ids(option, values, pattern, example, limit=None, allow_empty=False):
    """Well-formed, unique ids; raises HbrConfigError naming the option and the fix."""
    if values is None:
        return []
    if not values and not allow_empty:
        raise HbrConfigError(option, '%s is an empty list; give at least one id, or leave it out' % option)
    bad = [v for v in values if not isinstance(v, str) or not pattern.fullmatch(v)]
    if bad:
        shown = ', '.join(repr(v) for v in bad[:5]) + (' and %d more' % (len(bad) - 5) if len(bad) > 5 else '')
        raise HbrConfigError(option, '%s has malformed ids: %s; ids look like %s' % (option, shown, example))
    seen, duplicates = set(), []
    for value in values:
        if value in seen and value not in duplicates:
            duplicates.append(value)
        seen.add(value)
    if duplicates:
        raise HbrConfigError(option, '%s lists ids more than once: %s; list each id once'
                             % (option, ', '.join(duplicates[:5])))
    if limit is not None and len(values) > limit:
        raise HbrConfigError(option, '%s has %d ids; at most %d are allowed here' % (option, len(values), limit))
    return list(values)


def validate_instance_ids(values, option='instance_ids', **kwargs):
    return validate_ids(option, values, INSTANCE_ID_RE, 'i-bp1abcdefghij0123456', **kwargs)


def validate_client_ids(values, option='client_ids', **kwargs):
    return validate_ids(option, values, CLIENT_ID_RE, 'c-000abcdefghij0123456', **kwargs)


def validate_tags(tags, option='tags'):
    """HBR tag rules: 1 to 20 tags; a key is not empty and starts with neither aliyun nor acs:."""
    if tags is None:
        return None
    if len(tags) > 20:
        raise HbrConfigError(option, '%s has %d tags; at most 20 are allowed' % (option, len(tags)))
    for key, value in tags.items():
        if not key or not str(key).strip():
            raise HbrConfigError(option, '%s has an empty tag key (or one of only whitespace); every tag needs a key'
                                 % option)
        if value is not None and not isinstance(value, SCALAR_TYPES):
            raise HbrConfigError(option, '%s: the value of tag %r is a %s; a tag value is a string or a number'
                                 % (option, key, _kind(value)))
        for label, text in (('key', key), ('value', value)):
            text = '' if text is None else str(text)
            if text.lower().startswith(('aliyun', 'acs:')):
                raise HbrConfigError(option, '%s: tag %s %r starts with aliyun or acs:, which HBR reserves'
                                     % (option, label, text))
            if 'http://' in text or 'https://' in text:
                raise HbrConfigError(option, '%s: tag %s %r must not contain http:// or https://'
                                     % (option, label, text))
    return tags


def validate_filters(filters, option='filters'):
    """Server-side filters: a non-empty key, and a scalar or a non-empty list of scalars."""
    for key, value in (filters or {}).items():
        if not isinstance(key, str) or not key.strip():
            raise HbrConfigError(option, '%s has an empty key (or one of only whitespace)' % option)
        values = value if isinstance(value, list) else [value]
        if not values:
            raise HbrConfigError(option, '%s: filter %r has an empty list; give at least one value' % (option, key))
        bad = [item for item in values if not isinstance(item, SCALAR_TYPES) or isinstance(item, bool)]
        if bad:
            raise HbrConfigError(option, '%s: filter %r has a %s value; a filter value is a string or a number, '
                                         'or a list of them' % (option, key, _kind(bad[0])))
    return filters


def _kind(value):
    return {dict: 'dict', list: 'list', bool: 'boolean', type(None): 'null'}.get(type(value), type(value).__name__)


PROXY_OPTIONS = ('proxy_host', 'proxy_port', 'proxy_user', 'proxy_password')
PROXY_MODES = (None, 'CUSTOM', 'USE_CONTROL_PROXY')


def validate_settings(settings):
    """Checks of the client settings that need no API call."""
    for setting in SETTINGS:
        value = settings.get(setting.option)
        if setting.kind == 'int':
            check_integer(setting.option, value)
        elif setting.kind == 'str':
            check_name(setting.option, value)
        if setting.bounds and value is not None and not setting.bounds[0] <= value <= setting.bounds[1]:
            raise HbrConfigError(setting.option, '%s must be between %d and %d, got %d'
                                 % ((setting.option,) + setting.bounds + (value,)))
    # USE_CONTROL_PROXY takes the proxy options too: the Terraform provider's acceptance test sets
    # them with it against the service and reads them back.
    proxy = [o for o in PROXY_OPTIONS if settings.get(o)]
    if proxy and settings.get('data_proxy_setting') not in PROXY_MODES:
        raise HbrConfigError(proxy[0], '%s only applies with data_proxy_setting CUSTOM or USE_CONTROL_PROXY, not %s; '
                                       'set one of them or drop %s'
                             % (proxy[0], settings['data_proxy_setting'], ', '.join(proxy)))
    if settings.get('data_proxy_setting') == 'CUSTOM' and not settings.get('proxy_host'):
        raise HbrConfigError('proxy_host', 'data_proxy_setting CUSTOM needs proxy_host (and usually proxy_port)')


def validate_cross_account(params):
    check_name('cross_account_role_name', params.get('cross_account_role_name'))
    check_integer('cross_account_user_id', params.get('cross_account_user_id'))
    kind = params.get('cross_account_type')
    if kind == 'CROSS_ACCOUNT':
        for option in ('cross_account_user_id', 'cross_account_role_name'):
            if not params.get(option):
                raise HbrConfigError(option, 'cross_account_type CROSS_ACCOUNT needs %s' % option)
    elif params.get('cross_account_user_id') or params.get('cross_account_role_name'):
        raise HbrConfigError('cross_account_type', 'cross_account_user_id and cross_account_role_name need '
                                                   'cross_account_type: CROSS_ACCOUNT')
    user_id = params.get('cross_account_user_id')
    if user_id is not None and user_id <= 0:
        raise HbrConfigError('cross_account_user_id', 'cross_account_user_id must be a positive account id')


def validate_vault_id(value, option='vault_id'):
    return validate_ids(option, [value], VAULT_ID_RE, 'v-0001abcdefghij01234')[0]


def validate_cluster_id(value, option='cluster_id'):
    return validate_ids(option, [value], CLUSTER_ID_RE, 'cl-0001abcdefghij01234')[0]
