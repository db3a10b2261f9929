# -*- coding: utf-8 -*-
# Waiting: done and failed instances from the records, failures explained from DescribeTask, and a
# timeout that reports the last task state.

from __future__ import absolute_import, division, print_function

import pytest

from ansible_collections.alicloud.hbr.plugins.module_utils import _adapters, _outcome, _waiting, _writes

pytest.importorskip('hbr_emulator')

from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.emulated import Emulated, strict  # noqa: E402  pylint: disable=wrong-import-position

IDS = ['i-emu%017d' % n for n in range(1, 4)]


def start(env, ctx, ids):
    outcome = _outcome.Outcome(env.clock.time)
    issued = _writes.issue_writes(ctx, _adapters.EcsClients(), 'install', ids, outcome, {})
    return outcome, issued


def test_waits_until_done_and_explains_failures_with_the_task_error_code():
    env = Emulated({'instances': [{'instance_id': IDS[0]}, {'instance_id': IDS[1], 'install_fails': True}]})
    ctx = env.context()
    outcome, issued = start(env, ctx, IDS[:2])
    _waiting.wait_for(ctx, _adapters.EcsClients(), 'install', issued, outcome, ctx.schedule(), baseline={})
    assert outcome.records[IDS[0]]['status'] == 'ACTIVATED' and IDS[0] not in outcome.failures
    failure = outcome.failures[IDS[1]]
    assert failure['code'] == 'INSTALL_FAILED' and 'errorCode' in failure['message'] and failure['stage'] == 'install'
    assert 'DescribeTask' in env.api.actions()


def test_timeout_reports_the_last_task_state():
    env = Emulated({'instance_count': 1, 'task_seconds': {'install': 600}})
    ctx = env.context(wait_timeout=20)
    outcome, issued = start(env, ctx, IDS[:1])
    _waiting.wait_for(ctx, _adapters.EcsClients(), 'install', issued, outcome, ctx.schedule(), baseline={})
    failure = outcome.failures[IDS[0]]
    assert failure['code'] == 'WaitTimeout' and '"description": "created"' in failure['message']


def test_the_tasks_written_last_are_noticed_soon_after_the_first_ones_ended():
    """Writes spread over 10 s: once the first 20 s task ended, the later one is polled at the minimum
    interval, so it is seen within half a second of its end (not 20 % of the 20 s since its write)."""
    env = Emulated({'instance_count': 2, 'task_seconds': {'install': 20}})
    ctx = env.context()
    outcome, issued = start(env, ctx, IDS[:1])
    env.clock.now += 10.0
    outcome_late, issued_late = start(env, ctx, IDS[1:2])
    for task_id in outcome_late.task_ids:
        outcome.add_task(task_id, 'install', issued_late)
    last_ends = env.clock.now + 20
    schedule = ctx.schedule().restarted(spread=10.0)
    _waiting.wait_for(ctx, _adapters.EcsClients(), 'install', issued + issued_late, outcome, schedule, baseline={})
    assert [outcome.records[i]['status'] for i in IDS[:2]] == ['ACTIVATED'] * 2
    if not strict():  # lagging records and dropped answers add their own delays under the strict profile
        assert env.clock.now - last_ends <= 0.5 + 1e-6
