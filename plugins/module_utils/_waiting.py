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
from ._model import PHASES, TRANSITIONAL, phase_outcome, predict, record_signature, status_of
from ._tasks import describe_task, task_summary

TASK_CHECK_AFTER = 30.0
# How long a client whose task says done may take to show it in its record before the task's word is taken.
CONFIRM_WAIT = 60.0


def wait_for(ctx, clients, phase, issued, outcome, schedule, *, baseline):
    """Wait until every instance of ``issued`` is done or failed, or the schedule runs out.
    ``baseline`` maps each instance to its record_signature before the write: a record that has not
    moved from it yet says nothing (it may lag behind the task)."""
    _Waiter(ctx, clients, phase, outcome, baseline).run(list(issued), schedule)


class _Waiter:
    """The state of one wait: records seen running, tasks last checked, instances whose task says
    done while their record has not caught up yet (at most CONFIRM_WAIT)."""

    def __init__(self, ctx, clients, phase, outcome, baseline):
        self.ctx, self.clients, self.phase, self.outcome, self.baseline = ctx, clients, phase, outcome, baseline
        self.seen_running = set()
        self.last_task_check = {}
        self.task_done = {}  # instance id -> (DescribeTask item, when)

    def run(self, pending, schedule):
        while pending and schedule.wait():
            still = self.poll(pending)
            if len(still) < len(pending):
                schedule.tasks_ending()  # the tasks written later are due soon: poll closer
            pending = still
        self.accept_task_word([iid for iid in pending if iid in self.task_done])
        pending = [iid for iid in pending if iid not in self.task_done]
        if pending:
            fail_timeouts(self.ctx, pending, self.outcome)

    def poll(self, pending):
        fresh = self.clients.read(self.ctx, pending)
        verdicts = dict((iid, self.verdict(iid, fresh.get(iid))) for iid in pending)
        self.outcome.update_records(fresh, [iid for iid in pending if verdicts[iid] != 'pending' or iid in fresh],
                                    drop_missing=(self.phase == 'uninstall'))
        failed = [iid for iid in pending if verdicts[iid] == 'failed']
        if failed:
            explain_failures(self.ctx, self.phase, failed, self.outcome)
        still = [iid for iid in pending if verdicts[iid] == 'pending']
        overdue = [iid for iid in still if iid in self.task_done and
                   self.outcome.clock() - self.task_done[iid][1] >= CONFIRM_WAIT]
        self.accept_task_word(overdue)
        return self.check_tasks([iid for iid in still if iid not in overdue])

    def verdict(self, iid, record):
        if status_of(record) == PHASES[self.phase].running:
            self.seen_running.add(iid)
        moved = iid in self.seen_running or record_signature(record) != self.baseline.get(iid)
        return phase_outcome(self.phase, record) if moved else 'pending'

    def check_tasks(self, still):
        """For tasks running longer than TASK_CHECK_AFTER, judge their items from DescribeTask (in case
        the records never show the outcome); an item done there waits for its record to confirm."""
        now = self.outcome.clock()
        for task_id in self.outcome.tasks_of([iid for iid in still if iid not in self.task_done]):
            meta = self.outcome.tasks[task_id]
            if now - meta['started'] < TASK_CHECK_AFTER or now - self.last_task_check.get(task_id, 0) < TASK_CHECK_AFTER:
                continue
            self.last_task_check[task_id] = now
            task = _describe(self.ctx, task_id)
            for iid in [i for i in meta['instances'] if i in still] if task else []:
                item = task['items'].get(iid) or {}
                verdict = item_verdict(self.phase, item, task)
                if verdict == 'done':
                    self.task_done.setdefault(iid, (item, now))
                elif verdict == 'failed':
                    still.remove(iid)
                    message = 'task %s (%s) ended without the client reaching its goal' % (task_id, task['description'])
                    self.outcome.fail(iid, item.get('error_code') or item.get('client_status') or 'TaskFailed',
                                      message, self.phase)
        return still

    def accept_task_word(self, instance_ids):
        """Done by their task, not (yet) by their record: the record as the task says it ends."""
        for iid in instance_ids:
            item = self.task_done[iid][0]
            record = self.outcome.records.get(iid)
            if self.phase == 'uninstall' and record is None:
                continue
            base = record or dict(self.clients.blank_record(), instance_id=iid)
            self.outcome.set_record(iid, predict_from_task(self.phase, base, item))


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


def predict_from_task(phase, record, item):
    predicted = predict(record, record.get('instance_id'), phase)
    predicted['status'] = item.get('client_status') or predicted['status']
    predicted['client_id'] = item.get('client_id') or predicted.get('client_id')
    return predicted


def fail_timeouts(ctx, pending, outcome):
    """Fail what is still pending at the deadline, with the last state of its task."""
    payloads = dict((task_id, _describe(ctx, task_id)) for task_id in outcome.tasks_of(pending))
    for iid in pending:
        task_id = outcome.task_of(iid)
        payload = task_summary(payloads.get(task_id)) if task_id else None
        outcome.fail(iid, 'WaitTimeout', 'no outcome within wait_timeout (%ss); last task state: %s'
                     % (ctx.wait_timeout, json.dumps(payload, sort_keys=True) if payload else 'unknown'), 'wait')
