# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# The domain: one model of an HBR client shared by every module, the table that says what each
# of the 12 statuses means for each desired state, input validation, and the convergence of a
# SET of instances (read, decide, precheck, act in concurrent batches, wait, configure).
# Everything here takes plain values (an HbrApi, lists of ids, dicts of options), never the
# AnsibleModule, so it is unit-testable.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import copy
import hashlib
import json
import os
import re
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # pragma: no cover - not a POSIX controller
    HAS_FCNTL = False

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ._api import HbrApiError, HbrConfigError
from ._tasks import PollSchedule, describe_task, task_summary

ECS_API_VERSION = '2014-05-26'
BATCH_LIMITS = {'install': 20, 'uninstall': 20, 'upgrade': 100}
WRITE_ACTIONS = {'install': 'InstallBackupClients', 'uninstall': 'UninstallBackupClients',
                 'upgrade': 'UpgradeBackupClients'}
READ_CHUNK = 99
RESOURCE_BATCH = 100
ECS_DESCRIBE_CHUNK = 100
ECS_ASSIST_CHUNK = 50
MAX_WRITE_SENDS = 3
TASK_CHECK_AFTER = 60.0
MASKED = '******'
CLIENT_TYPES = ('ECS_CLIENT', 'CONTAINER_CLIENT', 'LOCAL_CLIENT')
STATES = ('present', 'absent', 'latest')

INSTANCE_ID_RE = re.compile(r'^i-[0-9a-z]{6,32}$')
CLIENT_ID_RE = re.compile(r'^c-[0-9a-z]{6,32}$')
VAULT_ID_RE = re.compile(r'^v-[0-9a-z]{6,32}$')
CLUSTER_ID_RE = re.compile(r'^cl-[0-9a-z]{6,32}$')

# What each Status means, and what the module does about it for each state. `report` means: fail
# for that instance without acting (a retry would repeat the same failure every run); with
# retry_failed the `retry` action is taken instead. This one table drives the code and is
# rendered in the hbr_client documentation (a unit test checks that the two agree).
STATUS_TABLE = {
    'REGISTERED': dict(meaning='registered with HBR but never activated',
                       present='install', absent='uninstall', latest='install'),
    'ACTIVATED': dict(meaning='installed, activated and sending heartbeats',
                      present='none', absent='uninstall', latest='upgrade'),
    'DEACTIVATED': dict(meaning='activation expired; the client no longer backs up',
                        present='install', absent='uninstall', latest='install'),
    'INSTALLING': dict(meaning='an install task is running',
                       present='wait', absent='wait', latest='wait'),
    'INSTALL_FAILED': dict(meaning='the last install failed',
                           present='report', absent='uninstall', latest='report', retry='install'),
    'NOT_INSTALLED': dict(meaning='no client on the instance',
                          present='install', absent='none', latest='install'),
    'UPGRADING': dict(meaning='an upgrade task is running',
                      present='wait', absent='wait', latest='wait'),
    'UPGRADE_FAILED': dict(meaning='the last upgrade failed',
                           present='report', absent='uninstall', latest='report', retry='upgrade'),
    'UNINSTALLING': dict(meaning='an uninstall task is running',
                         present='wait', absent='wait', latest='wait'),
    'UNINSTALL_FAILED': dict(meaning='the last uninstall failed; the client may be half removed',
                             present='report', absent='report', latest='report', retry='reinstall-or-uninstall'),
    'STOPPED': dict(meaning='uninstalled (what the service shows after an uninstall)',
                    present='install', absent='none', latest='install'),
    'UNKNOWN': dict(meaning='disconnected: no heartbeat (agent down, instance stopped or network cut)',
                    present='install', absent='uninstall', latest='install'),
}
NO_CLIENT = dict(meaning='the instance has no client record', present='install', absent='none', latest='install')
TRANSITIONAL = frozenset(s for s, row in STATUS_TABLE.items() if row['present'] == 'wait')
IN_PROGRESS = {'install': 'INSTALLING', 'uninstall': 'UNINSTALLING', 'upgrade': 'UPGRADING'}

# Option name, API field, type of the option. The service returns UseHttps, MaxCpuCore and
# MaxWorker as strings; they are compared and returned as the option's type.
SETTINGS = (
    ('data_network_type', 'DataNetworkType', 'str'),
    ('data_proxy_setting', 'DataProxySetting', 'str'),
    ('proxy_host', 'ProxyHost', 'str'),
    ('proxy_port', 'ProxyPort', 'int'),
    ('proxy_user', 'ProxyUser', 'str'),
    ('proxy_password', 'ProxyPassword', 'secret'),
    ('max_cpu_core', 'MaxCpuCore', 'int'),
    ('max_worker', 'MaxWorker', 'int'),
    ('max_memory', 'MaxMemory', 'int'),
    ('use_https', 'UseHttps', 'bool'),
    ('alert_on_partial_complete', 'AlertOnPartialComplete', 'bool'),
)
SETTING_FIELDS = dict((option, field) for option, field, _kind in SETTINGS)
SETTING_KINDS = dict((option, kind) for option, _field, kind in SETTINGS)
PROXY_OPTIONS = ('data_proxy_setting', 'proxy_host', 'proxy_port', 'proxy_user')
NETWORK_TYPES = ('PUBLIC', 'VPC', 'CLASSIC')
PROXY_SETTINGS = ('DISABLE', 'USE_CONTROL_PROXY', 'CUSTOM')


def action_for(status, state, retry_failed=False):
    """The action the table prescribes for a client in ``status`` (None: no client)."""
    row = STATUS_TABLE.get(status, NO_CLIENT) if status else NO_CLIENT
    action = row[state]
    if action == 'report' and retry_failed:
        retry = row['retry']
        if retry == 'reinstall-or-uninstall':
            return 'uninstall' if state == 'absent' else 'install'
        return 'install' if (retry == 'upgrade' and state == 'present') else retry
    return action


# ---------------------------------------------------------------------------------------------
# Validation (before any API call)
# ---------------------------------------------------------------------------------------------

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
    for option, low, high in (('proxy_port', 1, 65535), ('max_cpu_core', 0, 1024), ('max_worker', 0, 1024),
                              ('max_memory', 0, 2 ** 53)):
        value = settings.get(option)
        if value is not None and not low <= value <= high:
            raise HbrConfigError(option, '%s must be between %d and %d, got %d' % (option, low, high, value))
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


def cross_account_params(params):
    return dict((api, params.get(option)) for option, api in (
        ('cross_account_type', 'CrossAccountType'), ('cross_account_user_id', 'CrossAccountUserId'),
        ('cross_account_role_name', 'CrossAccountRoleName')) if params.get(option) is not None)


# ---------------------------------------------------------------------------------------------
# The model of a client
# ---------------------------------------------------------------------------------------------

def _to_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _to_bool(value):
    if isinstance(value, bool):
        return value
    if value is None or value == '':
        return None
    return str(value).strip().lower() == 'true'


def normalize_settings(raw):
    """API Settings -> option names and option types; the proxy password is never kept."""
    raw = raw if isinstance(raw, dict) else {}
    settings = {}
    for option, field, kind in SETTINGS:
        value = raw.get(field)
        if kind == 'int':
            value = _to_int(value)
        elif kind == 'bool':
            value = _to_bool(value)
        elif kind == 'secret':
            value = MASKED if value else ''
        settings[option] = value
    return settings


IDENTITY_FIELDS = ('ClientId', 'InstanceId', 'Status', 'ClientVersion', 'MaxClientVersion', 'ClientType')


def check_identity_fields(raw, action='DescribeBackupClients'):
    """The fields the module decides on must be strings; anything else is a malformed answer."""
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


def normalize_client(raw):
    """One DescribeBackupClients entry -> the collection's record (snake_case, typed settings,
    tags as a dict). Keys match hbr_client's options so the record can be fed back."""
    check_identity_fields(raw)
    record = camel_dict_to_snake_dict(dict((k, v) for k, v in raw.items() if k not in ('Settings', 'Tags')))
    record['private_ipv4'] = record.pop('private_ip_v4', raw.get('PrivateIpV4'))
    record['settings'] = normalize_settings(raw.get('Settings'))
    record['tags'] = normalize_tags(raw.get('Tags'))
    return record


def normalize_hana_client(raw):
    check_identity_fields(raw, 'DescribeClients')
    record = camel_dict_to_snake_dict(raw)
    record['use_https'] = _to_bool(raw.get('UseHttps'))
    return record


def version_tuple(text):
    return tuple(_to_int(part) or 0 for part in re.findall(r'\d+', str(text or '')))


def is_outdated(record):
    return bool(record.get('max_client_version')) and \
        version_tuple(record.get('client_version')) < version_tuple(record.get('max_client_version'))


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------

def chunks(values, size):
    return [values[i:i + size] for i in range(0, len(values), size)]


def run_concurrently(function, items, concurrency):
    """``[function(item) for item in items]`` with at most ``concurrency`` in flight, in order."""
    if len(items) <= 1 or concurrency <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(concurrency, len(items))) as pool:
        return list(pool.map(function, items))


def describe_backup_clients(api, client_type='ECS_CLIENT', instance_ids=None, client_ids=None, extra=None,
                            concurrency=4):
    """Every matching client, as raw API dicts. Id filters are split into chunks of 99 so that
    each chunk fits one page and the chunks are read concurrently."""
    base = dict(extra or {})
    base['ClientType'] = client_type
    if instance_ids is not None or client_ids is not None:
        key, ids = ('InstanceIds', instance_ids) if instance_ids is not None else ('ClientIds', client_ids)
        if not ids:
            return []
        pages = run_concurrently(
            lambda chunk: api.paginate('DescribeBackupClients', dict(base, **{key: chunk}), ('Clients',)),
            chunks(list(ids), READ_CHUNK), concurrency)
        return [client for page in pages for client in page]
    return api.paginate('DescribeBackupClients', base, ('Clients',))


def records_by_instance(raw_clients):
    """Map instance id -> normalized record (the most recently created client wins)."""
    records = {}
    for raw in raw_clients:
        record = normalize_client(raw)
        current = records.get(record.get('instance_id'))
        if current is None or (_to_int(record.get('created_time')) or 0) >= (_to_int(current.get('created_time')) or 0):
            records[record.get('instance_id')] = record
    return records


# ---------------------------------------------------------------------------------------------
# ECS precheck: skip instances an install/uninstall/upgrade would only fail on
# ---------------------------------------------------------------------------------------------

class PrecheckUnavailable(Exception):
    pass


def precheck_instances(ecs_api, region, instance_ids, concurrency=4):
    """Map each instance id to '' (usable) or the ErrorCode HBR would answer for it."""
    common = {'RegionId': region} if region else {}

    def describe(chunk):
        return ecs_api.paginate('DescribeInstances', dict(common, InstanceIds=chunk), ('Instances', 'Instance'),
                                page_size=ECS_DESCRIBE_CHUNK)

    def assistant(chunk):
        params = dict(common)
        for index, instance_id in enumerate(chunk, 1):
            params['InstanceId.%d' % index] = instance_id
        body = ecs_api.call('DescribeCloudAssistantStatus', params)
        entries = (body.get('InstanceCloudAssistantStatusSet') or {}).get('InstanceCloudAssistantStatus') or []
        return entries if isinstance(entries, list) else []

    try:
        found = dict((i.get('InstanceId'), i) for page in run_concurrently(
            describe, chunks(list(instance_ids), ECS_DESCRIBE_CHUNK), concurrency) for i in page)
        running = [iid for iid in instance_ids if (found.get(iid) or {}).get('Status') == 'Running']
        assisted = set(e.get('InstanceId') for page in run_concurrently(
            assistant, chunks(running, ECS_ASSIST_CHUNK), concurrency) for e in page
            if str(e.get('CloudAssistantStatus')).lower() == 'true')
    except HbrApiError as exc:
        raise PrecheckUnavailable('the ECS precheck could not run (%s); instances were not checked before acting, '
                                  'so HBR reports stopped or missing instances itself. Grant ecs:DescribeInstances '
                                  'and ecs:DescribeCloudAssistantStatus, or set precheck_instances: false.' % exc)
    verdicts = {}
    for iid in instance_ids:
        if iid not in found:
            verdicts[iid] = 'InstanceNotExists'
        elif found[iid].get('Status') != 'Running':
            verdicts[iid] = 'InstanceNotRunning'
        elif iid not in assisted:
            verdicts[iid] = 'CloudAssistNotRunningOnInstance'
        else:
            verdicts[iid] = ''
    return verdicts


PRECHECK_MESSAGES = {
    'InstanceNotExists': 'the ECS instance does not exist in this region',
    'InstanceNotRunning': 'the ECS instance is not running',
    'CloudAssistNotRunningOnInstance': 'Cloud Assistant is not running on the instance',
}


# ---------------------------------------------------------------------------------------------
# Convergence of a set of ECS instances
# ---------------------------------------------------------------------------------------------

class WriteLock:
    """A lock file shared by every run on this controller that talks to the same endpoint with the
    same key. Held only while a run re-reads the clients it is about to act on and sends its writes
    (never while waiting), so that two concurrent runs over overlapping instances cannot both see
    "no client" and both install: the second one sees the first one's task and waits for it."""

    def __init__(self, key, timeout=120.0, clock=time.time, sleep=time.sleep, directory=None):
        digest = hashlib.sha256(key.encode('utf-8')).hexdigest()[:20]
        user = getattr(os, 'getuid', lambda: 'user')()
        self.path = os.path.join(directory or tempfile.gettempdir(), 'alicloud-hbr-%s-%s.lock' % (user, digest))
        self.timeout = timeout
        self.clock = clock
        self.sleep = sleep

    @contextlib.contextmanager
    def held(self):
        """Yields True while the lock is held, False when it could not be had (never raises)."""
        try:
            handle = open(self.path, 'a')
        except (IOError, OSError):
            yield False  # an unusable lock file must not break the run
            return
        acquired = False
        try:
            deadline = self.clock() + self.timeout
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    acquired = True
                    break
                except (IOError, OSError):
                    if self.clock() >= deadline:
                        break  # a stuck holder must not block the fleet; proceed unlocked
                    self.sleep(0.05)
            yield acquired
        finally:
            if acquired:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()


class Context:
    """Everything convergence needs besides the request: transports, modes, time."""

    def __init__(self, api, ecs_api=None, region=None, check_mode=False, wait=True, wait_timeout=900,
                 concurrency=10, clock=time.time, sleep=time.sleep, poll_minimum=0.5, poll_maximum=30.0,
                 write_lock=None):
        self.api = api
        self.ecs_api = ecs_api
        self.region = region
        self.check_mode = check_mode
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.concurrency = concurrency
        self.clock = clock
        self.sleep = sleep
        self.poll_minimum = poll_minimum
        self.poll_maximum = poll_maximum
        self.write_lock = write_lock
        self.warnings = []

    @contextlib.contextmanager
    def writing(self):
        """Hold the controller-wide write lock, when there is one; yields whether it is held."""
        if self.write_lock is None or not HAS_FCNTL:
            yield False
            return
        with self.write_lock.held() as acquired:
            if not acquired:
                self.warnings.append('the write lock %s could not be taken (held by another alicloud.hbr run for more '
                                     'than %ss, or not writable); this run went on without it'
                                     % (self.write_lock.path, self.write_lock.timeout))
            yield acquired

    def schedule(self):
        return PollSchedule(self.wait_timeout, self.poll_minimum, self.poll_maximum, clock=self.clock,
                            sleep=self.sleep)


class Outcome:
    """What a run did: final records by instance, failures, task ids, and whether it changed."""

    def __init__(self, clock=time.time):
        self.clock = clock
        self.records = {}
        self.before = {}
        self.failures = {}
        self.task_ids = []
        self.tasks = {}
        self.changed_instances = set()
        self.lock = threading.Lock()

    def fail(self, instance_id, code, message, stage, client_id=None):
        with self.lock:
            if instance_id not in self.failures:
                record = self.records.get(instance_id) or {}
                self.failures[instance_id] = {'instance_id': instance_id, 'client_id': client_id or
                                              record.get('client_id'), 'code': code, 'message': message,
                                              'stage': stage}

    def failure_list(self, order):
        return [self.failures[i] for i in order if i in self.failures]

    @property
    def changed(self):
        return bool(self.changed_instances)


def converge(ctx, instance_ids, state, settings=None, update_proxy_password='on_create', retry_failed=False,
             precheck=True, extra=None, client_ids=None):
    """Bring every instance to ``state``; return an Outcome. Never raises for per-instance
    problems (they become failures); raises HbrApiError only when the API as a whole fails."""
    outcome = Outcome(ctx.clock)
    extra = dict(extra or {})
    settings = dict((k, v) for k, v in (settings or {}).items() if v is not None)
    targets = list(instance_ids or [])
    if client_ids:
        targets = _resolve_client_ids(ctx, client_ids, targets, extra, outcome)
    initial = records_by_instance(describe_backup_clients(ctx.api, instance_ids=targets, extra=extra,
                                                          concurrency=ctx.concurrency)) if targets else {}
    outcome.records = dict((iid, initial[iid]) for iid in targets if iid in initial)
    outcome.before = copy.deepcopy(outcome.records)
    created = set()
    phases = ('install', 'upgrade') if state == 'latest' else (('install',) if state == 'present' else ('uninstall',))
    schedule = ctx.schedule()
    if not ctx.check_mode:
        _settle_transitional(ctx, targets, outcome, schedule, extra)
    checked = {}
    for phase in phases:
        if not _run_phase(ctx, phase, targets, state, retry_failed, precheck, extra, outcome, schedule, checked,
                          created):
            break
    if settings and state != 'absent':
        apply_settings(ctx, [iid for iid in targets if iid not in outcome.failures], settings, outcome, created,
                       update_proxy_password)
    return outcome


def _run_phase(ctx, phase, targets, state, retry_failed, precheck, extra, outcome, schedule, checked, created):
    """One phase (install, uninstall or upgrade) over the targets. Returns False when the run must
    stop after it (wait: false)."""
    for _pass in range(3):
        todo = [iid for iid in targets if iid not in outcome.failures and
                _needs(outcome.records.get(iid), state, phase, retry_failed)]
        _report_failed_clients(targets, state, retry_failed, outcome)
        if not todo:
            return True
        if precheck and ctx.ecs_api is not None:
            todo = _apply_precheck(ctx, todo, outcome, phase, checked)
        if ctx.check_mode:
            for iid in todo:
                outcome.records[iid] = predict(outcome.records.get(iid), iid, phase)
                outcome.changed_instances.add(iid)
                if phase == 'install':
                    created.add(iid)
            return True
        busy = []
        with ctx.writing() as locked:
            if locked:
                # Another run on this controller may have acted since our read: read again under the lock.
                fresh = records_by_instance(describe_backup_clients(ctx.api, instance_ids=todo, extra=extra,
                                                                    concurrency=ctx.concurrency))
                for iid in todo:
                    if iid in fresh:
                        outcome.records[iid] = fresh[iid]
                busy = [iid for iid in todo if _status(outcome.records.get(iid)) in TRANSITIONAL]
                todo = [iid for iid in todo if iid not in busy and
                        _needs(outcome.records.get(iid), state, phase, retry_failed)]
            issued = _issue_writes(ctx, phase, todo, outcome, extra) if todo else []
        if phase == 'install':
            created.update(issued)
        if not ctx.wait:
            for iid in issued:
                outcome.records[iid] = dict(outcome.records.get(iid) or {'instance_id': iid, 'client_id': None},
                                            status=IN_PROGRESS[phase])
            return False
        _wait_for(ctx, phase, issued, outcome, schedule, extra)
        if not busy:
            return True
        _settle_transitional(ctx, busy, outcome, schedule, extra)
    return True


def _report_failed_clients(targets, state, retry_failed, outcome):
    for iid in targets:
        record = outcome.records.get(iid)
        if iid not in outcome.failures and action_for(_status(record), state, retry_failed) == 'report':
            outcome.fail(iid, record['status'], 'the last %s failed (status %s); nothing was tried again. Fix '
                                                'the instance, then run with retry_failed: true'
                         % (record['status'].split('_')[0].lower(), record['status']), 'read')


def _resolve_client_ids(ctx, client_ids, targets, extra, outcome):
    found = records_by_instance(describe_backup_clients(ctx.api, client_ids=client_ids, extra=extra,
                                                        concurrency=ctx.concurrency))
    by_client = dict((r['client_id'], iid) for iid, r in found.items())
    missing = [cid for cid in client_ids if cid not in by_client]
    if missing:
        raise HbrConfigError('client_ids', 'client_ids has ids that match no ECS client: %s; check the ids '
                                           '(hbr_client_info lists them)' % ', '.join(missing))
    merged = list(targets)
    for cid in client_ids:
        if by_client[cid] not in merged:
            merged.append(by_client[cid])
    return merged


def _status(record):
    return record.get('status') if record else None


def _needs(record, state, phase, retry_failed):
    action = action_for(_status(record), state, retry_failed)
    if phase == 'upgrade':
        if action == 'upgrade':
            return _status(record) == 'UPGRADE_FAILED' or is_outdated(record)
        return False
    return action == phase


def predict(record, instance_id, phase):
    """Check mode: the record as the action would leave it."""
    blank = {'instance_id': instance_id, 'client_id': None, 'client_type': 'ECS_CLIENT', 'settings': {}, 'tags': {}}
    predicted = copy.deepcopy(record) if record else blank
    if phase == 'install':
        predicted['status'] = 'ACTIVATED'
    elif phase == 'uninstall':
        predicted['status'] = 'STOPPED'
    else:
        predicted['status'] = 'ACTIVATED'
        predicted['client_version'] = predicted.get('max_client_version') or predicted.get('client_version')
    return predicted


def _settle_transitional(ctx, targets, outcome, schedule, extra):
    """Wait out clients already in a transitional status before deciding anything."""
    pending = [iid for iid in targets if _status(outcome.records.get(iid)) in TRANSITIONAL]
    while pending:
        if not schedule.wait():
            for iid in pending:
                outcome.fail(iid, 'WaitTimeout', 'still %s when wait_timeout ran out (another run or the console '
                                                 'started it)' % _status(outcome.records[iid]), 'wait')
            return
        fresh = records_by_instance(describe_backup_clients(ctx.api, instance_ids=pending, extra=extra,
                                                            concurrency=ctx.concurrency))
        for iid in pending:
            if iid in fresh:
                outcome.records[iid] = fresh[iid]
            else:
                outcome.records.pop(iid, None)
        pending = [iid for iid in pending if _status(outcome.records.get(iid)) in TRANSITIONAL]


def _apply_precheck(ctx, todo, outcome, phase, checked):
    unknown = [iid for iid in todo if iid not in checked]
    if unknown:
        try:
            checked.update(precheck_instances(ctx.ecs_api, ctx.region, unknown, ctx.concurrency))
        except PrecheckUnavailable as exc:
            ctx.warnings.append(str(exc))
            ctx.ecs_api = None
            return todo
    usable = []
    for iid in todo:
        code = checked.get(iid, '')
        if code:
            outcome.fail(iid, code, '%s; no %s was attempted' % (PRECHECK_MESSAGES[code], phase), 'precheck')
        else:
            usable.append(iid)
    return usable


def _issue_writes(ctx, phase, todo, outcome, extra):
    """Send the writes in batches at the API limit, concurrently; return the instances the
    service accepted. An ambiguous failure (the request may have been applied) is resolved by
    reading the clients again and re-sending only for instances that still need it."""
    accepted = []

    def send(batch):
        remaining = list(batch)
        applied_earlier = []  # instances an ambiguous attempt turned out to have reached
        for attempt in range(MAX_WRITE_SENDS):
            try:
                body = ctx.api.call(WRITE_ACTIONS[phase], dict(extra, InstanceIds=remaining))
            except HbrApiError as exc:
                if not exc.ambiguous or attempt == MAX_WRITE_SENDS - 1:
                    for iid in remaining:
                        outcome.fail(iid, exc.code or 'ApiError', str(exc), phase)
                    return applied_earlier
                remaining, applied = _split_applied(ctx, phase, remaining, outcome, extra)
                applied_earlier.extend(applied)
                if not remaining:
                    return applied_earlier
                continue
            return applied_earlier + _accept(body, phase, remaining, outcome)
        return applied_earlier

    for result in run_concurrently(send, chunks(todo, BATCH_LIMITS[phase]), ctx.concurrency):
        accepted.extend(result)
    return accepted


def _accept(body, phase, batch, outcome):
    statuses = body.get('InstanceStatuses') or []
    if isinstance(statuses, dict):
        statuses = statuses.get('InstanceStatus') or []
    rejected = dict((s.get('InstanceId'), s.get('ErrorCode') or 'InvalidInstance') for s in statuses
                    if isinstance(s, dict) and (s.get('ErrorCode') or s.get('ValidInstance') is False))
    task_id = body.get('TaskId')
    accepted = []
    for iid in batch:
        if iid in rejected:
            outcome.fail(iid, rejected[iid], PRECHECK_MESSAGES.get(rejected[iid], 'HBR rejected the instance')
                         + '; %s not started' % phase, phase)
        else:
            accepted.append(iid)
            with outcome.lock:
                outcome.changed_instances.add(iid)
                if task_id:
                    outcome.tasks.setdefault(task_id, {'phase': phase, 'instances': [], 'started': outcome.clock()})
                    outcome.tasks[task_id]['instances'].append(iid)
    if task_id:
        with outcome.lock:
            if task_id not in outcome.task_ids:
                outcome.task_ids.append(task_id)
    return accepted


def _split_applied(ctx, phase, instance_ids, outcome, extra):
    """After an ambiguous write: which instances show the write took effect, which still need it."""
    fresh = records_by_instance(describe_backup_clients(ctx.api, instance_ids=instance_ids, extra=extra,
                                                        concurrency=1))
    still, applied = [], []
    for iid in instance_ids:
        record = fresh.get(iid)
        if record is not None:
            with outcome.lock:
                outcome.records[iid] = record
        if _write_took_effect(phase, record):
            applied.append(iid)
            with outcome.lock:
                outcome.changed_instances.add(iid)
        else:
            still.append(iid)
    return still, applied


def _write_took_effect(phase, record):
    status = _status(record)
    if phase == 'install':
        return status in ('INSTALLING', 'ACTIVATED')
    if phase == 'uninstall':
        return status in ('UNINSTALLING', 'STOPPED', 'NOT_INSTALLED')
    return status == 'UPGRADING' or (status == 'ACTIVATED' and not is_outdated(record))


def phase_outcome(phase, record):
    """'done', 'failed' or 'pending' for an instance we acted on, from its client record."""
    status = _status(record)
    if phase == 'install':
        return 'done' if status == 'ACTIVATED' else ('failed' if status == 'INSTALL_FAILED' else 'pending')
    if phase == 'uninstall':
        if record is None or status in ('STOPPED', 'NOT_INSTALLED'):
            return 'done'
        return 'failed' if status == 'UNINSTALL_FAILED' else 'pending'
    if status == 'UPGRADE_FAILED':
        return 'failed'
    return 'done' if status == 'ACTIVATED' and not is_outdated(record) else 'pending'


TASK_SUCCESS = {'install': ('ACTIVATED',), 'uninstall': ('NOT_INSTALLED', 'STOPPED'), 'upgrade': ('ACTIVATED',)}


def _wait_for(ctx, phase, issued, outcome, schedule, extra):
    """Poll the clients (99 per call) until each reached the phase's goal, failed or timed out.
    DescribeTask is read only for the error codes of failures, for tasks running longer than a
    minute (in case the clients never show the outcome), and on timeout."""
    pending = list(issued)
    last_task_check = {}
    while pending:
        if not schedule.wait():
            break
        fresh = records_by_instance(describe_backup_clients(ctx.api, instance_ids=pending, extra=extra,
                                                            concurrency=ctx.concurrency))
        failed = []
        still = []
        for iid in pending:
            record = fresh.get(iid)
            if record is not None:
                outcome.records[iid] = record
            elif phase == 'uninstall':
                outcome.records.pop(iid, None)
            verdict = phase_outcome(phase, record)
            if verdict == 'failed':
                failed.append(iid)
            elif verdict == 'pending':
                still.append(iid)
        if failed:
            _explain_failures(ctx, phase, failed, outcome)
        still = _check_long_tasks(ctx, phase, still, outcome, last_task_check)
        pending = still
    if pending:
        tasks = _tasks_of(outcome, pending)
        payloads = {}
        for task_id in tasks:
            try:
                payloads[task_id] = describe_task(ctx.api, task_id)
            except HbrApiError:
                payloads[task_id] = None
        for iid in pending:
            task_id = _task_of(outcome, iid)
            payload = task_summary(payloads.get(task_id)) if task_id else None
            outcome.fail(iid, 'WaitTimeout', 'no outcome within wait_timeout (%ss); last task state: %s'
                         % (ctx.wait_timeout, json.dumps(payload, sort_keys=True) if payload else 'unknown'),
                         'wait')


def _task_of(outcome, instance_id):
    for task_id, task in outcome.tasks.items():
        if instance_id in task['instances']:
            return task_id
    return None


def _tasks_of(outcome, instance_ids):
    wanted = set(instance_ids)
    return [task_id for task_id, task in outcome.tasks.items() if wanted.intersection(task['instances'])]


def _explain_failures(ctx, phase, failed, outcome):
    """Fetch each failed instance's errorCode from its task (once per task)."""
    for task_id in _tasks_of(outcome, failed):
        try:
            task = describe_task(ctx.api, task_id)
        except HbrApiError:
            task = None
        for iid in failed:
            if iid not in outcome.tasks[task_id]['instances']:
                continue
            item = (task or {'items': {}})['items'].get(iid) or {}
            status = _status(outcome.records.get(iid))
            detail = ' (task %s errorCode %s)' % (task_id, item['error_code']) if item.get('error_code') else \
                ' (task %s)' % task_id
            outcome.fail(iid, status, 'the %s failed%s' % (phase, detail), phase)
    for iid in failed:
        outcome.fail(iid, _status(outcome.records.get(iid)), 'the %s failed' % phase, phase)


def _check_long_tasks(ctx, phase, still, outcome, last_check):
    """For tasks running longer than TASK_CHECK_AFTER, trust DescribeTask when it says done."""
    now = outcome.clock()
    for task_id in _tasks_of(outcome, still):
        task_meta = outcome.tasks[task_id]
        if now - task_meta['started'] < TASK_CHECK_AFTER or now - last_check.get(task_id, 0) < TASK_CHECK_AFTER:
            continue
        last_check[task_id] = now
        try:
            task = describe_task(ctx.api, task_id)
        except HbrApiError:
            continue
        if not task['done']:
            continue
        for iid in task_meta['instances']:
            if iid not in still:
                continue
            item = task['items'].get(iid) or {}
            if item.get('client_status') in TASK_SUCCESS[phase] and not task['failed']:
                still.remove(iid)
            else:
                still.remove(iid)
                message = 'task %s ended (%s) without the client reaching its goal' % (task_id, task['description'])
                outcome.fail(iid, item.get('error_code') or item.get('client_status') or 'TaskFailed', message, phase)
    return still


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------

def settings_changes(current, desired, created, update_proxy_password):
    """The option -> value pairs to send for one client (empty when it already matches).

    ``current`` are normalized settings. The proxy password cannot be compared (the service
    masks it): it is sent when the client was just created, has no password yet, when another
    proxy option changes, or always with update_proxy_password=always.
    """
    changes = {}
    for option, value in desired.items():
        if option == 'proxy_password':
            continue
        if current.get(option) != value:
            changes[option] = value
    password = desired.get('proxy_password')
    if password is not None:
        proxy_moves = any(option in changes for option in PROXY_OPTIONS)
        if update_proxy_password == 'always' or created or current.get('proxy_password') != MASKED or proxy_moves:
            changes['proxy_password'] = password
    return changes


def settings_request(client_id, changes):
    params = {'ClientId': client_id}
    for option, value in changes.items():
        params[SETTING_FIELDS[option]] = value
    return params


def apply_settings(ctx, instance_ids, desired, outcome, created, update_proxy_password):
    """One UpdateClientSettings per client that differs, concurrently; never for options unset."""
    work = []
    for iid in instance_ids:
        record = outcome.records.get(iid)
        if not record or (record.get('status') != 'ACTIVATED' and not ctx.check_mode):
            continue
        changes = settings_changes(record.get('settings') or {}, desired, iid in created, update_proxy_password)
        if changes:
            work.append((iid, changes))

    def update(item):
        iid, changes = item
        record = outcome.records[iid]
        if not ctx.check_mode:
            try:
                ctx.api.call('UpdateClientSettings', settings_request(record['client_id'], changes))
            except HbrApiError as exc:
                outcome.fail(iid, exc.code or 'ApiError', str(exc), 'settings')
                return
        new = dict(record.get('settings') or {})
        new.update(changes)
        if 'proxy_password' in changes:
            new['proxy_password'] = MASKED
        with outcome.lock:
            outcome.records[iid] = dict(record, settings=new)
            outcome.changed_instances.add(iid)
            outcome.records[iid]['settings_updated'] = sorted(changes)

    run_concurrently(update, work, ctx.concurrency)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------

def public_record(record):
    """The record as returned to users (internal markers dropped)."""
    if record is None:
        return None
    return dict((k, v) for k, v in record.items() if k != 'settings_updated')


def diff_view(record, managed):
    if not record:
        return {'status': None}
    view = {'status': record.get('status'), 'client_id': record.get('client_id'),
            'client_version': record.get('client_version')}
    if managed:
        settings = record.get('settings') or {}
        view['settings'] = dict((option, settings.get(option)) for option in managed)
        if 'proxy_password' in managed:
            updated = 'proxy_password' in (record.get('settings_updated') or [])
            view['settings']['proxy_password'] = MASKED + (' (updated)' if updated else '')
    return view


def build_diff(before, after, instance_ids, managed):
    """Before/after of status, version and the managed settings, for instances that changed."""
    diff = {'before': {}, 'after': {}}
    for iid in instance_ids:
        old, new = diff_view(before.get(iid), managed), diff_view(after.get(iid), managed)
        if old != new:
            diff['before'][iid] = old
            diff['after'][iid] = new
    return diff


def failure_message(failures, total, goal):
    shown = ', '.join('%s (%s)' % (f['instance_id'], f['code']) for f in failures)
    return '%d of %d instances did not reach %s: %s' % (len(failures), total, goal, shown)


# ---------------------------------------------------------------------------------------------
# SAP HANA clients (CreateClients, read with DescribeClients)
# ---------------------------------------------------------------------------------------------

def describe_hana_clients(api, vault_id, cluster_id=None, client_id=None):
    params = {'VaultId': vault_id, 'ClientType': 'ECS_AGENT', 'SourceType': 'HANA', 'ClusterId': cluster_id,
              'ClientId': client_id}
    by_instance = {}
    for raw in api.paginate('DescribeClients', params, ('Clients', 'Client')):
        record = normalize_hana_client(raw)
        by_instance[record.get('instance_id')] = record
    return by_instance


def hana_client_info(instance_id, cluster_id, source_types, access_key_id=None, access_key_secret=None):
    info = {'instanceId': instance_id, 'clusterId': cluster_id, 'sourceTypes': list(source_types)}
    if access_key_id:
        info['accessKeyId'] = access_key_id
        info['accessKeySecret'] = access_key_secret or ''
    return info


def converge_hana(ctx, instance_ids, vault_id, cluster_id, source_types=('HANA',), retry_failed=False,
                  create_params=None, access_key_id=None, access_key_secret=None):
    """Install SAP HANA backup clients (ECS_AGENT) in a vault; state present only."""
    outcome = Outcome(ctx.clock)
    current = describe_hana_clients(ctx.api, vault_id, cluster_id)
    outcome.records = dict((iid, current[iid]) for iid in instance_ids if iid in current)
    outcome.before = copy.deepcopy(outcome.records)
    schedule = ctx.schedule()
    todo = []
    for iid in instance_ids:
        action = action_for(_status(outcome.records.get(iid)), 'present', retry_failed)
        if action == 'report':
            message = 'the last install failed; run with retry_failed: true to try again'
            outcome.fail(iid, outcome.records[iid]['status'], message, 'read')
        elif action in ('install', 'wait') and _status(outcome.records.get(iid)) not in TRANSITIONAL:
            todo.append(iid)
    pending_existing = [iid for iid in instance_ids if _status(outcome.records.get(iid)) in TRANSITIONAL]
    if ctx.check_mode:
        for iid in todo:
            predicted = predict(outcome.records.get(iid), iid, 'install')
            predicted.update({'vault_id': vault_id, 'cluster_id': cluster_id, 'client_type': 'ECS_AGENT'})
            outcome.records[iid] = predicted
            outcome.changed_instances.add(iid)
        return outcome

    def create(batch):
        infos = [hana_client_info(iid, cluster_id, source_types, access_key_id, access_key_secret) for iid in batch]
        params = dict(create_params or {}, VaultId=vault_id, ClientInfo=json.dumps(infos, separators=(',', ':')))
        try:
            body = ctx.api.call('CreateClients', params)
        except HbrApiError as exc:
            for iid in batch:
                outcome.fail(iid, exc.code or 'ApiError', str(exc), 'create')
            return []
        return _accept(body, 'install', batch, outcome)

    issued = [iid for result in run_concurrently(create, chunks(todo, BATCH_LIMITS['install']), ctx.concurrency)
              for iid in result]
    waiting = issued + pending_existing
    while waiting and ctx.wait:
        if not schedule.wait():
            for iid in waiting:
                outcome.fail(iid, 'WaitTimeout', 'no outcome within wait_timeout (%ss)' % ctx.wait_timeout, 'wait')
            break
        fresh = describe_hana_clients(ctx.api, vault_id, cluster_id)
        still = []
        for iid in waiting:
            record = fresh.get(iid)
            if record is not None:
                outcome.records[iid] = record
            verdict = phase_outcome('install', record)
            if verdict == 'failed':
                outcome.fail(iid, record['status'], 'the HANA client install failed%s'
                             % (': %s' % record['status_message'] if record.get('status_message') else ''), 'create')
            elif verdict == 'pending':
                still.append(iid)
        waiting = still
    return outcome


ACTION_WORDS = {
    'none': 'nothing',
    'wait': 'wait until it settles, then decide again',
    'install': 'install',
    'uninstall': 'uninstall',
    'upgrade': 'upgrade when ClientVersion is below MaxClientVersion',
    'report': 'report a failure without acting',
}


def status_doc_lines():
    """The status table as the documentation lines of hbr_client (a unit test checks they match)."""
    lines = []
    for status in sorted(STATUS_TABLE):
        row = STATUS_TABLE[status]
        retry = ''
        if 'retry' in row:
            retry = ' With O(retry_failed=true), %s instead.' % (
                'install (present, latest) or uninstall (absent)' if row['retry'] == 'reinstall-or-uninstall'
                else ('install (present) or upgrade (latest)' if row['retry'] == 'upgrade' else row['retry']))
        lines.append('C(%s): %s. V(present): %s. V(absent): %s. V(latest): %s.%s' % (
            status, row['meaning'], ACTION_WORDS[row['present']], ACTION_WORDS[row['absent']],
            ACTION_WORDS[row['latest']], retry))
    lines.append('No client record: V(present) and V(latest) install; V(absent) does nothing.')
    return lines
