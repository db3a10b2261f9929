# -*- coding: utf-8 -*-
# Convergence of whole fleets, against the emulator's Service in-process with a fake clock.

from __future__ import absolute_import, division, print_function

import collections
import json
import math
import os

import pytest

from ansible_collections.alicloud.hbr.plugins.module_utils import _adapters, _engine, _errors, _lock, _signing

pytest.importorskip('hbr_emulator')

from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.emulated import DropFirst, Emulated, strict  # noqa: E402  pylint: disable=wrong-import-position

EXACT_CALLS = not strict()

IDS = ['i-emu%017d' % n for n in range(1, 400)]


def converge(env, ids, state='present', **kwargs):
    context_keys = ('check_mode', 'wait', 'wait_timeout', 'ecs_api', 'concurrency', 'write_lock')
    context_args = dict((k, kwargs.pop(k)) for k in list(kwargs) if k in context_keys)
    ctx = env.context(**context_args)
    clients = kwargs.pop('clients', None) or _adapters.EcsClients()
    request = _engine.ConvergeRequest(instance_ids=ids, state=state, **kwargs)
    outcome = _engine.converge(ctx, clients, request)
    return ctx, outcome


def statuses(env):
    return collections.Counter(c['Status'] for c in env.state()['clients'])


def test_protect_a_fresh_fleet_then_nothing_to_do():
    env = Emulated({'instance_count': 50})
    ctx, outcome = converge(env, IDS[:50])
    assert outcome.failures == {} and outcome.changed
    assert statuses(env) == {'ACTIVATED': 50}
    assert env.api.actions().count('InstallBackupClients') == 3
    assert len(outcome.task_ids) == 3
    assert [r['status'] for r in outcome.records.values()] == ['ACTIVATED'] * 50
    assert all(c['AppliedInstalls'] == 1 for c in env.state()['clients'])

    env.reset_log()
    ctx, again = converge(env, IDS[:50])
    assert not again.changed and again.failures == {} and again.task_ids == []
    assert env.writes() == []
    if EXACT_CALLS:  # reads and retried idempotent writes vary under the strict profile
        assert env.api.actions() == ['DescribeBackupClients'], 'one read of 50 ids, nothing else'
    assert env.ecs.actions() == [], 'nothing to act on, so no ECS precheck'


def acceptance_fleet():
    instances = [{'instance_id': IDS[n]} for n in range(277)]
    instances += [{'instance_id': 'i-stopped%012d' % n, 'status': 'Stopped'} for n in range(10)]
    instances += [{'instance_id': 'i-noassist%011d' % n, 'cloud_assistant': False} for n in range(5)]
    instances += [{'instance_id': 'i-failing%012d' % n, 'install_fails': True} for n in range(5)]
    missing = ['i-missing%012d' % n for n in range(3)]
    return {'instances': instances}, [i['instance_id'] for i in instances] + missing


def test_the_300_instance_acceptance_scenario():
    scenario, targets = acceptance_fleet()
    env = Emulated(scenario)
    ctx, outcome = converge(env, targets)
    assert len(targets) == 300
    converged = [iid for iid, r in outcome.records.items() if r['status'] == 'ACTIVATED']
    assert len(converged) == 277 and sorted(converged) == sorted(IDS[:277])
    codes = collections.Counter(f['code'] for f in outcome.failures.values())
    assert codes == {'InstanceNotRunning': 10, 'CloudAssistNotRunningOnInstance': 5, 'INSTALL_FAILED': 5,
                     'InstanceNotExists': 3}
    failing = [f for f in outcome.failures.values() if f['code'] == 'INSTALL_FAILED']
    if EXACT_CALLS:  # a batch whose answer was dropped has no known task, hence no task errorCode to show
        assert all('InstallClientFailed' in f['message'] for f in failing), 'the task errorCode is surfaced'
    actions = collections.Counter(env.api.actions())
    assert actions['InstallBackupClients'] <= math.ceil(300 / 20)
    assert actions['UpdateClientSettings'] == 0
    first_read = [a for a in env.api.log if a[0] == 'DescribeBackupClients'][:math.ceil(300 / 99)]
    assert sum(len(__import__('json').loads(p['InstanceIds'])) for _a, p in first_read) == 300
    first_failures = dict((iid, f['code']) for iid, f in outcome.failures.items())

    env.reset_log()
    ctx, again = converge(env, targets)
    assert env.writes() == [], 'the second run sends no write at all'
    assert dict((iid, f['code']) for iid, f in again.failures.items()) == first_failures
    assert not again.changed
    if EXACT_CALLS:  # reads and retried idempotent writes vary under the strict profile
        assert env.api.actions().count('DescribeBackupClients') <= math.ceil(300 / 99)


def reads_until_the_first_wait(env):
    """DescribeBackupClients calls before the last write of the first phase (the wait's polls come after)."""
    actions = env.api.actions()
    last_write = len(actions) - actions[::-1].index('InstallBackupClients')
    return actions[:last_write].count('DescribeBackupClients')


@pytest.mark.parametrize('locked', [False, True])
def test_at_most_one_read_per_99_and_one_install_per_20(tmp_path, locked):
    """The run's own read is the only one before its writes: with the lock and a generation no other
    run moved, nothing is read again (no second read of what is about to be written)."""
    env = Emulated({'instance_count': 300})
    lock = _lock.WriteLock('k', directory=str(tmp_path)) if locked else None
    ctx, outcome = converge(env, IDS[:300], write_lock=lock)
    assert outcome.failures == {}
    if EXACT_CALLS:  # reads and retried idempotent writes vary under the strict profile
        assert reads_until_the_first_wait(env) == math.ceil(300 / 99)
    actions = env.api.actions()
    assert actions.count('InstallBackupClients') == math.ceil(300 / 20)
    assert 'UpdateClientSettings' not in actions
    if locked:
        assert lock.generation() is not None, 'the writes moved the generation'


def test_a_run_that_keeps_the_generation_reads_nothing_again_in_its_next_phase(tmp_path):
    """install then upgrade in one run: its own bump after the installs does not count as another run's
    write, so the upgrade is sent without a re-read either."""
    env = Emulated({'instances': [{'instance_id': iid} for iid in IDS[:2]] + [
        {'instance_id': iid, 'client': {'status': 'ACTIVATED', 'version': '2.12.0'}} for iid in IDS[2:4]]})
    lock = _lock.WriteLock('k', directory=str(tmp_path))
    ctx, outcome = converge(env, IDS[:4], 'latest', write_lock=lock)
    assert outcome.failures == {}
    upgrade = env.api.actions().index('UpgradeBackupClients')
    reads = [json.loads(p['InstanceIds']) for a, p in env.api.log[:upgrade] if a == 'DescribeBackupClients']
    if EXACT_CALLS:  # reads and retried idempotent writes vary under the strict profile
        assert reads[0] == IDS[:4] and all(r == IDS[:2] for r in reads[1:]), \
            'after the first read, only the installs being waited for are read (no re-read of IDS[2:4])'


class AnotherRun:
    """A fault hook: right after our first read (of the first 99 ids), another run on this controller
    installs ``ids`` and bumps the generation, as if it held the lock between our read and our write."""

    def __init__(self, env, lock, ids):
        self.env, self.lock, self.ids, self.done = env, lock, ids, False

    def __call__(self, action, params):
        if action != 'DescribeBackupClients' or self.done:
            return
        self.done = True
        for start in range(0, len(self.ids), 20):
            self.env.service.call('InstallBackupClients', _signing.encode_params(
                {'InstanceIds': self.ids[start:start + 20]}))
        self.lock.bump()
        self.env.clock.now += 3  # past the strict profile's record lag: the other run's tasks show


def test_another_runs_write_between_our_read_and_our_write_is_seen_and_waited_for(tmp_path):
    lock = _lock.WriteLock('k', directory=str(tmp_path))
    other = _lock.WriteLock('k', directory=str(tmp_path))
    env = Emulated({'instance_count': 300})
    hook = AnotherRun(env, other, IDS[:40])
    if strict():
        env.api.fault.then = hook  # after the strict profile's dropped answers
    else:
        env.api.fault = hook
    ctx, outcome = converge(env, IDS[:300], write_lock=lock, concurrency=1)
    assert hook.done and outcome.failures == {}
    clients = env.state()['clients']
    assert len(clients) == 300 and all(c['AppliedInstalls'] == 1 for c in clients), 'none installed twice'
    ours = [i for a, p in env.api.log if a == 'InstallBackupClients' for i in json.loads(p['InstanceIds'])]
    assert not set(ours) & set(IDS[:40]) and set(ours) == set(IDS[40:300])
    assert [outcome.records[iid]['status'] for iid in IDS[:40]] == ['ACTIVATED'] * 40, 'waited for'
    if EXACT_CALLS:  # reads and retried idempotent writes vary under the strict profile
        assert reads_until_the_first_wait(env) == 2 * math.ceil(300 / 99), 'one narrow re-read of the 300'


def test_an_unusable_generation_means_a_re_read_and_the_run_still_succeeds(tmp_path):
    lock = _lock.WriteLock('k', directory=str(tmp_path))
    os.mkdir(lock.generation_path)  # neither readable nor replaceable as a file
    env = Emulated({'instance_count': 120})
    ctx, outcome = converge(env, IDS[:120], write_lock=lock)
    assert outcome.failures == {} and statuses(env) == {'ACTIVATED': 120}
    assert all(c['AppliedInstalls'] == 1 for c in env.state()['clients'])
    if EXACT_CALLS:  # reads and retried idempotent writes vary under the strict profile
        assert reads_until_the_first_wait(env) == 2 * math.ceil(120 / 99), 'read again before writing'
    assert outcome.warnings == [], 'no generation left for another run to trust: nothing to warn about'


def test_settings_only_where_they_differ():
    env = Emulated({'instances': [{'instance_id': IDS[n], 'client': {
        'status': 'ACTIVATED', 'settings': {'MaxCpuCore': '2' if n % 2 else '0'}}} for n in range(10)]})
    ctx, outcome = converge(env, IDS[:10], settings={'max_cpu_core': 2})
    if EXACT_CALLS:  # reads and retried idempotent writes vary under the strict profile
        assert env.api.actions().count('UpdateClientSettings') == 5
    assert sorted(iid for iid in outcome.changed_instances) == sorted(IDS[n] for n in range(10) if n % 2 == 0)
    assert all(c['Settings']['MaxCpuCore'] == '2' for c in env.state()['clients'])
    env.reset_log()
    converge(env, IDS[:10], settings={'max_cpu_core': 2, 'use_https': False})
    assert env.writes() == []


def test_new_clients_get_settings_and_password_once():
    env = Emulated({'instance_count': 3})
    settings = {'data_proxy_setting': 'CUSTOM', 'proxy_host': '10.0.0.9', 'proxy_port': 3128,
                'proxy_password': 'S3cret-proxy'}
    ctx, outcome = converge(env, IDS[:3], settings=settings)
    if EXACT_CALLS:  # reads and retried idempotent writes vary under the strict profile
        assert env.api.actions().count('UpdateClientSettings') == 3
    sent = [p for a, p in env.api.log if a == 'UpdateClientSettings']
    assert all(p['ProxyPassword'] == 'S3cret-proxy' for p in sent)
    assert all(r['settings']['proxy_password'] == '******' for r in outcome.records.values())
    assert all(c['ProxyPasswordSet'] for c in env.state()['clients'])
    env.reset_log()
    converge(env, IDS[:3], settings=settings)
    assert env.writes() == [], 'on_create: the masked password is not re-sent'
    converge(env, IDS[:3], settings=settings, update_proxy_password='always')
    if EXACT_CALLS:  # reads and retried idempotent writes vary under the strict profile
        assert env.writes().count('UpdateClientSettings') == 3


def test_latest_installs_then_upgrades():
    env = Emulated({'instance_count': 30, 'instances': [{'instance_id': 'i-old000000000000001', 'client': {
        'status': 'ACTIVATED', 'version': '2.12.0'}}]})
    ctx, outcome = converge(env, IDS[:30] + ['i-old000000000000001'], 'latest')
    assert outcome.failures == {}
    assert set(r['client_version'] for r in outcome.records.values()) == {'2.14.0'}
    actions = env.api.actions()
    assert actions.count('InstallBackupClients') == 2 and actions.count('UpgradeBackupClients') == 1
    env.reset_log()
    converge(env, IDS[:30] + ['i-old000000000000001'], 'latest')
    assert env.writes() == []


def test_absent_uninstalls_and_is_then_idempotent():
    env = Emulated({'instances': [{'instance_id': IDS[n], 'client': {'status': 'ACTIVATED'}} for n in range(25)]})
    ctx, outcome = converge(env, IDS[:25] + [IDS[300]], 'absent')
    assert outcome.failures == {}, 'an instance with no client (even one that does not exist) is already absent'
    assert IDS[300] not in outcome.records
    assert statuses(env) == {'STOPPED': 25}
    assert env.api.actions().count('UninstallBackupClients') == 2
    env.reset_log()
    ctx, again = converge(env, IDS[:25], 'absent')
    assert env.writes() == [] and not again.changed


def test_transitional_clients_are_waited_out_not_acted_on_twice():
    env = Emulated({'instances': [{'instance_id': IDS[0], 'client': {'status': 'INSTALLING'}},
                                  {'instance_id': IDS[1], 'client': {'status': 'UNINSTALLING'}}]})
    ctx, outcome = converge(env, IDS[:2])
    assert outcome.failures == {}
    assert env.api.actions().count('InstallBackupClients') == 1, 'only the one that ended uninstalled'
    clients = dict((c['InstanceId'], c) for c in env.state()['clients'])
    assert clients[IDS[0]]['AppliedInstalls'] == 0 and clients[IDS[1]]['AppliedInstalls'] == 1
    assert all(c['Status'] == 'ACTIVATED' for c in clients.values())


def test_check_mode_predicts_without_writing_or_waiting():
    env = Emulated({'instance_count': 5, 'instances': [{'instance_id': 'i-stopped000000000001', 'status': 'Stopped'}]})
    ctx, outcome = converge(env, IDS[:5] + ['i-stopped000000000001'], check_mode=True,
                            settings={'max_worker': 3})
    assert env.writes() == [] and env.clock.slept == []
    assert outcome.changed and set(outcome.changed_instances) == set(IDS[:5])
    assert all(outcome.records[i]['status'] == 'ACTIVATED' for i in IDS[:5])
    assert all(outcome.records[i]['settings']['max_worker'] == 3 for i in IDS[:5])
    assert outcome.failures['i-stopped000000000001']['code'] == 'InstanceNotRunning'
    assert env.state()['clients'] == []


def test_wait_false_returns_task_ids_at_once():
    env = Emulated({'instance_count': 5})
    ctx, outcome = converge(env, IDS[:5], wait=False)
    assert len(outcome.task_ids) == 1 and env.clock.slept == []
    assert all(r['status'] == 'INSTALLING' for r in outcome.records.values())


def test_timeout_reports_the_last_task_state():
    slow = {'install': 600, 'uninstall': 1, 'upgrade': 1, 'create': 1}
    env = Emulated({'instance_count': 2, 'task_seconds': slow})
    ctx, outcome = converge(env, IDS[:2], wait_timeout=30)
    assert set(f['code'] for f in outcome.failures.values()) == {'WaitTimeout'}
    assert all('"description": "created"' in f['message'] for f in outcome.failures.values())
    assert env.clock.now - 1800000000.0 <= 31


def test_ambiguous_install_is_resent_only_where_needed():
    dropped = {'count': 0}

    def drop_first_install(action, params):
        if action == 'InstallBackupClients' and dropped['count'] == 0:
            dropped['count'] += 1
            raise _errors.HbrApiError('connection closed', code='ConnectionDropped', action=action, ambiguous=True)

    env = Emulated({'instance_count': 40}, fault=drop_first_install)
    ctx, outcome = converge(env, IDS[:40], concurrency=1)
    assert outcome.failures == {} and dropped['count'] == 1
    clients = env.state()['clients']
    assert len(clients) == 40 and all(c['AppliedInstalls'] == 1 for c in clients), 'no instance installed twice'
    assert env.api.actions().count('InstallBackupClients') == 2, 'the dropped batch was not re-sent'


def test_partly_applied_ambiguous_install_keeps_the_applied_instances():
    """A batch that reached some instances before the connection dropped: the ones it reached are
    waited on and configured like the ones the re-send reaches."""
    env = Emulated({'instance_count': 4})
    original = env.api._send_once
    state = {'done': False}

    def apply_half_then_drop(action, params):
        if action == 'InstallBackupClients' and not state['done']:
            state['done'] = True
            original(action, dict(params, InstanceIds=params['InstanceIds'][:2]))
            raise _errors.HbrApiError('connection closed', code='ConnectionDropped', action=action, ambiguous=True)
        return original(action, params)

    env.api._send_once = apply_half_then_drop
    ctx, outcome = converge(env, IDS[:4], settings={'max_worker': 3})
    assert outcome.failures == {}
    assert all(c['AppliedInstalls'] == 1 for c in env.state()['clients'])
    assert [outcome.records[i]['status'] for i in IDS[:4]] == ['ACTIVATED'] * 4
    assert all(c['Settings']['MaxWorker'] == '3' for c in env.state()['clients']), 'settings reach all four'


def test_ambiguous_failure_before_applying_is_resent():
    state = {'failed': False}
    env = Emulated({'instance_count': 3})

    original = env.api._send_once

    def lose_request_once(action, params):
        if action == 'InstallBackupClients' and not state['failed']:
            state['failed'] = True
            raise _errors.HbrApiError('read timeout', code='ReadTimeout', action=action, ambiguous=True)
        return original(action, params)

    env.api._send_once = lose_request_once
    ctx, outcome = converge(env, IDS[:3])
    assert outcome.failures == {}
    assert all(c['AppliedInstalls'] == 1 for c in env.state()['clients'])


def test_unknown_client_ids_fail_before_any_write_unless_absent():
    env = Emulated({'instances': [{'instance_id': IDS[0], 'client': {'status': 'ACTIVATED'}}]})
    with pytest.raises(_errors.HbrConfigError) as info:
        converge(env, [], 'latest', client_ids=['c-000doesnotexist0000'])
    assert info.value.option == 'client_ids' and env.writes() == []
    ctx, outcome = converge(env, [], 'absent', client_ids=['c-000doesnotexist0000'])
    assert not outcome.changed and outcome.failures == {} and env.writes() == [], 'no record: already absent'


def test_client_ids_select_their_instances():
    env = Emulated({'instances': [{'instance_id': IDS[0], 'client': {'status': 'ACTIVATED'}}]})
    client_id = env.state()['clients'][0]['ClientId']
    ctx, outcome = converge(env, [], 'absent', client_ids=[client_id])
    assert statuses(env) == {'STOPPED': 1} and outcome.failures == {}


def test_failed_clients_are_reported_not_retried_unless_asked():
    env = Emulated({'instances': [{'instance_id': IDS[0], 'client': {'status': 'INSTALL_FAILED'}}]})
    ctx, outcome = converge(env, IDS[:1])
    assert outcome.failures[IDS[0]]['code'] == 'INSTALL_FAILED' and env.writes() == []
    assert 'retry_failed' in outcome.failures[IDS[0]]['message']
    ctx, outcome = converge(env, IDS[:1], retry_failed=True)
    assert outcome.failures == {} and statuses(env) == {'ACTIVATED': 1}


def test_precheck_degrades_to_a_warning_without_ecs_permission():
    env = Emulated({'instance_count': 2})

    def forbidden(action, params):
        raise _errors.HbrApiError('not authorized', code='Forbidden.RAM', http_status=403, action=action)

    env.ecs.fault = forbidden
    ctx, outcome = converge(env, IDS[:2])
    assert outcome.failures == {} and statuses(env) == {'ACTIVATED': 2}
    assert len(outcome.warnings) == 1 and 'ecs:DescribeInstances' in outcome.warnings[0]


def test_without_precheck_hbr_reports_the_instance():
    env = Emulated({'instances': [{'instance_id': 'i-stopped000000000001', 'status': 'Stopped'}]})
    ctx, outcome = converge(env, ['i-stopped000000000001'], precheck=False)
    assert outcome.failures['i-stopped000000000001']['code'] == 'InstanceNotRunning'
    assert outcome.failures['i-stopped000000000001']['stage'] == 'install'


def test_hana_clients_present_then_idempotent():
    env = Emulated({'instances': [{'instance_id': 'i-hana00000000000000%d' % n} for n in range(2)]})
    ctx = env.context()
    ids = ['i-hana000000000000000', 'i-hana000000000000001']
    hana = _adapters.HanaClients('v-0001abcdefghij01234', 'cl-0001abcdefghij01234',
                                 create_options={'AlertSetting': 'INHERITED'}, access_key=('AKHANA', 'hana-secret-value'))
    outcome = _engine.converge(ctx, hana, _engine.ConvergeRequest(instance_ids=ids))
    assert outcome.failures == {} and set(r['status'] for r in outcome.records.values()) == {'ACTIVATED'}
    sent = [p for a, p in env.api.log if a == 'CreateClients'][0]
    assert 'hana-secret-value' in sent['ClientInfo'], 'the key goes to the API'
    assert 'hana-secret-value' not in repr(outcome.records), 'and never comes back'
    env.reset_log()
    again = _engine.converge(env.context(), hana, _engine.ConvergeRequest(instance_ids=ids))
    assert not again.changed and env.writes() == []


# The service behaviours the docs leave open: the collection must be right under each variant.

def test_lagging_record_does_not_turn_a_retried_install_into_a_false_failure():
    env = Emulated({'instances': [{'instance_id': IDS[0], 'client': {'status': 'INSTALL_FAILED'}}],
                    'behaviour': {'record_lag_seconds': 10}})
    ctx, outcome = converge(env, IDS[:1], retry_failed=True)
    assert outcome.failures == {} and outcome.records[IDS[0]]['status'] == 'ACTIVATED'


def test_a_dropped_install_answer_with_a_lagging_record_is_applied_once():
    drop = DropFirst('InstallBackupClients')
    env = Emulated({'instance_count': 3, 'behaviour': {'record_lag_seconds': 8}}, fault=drop)
    ctx, outcome = converge(env, IDS[:3])
    assert len(drop.sent) == 1, 'the install was found applied once the record caught up, not sent again'
    assert outcome.failures == {} and statuses(env) == {'ACTIVATED': 3}


@pytest.mark.parametrize('behaviour', [{'page_size_cap': 50}, {'short_page_rate': 0.3},
                                       {'page_size_cap': 20, 'short_page_rate': 0.3}])
def test_capped_or_short_pages_never_lead_to_an_install_on_an_existing_client(behaviour):
    env = Emulated({'instances': [{'instance_id': iid, 'client': {'status': 'ACTIVATED', 'version': '2.14.0'}}
                                  for iid in IDS[:100]], 'behaviour': behaviour, 'faults': {'seed': 3}})
    ctx, outcome = converge(env, IDS[:100])
    assert env.writes() == [] and not outcome.changed and len(outcome.records) == 100


def test_progress_minus_one_fails_only_the_items_that_failed():
    env = Emulated({'instances': [{'instance_id': IDS[0]}, {'instance_id': IDS[1], 'install_fails': True},
                                  {'instance_id': IDS[2]}],
                    'behaviour': {'partial_task_progress': 'minus_one', 'record_lag_seconds': 90}})
    ctx, outcome = converge(env, IDS[:3])
    assert set(outcome.failures) == {IDS[1]}
    assert [outcome.records[i]['status'] for i in (IDS[0], IDS[2])] == ['ACTIVATED', 'ACTIVATED']


def test_a_call_level_error_for_one_instance_is_that_instances_failure():
    env = Emulated({'instances': [{'instance_id': IDS[0], 'status': 'Stopped'}],
                    'behaviour': {'single_instance_errors': 'call_level'}})
    ctx, outcome = converge(env, IDS[:1], precheck=False)
    assert outcome.failures[IDS[0]]['code'] == 'InstanceNotRunning' and outcome.failures[IDS[0]]['stage'] == 'install'


def test_a_freshly_started_instance_waits_for_cloud_assistant():
    env = Emulated({'instances': [{'instance_id': IDS[0], 'started_seconds_ago': 20,
                                   'cloud_assistant_after_seconds': 60}]})
    ctx, outcome = converge(env, IDS[:1])
    assert outcome.failures == {} and outcome.records[IDS[0]]['status'] == 'ACTIVATED'


def test_a_clear_proxy_password_is_compared_and_never_returned():
    env = Emulated({'instance_count': 2, 'behaviour': {'proxy_password': 'clear'}})
    proxy = {'data_proxy_setting': 'CUSTOM', 'proxy_host': 'proxy.local', 'proxy_port': 3128,
             'proxy_password': 'pw-Clear+/=%&"'}
    converge(env, IDS[:2], settings=proxy)
    env.reset_log()
    ctx, again = converge(env, IDS[:2], settings=proxy)
    assert env.writes() == [] and not again.changed, 'same password: nothing sent'
    assert 'pw-Clear' not in repr(again.records) and 'pw-Clear' not in repr(again.before)
    ctx, changed = converge(env, IDS[:2], settings=dict(proxy, proxy_password='another-one'))
    assert set(env.writes()) == {'UpdateClientSettings'} and changed.changed
    if EXACT_CALLS:  # a dropped answer is sent again under the strict profile (which call drops follows the seed)
        assert len(env.writes()) == 2


# The whole lifecycle: purge, orphans, SAP HANA latest and absent.

def test_purge_uninstalls_then_deletes_the_records_and_is_then_idempotent():
    env = Emulated({'instances': [{'instance_id': iid, 'client': {'status': 'ACTIVATED'}} for iid in IDS[:30]]})
    ctx, predicted = converge(env, IDS[:30], 'absent', purge=True, check_mode=True)
    assert predicted.changed and predicted.records == {} and env.writes() == []
    ctx, outcome = converge(env, IDS[:30], 'absent', purge=True)
    assert outcome.failures == {} and outcome.records == {} and env.state()['clients'] == []
    if EXACT_CALLS:  # reads and retried idempotent writes vary under the strict profile
        assert env.writes().count('DeleteBackupClient') == 30 and env.writes().count('UninstallBackupClients') == 2
    env.reset_log()
    ctx, again = converge(env, IDS[:30], 'absent', purge=True)
    assert not again.changed and env.writes() == []


def test_orphaned_clients_skip_the_uninstall_and_lose_their_record():
    env = Emulated({'instances': [{'instance_id': iid, 'client': {'status': 'ACTIVATED'}} for iid in IDS[:4]]})
    for iid in IDS[:2]:
        env.service.release_instance(iid)
    ctx, outcome = converge(env, IDS[:4], 'absent', purge=True)
    assert outcome.failures == {} and env.state()['clients'] == []
    uninstalled = [p['InstanceIds'] for a, p in env.api.log if a == 'UninstallBackupClients']
    assert all(IDS[0] not in ids and IDS[1] not in ids for ids in uninstalled)


def test_the_wait_after_a_late_write_polls_from_that_write():
    """40 s spent waiting for Cloud Assistant before the install: the 5 s install is still noticed
    within about a second of its end (polls timed from the write, not from the run's start)."""
    written = []

    def note_the_write(action, params):
        if action == 'InstallBackupClients':
            written.append(env.clock.now)

    env = Emulated({'instances': [{'instance_id': IDS[0], 'started_seconds_ago': 20,
                                   'cloud_assistant_after_seconds': 60}]}, fault=note_the_write)
    ctx, outcome = converge(env, IDS[:1])
    assert outcome.failures == {} and written and written[0] - 1800000000.0 >= 39
    if EXACT_CALLS:  # dropped answers and lagging records add their own waits under the strict profile
        assert env.clock.now - written[0] <= 5 + 1.2


def test_the_heartbeat_rule_names_the_clients_and_when_to_run_again():
    env = Emulated({'instances': [{'instance_id': iid, 'client': {'status': 'ACTIVATED'}} for iid in IDS[:3]],
                    'behaviour': {'delete_quiet_seconds': 3600}})
    ctx, outcome = converge(env, IDS[:2], 'absent', purge=True)
    assert sorted(outcome.failures) == IDS[:2] and outcome.changed, 'uninstalled, but the records stay for now'
    for failure in outcome.failures.values():
        assert failure['stage'] == 'delete' and 'run again after' in failure['message']
    assert len(env.state()['clients']) == 3


def test_sap_hana_latest_settings_and_absent_with_purge():
    env = Emulated({'instances': [{'instance_id': 'i-hana00000000000000%d' % n} for n in range(2)],
                    'client_version': '2.13.0', 'max_client_version': '2.14.0'})
    ids = ['i-hana000000000000000', 'i-hana000000000000001']
    hana = _adapters.HanaClients('v-0001abcdefghij01234', 'cl-0001abcdefghij01234')
    ctx, latest = converge(env, ids, 'latest', clients=hana, settings={'use_https': True})
    assert latest.failures == {}
    assert [r['client_version'] for r in latest.records.values()] == ['2.14.0', '2.14.0']
    assert all(r['settings']['use_https'] is True for r in latest.records.values())
    env.reset_log()
    ctx, again = converge(env, ids, 'latest', clients=hana, settings={'use_https': True})
    assert not again.changed and env.writes() == []
    ctx, gone = converge(env, ids, 'absent', clients=hana, purge=True)
    assert gone.failures == {} and gone.records == {} and env.state()['clients'] == []
    if EXACT_CALLS:  # reads and retried idempotent writes vary under the strict profile
        assert env.writes().count('UninstallClient') == 2 and env.writes().count('DeleteClient') == 2


def test_a_delete_whose_answer_was_lost_is_not_a_failure():
    drop = DropFirst('DeleteBackupClient')
    env = Emulated({'instances': [{'instance_id': IDS[0], 'client': {'status': 'STOPPED'}}]}, fault=drop)
    ctx, outcome = converge(env, IDS[:1], 'absent', purge=True)
    assert drop.sent and outcome.failures == {} and env.state()['clients'] == []
