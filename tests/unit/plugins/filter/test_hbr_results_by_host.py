# -*- coding: utf-8 -*-
# The hbr_results_by_host filter: one real hbr_client result (main() against the in-process emulator)
# split into one entry per inventory hostname, and every way the play-wide call can end.

from __future__ import absolute_import, division, print_function

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.alicloud.hbr.plugins.filter.hbr_results_by_host import FilterModule, hbr_results_by_host
from ansible_collections.alicloud.hbr.plugins.modules import hbr_client

pytest.importorskip('hbr_emulator')

from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.emulated import Emulated  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.alicloud.hbr.tests.unit.plugins.modules.runner import run_module  # noqa: E402  pylint: disable=wrong-import-position

FRESH = 'i-emu00000000000000001'
ACTIVE = 'i-emu00000000000000002'
STOPPED = 'i-emu00000000000000003'
ID_VARS = ['instance_id', 'ecs_instance_id']


def real_run(monkeypatch, capsys):
    env = Emulated({'client_version': '2.13.0', 'instances': [
        {'instance_id': FRESH}, {'instance_id': ACTIVE, 'client': {'status': 'ACTIVATED', 'version': '2.13.0'}},
        {'instance_id': STOPPED, 'status': 'Stopped'}]})
    return run_module(hbr_client, {'instance_ids': [FRESH, ACTIVE, STOPPED]}, env, monkeypatch, capsys)


def test_a_real_result_gives_each_host_its_own_outcome(monkeypatch, capsys):
    run = real_run(monkeypatch, capsys)
    ids = {'web-1': FRESH, 'web-2': ACTIVE, 'db-1': STOPPED, 'alias-of-web-1': FRESH, 'bare': ''}
    results = hbr_results_by_host(run, ids, ID_VARS)
    assert sorted(results) == sorted(ids)
    assert [results[h]['changed'] for h in ('web-1', 'web-2', 'db-1', 'alias-of-web-1', 'bare')] == [
        True, False, False, True, False]
    assert [results[h]['ok'] for h in ('web-1', 'web-2', 'db-1', 'alias-of-web-1', 'bare')] == [
        True, True, False, True, False]
    assert results['web-1']['record']['status'] == 'ACTIVATED'
    assert results['web-1']['message'] == '%s: ACTIVATED 2.13.0' % FRESH
    assert results['db-1']['failure']['code'] == 'InstanceNotRunning' and results['db-1']['record'] == {}
    assert results['db-1']['message'].startswith('%s: InstanceNotRunning - the ECS instance is not running' % STOPPED)
    assert results['bare']['message'] == ("bare has none of the host variables instance_id, ecs_instance_id; "
                                          "set one to the host's ECS instance id")
    # each entry holds only its own host's record: nothing N-sized reaches a host's entry
    assert all(len(entry['record']) <= len(run['clients'][0]) for entry in results.values())


def test_a_call_that_failed_as_a_whole_fails_every_host_with_its_message():
    run = {'failed': True, 'changed': False, 'msg': 'InvalidAccessKeyId.NotFound: Specified access key is not found'}
    results = hbr_results_by_host(run, {'a': FRESH, 'b': ''}, ID_VARS)
    assert results['a'] == {'instance_id': FRESH, 'record': {}, 'failure': {}, 'changed': False, 'ok': False,
                            'message': 'hbr_client failed for the whole play: InvalidAccessKeyId.NotFound: '
                                       'Specified access key is not found'}
    assert results['b']['ok'] is False and 'has none of the host variables' in results['b']['message']


def test_a_skipped_call_and_a_missing_result_name_the_hosts_without_ids():
    skipped = {'changed': False, 'skipped': True, 'skip_reason': 'Conditional result was False'}
    for run in (skipped, {}, None):
        results = hbr_results_by_host(run, {'a': ''})
        assert results['a']['ok'] is False
        assert results['a']['message'] == "a has none of the host variables (none given); set one to the host's ECS instance id"
    assert hbr_results_by_host({'clients': []}, {'a': FRESH})['a']['message'] == '%s: no client' % FRESH


@pytest.mark.parametrize('run,ids,id_vars', [
    (['not', 'a', 'dict'], {}, []),
    ({}, ['a'], []),
    ({}, {}, 'instance_id'),
])
def test_bad_arguments_fail_with_a_clear_message(run, ids, id_vars):
    with pytest.raises(AnsibleFilterError, match='hbr_results_by_host: '):
        hbr_results_by_host(run, ids, id_vars)


def test_the_filter_is_registered_under_its_documented_name():
    assert FilterModule().filters() == {'hbr_results_by_host': hbr_results_by_host}
