# -*- coding: utf-8 -*-
# hbr_client_info: validation before any call, and reads through main() against the in-process emulator.

from __future__ import absolute_import, division, print_function

import pytest

from ansible_collections.alicloud.hbr.plugins.modules import hbr_client_info

pytest.importorskip('hbr_emulator')

from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.emulated import Emulated  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.alicloud.hbr.tests.unit.plugins.modules.runner import run_module  # noqa: E402  pylint: disable=wrong-import-position

IDS = ['i-emu%017d' % n for n in range(1, 5)]


def fleet():
    statuses = ['ACTIVATED', 'ACTIVATED', 'UNKNOWN']
    return Emulated({'instances': [{'instance_id': iid, 'client': {'status': status, 'tags': {'env': 'prod'}}}
                                   for iid, status in zip(IDS, statuses)] + [{'instance_id': IDS[3]}]})


@pytest.mark.parametrize('args,option', [
    ({'instance_ids': ['i-x']}, 'instance_ids'),
    ({'tags': {'acs:reserved': 'x'}}, 'tags'),
    ({'vault_id': 'v-0001abcdefghij01234', 'tags': {'a': 'b'}}, 'tags'),
    ({'vault_id': 'not-a-vault'}, 'vault_id'),
    ({'filters': {'': 'x'}}, 'filters'),
    ({'instance_ids': [IDS[0] + '\n']}, 'instance_ids'),
    ({'client_ids': ['c-000abcdefghij0123456\n']}, 'client_ids'),
    ({'tags': {'env': {'nested': 'dict'}}}, 'tags'),
    ({'tags': {'   ': 'x'}}, 'tags'),
    ({'filters': {'Status': {'a': 'b'}}}, 'filters'),
    ({'filters': {'Status': ['ACTIVATED', ['x']]}}, 'filters'),
    ({'cross_account_type': 'CROSS_ACCOUNT', 'cross_account_user_id': 1, 'cross_account_role_name': ' '},
     'cross_account_role_name'),
    ({'cross_account_type': 'CROSS_ACCOUNT', 'cross_account_user_id': True, 'cross_account_role_name': 'r'},
     'cross_account_user_id'),
    ({'cluster_id': '   '}, 'cluster_id'),
])
def test_bad_input_fails_naming_the_option_before_any_call(args, option, monkeypatch, capsys):
    env = fleet()
    result = run_module(hbr_client_info, args, env, monkeypatch, capsys)
    assert result['failed'] and result['option'] == option
    assert env.api.log == []


def test_lists_filters_and_never_writes(monkeypatch, capsys):
    env = fleet()
    result = run_module(hbr_client_info, {'instance_ids': IDS}, env, monkeypatch, capsys)
    assert not result['changed'] and sorted(c['instance_id'] for c in result['clients']) == IDS[:3]
    attention = run_module(hbr_client_info, {'status': ['UNKNOWN']}, env, monkeypatch, capsys)
    assert [c['instance_id'] for c in attention['clients']] == [IDS[2]]
    tagged = run_module(hbr_client_info, {'tags': {'env': 'dev'}}, env, monkeypatch, capsys)
    assert tagged['clients'] == []
    assert env.writes() == []


def test_check_instances_flags_exactly_the_orphans(monkeypatch, capsys):
    env = fleet()
    env.service.release_instance(IDS[1])
    result = run_module(hbr_client_info, {'instance_ids': IDS, 'check_instances': True}, env, monkeypatch, capsys)
    flags = dict((c['instance_id'], c['orphaned']) for c in result['clients'])
    assert flags == {IDS[0]: False, IDS[1]: True, IDS[2]: False}
    assert env.ecs.actions() == ['DescribeInstances'] and env.writes() == []


def test_a_scalar_filter_is_sent_as_one_value(monkeypatch, capsys):
    env = fleet()
    result = run_module(hbr_client_info, {'filters': {'Status': 'UNKNOWN'}}, env, monkeypatch, capsys)
    assert not result.get('failed')
    assert [flat for action, flat in env.api.log if 'Filters.1.Values.1' in flat][0]['Filters.1.Values.1'] == 'UNKNOWN'
