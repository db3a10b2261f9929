# -*- coding: utf-8 -*-
# Sending writes: batches at the limit, rejected instances fail with their code, and an ambiguous
# write is repaired from the records, never re-sent blindly.

from __future__ import absolute_import, division, print_function

import pytest

from ansible_collections.alicloud.hbr.plugins.module_utils import _adapters, _outcome, _writes

pytest.importorskip('hbr_emulator')

from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.emulated import DropFirst, Emulated  # noqa: E402  pylint: disable=wrong-import-position

IDS = ['i-emu%017d' % n for n in range(1, 46)]


def test_batches_of_twenty_and_rejections_named():
    env = Emulated({'instances': [{'instance_id': iid} for iid in IDS[:44]] + [{'instance_id': IDS[44],
                                                                                'status': 'Stopped'}]})
    outcome = _outcome.Outcome(env.clock.time)
    accepted = _writes.issue_writes(env.context(concurrency=1), _adapters.EcsClients(), 'install', IDS, outcome, {})
    assert env.api.actions() == ['InstallBackupClients'] * 3
    assert accepted == IDS[:44] and outcome.failures[IDS[44]]['code'] == 'InstanceNotRunning'
    assert len(outcome.task_ids) == 3 and outcome.changed_instances == set(IDS[:44])


def test_an_ambiguous_write_that_was_applied_is_not_sent_again():
    drop = DropFirst('InstallBackupClients')
    env = Emulated({'instance_count': 3}, fault=drop)
    outcome = _outcome.Outcome(env.clock.time)
    accepted = _writes.issue_writes(env.context(), _adapters.EcsClients(), 'install', IDS[:3], outcome, {})
    assert accepted == IDS[:3] and len(drop.sent) == 1, 'the applied install was recognised from the records'
    assert outcome.failures == {} and outcome.changed_instances == set(IDS[:3])
