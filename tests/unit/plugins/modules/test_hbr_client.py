# -*- coding: utf-8 -*-
# hbr_client: validation before any call, and whole runs through main() against the in-process
# emulator (results, idempotency, check and diff modes, per-instance failures).

from __future__ import absolute_import, division, print_function

import pytest

from ansible_collections.alicloud.hbr.plugins.modules import hbr_client

pytest.importorskip('hbr_emulator')

from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.emulated import Emulated  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.alicloud.hbr.tests.unit.plugins.modules.runner import run_module  # noqa: E402  pylint: disable=wrong-import-position

IDS = ['i-emu%017d' % n for n in range(1, 6)]
HANA = {'vault_id': 'v-0001abcdefghij01234', 'cluster_id': 'cl-0001abcdefghij01234'}


@pytest.mark.parametrize('args,option', [
    ({'instance_ids': ['not-an-id']}, 'instance_ids'),
    ({'instance_ids': [IDS[0], IDS[0]]}, 'instance_ids'),
    ({}, 'instance_ids'),
    ({'client_ids': ['c-!bad']}, 'client_ids'),
    ({'instance_ids': IDS, 'wait_timeout': 0}, 'wait_timeout'),
    ({'instance_ids': IDS, 'concurrency': 99}, 'concurrency'),
    ({'instance_ids': IDS, 'proxy_port': 70000, 'data_proxy_setting': 'CUSTOM', 'proxy_host': 'p'}, 'proxy_port'),
    ({'instance_ids': IDS, 'max_cpu_core': 2, 'state': 'absent'}, 'max_cpu_core'),
    ({'instance_ids': IDS, 'alert_setting': 'INHERITED'}, 'alert_setting'),
    ({'instance_ids': IDS, 'purge': True}, 'purge'),
    ({'instance_ids': IDS, 'purge': True, 'state': 'absent', 'wait': False}, 'purge'),
    (dict(HANA, instance_ids=IDS, max_worker=2), 'max_worker'),
    ({'instance_ids': IDS, 'vault_id': HANA['vault_id']}, 'cluster_id'),
    ({'instance_ids': IDS, 'cross_account_type': 'CROSS_ACCOUNT'}, 'cross_account_user_id'),
    ({'instance_ids': IDS, 'alicloud_region': None, 'hbr_endpoint': 'http://127.0.0.1:1'}, 'alicloud_region'),
])
def test_bad_input_fails_naming_the_option_before_any_call(args, option, monkeypatch, capsys):
    env = Emulated({'instance_count': 5})
    result = run_module(hbr_client, args, env, monkeypatch, capsys)
    assert result['failed'] and result['option'] == option, result['msg']
    assert env.api.log == [] and env.ecs.log == []


def test_present_then_idempotent(monkeypatch, capsys):
    env = Emulated({'instance_count': 5})
    first = run_module(hbr_client, {'instance_ids': IDS, 'max_cpu_core': 2}, env, monkeypatch, capsys)
    assert first['changed'] and not first.get('failed')
    assert first['changed_instance_ids'] == IDS and len(first['task_ids']) == 1
    assert [c['status'] for c in first['clients']] == ['ACTIVATED'] * 5
    assert all(c['settings']['max_cpu_core'] == 2 for c in first['clients'])
    assert set(c['Status'] for c in env.state()['clients']) == {'ACTIVATED'}
    env.reset_log()
    again = run_module(hbr_client, {'instance_ids': IDS, 'max_cpu_core': 2}, env, monkeypatch, capsys)
    assert not again['changed'] and again['changed_instance_ids'] == [] and again['task_ids'] == []
    assert env.writes() == []


def test_check_mode_and_diff_predict_without_writing(monkeypatch, capsys):
    env = Emulated({'instance_count': 5})
    result = run_module(hbr_client, {'instance_ids': IDS[:2]}, env, monkeypatch, capsys, check_mode=True, diff=True)
    assert result['changed'] and env.writes() == [] and env.state()['clients'] == []
    assert result['diff']['before'] == {IDS[0]: {'status': None}, IDS[1]: {'status': None}}
    assert result['diff']['after'][IDS[0]]['status'] == 'ACTIVATED'


def test_per_instance_failures_name_each_instance_and_code(monkeypatch, capsys):
    env = Emulated({'instances': [{'instance_id': IDS[0]}, {'instance_id': IDS[1], 'status': 'Stopped'}]})
    result = run_module(hbr_client, {'instance_ids': IDS[:2]}, env, monkeypatch, capsys)
    assert result['failed'] and result['changed']
    assert result['failures'] == [{'instance_id': IDS[1], 'client_id': None, 'code': 'InstanceNotRunning',
                                   'message': 'the ECS instance is not running; no install was attempted',
                                   'stage': 'precheck'}]
    assert '%s (InstanceNotRunning)' % IDS[1] in result['msg']
    assert [c['instance_id'] for c in result['clients']] == [IDS[0]]


def test_sap_hana_present_goes_through_the_same_engine(monkeypatch, capsys):
    env = Emulated({'instance_count': 2})
    args = dict(HANA, instance_ids=IDS[:2], hana_access_key_id='AKHANA', hana_access_key_secret='hana-secret-v')
    first = run_module(hbr_client, args, env, monkeypatch, capsys)
    assert first['changed'] and [c['status'] for c in first['clients']] == ['ACTIVATED', 'ACTIVATED']
    assert all(c['vault_id'] == HANA['vault_id'] and 'max_client_version' in c for c in first['clients'])
    assert 'hana-secret-v' not in repr(first)
    env.reset_log()
    again = run_module(hbr_client, args, env, monkeypatch, capsys)
    assert not again['changed'] and env.writes() == []
