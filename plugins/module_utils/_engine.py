# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# The one convergence engine, for every kind of client (the differences live in _adapters.py):
# read the targets, settle clients already busy, then for each phase of the desired state decide per
# instance from the status table, precheck, send the writes in batches under the write lock (first
# re-reading them only when another run on this controller wrote since our read: the write
# generation, see _write_phase), wait; finally apply the settings. Per-instance problems become
# failures in the Outcome; only an API failure of the run as a whole raises. The data flow is drawn
# in docs/architecture.md.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import time

from ._errors import HbrConfigError
from ._lock import HAS_FCNTL
from ._model import PHASES, TRANSITIONAL, action_for, needs_phase, phases_for, predict, record_signature, status_of
from ._outcome import Outcome
from ._precheck import Precheck
from ._purge import purge_records
from ._settings import apply_settings
from ._tasks import PollSchedule
from ._waiting import settle_transitional, wait_for
from ._writes import issue_writes

MAX_PASSES = 3


class Context:
    """Everything convergence needs besides the request: clients, modes, time, the write lock."""

    def __init__(self, api, *, ecs_api=None, region=None, check_mode=False, wait=True, wait_timeout=900,
                 concurrency=10, clock=time.time, sleep=time.sleep, poll_minimum=0.5, poll_maximum=30.0,
                 write_lock=None):
        self.api, self.ecs_api, self.region = api, ecs_api, region  # the HBR client, the ECS one (precheck)
        self.check_mode, self.wait, self.wait_timeout = check_mode, wait, wait_timeout
        self.concurrency, self.write_lock = concurrency, write_lock
        self.clock, self.sleep = clock, sleep  # injectable for tests
        self.poll_minimum, self.poll_maximum = poll_minimum, poll_maximum

    def has_lock(self):
        return self.write_lock is not None and HAS_FCNTL

    def generation(self):
        """The write generation of this controller (_lock.py); None when it cannot be known."""
        return self.write_lock.generation() if self.has_lock() else None

    def note_generation(self):
        """The generation a run notes before its first read. None yet (the first run on this controller)
        starts one: a fresh token only ever makes other runs re-read, so starting it needs no lock."""
        return self.generation() or (self.write_lock.bump() if self.has_lock() else None)

    def bump_generation(self, outcome):
        """After writing: a new generation, returned (None when it could not be written). When the old
        one stays readable, other runs could miss our writes: that is worth a warning."""
        if not self.has_lock():
            return None
        token = self.write_lock.bump()
        if token is None and self.write_lock.generation() is not None:
            outcome.warn('the write generation %s could not be updated; concurrent alicloud.hbr runs on this '
                         'controller may not see this run\'s writes (make the file writable, or remove it)'
                         % self.write_lock.generation_path)
        return token

    @contextlib.contextmanager
    def writing(self, outcome):
        """Hold the controller-wide write lock (_lock.py), when there is one; yields whether it is held."""
        if not self.has_lock():
            yield False
            return
        with self.write_lock.held() as acquired:
            if not acquired:
                outcome.warn('the write lock %s could not be taken (held by another alicloud.hbr run for more '
                             'than %ss, or not writable); this run went on without it'
                             % (self.write_lock.path, self.write_lock.timeout))
            yield acquired

    def schedule(self):
        return PollSchedule(self.wait_timeout, self.poll_minimum, self.poll_maximum, clock=self.clock,
                            sleep=self.sleep)


class ConvergeRequest:
    """What the task asks for, as plain values."""

    def __init__(self, *, instance_ids=None, client_ids=None, state='present', settings=None,
                 update_proxy_password='on_create', retry_failed=False, precheck=True, purge=False):
        self.instance_ids = list(instance_ids or [])
        self.client_ids = list(client_ids or [])
        self.state = state
        self.settings = dict((k, v) for k, v in (settings or {}).items() if v is not None)
        self.update_proxy_password = update_proxy_password
        self.retry_failed = retry_failed
        self.precheck = precheck
        self.purge = purge and state == 'absent'


class _Run:
    """The state of one convergence run that its phases share."""

    def __init__(self, ctx, clients, request):
        self.ctx = ctx
        self.clients = clients
        self.request = request
        self.outcome = Outcome(ctx.clock)
        self.schedule = ctx.schedule()
        self.created = set()
        # the write generation our records are current with (see _write_phase); None: not known
        self.generation = None
        use_precheck = request.precheck and clients.precheck and ctx.ecs_api is not None
        self.precheck = Precheck(ctx.ecs_api if use_precheck else None, ctx.region, ctx.concurrency, ctx.clock)


def converge(ctx, clients, request):
    """Bring every target to ``request.state``; return the Outcome. Raises HbrApiError only when the
    API as a whole fails, HbrConfigError when client_ids name unknown clients."""
    run = _Run(ctx, clients, request)
    targets = list(request.instance_ids)
    if request.client_ids:
        targets = _resolve_client_ids(run, targets)
    run.generation = ctx.note_generation()  # before the read: a write after this point moves it
    run.outcome.start(clients.read(ctx, targets))
    if not ctx.check_mode:
        settle_transitional(ctx, clients, targets, run.outcome, run.schedule)
    for phase in phases_for(request.state):
        if not _run_phase(run, phase, targets):
            break
    if request.settings and request.state != 'absent':
        active = [iid for iid in targets if iid not in run.outcome.failures]
        apply_settings(ctx, clients, request, active, run.outcome, run.created)
    if request.purge and (ctx.wait or ctx.check_mode):
        purge_records(ctx, clients, targets, run.outcome)
    return run.outcome


def _resolve_client_ids(run, targets):
    found = run.clients.read_by_client_ids(run.ctx, run.request.client_ids)
    by_client = dict((record['client_id'], iid) for iid, record in found.items())
    missing = [cid for cid in run.request.client_ids if cid not in by_client]
    if missing and run.request.state == 'absent':
        missing = []  # a client that has no record any more is already absent
    if missing:
        raise HbrConfigError('client_ids', 'client_ids has ids that match no %s client: %s; check the ids '
                                           '(hbr_client_info lists them)' % (run.clients.kind, ', '.join(missing)))
    merged = list(targets)
    merged.extend(by_client[cid] for cid in run.request.client_ids if cid in by_client and by_client[cid] not in merged)
    return merged


def _needing(run, phase, targets):
    request, outcome = run.request, run.outcome
    return [iid for iid in targets if iid not in outcome.failures and
            needs_phase(outcome.records.get(iid), request.state, phase, request.retry_failed)]


def _run_phase(run, phase, targets):
    """One phase over the targets. Returns False when the run must stop after it (wait: false)."""
    ctx, outcome = run.ctx, run.outcome
    for _pass in range(MAX_PASSES):
        todo = _needing(run, phase, targets)
        _report_failed_clients(run, targets)
        if not todo:
            return True
        # with purge, an instance that is gone (an orphaned client) skips the uninstall; its record is deleted
        todo, starting = run.precheck.split(todo, outcome, phase, keep_gone=run.request.purge)
        if starting and not ctx.check_mode:
            todo += run.precheck.wait_for_assistant(starting, outcome, phase, run.schedule)
        elif starting:
            todo += starting
        if ctx.check_mode:
            _predict(run, phase, todo)
            return True
        issued, busy, baseline, spread = _write_phase(run, phase, todo)
        if phase == 'install':
            run.created.update(issued)
        if not ctx.wait:
            _mark_in_progress(run, phase, issued)
            return False
        wait_for(ctx, run.clients, phase, issued, outcome, run.schedule.restarted(spread), baseline=baseline)
        if not busy:
            return True
        settle_transitional(ctx, run.clients, busy, outcome, run.schedule)
    return True


def _write_phase(run, phase, todo):
    """Send the phase's writes under the controller-wide write lock. Returns (issued, busy, baseline,
    spread): ``spread`` is how long the writes took (the wait polls closer that long once the first
    of their tasks ended, _tasks.PollSchedule).

    The rule (the write generation, _lock.py): the run noted the generation before its first read.
    Under the lock, an unchanged generation means no other run on this controller wrote since that
    read: our records are current and the writes go at once. A changed one (or one that cannot be
    read) means another run may have acted on our instances: they are read again first (99 per
    call, concurrently), and those another run set going are waited for (``busy``) instead of
    written twice. After writing, still under the lock, the generation is bumped; our records stay
    current with it only when no re-read was needed (a re-read refreshed ``todo`` alone).

    Without a usable lock (none, no fcntl, or not had in time: ``writing`` warns of the last) nothing
    is re-read: without exclusion neither the generation nor a re-read can keep another writer out (a
    re-read only narrows the window, and across controllers that measured no benefit). The
    generation is still bumped, so that runs holding the lock later see these writes.
    """
    ctx, outcome = run.ctx, run.outcome
    busy = []
    with ctx.writing(outcome) as locked:
        reread = locked and (run.generation is None or ctx.generation() != run.generation)
        if reread:
            outcome.update_records(run.clients.read(ctx, todo), todo)
            busy = [iid for iid in todo if status_of(outcome.records.get(iid)) in TRANSITIONAL]
        ready = [iid for iid in _needing(run, phase, todo) if iid not in busy]
        baseline = dict((iid, record_signature(outcome.records.get(iid))) for iid in ready)
        started = ctx.clock()
        issued = issue_writes(ctx, run.clients, phase, ready, outcome, baseline) if ready else []
        spread = ctx.clock() - started
        if ready:
            token = ctx.bump_generation(outcome)
            run.generation = token if locked and not reread else None
    return issued, busy, baseline, spread


def _predict(run, phase, todo):
    for iid in todo:
        run.outcome.set_record(iid, predict(run.outcome.records.get(iid), iid, phase, run.clients.blank_record()))
        run.outcome.mark_changed(iid)
        if phase == 'install':
            run.created.add(iid)


def _mark_in_progress(run, phase, issued):
    """wait: false - the accepted instances are shown in their phase's running status."""
    for iid in issued:
        record = run.outcome.records.get(iid) or dict(run.clients.blank_record(), instance_id=iid, client_id=None)
        run.outcome.set_record(iid, dict(record, status=PHASES[phase].running))


def _report_failed_clients(run, targets):
    request, outcome = run.request, run.outcome
    for iid in targets:
        record = outcome.records.get(iid)
        if iid not in outcome.failures and action_for(status_of(record), request.state,
                                                      request.retry_failed) == 'report':
            outcome.fail(iid, record['status'], 'the last %s failed (status %s); nothing was tried again. Fix '
                                                'the instance, then run with retry_failed: true'
                         % (record['status'].split('_')[0].lower(), record['status']), 'read')
