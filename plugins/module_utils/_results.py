# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# What a run returns: the public records, the diff (status, version and the managed settings per
# instance that changed; the proxy password only ever as a mask), and the failure message that
# names every instance that did not converge with its code.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ._model import MASKED


def diff_view(record, managed, password_sent=False):
    if not record:
        return {'status': None}
    view = {'status': record.get('status'), 'client_id': record.get('client_id'),
            'client_version': record.get('client_version')}
    if managed:
        settings = record.get('settings') or {}
        view['settings'] = dict((option, settings.get(option)) for option in managed)
        if 'proxy_password' in managed:
            view['settings']['proxy_password'] = MASKED + (' (updated)' if password_sent else '')
    return view


def build_diff(outcome, order, managed):
    """Before/after of status, version and the managed settings, for the instances that changed."""
    diff = {'before': {}, 'after': {}}
    for iid in order:
        sent = 'proxy_password' in outcome.settings_sent.get(iid, ())
        old = diff_view(outcome.before.get(iid), managed)
        new = diff_view(outcome.records.get(iid), managed, sent)
        if old != new:
            diff['before'][iid] = old
            diff['after'][iid] = new
    return diff


def result_order(requested, outcome):
    """The requested instances first, in their order, then any others the run touched."""
    order = list(requested or [])
    seen = set(order)
    for iid in list(outcome.before) + list(outcome.records):  # before: records a purge deleted
        if iid not in seen:
            seen.add(iid)
            order.append(iid)
    return order


# The keys hbr_client documents for each record (RETURN). Only these are returned: a fleet of
# thousands is returned on every run, and Ansible's result processing costs per byte.
RECORD_KEYS = ('instance_id', 'client_id', 'client_type', 'status', 'client_version', 'max_client_version',
               'backup_status', 'settings', 'tags', 'zone_id', 'last_heart_beat_time', 'vault_id', 'cluster_id')


def public_record(record):
    return dict((key, record[key]) for key in RECORD_KEYS if key in record)


def converge_result(outcome, order):
    """The documented return values of hbr_client (without the diff)."""
    return dict(changed=outcome.changed, task_ids=list(outcome.task_ids),
                changed_instance_ids=[iid for iid in order if iid in outcome.changed_instances],
                clients=[public_record(outcome.records[iid]) for iid in order if outcome.records.get(iid)])


def failure_message(failures, total, goal):
    shown = ', '.join('%s (%s)' % (f['instance_id'], f['code']) for f in failures)
    return '%d of %d instances did not reach %s: %s' % (len(failures), total, goal, shown)
