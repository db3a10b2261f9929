# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# Waiting for the asynchronous work: poll the client records (99 per call) until each instance
# reached its phase's goal, failed or timed out; read DescribeTask for the error codes of failures,
# for tasks that run long (in case the records never show the outcome), and on timeout.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ._errors import HbrApiError
from ._model import PHASES, TRANSITIONAL, phase_outcome, record_signature, status_of
from ._tasks import describe_task, task_summary

TASK_CHECK_AFTER = 30.0


def wait_for(ctx, clients, phase, issued, outcome, schedule, baseline):
    """Wait until every instance of ``issued`` is done or failed, or the schedule runs out.
    ``baseline`` maps each instance to its record_signature before the write: a record that has not
    moved from it yet says nothing (it may lag behind the task)."""
    pending = list(issued)
    last_task_check = {}
    seen_running = set()
    while pending:
        if not schedule.wait():
            break
        fresh = clients.read(ctx, pending)
        verdicts = {}
        for iid in pending:
            record = fresh.get(iid)
            if status_of(record) == PHASES[phase].running:
                seen_running.add(iid)
            moved = iid in seen_running or record_signature(record) != baseline.get(iid)
            verdicts[iid] = phase_outcome(phase, record) if moved else 'pending'
        outcome.update_records(fresh, [iid for iid in pending if verdicts[iid] != 'pending' or iid in fresh],
                               drop_missing=(phase == 'uninstall'))
        failed = [iid for iid in pending if verdicts[iid] == 'failed']
        if failed:
            explain_failures(ctx, phase, failed, outcome)
        still = [iid for iid in pending if verdicts[iid] == 'pending']
        pending = check_long_tasks(ctx, clients, phase, still, outcome, last_task_check)
    if pending:
        fail_timeouts(ctx, pending, outcome)


def settle_transitional(ctx, clients, targets, outcome, schedule):
    """Wait out clients already in a transitional status before deciding anything."""
    pending = [iid for iid in targets if status_of(outcome.records.get(iid)) in TRANSITIONAL]
    while pending:
        if not schedule.wait():
            for iid in pending:
                outcome.fail(iid, 'WaitTimeout', 'still %s when wait_timeout ran out (another run or the console '
                                                 'started it)' % status_of(outcome.records[iid]), 'wait')
            return
        outcome.update_records(clients.read(ctx, pending), pending, drop_missing=True)
        pending = [iid for iid in pending if status_of(outcome.records.get(iid)) in TRANSITIONAL]


def _describe(ctx, task_id):
    try:
        return describe_task(ctx.api, task_id)
    except HbrApiError:
        return None


def explain_failures(ctx, phase, failed, outcome):
    """Fail each instance with its task's errorCode (one DescribeTask per task)."""
    for task_id in outcome.tasks_of(failed):
        task = _describe(ctx, task_id) or {'items': {}}
        for iid in failed:
            if iid not in outcome.tasks[task_id]['instances']:
                continue
            item = task['items'].get(iid) or {}
            record = outcome.records.get(iid) or {}
            detail = ' (task %s errorCode %s)' % (task_id, item['error_code']) if item.get('error_code') else \
                ' (task %s)' % task_id
            if record.get('status_message'):
                detail += ': %s' % record['status_message']
            outcome.fail(iid, status_of(record), 'the %s failed%s' % (phase, detail), phase)
    for iid in failed:
        outcome.fail(iid, status_of(outcome.records.get(iid)), 'the %s failed' % phase, phase)


FINAL_DESCRIPTIONS = frozenset(['completed', 'expired', 'cancelled'])


def item_verdict(phase, item, task):
    """'done', 'failed' or 'pending' for one instance from its own DescribeTask Result item. Progress
    -1 is not read as all-or-nothing: an item still running stays pending until its task ends."""
    status = item.get('client_status')
    if item.get('error_code'):
        return 'failed'
    if status in PHASES[phase].succeeded:
        return 'done'
    if status and status != PHASES[phase].running:
        return 'failed'
    return 'failed' if task['description'] in FINAL_DESCRIPTIONS else 'pending'


def check_long_tasks(ctx, clients, phase, still, outcome, last_check):
    """For tasks running longer than TASK_CHECK_AFTER, judge their items from DescribeTask (in case
    the records never show the outcome); the record of an item done is read again to confirm it."""
    now = outcome.clock()
    still = list(still)
    confirm = []
    for task_id in outcome.tasks_of(still):
        meta = outcome.tasks[task_id]
        if now - meta['started'] < TASK_CHECK_AFTER or now - last_check.get(task_id, 0) < TASK_CHECK_AFTER:
            continue
        last_check[task_id] = now
        task = _describe(ctx, task_id)
        for iid in [i for i in meta['instances'] if i in still] if task else []:
            item = task['items'].get(iid) or {}
            verdict = item_verdict(phase, item, task)
            if verdict == 'pending':
                continue
            still.remove(iid)
            if verdict == 'done':
                confirm.append((iid, item))
                continue
            message = 'task %s (%s) ended without the client reaching its goal' % (task_id, task['description'])
            outcome.fail(iid, item.get('error_code') or item.get('client_status') or 'TaskFailed', message, phase)
    if confirm:
        _confirm_records(ctx, clients, phase, confirm, outcome)
    return still


def _confirm_records(ctx, clients, phase, done, outcome):
    """Instances their task says are done: take their records, or the task's word where a record lags."""
    fresh = clients.read(ctx, [iid for iid, _item in done])
    for iid, item in done:
        record = fresh.get(iid) or outcome.records.get(iid)
        if record is not None and status_of(record) not in PHASES[phase].succeeded:
            record = dict(record, status=item['client_status'], client_id=item.get('client_id') or record.get('client_id'))
        outcome.set_record(iid, record)


def fail_timeouts(ctx, pending, outcome):
    """Fail what is still pending at the deadline, with the last state of its task."""
    payloads = dict((task_id, _describe(ctx, task_id)) for task_id in outcome.tasks_of(pending))
    for iid in pending:
        task_id = outcome.task_of(iid)
        payload = task_summary(payloads.get(task_id)) if task_id else None
        outcome.fail(iid, 'WaitTimeout', 'no outcome within wait_timeout (%ss); last task state: %s'
                     % (ctx.wait_timeout, json.dumps(payload, sort_keys=True) if payload else 'unknown'), 'wait')
