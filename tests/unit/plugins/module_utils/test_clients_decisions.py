# -*- coding: utf-8 -*-
# Every Status x state decision, the documented table, settings comparison, the client model,
# validation, the poll schedule and task parsing. No network, no sleeping.

from __future__ import absolute_import, division, print_function

import json

import pytest
import yaml

from ansible_collections.alicloud.hbr.plugins.module_utils import _engine, _errors, _lock, _model, _outcome, _results, _settings, _signing, _tasks, _validation
from ansible_collections.alicloud.hbr.plugins.modules import hbr_client

# The expected behaviour, written out independently of STATUS_TABLE: (present, absent, latest).
EXPECTED = {
    'REGISTERED': ('install', 'uninstall', 'install'),
    'ACTIVATED': ('none', 'uninstall', 'upgrade'),
    'DEACTIVATED': ('install', 'uninstall', 'install'),
    'INSTALLING': ('wait', 'wait', 'wait'),
    'INSTALL_FAILED': ('report', 'uninstall', 'report'),
    'NOT_INSTALLED': ('install', 'none', 'install'),
    'UPGRADING': ('wait', 'wait', 'wait'),
    'UPGRADE_FAILED': ('report', 'uninstall', 'report'),
    'UNINSTALLING': ('wait', 'wait', 'wait'),
    'UNINSTALL_FAILED': ('report', 'report', 'report'),
    'STOPPED': ('install', 'none', 'install'),
    'UNKNOWN': ('install', 'uninstall', 'install'),
    None: ('install', 'none', 'install'),
}
EXPECTED_WITH_RETRY = {
    'INSTALL_FAILED': ('install', 'uninstall', 'install'),
    'UPGRADE_FAILED': ('install', 'uninstall', 'upgrade'),
    'UNINSTALL_FAILED': ('install', 'uninstall', 'install'),
}


def test_the_twelve_statuses_are_all_in_the_table():
    assert len(_model.STATUS_TABLE) == 12
    assert set(_model.STATUS_TABLE) == set(s for s in EXPECTED if s)


@pytest.mark.parametrize('status', sorted(EXPECTED, key=str))
@pytest.mark.parametrize('index,state', list(enumerate(_model.STATES)))
def test_every_status_and_state(status, index, state):
    assert _model.action_for(status, state) == EXPECTED[status][index]
    expected_retry = EXPECTED_WITH_RETRY.get(status, EXPECTED[status])[index]
    assert _model.action_for(status, state, retry_failed=True) == expected_retry


def test_the_documented_table_is_the_code_table():
    doc = yaml.safe_load(hbr_client.DOCUMENTATION)
    lines = doc['description']
    generated = _model.status_doc_lines()
    start = lines.index(generated[0])
    assert lines[start:start + len(generated)] == generated


@pytest.mark.parametrize('record,phase,expected', [
    ({'status': 'ACTIVATED'}, 'install', 'done'),
    ({'status': 'INSTALLING'}, 'install', 'pending'),
    ({'status': 'STOPPED'}, 'install', 'pending'),
    ({'status': 'INSTALL_FAILED'}, 'install', 'failed'),
    (None, 'uninstall', 'done'),
    ({'status': 'STOPPED'}, 'uninstall', 'done'),
    ({'status': 'UNINSTALLING'}, 'uninstall', 'pending'),
    ({'status': 'UNINSTALL_FAILED'}, 'uninstall', 'failed'),
    ({'status': 'ACTIVATED', 'client_version': '2.14.0', 'max_client_version': '2.14.0'}, 'upgrade', 'done'),
    ({'status': 'ACTIVATED', 'client_version': '2.9.10', 'max_client_version': '2.14.0'}, 'upgrade', 'pending'),
    ({'status': 'UPGRADE_FAILED'}, 'upgrade', 'failed'),
])
def test_phase_outcomes(record, phase, expected):
    assert _model.phase_outcome(phase, record) == expected


def test_versions_compare_numerically():
    assert _model.is_outdated({'client_version': '2.9.10', 'max_client_version': '2.14.0'})
    assert not _model.is_outdated({'client_version': '2.14.0', 'max_client_version': '2.14.0'})
    assert not _model.is_outdated({'client_version': '2.14.1', 'max_client_version': '2.14.0'})


def raw_client(**overrides):
    raw = {'ClientId': 'c-000abcdefghij0123456', 'InstanceId': 'i-bp1abcdefghij0123456', 'Status': 'ACTIVATED',
           'ClientVersion': '2.13.0', 'MaxClientVersion': '2.14.0', 'PrivateIpV4': '10.0.0.1',
           'LastHeartBeatTime': 5, 'Tags': [{'Key': 'env', 'Value': 'prod'}],
           'Settings': {'DataNetworkType': 'VPC', 'DataProxySetting': 'USE_CONTROL_PROXY', 'UseHttps': 'false',
                        'MaxCpuCore': '2', 'MaxWorker': '0', 'MaxMemory': 0, 'AlertOnPartialComplete': False,
                        'ProxyHost': '', 'ProxyPort': 0, 'ProxyUser': '', 'ProxyPassword': '******'}}
    raw.update(overrides)
    return raw


def test_normalized_client_types_and_masking():
    record = _model.normalize_client(raw_client())
    assert record['instance_id'] == 'i-bp1abcdefghij0123456' and record['client_id'] == 'c-000abcdefghij0123456'
    assert record['private_ipv4'] == '10.0.0.1' and record['last_heart_beat_time'] == 5
    assert record['tags'] == {'env': 'prod'}
    settings = record['settings']
    assert settings['max_cpu_core'] == 2 and settings['use_https'] is False and settings['max_worker'] == 0
    assert settings['proxy_password'] == '******'
    assert set(settings) == set(_model.SETTING_OPTIONS)
    assert _model.normalize_client(raw_client(Settings={'ProxyPassword': 'plain?'}))['settings'][
        'proxy_password'] == '******', 'whatever the service sends, the password is never kept'
    assert _model.normalize_client(raw_client(Settings=None))['settings']['max_cpu_core'] is None


def current_settings(**overrides):
    settings = _model.normalize_settings(raw_client()['Settings'])
    settings.update(overrides)
    return settings


def test_settings_compare_only_what_is_set():
    assert _settings.settings_changes(current_settings(), {}, False, 'on_create') == {}
    assert _settings.settings_changes(current_settings(), {'max_cpu_core': 2}, False, 'on_create') == {}
    assert _settings.settings_changes(current_settings(), {'max_cpu_core': 4, 'use_https': False}, False,
                                     'on_create') == {'max_cpu_core': 4}


@pytest.mark.parametrize('current_password,created,desired,mode,sent', [
    ('******', False, {'proxy_password': 'p'}, 'on_create', False),
    ('', False, {'proxy_password': 'p'}, 'on_create', True),
    ('******', True, {'proxy_password': 'p'}, 'on_create', True),
    ('******', False, {'proxy_password': 'p', 'proxy_host': 'new'}, 'on_create', True),
    ('******', False, {'proxy_password': 'p', 'proxy_host': ''}, 'on_create', False),
    ('******', False, {'proxy_password': 'p'}, 'always', True),
])
def test_proxy_password_rules(current_password, created, desired, mode, sent):
    changes = _settings.settings_changes(current_settings(proxy_password=current_password), desired, created, mode)
    assert ('proxy_password' in changes) is sent


def test_settings_request_uses_api_names():
    assert _settings.settings_request({'ClientId': 'c-1'}, {'max_cpu_core': 4, 'use_https': True}) == \
        {'ClientId': 'c-1', 'MaxCpuCore': 4, 'UseHttps': True}
    assert _signing.encode_params(_settings.settings_request({'ClientId': 'c-1'}, {'use_https': True}))['UseHttps'] == 'true'


@pytest.mark.parametrize('values,fragment', [
    ([], 'empty list'),
    (['i-ok000000000000000001', 'bad'], "malformed ids: 'bad'"),
    (['I-UPPER00000000000001'], 'malformed'),
    (['i-ok000000000000000001', 'i-ok000000000000000001'], 'more than once'),
])
def test_instance_id_validation(values, fragment):
    with pytest.raises(_errors.HbrConfigError) as info:
        _validation.validate_instance_ids(values)
    assert info.value.option == 'instance_ids' and fragment in info.value.message


def test_id_limit_and_client_ids():
    with pytest.raises(_errors.HbrConfigError) as info:
        _validation.validate_client_ids(['c-%020d' % n for n in range(101)], limit=100)
    assert 'at most 100' in info.value.message
    assert _validation.validate_client_ids(['c-000abcdefghij0123456']) == ['c-000abcdefghij0123456']


@pytest.mark.parametrize('tags,fragment', [
    ({'': 'x'}, 'empty tag key'),
    ({'aliyun-x': 'v'}, 'starts with aliyun or acs:'),
    ({'acs:env': 'v'}, 'starts with aliyun or acs:'),
    ({'k': 'https://x'}, 'http'),
    (dict(('k%d' % n, 'v') for n in range(21)), 'at most 20'),
])
def test_tag_validation(tags, fragment):
    with pytest.raises(_errors.HbrConfigError) as info:
        _validation.validate_tags(tags)
    assert info.value.option == 'tags' and fragment in info.value.message


@pytest.mark.parametrize('settings,option', [
    ({'proxy_port': 0}, 'proxy_port'),
    ({'proxy_port': 70000}, 'proxy_port'),
    ({'max_cpu_core': -1}, 'max_cpu_core'),
    ({'proxy_host': 'h', 'data_proxy_setting': 'DISABLE'}, 'proxy_host'),
    ({'data_proxy_setting': 'CUSTOM'}, 'proxy_host'),
])
def test_settings_validation(settings, option):
    with pytest.raises(_errors.HbrConfigError) as info:
        _validation.validate_settings(settings)
    assert info.value.option == option


class Clock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def test_poll_schedule_grows_with_elapsed_time_and_is_capped():
    clock = Clock()
    schedule = _tasks.PollSchedule(900, minimum=0.5, maximum=30, ratio=0.2, clock=clock.time, sleep=clock.sleep)
    while clock.now < 600:
        assert schedule.wait()
    assert clock.sleeps[:5] == [0.5, 0.5, 0.5, 0.5, 0.5], 'short tasks are seen quickly'
    assert max(clock.sleeps) == 30, 'long tasks are polled at the documented 30 s'
    assert all(b >= a for a, b in zip(clock.sleeps, clock.sleeps[1:]))
    assert len(clock.sleeps) < 60, 'a 10-minute wait costs a few dozen polls, not hundreds'


def test_poll_schedule_never_sleeps_past_the_deadline():
    clock = Clock()
    schedule = _tasks.PollSchedule(10, clock=clock.time, sleep=clock.sleep)
    while schedule.wait():
        pass
    assert clock.now == pytest.approx(10) and schedule.remaining() <= 0


def test_parse_task_result_string():
    body = {'Description': 'completed', 'Progress': 100, 'Result': json.dumps([
        {'instanceId': 'i-1', 'clientId': 'c-1', 'clientStatus': 'ACTIVATED', 'errorCode': ''},
        {'instanceId': 'i-2', 'clientId': 'c-2', 'clientStatus': 'INSTALL_FAILED', 'errorCode': 'Boom'}])}
    task = _tasks.parse_task(body, 't-1')
    assert task['done'] and not task['failed']
    assert task['items']['i-2'] == {'client_id': 'c-2', 'client_status': 'INSTALL_FAILED', 'error_code': 'Boom'}
    assert task['items']['i-1']['error_code'] is None


@pytest.mark.parametrize('body,done,failed', [
    ({'Description': 'created', 'Progress': 40, 'Result': ''}, False, False),
    ({'Description': 'completed', 'Progress': -1, 'Result': '[]'}, True, True),
    ({'Description': 'expired', 'Progress': 80}, True, True),
    ({'Description': 'cancelled', 'Progress': 10}, True, True),
    ({'Description': 'completed', 'Progress': 'x', 'Result': {}}, True, False),
])
def test_parse_task_states(body, done, failed):
    task = _tasks.parse_task(body)
    assert (task['done'], task['failed']) == (done, failed)


def test_parse_task_malformed_result_is_a_clean_error():
    with pytest.raises(_errors.HbrApiError) as info:
        _tasks.parse_task({'Description': 'completed', 'Result': '{not json'})
    assert info.value.code == 'InvalidResponse'


def test_failure_message_names_each_instance_and_code():
    failures = [{'instance_id': 'i-1', 'code': 'InstanceNotRunning'}, {'instance_id': 'i-2', 'code': 'X'}]
    assert _results.failure_message(failures, 10, 'state present') == \
        '2 of 10 instances did not reach state present: i-1 (InstanceNotRunning), i-2 (X)'


def test_diff_only_lists_changed_instances_and_masks_password():
    before = {'i-1': {'status': 'ACTIVATED', 'client_id': 'c-1', 'client_version': '1', 'settings': {}},
              'i-2': {'status': 'ACTIVATED', 'client_id': 'c-2', 'client_version': '1', 'settings': {}}}
    outcome = _outcome.Outcome()
    outcome.start(before)
    outcome.settings_applied('i-2', dict(before['i-2'], settings={'proxy_password': '******'}), ['proxy_password'])
    diff = _results.build_diff(outcome, ['i-1', 'i-2'], ['proxy_password'])
    assert list(diff['after']) == ['i-2']
    assert diff['after']['i-2']['settings']['proxy_password'] == '****** (updated)'


def test_write_lock_excludes_a_second_holder_and_times_out(tmp_path):
    clock = Clock()
    first = _lock.WriteLock('endpoint|key', timeout=1.0, clock=clock.time, sleep=clock.sleep,
                               directory=str(tmp_path))
    second = _lock.WriteLock('endpoint|key', timeout=1.0, clock=clock.time, sleep=clock.sleep,
                                directory=str(tmp_path))
    assert first.path == second.path
    with first.held() as got_first:
        assert got_first
        with second.held() as got_second:
            assert got_second is False, 'a second holder waits, then gives up at the timeout'
        assert clock.now >= 1.0
    with second.held() as got_second:
        assert got_second, 'free again once the first holder left'


def test_an_unusable_lock_file_never_breaks_the_run(tmp_path):
    lock = _lock.WriteLock('k', directory=str(tmp_path / 'missing-directory'))
    with lock.held() as acquired:
        assert acquired is False
    ctx = _engine.Context(None, write_lock=lock)
    outcome = _outcome.Outcome()
    with ctx.writing(outcome) as acquired:
        assert acquired is False
    assert 'could not be taken' in outcome.warnings[0]
