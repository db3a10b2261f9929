# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# Waiting on HBR's asynchronous work: the poll schedule, and DescribeTask parsing (Result is a
# JSON *string* holding one entry per instance; Progress is -1 when the task failed; the
# documented Description values are created, completed, expired and cancelled).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

from ._errors import HbrApiError

FAILED_DESCRIPTIONS = frozenset(['expired', 'cancelled'])
# The longest write spread polled closely (an ambiguous write's repair can stretch the writes to
# half a minute; closer polls that long would cost more calls than they save time).
MAX_SPREAD = 10.0


class PollSchedule:
    """How long to sleep before each poll.

    The interval follows the elapsed time (``ratio`` of it), bounded by ``minimum`` and
    ``maximum``: a task that finishes in 5 s is seen within about a second, while a 15-minute
    install on the real service is polled every 30 s, as the service's docs recommend.

    The wait after a phase's writes counts from the last write (``restarted``) and knows how long
    the writes took (``spread``): once the first of its tasks ended (``tasks_ending``), the others,
    started at most that much later, are due within it, so it polls at the minimum interval for
    that long, once (at most MAX_SPREAD / minimum + 1 more polls per wait).
    """

    def __init__(self, timeout, minimum=0.5, maximum=30.0, ratio=0.2, clock=time.time, sleep=time.sleep,
                 spread=0.0):
        self.clock = clock
        self.sleep = sleep
        self.started = clock()
        self.deadline = self.started + timeout
        self.minimum = minimum
        self.maximum = maximum
        self.ratio = ratio
        self.spread = spread
        self.hurry_until = None

    def next_interval(self):
        if self.hurry_until is not None and self.clock() < self.hurry_until:
            return self.minimum
        elapsed = self.clock() - self.started
        return min(self.maximum, max(self.minimum, elapsed * self.ratio))

    def remaining(self):
        return self.deadline - self.clock()

    def restarted(self, spread=0.0):
        """The same deadline, with intervals counted from now (from a write, not from the run's start);
        ``spread``: how long the writes took, from the first to the last."""
        fresh = PollSchedule(1, self.minimum, self.maximum, self.ratio, clock=self.clock, sleep=self.sleep,
                             spread=spread)
        fresh.deadline = self.deadline
        return fresh

    def tasks_ending(self):
        """The first of the tasks just ended: poll at the minimum interval for ``spread`` (once)."""
        if self.hurry_until is None:
            self.hurry_until = self.clock() + min(self.spread, MAX_SPREAD) + self.minimum

    def wait(self):
        """Sleep until the next poll; False once the deadline has passed (no sleep past it)."""
        remaining = self.remaining()
        if remaining <= 0:
            return False
        self.sleep(min(self.next_interval(), remaining))
        return True


def parse_task(body, task_id=None):
    """Normalise a DescribeTask body: ``{task_id, description, progress, items, failed, done}``.

    ``items`` maps instance id to ``{client_id, client_status, error_code}``.
    """
    result = body.get('Result')
    entries = []
    if isinstance(result, str) and result.strip():
        try:
            entries = json.loads(result)
        except ValueError:
            raise HbrApiError('DescribeTask returned a Result that is not JSON', code='InvalidResponse',
                              action='DescribeTask', request_id=body.get('RequestId'))
    elif isinstance(result, list):
        entries = result
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list):
        raise HbrApiError('DescribeTask returned a Result that is not a list', code='InvalidResponse',
                          action='DescribeTask', request_id=body.get('RequestId'))
    items = {}
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get('instanceId'), str) and entry['instanceId']:
            items[entry['instanceId']] = {'client_id': _text(entry.get('clientId')),
                                          'client_status': _text(entry.get('clientStatus')),
                                          'error_code': _text(entry.get('errorCode'))}
    description = str(body.get('Description') or '')
    try:
        progress = int(body.get('Progress'))
    except (TypeError, ValueError):
        progress = None
    failed = description in FAILED_DESCRIPTIONS or progress == -1
    return {'task_id': task_id, 'description': description, 'progress': progress, 'items': items,
            'failed': failed, 'done': failed or description == 'completed'}


def _text(value):
    return value if isinstance(value, str) and value else None


def describe_task(api, task_id):
    return parse_task(api.call('DescribeTask', {'TaskId': task_id}), task_id)


def task_summary(task):
    """The part of a task worth returning on failure (no per-instance noise beyond the codes)."""
    if not task:
        return None
    return {'task_id': task['task_id'], 'description': task['description'], 'progress': task['progress'],
            'results': [dict(instance_id=iid, **item) for iid, item in sorted(task['items'].items())]}
