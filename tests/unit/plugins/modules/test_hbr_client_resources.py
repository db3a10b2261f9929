# -*- coding: utf-8 -*-
# hbr_client_resources: the blast-radius limit and bad ids before any call, and deletion through
# main() against the in-process emulator (check mode, diff, idempotency).

from __future__ import absolute_import, division, print_function

import pytest

from ansible_collections.alicloud.hbr.plugins.modules import hbr_client_resources

pytest.importorskip('hbr_emulator')

from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.emulated import Emulated  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.alicloud.hbr.tests.unit.plugins.modules.runner import run_module  # noqa: E402  pylint: disable=wrong-import-position

IDS = ['i-emu%017d' % n for n in range(1, 4)]


def fleet():
    return Emulated({'instances': [
        {'instance_id': IDS[0], 'client': {'status': 'ACTIVATED', 'resources': {'plans': 1, 'jobs': 2, 'snapshots': 3}}},
        {'instance_id': IDS[1], 'client': {'status': 'ACTIVATED'}},
        {'instance_id': IDS[2]}]})


@pytest.mark.parametrize('args,option', [
    ({}, 'client_ids'),
    ({'instance_ids': IDS, 'max_clients': 2}, 'max_clients'),
    ({'instance_ids': IDS, 'max_clients': 0}, 'max_clients'),
    ({'client_ids': ['c-?']}, 'client_ids'),
    ({'instance_ids': [IDS[0] + '\n']}, 'instance_ids'),
    ({'client_ids': ['c-000abcdefghij0123456\n']}, 'client_ids'),
    ({'instance_ids': ['  ']}, 'instance_ids'),
    ({'instance_ids': IDS, 'max_clients': True}, 'max_clients'),
])
def test_bad_input_fails_naming_the_option_before_any_call(args, option, monkeypatch, capsys):
    env = fleet()
    result = run_module(hbr_client_resources, args, env, monkeypatch, capsys)
    assert result['failed'] and result['option'] == option
    assert env.api.log == []


def test_an_instance_without_client_deletes_nothing(monkeypatch, capsys):
    env = fleet()
    result = run_module(hbr_client_resources, {'instance_ids': IDS}, env, monkeypatch, capsys)
    assert result['failed'] and result['option'] == 'instance_ids' and IDS[2] in result['msg']
    assert env.writes() == []


def test_check_diff_then_delete_then_idempotent(monkeypatch, capsys):
    env = fleet()
    predicted = run_module(hbr_client_resources, {'instance_ids': IDS[:2]}, env, monkeypatch, capsys,
                           check_mode=True, diff=True)
    dirty = predicted['deleted_client_ids']
    assert predicted['changed'] and len(dirty) == 1 and env.writes() == []
    assert list(predicted['diff']['before']) == dirty
    done = run_module(hbr_client_resources, {'instance_ids': IDS[:2]}, env, monkeypatch, capsys)
    assert done['changed'] and done['deleted_client_ids'] == dirty
    assert env.writes() == ['DeleteBackupClientResource']
    env.reset_log()
    again = run_module(hbr_client_resources, {'instance_ids': IDS[:2]}, env, monkeypatch, capsys)
    assert not again['changed'] and env.writes() == []
