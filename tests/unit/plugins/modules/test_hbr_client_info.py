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
