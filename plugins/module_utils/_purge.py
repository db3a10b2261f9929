# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# Deleting client records (state absent with purge): DeleteBackupClient for ECS clients, DeleteClient
# for SAP HANA clients, one call per client, concurrently, after the uninstall. The service refuses
# to delete a client that sent a heartbeat within the last hour (its documented rule); such clients
# fail on their own, with the time after which a re-run will succeed.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ._concurrency import run_concurrently
from ._errors import HbrApiError
from ._rpc import to_int

HEARTBEAT_QUIET = 3600


def purge_records(ctx, clients, targets, outcome):
    """Delete the record of every target that still has one and did not fail."""
    work = [iid for iid in targets if iid not in outcome.failures and outcome.records.get(iid)]

    def delete(iid):
        record = outcome.records[iid]
        if not ctx.check_mode:
            try:
                clients.delete(ctx, record)
            except HbrApiError as exc:
                # a retried delete whose first answer was lost finds nothing to delete: look before failing
                if clients.read(ctx, [iid]).get(iid) is not None:
                    outcome.fail(iid, exc.code or 'ApiError', refusal_message(record, exc, ctx.clock()), 'delete')
                    return
        outcome.set_record(iid, None)
        outcome.mark_changed(iid)

    run_concurrently(delete, work, ctx.concurrency)


def refusal_message(record, error, now):
    """The error, and when a re-run will succeed if the heartbeat rule is the likely cause."""
    heartbeat = to_int(record.get('last_heart_beat_time'))
    text = str(error)
    if heartbeat and now - heartbeat < HEARTBEAT_QUIET:
        text += ('; HBR does not delete a client within an hour of its last heartbeat (%s): run again after %s UTC'
                 % (time.strftime('%H:%M', time.gmtime(heartbeat)),
                    time.strftime('%Y-%m-%d %H:%M', time.gmtime(heartbeat + HEARTBEAT_QUIET))))
    return text
