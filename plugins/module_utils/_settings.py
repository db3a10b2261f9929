# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# Client settings: compare what the task sets with each client's Settings, field by field, and send
# one UpdateClientSettings per client that differs (concurrently), never for options the task leaves
# unset. The proxy password cannot be compared while the service masks it (update_proxy_password).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ._concurrency import run_concurrently
from ._errors import HbrApiError
from ._model import MASKED, PROXY_OPTIONS, SETTING_FIELDS, secret_digest


def settings_changes(current, desired, created, update_proxy_password, password_sha256=None):
    """The option -> value pairs to send for one client (empty when it already matches).

    ``current`` are normalized settings. A proxy password the service returned in clear
    (``password_sha256``) is compared; a masked one cannot be, so it is sent when the client was
    just created, has no password yet, when another proxy option changes, or always with
    update_proxy_password=always.
    """
    changes = dict((option, value) for option, value in desired.items()
                   if option != 'proxy_password' and current.get(option) != value)
    password = desired.get('proxy_password')
    if password is not None:
        proxy_moves = any(option in changes for option in PROXY_OPTIONS)
        if password_sha256 is not None:
            differs = secret_digest(password) != password_sha256
        else:
            differs = created or current.get('proxy_password') != MASKED or proxy_moves
        if update_proxy_password == 'always' or differs:
            changes['proxy_password'] = password
    return changes


def settings_request(base, changes):
    """UpdateClientSettings parameters: ``base`` (ClientId, and VaultId for SAP HANA) plus the changes."""
    params = dict(base)
    for option, value in changes.items():
        params[SETTING_FIELDS[option]] = value
    return params


def apply_settings(ctx, clients, request, instance_ids, outcome, created):
    """Bring the settings of the active clients among ``instance_ids`` to ``request.settings``."""
    work = []
    for iid in instance_ids:
        record = outcome.records.get(iid)
        if not record or (record.get('status') != 'ACTIVATED' and not ctx.check_mode):
            continue
        changes = settings_changes(record.get('settings') or {}, request.settings, iid in created,
                                   request.update_proxy_password, getattr(record, 'proxy_password_sha256', None))
        if changes:
            work.append((iid, record, changes))

    def update(item):
        iid, record, changes = item
        if not ctx.check_mode:
            try:
                ctx.api.call('UpdateClientSettings', settings_request(clients.settings_params(record), changes))
            except HbrApiError as exc:
                outcome.fail(iid, exc.code or 'ApiError', str(exc), 'settings')
                return
        new = dict(record.get('settings') or {})
        new.update(changes)
        if 'proxy_password' in changes:
            new['proxy_password'] = MASKED
        outcome.settings_applied(iid, dict(record, settings=new), changes)

    run_concurrently(update, work, ctx.concurrency)
