# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# Sending a phase's writes: batches at the API limit, sent concurrently; the instances each answer
# accepts or rejects; and the repair of an ambiguous write (no answer, maybe applied), which reads
# the clients again and re-sends only for the instances that still need it - never blindly.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ._adapters import rejected_instances
from ._concurrency import chunks, run_concurrently
from ._errors import HbrApiError
from ._model import PHASES, record_signature, status_of, write_took_effect
from ._precheck import PRECHECK_MESSAGES

MAX_WRITE_SENDS = 3
# After a write whose answer was lost, how long its effect is looked for in the records before the
# write is sent again. The records may lag behind the task (the docs do not say), so a first read
# that shows nothing is not proof that nothing happened.
AMBIGUOUS_WAIT = 30.0


def issue_writes(ctx, clients, phase, todo, outcome, baseline):
    """Send ``phase`` for every instance of ``todo``; return the instances the service took.
    ``baseline`` maps each instance to its record_signature before the write."""
    batches = chunks(todo, clients.batch_limits[phase])
    results = run_concurrently(lambda batch: _send_batch(ctx, clients, phase, batch, outcome, baseline), batches,
                               ctx.concurrency)
    return [iid for accepted in results for iid in accepted]


def _send_batch(ctx, clients, phase, batch, outcome, baseline):
    remaining = list(batch)
    applied_earlier = []  # instances an ambiguous attempt turned out to have reached
    for attempt in range(MAX_WRITE_SENDS):
        try:
            body = clients.send(ctx, phase, remaining, outcome.records)
        except HbrApiError as exc:
            if not exc.ambiguous or attempt == MAX_WRITE_SENDS - 1:
                for iid in remaining:
                    outcome.fail(iid, exc.code or 'ApiError', str(exc), phase)
                return applied_earlier
            remaining, applied = _split_applied(ctx, clients, phase, remaining, outcome, baseline)
            applied_earlier.extend(applied)
            if not remaining:
                return applied_earlier
            continue
        return applied_earlier + accept(body, phase, remaining, outcome)
    return applied_earlier


def accept(body, phase, batch, outcome):
    """The instances of ``batch`` the answer accepted; the rejected ones fail with their ErrorCode."""
    rejected = rejected_instances(body)
    accepted = [iid for iid in batch if iid not in rejected]
    for iid in batch:
        if iid in rejected:
            outcome.fail(iid, rejected[iid], PRECHECK_MESSAGES.get(rejected[iid], 'HBR rejected the instance')
                         + '; %s not started' % phase, phase)
    outcome.add_task(body.get('TaskId'), phase, accepted)
    return accepted


def _split_applied(ctx, clients, phase, instance_ids, outcome, baseline):
    """After an ambiguous write: which instances show that it took effect, which still need it.
    The records are read until each shows the write or AMBIGUOUS_WAIT has passed (never a re-send
    on one read that may lag)."""
    deadline = ctx.clock() + AMBIGUOUS_WAIT
    delay = 1.0
    while True:
        fresh = clients.read(ctx, instance_ids)
        outcome.update_records(fresh, instance_ids)
        applied = [iid for iid in instance_ids if _shows_write(phase, fresh.get(iid), baseline.get(iid))]
        still = [iid for iid in instance_ids if iid not in applied]
        if not still or ctx.clock() >= deadline:
            break
        ctx.sleep(min(delay, deadline - ctx.clock()))
        delay *= 2
    for iid in applied:
        outcome.mark_changed(iid)
    return still, applied


def _shows_write(phase, record, before):
    if write_took_effect(phase, record):
        return True
    moved = record_signature(record) != before
    return moved and status_of(record) in (PHASES[phase].running, PHASES[phase].failed)
