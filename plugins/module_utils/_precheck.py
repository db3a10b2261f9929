# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# The read-only ECS precheck: before an install, uninstall or upgrade, find the instances HBR would
# only fail on (missing, not running, no Cloud Assistant) with DescribeInstances and
# DescribeCloudAssistantStatus, so that they are reported instead of acted on every run.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import time

from ._concurrency import chunks, run_concurrently
from ._errors import HbrApiError
from ._reads import read_pages

ECS_DESCRIBE_CHUNK = 100
ECS_ASSIST_CHUNK = 50
# Cloud Assistant starts some time after its instance: an instance started less than this long ago
# is waited for (within wait_timeout) instead of failed, like the Terraform provider retries
# CloudAssistNotRunningOnInstance. An instance running longer without it fails at once, so a run over
# a partly broken fleet stays fast.
ASSISTANT_GRACE = 600.0


class PrecheckUnavailable(Exception):
    pass


def _assisted(ecs_api, common, instance_ids, concurrency):
    """The instances among ``instance_ids`` whose Cloud Assistant is running."""
    def assistant(chunk):
        params = dict(common)
        for index, instance_id in enumerate(chunk, 1):
            params['InstanceId.%d' % index] = instance_id
        body = ecs_api.call('DescribeCloudAssistantStatus', params)
        entries = (body.get('InstanceCloudAssistantStatusSet') or {}).get('InstanceCloudAssistantStatus') or []
        return entries if isinstance(entries, list) else []
    pages = run_concurrently(assistant, chunks(list(instance_ids), ECS_ASSIST_CHUNK), concurrency)
    return set(e.get('InstanceId') for page in pages for e in page if str(e.get('CloudAssistantStatus')).lower() == 'true')


def existing_instances(ecs_api, region, instance_ids, concurrency=4):
    """The instances among ``instance_ids`` that ECS knows (in any state)."""
    def describe(chunk):
        return read_pages(ecs_api, 'DescribeInstances', {'RegionId': region, 'InstanceIds': chunk},
                          ('Instances', 'Instance'), key='InstanceId', page_size=ECS_DESCRIBE_CHUNK)
    pages = run_concurrently(describe, chunks(list(instance_ids), ECS_DESCRIBE_CHUNK), concurrency)
    return set(instance.get('InstanceId') for page in pages for instance in page)


def started_at(instance):
    """Unix seconds of an ECS instance's StartTime (ECS writes 2024-01-02T03:04Z), or None."""
    text = str(instance.get('StartTime') or '')
    for pattern in ('%Y-%m-%dT%H:%MZ', '%Y-%m-%dT%H:%M:%SZ'):
        try:
            return calendar.timegm(time.strptime(text, pattern))
        except ValueError:
            continue
    return None


def precheck_instances(ecs_api, region, instance_ids, *, concurrency=4, now=None):
    """Map each instance id to '' (usable) or the ErrorCode HBR would answer for it; an instance
    started less than ASSISTANT_GRACE ago whose Cloud Assistant is not up yet is 'CloudAssistStarting'."""
    common = {'RegionId': region}  # ECS requires it on every call

    def describe(chunk):
        return read_pages(ecs_api, 'DescribeInstances', dict(common, InstanceIds=chunk), ('Instances', 'Instance'),
                          key='InstanceId', page_size=ECS_DESCRIBE_CHUNK)
    try:
        found = dict((i.get('InstanceId'), i) for page in run_concurrently(
            describe, chunks(list(instance_ids), ECS_DESCRIBE_CHUNK), concurrency) for i in page)
        running = [iid for iid in instance_ids if (found.get(iid) or {}).get('Status') == 'Running']
        assisted = _assisted(ecs_api, common, running, concurrency)
    except HbrApiError as exc:
        raise PrecheckUnavailable('the ECS precheck could not run (%s); instances were not checked before acting, '
                                  'so HBR reports stopped or missing instances itself. Grant ecs:DescribeInstances '
                                  'and ecs:DescribeCloudAssistantStatus, or set precheck_instances: false.' % exc)
    now = time.time() if now is None else now
    return dict((iid, _verdict(found.get(iid), iid in assisted, now)) for iid in instance_ids)


def _verdict(instance, assisted, now):
    if instance is None:
        return 'InstanceNotExists'
    if instance.get('Status') != 'Running':
        return 'InstanceNotRunning'
    if assisted:
        return ''
    started = started_at(instance)
    if started is not None and now - started < ASSISTANT_GRACE:
        return 'CloudAssistStarting'
    return 'CloudAssistNotRunningOnInstance'


PRECHECK_MESSAGES = {
    'InstanceNotExists': 'the ECS instance does not exist in this region',
    'InstanceNotRunning': 'the ECS instance is not running',
    'CloudAssistNotRunningOnInstance': 'Cloud Assistant is not running on the instance',
}


class Precheck:
    """The precheck of one run: each instance is checked once; if ECS cannot be read at all, the run
    goes on without it (with a warning) and HBR reports those instances itself."""

    def __init__(self, ecs_api, region, concurrency=4, clock=time.time):
        self.ecs_api = ecs_api
        self.region = region
        self.concurrency = concurrency
        self.clock = clock
        self.verdicts = {}

    def split(self, todo, outcome, phase, keep_gone=False):
        """(usable, starting): the instances of ``todo`` worth acting on now, and those whose Cloud
        Assistant is still starting; the others fail with the code HBR would give."""
        if self.ecs_api is None:
            return list(todo), []
        unknown = [iid for iid in todo if iid not in self.verdicts]
        if unknown:
            try:
                self.verdicts.update(precheck_instances(self.ecs_api, self.region, unknown,
                                                        concurrency=self.concurrency, now=self.clock()))
            except PrecheckUnavailable as exc:
                outcome.warn(str(exc))
                self.ecs_api = None
                return list(todo), []
        usable, starting = [], []
        for iid in todo:
            code = self.verdicts.get(iid, '')
            if code == 'CloudAssistStarting':
                starting.append(iid)
            elif code == 'InstanceNotExists' and keep_gone:
                continue
            elif code:
                outcome.fail(iid, code, '%s; no %s was attempted' % (PRECHECK_MESSAGES[code], phase), 'precheck')
            else:
                usable.append(iid)
        return usable, starting

    def wait_for_assistant(self, starting, outcome, phase, schedule):
        """Wait (on the run's schedule) until Cloud Assistant runs on the ``starting`` instances;
        returns those that became ready; the others fail once the grace period or the run's time ends."""
        ready, pending = [], list(starting)
        began = self.clock()
        while pending and schedule.wait():
            try:
                up = _assisted(self.ecs_api, {'RegionId': self.region}, pending, self.concurrency)
            except HbrApiError:
                continue
            ready.extend(iid for iid in pending if iid in up)
            pending = [iid for iid in pending if iid not in up]
            if self.clock() - began > ASSISTANT_GRACE:
                break
        for iid in pending:
            self.verdicts[iid] = 'CloudAssistNotRunningOnInstance'
            outcome.fail(iid, 'CloudAssistNotRunningOnInstance', 'Cloud Assistant did not start on the freshly '
                         'started instance in time; no %s was attempted' % phase, 'precheck')
        for iid in ready:
            self.verdicts[iid] = ''
        return ready
