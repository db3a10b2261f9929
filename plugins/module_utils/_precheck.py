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

from ._concurrency import chunks, run_concurrently
from ._errors import HbrApiError
from ._reads import read_pages

ECS_DESCRIBE_CHUNK = 100
ECS_ASSIST_CHUNK = 50


class PrecheckUnavailable(Exception):
    pass


def precheck_instances(ecs_api, region, instance_ids, concurrency=4):
    """Map each instance id to '' (usable) or the ErrorCode HBR would answer for it."""
    common = {'RegionId': region}  # ECS requires it on every call

    def describe(chunk):
        return read_pages(ecs_api, 'DescribeInstances', dict(common, InstanceIds=chunk), ('Instances', 'Instance'),
                          key='InstanceId', page_size=ECS_DESCRIBE_CHUNK)

    def assistant(chunk):
        params = dict(common)
        for index, instance_id in enumerate(chunk, 1):
            params['InstanceId.%d' % index] = instance_id
        body = ecs_api.call('DescribeCloudAssistantStatus', params)
        entries = (body.get('InstanceCloudAssistantStatusSet') or {}).get('InstanceCloudAssistantStatus') or []
        return entries if isinstance(entries, list) else []

    try:
        found = dict((i.get('InstanceId'), i) for page in run_concurrently(
            describe, chunks(list(instance_ids), ECS_DESCRIBE_CHUNK), concurrency) for i in page)
        running = [iid for iid in instance_ids if (found.get(iid) or {}).get('Status') == 'Running']
        assisted = set(e.get('InstanceId') for page in run_concurrently(
            assistant, chunks(running, ECS_ASSIST_CHUNK), concurrency) for e in page
            if str(e.get('CloudAssistantStatus')).lower() == 'true')
    except HbrApiError as exc:
        raise PrecheckUnavailable('the ECS precheck could not run (%s); instances were not checked before acting, '
                                  'so HBR reports stopped or missing instances itself. Grant ecs:DescribeInstances '
                                  'and ecs:DescribeCloudAssistantStatus, or set precheck_instances: false.' % exc)
    verdicts = {}
    for iid in instance_ids:
        if iid not in found:
            verdicts[iid] = 'InstanceNotExists'
        elif found[iid].get('Status') != 'Running':
            verdicts[iid] = 'InstanceNotRunning'
        elif iid not in assisted:
            verdicts[iid] = 'CloudAssistNotRunningOnInstance'
        else:
            verdicts[iid] = ''
    return verdicts


PRECHECK_MESSAGES = {
    'InstanceNotExists': 'the ECS instance does not exist in this region',
    'InstanceNotRunning': 'the ECS instance is not running',
    'CloudAssistNotRunningOnInstance': 'Cloud Assistant is not running on the instance',
}


class Precheck:
    """The precheck of one run: each instance is checked once; if ECS cannot be read at all, the run
    goes on without it (with a warning) and HBR reports those instances itself."""

    def __init__(self, ecs_api, region, concurrency=4):
        self.ecs_api = ecs_api
        self.region = region
        self.concurrency = concurrency
        self.verdicts = {}

    def usable(self, todo, outcome, phase):
        """The instances of ``todo`` worth acting on; the others fail with the code HBR would give."""
        if self.ecs_api is None:
            return list(todo)
        unknown = [iid for iid in todo if iid not in self.verdicts]
        if unknown:
            try:
                self.verdicts.update(precheck_instances(self.ecs_api, self.region, unknown, self.concurrency))
            except PrecheckUnavailable as exc:
                outcome.warn(str(exc))
                self.ecs_api = None
                return list(todo)
        usable = []
        for iid in todo:
            code = self.verdicts.get(iid, '')
            if code:
                outcome.fail(iid, code, '%s; no %s was attempted' % (PRECHECK_MESSAGES[code], phase), 'precheck')
            else:
                usable.append(iid)
        return usable
