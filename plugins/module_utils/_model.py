# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# The model of a client, shared by every module: the 12 statuses and what each means for each
# desired state, the phases (install, uninstall, upgrade) and what every status means for each of
# them, the settings schema, and the normalisation of API records into the collection's records.
# Plain data and pure functions; how to add a status or a setting: docs/architecture.md.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import copy
import hashlib
import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ._errors import HbrApiError
from ._rpc import to_int

STATES = ('present', 'absent', 'latest')
MASKED = '******'

# What each Status means, and what the module does about it for each state. `report` means: fail
# for that instance without acting (a retry would repeat the same failure every run); with
# retry_failed the action under `retry` is taken instead. This one table drives the engine and is
# rendered in the hbr_client documentation (a unit test checks that the two agree).
_Row = collections.namedtuple('_Row', ['meaning', 'present', 'absent', 'latest', 'retry'])
STATUS_TABLE = dict((status, dict((k, v) for k, v in _Row(*row)._asdict().items() if v is not None)) for status, row in (
    ('REGISTERED', ('registered with HBR but never activated', 'install', 'uninstall', 'install', None)),
    ('ACTIVATED', ('installed, activated and sending heartbeats', 'none', 'uninstall', 'upgrade', None)),
    ('DEACTIVATED', ('activation expired; the client no longer backs up', 'install', 'uninstall', 'install', None)),
    ('INSTALLING', ('an install task is running', 'wait', 'wait', 'wait', None)),
    ('INSTALL_FAILED', ('the last install failed', 'report', 'uninstall', 'report',
                        dict(present='install', latest='install'))),
    ('NOT_INSTALLED', ('no client on the instance', 'install', 'none', 'install', None)),
    ('UPGRADING', ('an upgrade task is running', 'wait', 'wait', 'wait', None)),
    ('UPGRADE_FAILED', ('the last upgrade failed', 'report', 'uninstall', 'report',
                        dict(present='install', latest='upgrade'))),
    ('UNINSTALLING', ('an uninstall task is running', 'wait', 'wait', 'wait', None)),
    ('UNINSTALL_FAILED', ('the last uninstall failed; the client may be half removed', 'report', 'report', 'report',
                          dict(present='install', absent='uninstall', latest='install'))),
    ('STOPPED', ('uninstalled (what the service shows after an uninstall)', 'install', 'none', 'install', None)),
    ('UNKNOWN', ('disconnected: no heartbeat (agent down, instance stopped or network cut)', 'install', 'uninstall',
                 'install', None)),
))
NO_CLIENT = dict(meaning='the instance has no client record', present='install', absent='none', latest='install')


def status_of(record):
    return record.get('status') if record else None


def action_for(status, state, retry_failed=False):
    """The action the table prescribes for a client in ``status`` (None: no client)."""
    row = STATUS_TABLE.get(status, NO_CLIENT) if status else NO_CLIENT
    action = row[state]
    if action == 'report' and retry_failed:
        return row['retry'][state]
    return action


# Every question about a phase is answered here: the status while its task runs, the statuses that
# mean it succeeded (also what a DescribeTask Result item's clientStatus says on success), the status
# that means it failed, and the status check mode predicts.
Phase = collections.namedtuple('Phase', ['name', 'running', 'succeeded', 'failed', 'predicted'])
PHASES = {
    'install': Phase('install', 'INSTALLING', ('ACTIVATED',), 'INSTALL_FAILED', 'ACTIVATED'),
    'uninstall': Phase('uninstall', 'UNINSTALLING', ('STOPPED', 'NOT_INSTALLED'), 'UNINSTALL_FAILED', 'STOPPED'),
    'upgrade': Phase('upgrade', 'UPGRADING', ('ACTIVATED',), 'UPGRADE_FAILED', 'ACTIVATED'),
}
TRANSITIONAL = frozenset(phase.running for phase in PHASES.values())


def phase_reached(phase, record):
    """The record shows the phase's goal (an uninstalled client may have no record at all)."""
    if record is None:
        return phase == 'uninstall'
    reached = status_of(record) in PHASES[phase].succeeded
    return reached and not (phase == 'upgrade' and is_outdated(record))


def record_signature(record):
    """What changes in a record when a task touches it. The docs do not say when the record changes
    after a write (it may lag until the task ends), so a verdict is taken from a record only once it
    differs from what it was before the write."""
    if not record:
        return None
    return (record.get('status'), record.get('client_version'), record.get('client_id'))


def phase_outcome(phase, record):
    """'done', 'failed' or 'pending' for an instance we acted on, from its client record."""
    if phase_reached(phase, record):
        return 'done'
    return 'failed' if status_of(record) == PHASES[phase].failed else 'pending'


def write_took_effect(phase, record):
    """After an ambiguous write: the record shows that the write reached the instance."""
    return status_of(record) == PHASES[phase].running or phase_reached(phase, record)


def needs_phase(record, state, phase, retry_failed=False):
    """Whether the instance needs ``phase`` to reach ``state``."""
    action = action_for(status_of(record), state, retry_failed)
    if phase == 'upgrade':
        return action == 'upgrade' and (status_of(record) == 'UPGRADE_FAILED' or is_outdated(record))
    return action == phase


def phases_for(state):
    return {'present': ('install',), 'latest': ('install', 'upgrade'), 'absent': ('uninstall',)}[state]


def predict(record, instance_id, phase, blank=None):
    """Check mode: the record as the phase would leave it (``blank`` is a new client's record)."""
    predicted = copy.deepcopy(record) if record else dict(blank or {}, instance_id=instance_id, client_id=None)
    predicted['status'] = PHASES[phase].predicted
    if phase == 'upgrade':
        predicted['client_version'] = predicted.get('max_client_version') or predicted.get('client_version')
    return predicted


# The settings UpdateClientSettings takes, declared once: the option (argument spec, docs, role
# pass-through and results use it), the API field, the kind, the choices and the bounds. The
# service returns UseHttps, MaxCpuCore and MaxWorker as strings; records carry the option's type.
Setting = collections.namedtuple('Setting', ['option', 'field', 'kind', 'choices', 'bounds'])
SETTINGS = (
    Setting('data_network_type', 'DataNetworkType', 'str', ('PUBLIC', 'VPC', 'CLASSIC'), None),
    Setting('data_proxy_setting', 'DataProxySetting', 'str', ('DISABLE', 'USE_CONTROL_PROXY', 'CUSTOM'), None),
    Setting('proxy_host', 'ProxyHost', 'str', None, None),
    Setting('proxy_port', 'ProxyPort', 'int', None, (1, 65535)),
    Setting('proxy_user', 'ProxyUser', 'str', None, None),
    Setting('proxy_password', 'ProxyPassword', 'secret', None, None),
    Setting('max_cpu_core', 'MaxCpuCore', 'int', None, (0, 1024)),
    Setting('max_worker', 'MaxWorker', 'int', None, (0, 1024)),
    Setting('max_memory', 'MaxMemory', 'int', None, (0, 2 ** 53)),
    Setting('use_https', 'UseHttps', 'bool', None, None),
    Setting('alert_on_partial_complete', 'AlertOnPartialComplete', 'bool', None, None),
)
SETTING_OPTIONS = tuple(setting.option for setting in SETTINGS)
SETTING_FIELDS = dict((setting.option, setting.field) for setting in SETTINGS)
PROXY_OPTIONS = ('data_proxy_setting', 'proxy_host', 'proxy_port', 'proxy_user')
# The settings of SAP HANA clients that DescribeClients returns (UseHttps, NetworkType), so that they
# can be compared; they are changed with UpdateClientSettings and the client's VaultId.
HANA_SETTING_OPTIONS = ('use_https', 'data_network_type')


def settings_argument_spec():
    """The hbr_client options of the settings, derived from the schema."""
    spec = {}
    for setting in SETTINGS:
        option = dict(type='str' if setting.kind == 'secret' else setting.kind)
        if setting.choices:
            option['choices'] = list(setting.choices)
        if setting.kind == 'secret':
            option['no_log'] = True
        spec[setting.option] = option
    return spec


def to_bool(value):
    if isinstance(value, bool):
        return value
    if value is None or value == '':
        return None
    return str(value).strip().lower() == 'true'


def normalize_settings(raw):
    """API Settings -> option names and option types; the proxy password is never kept."""
    raw = raw if isinstance(raw, dict) else {}
    settings = {}
    for setting in SETTINGS:
        value = raw.get(setting.field)
        if setting.kind == 'int':
            value = to_int(value)
        elif setting.kind == 'bool':
            value = to_bool(value)
        elif setting.kind == 'secret':
            value = MASKED if value else ''
        settings[setting.option] = value
    return settings


IDENTITY_FIELDS = ('ClientId', 'InstanceId', 'Status', 'ClientVersion', 'MaxClientVersion', 'ClientType')


def check_identity_fields(raw, action='DescribeBackupClients'):
    """The fields the engine decides on must be strings; anything else is a malformed answer."""
    for field in IDENTITY_FIELDS:
        value = raw.get(field)
        if value is not None and not isinstance(value, str):
            raise HbrApiError('unexpected response: %s of a client is a %s, not a string' % (field, type(value).__name__),
                              code='InvalidResponse', action=action)


def normalize_tags(tags):
    if isinstance(tags, dict):
        tags = tags.get('Tag') or []
    if not isinstance(tags, list):
        return {}
    return dict((str(t.get('Key')), t.get('Value')) for t in tags if isinstance(t, dict) and t.get('Key'))


class ClientRecord(dict):
    """A client record. When the service returns the proxy password in clear (the docs do not say it
    is always masked), only its SHA-256 is kept, as an attribute: never a key, so never returned."""

    proxy_password_sha256 = None


def secret_digest(value):
    return hashlib.sha256(str(value).encode('utf-8')).hexdigest()


# API field name -> record key. The names are few (the API's fields) and the conversion is regular
# expressions: done once per name, not once per field of every record of every poll (at 3000
# instances that was most of the module's CPU time).
_SNAKE_NAMES = {}
_SNAKE_NAMES_MAX = 4096  # a service inventing names cannot grow it without bound


def snake_keys(value):
    """camel_dict_to_snake_dict (ansible.module_utils), with each key's conversion remembered."""
    if isinstance(value, dict):
        return dict((_snake_name(key), snake_keys(item)) for key, item in value.items())
    if isinstance(value, list):
        return [snake_keys(item) for item in value]
    return value


def _snake_name(key):
    name = _SNAKE_NAMES.get(key)
    if name is None:
        name = next(iter(camel_dict_to_snake_dict({key: None})))  # the public conversion, one name
        if len(_SNAKE_NAMES) < _SNAKE_NAMES_MAX:
            _SNAKE_NAMES[key] = name
    return name


def normalize_client(raw):
    """One DescribeBackupClients entry -> the collection's record (snake_case, typed settings,
    tags as a dict). Keys match hbr_client's options so the record can be fed back."""
    check_identity_fields(raw)
    record = ClientRecord(snake_keys(dict((k, v) for k, v in raw.items() if k not in ('Settings', 'Tags'))))
    password = (raw.get('Settings') or {}).get('ProxyPassword') if isinstance(raw.get('Settings'), dict) else None
    if password and password != MASKED:
        record.proxy_password_sha256 = secret_digest(password)
    record['private_ipv4'] = record.pop('private_ip_v4', raw.get('PrivateIpV4'))
    record['settings'] = normalize_settings(raw.get('Settings'))
    record['tags'] = normalize_tags(raw.get('Tags'))
    return record


# DescribeClients (SAP HANA) names some fields differently from DescribeBackupClients.
HANA_FIELD_NAMES = {'MaxVersion': 'MaxClientVersion', 'HeartBeatTime': 'LastHeartBeatTime'}


def normalize_hana_client(raw):
    """One DescribeClients entry -> a record with the ECS record's keys, plus vault_id and cluster_id."""
    renamed = dict((HANA_FIELD_NAMES.get(key, key), value) for key, value in raw.items())
    check_identity_fields(renamed, 'DescribeClients')
    record = snake_keys(renamed)
    record['use_https'] = to_bool(raw.get('UseHttps'))
    record['settings'] = {'use_https': record['use_https'], 'data_network_type': raw.get('NetworkType') or None}
    record.setdefault('tags', {})
    return record


def version_tuple(text):
    return tuple(to_int(part) or 0 for part in re.findall(r'\d+', str(text or '')))


def is_outdated(record):
    return bool(record.get('max_client_version')) and \
        version_tuple(record.get('client_version')) < version_tuple(record.get('max_client_version'))


def cross_account_params(options):
    """The API parameters of the cross-account options that are set."""
    return dict((api, options.get(option)) for option, api in (
        ('cross_account_type', 'CrossAccountType'), ('cross_account_user_id', 'CrossAccountUserId'),
        ('cross_account_role_name', 'CrossAccountRoleName')) if options.get(option) is not None)


ACTION_WORDS = {
    'none': 'nothing',
    'wait': 'wait until it settles, then decide again',
    'install': 'install',
    'uninstall': 'uninstall',
    'upgrade': 'upgrade when ClientVersion is below MaxClientVersion',
    'report': 'report a failure without acting',
}


def _retry_words(retry):
    by_action = collections.OrderedDict()
    for state in STATES:
        if state in retry:
            by_action.setdefault(retry[state], []).append(state)
    if len(by_action) == 1:
        return list(by_action)[0]
    return ' or '.join('%s (%s)' % (action, ', '.join(states)) for action, states in by_action.items())


def status_doc_lines():
    """The status table as the documentation lines of hbr_client (a unit test checks they match)."""
    lines = []
    for status in sorted(STATUS_TABLE):
        row = STATUS_TABLE[status]
        retry = ' With O(retry_failed=true), %s instead.' % _retry_words(row['retry']) if 'retry' in row else ''
        lines.append('C(%s): %s. V(present): %s. V(absent): %s. V(latest): %s.%s' % (
            status, row['meaning'], ACTION_WORDS[row['present']], ACTION_WORDS[row['absent']],
            ACTION_WORDS[row['latest']], retry))
    lines.append('No client record: V(present) and V(latest) install; V(absent) does nothing.')
    return lines
