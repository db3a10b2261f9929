# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# Validation of the options, before any API call: every error names the option and the fix.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ._errors import HbrConfigError
from ._model import SETTINGS

INSTANCE_ID_RE = re.compile(r'^i-[0-9a-z]{6,32}$')
CLIENT_ID_RE = re.compile(r'^c-[0-9a-z]{6,32}$')
VAULT_ID_RE = re.compile(r'^v-[0-9a-z]{6,32}$')
CLUSTER_ID_RE = re.compile(r'^cl-[0-9a-z]{6,32}$')


def validate_ids(option, values, pattern, example, limit=None, allow_empty=False):
    """Well-formed, unique ids; raises HbrConfigError naming the option and the fix."""
    if values is None:
        return []
    if not values and not allow_empty:
        raise HbrConfigError(option, '%s is an empty list; give at least one id, or leave it out' % option)
    bad = [v for v in values if not isinstance(v, str) or not pattern.match(v)]
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
            raise HbrConfigError(option, '%s has an empty tag key; every tag needs a key' % option)
        for label, text in (('key', key), ('value', value)):
            text = '' if text is None else str(text)
            if text.lower().startswith(('aliyun', 'acs:')):
                raise HbrConfigError(option, '%s: tag %s %r starts with aliyun or acs:, which HBR reserves'
                                     % (option, label, text))
            if 'http://' in text or 'https://' in text:
                raise HbrConfigError(option, '%s: tag %s %r must not contain http:// or https://'
                                     % (option, label, text))
    return tags


def validate_settings(settings):
    """Checks of the client settings that need no API call."""
    for setting in SETTINGS:
        value = settings.get(setting.option)
        if setting.bounds and value is not None and not setting.bounds[0] <= value <= setting.bounds[1]:
            raise HbrConfigError(setting.option, '%s must be between %d and %d, got %d'
                                 % ((setting.option,) + setting.bounds + (value,)))
    custom_only = [o for o in ('proxy_host', 'proxy_port', 'proxy_user', 'proxy_password') if settings.get(o)]
    if custom_only and settings.get('data_proxy_setting') not in (None, 'CUSTOM'):
        raise HbrConfigError(custom_only[0], '%s only applies with data_proxy_setting CUSTOM, not %s; set '
                                             'data_proxy_setting: CUSTOM or drop %s'
                             % (custom_only[0], settings['data_proxy_setting'], ', '.join(custom_only)))
    if settings.get('data_proxy_setting') == 'CUSTOM' and not settings.get('proxy_host'):
        raise HbrConfigError('proxy_host', 'data_proxy_setting CUSTOM needs proxy_host (and usually proxy_port)')


def validate_cross_account(params):
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
