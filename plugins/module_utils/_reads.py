# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# Paged reads of client records: DescribeBackupClients (ECS clients; id filters in chunks of 99
# read concurrently) and DescribeClients (SAP HANA clients), normalised into records.
#
# The rule for the end of a read (the docs do not say how pages behave): a read ends when a page
# comes back empty or TotalCount distinct items were collected - never because a page was shorter
# than PageSize, since the service may cap pages or return short ones. A pass that collected fewer
# than TotalCount is read again and merged (up to MAX_READ_PASSES); still short, it fails as a
# whole (IncompleteRead), so nothing is decided on a read that could have missed a client.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ._concurrency import chunks, run_concurrently
from ._errors import HbrApiError
from ._model import normalize_client, normalize_hana_client
from ._rpc import DEFAULT_PAGE_SIZE, extract_list, to_int

READ_CHUNK = 99
MAX_READ_PASSES = 6


def read_pages(api, action, params, list_path, *, key='ClientId', page_size=DEFAULT_PAGE_SIZE, narrow=None):
    """Every item of a paged list action, distinct by ``key``, whatever the service's page sizes.

    ``narrow(items)`` (for reads filtered by ids) gives the parameters of the next pass from what was
    found: only the ids not accounted for yet, so each pass is smaller than the last.
    """
    collected = {}
    total = None
    for attempt in range(MAX_READ_PASSES):
        if attempt:
            api.sleep(min(4.0, 0.25 * 2 ** attempt))  # a short page may be the service catching up: give it time
        found = {}
        total = _read_pass(api, action, params, list_path, key=key, page_size=page_size, collected=found)
        collected.update(found)
        complete = len(found) if narrow is not None else len(collected)  # a narrowed pass counts its subset
        if total is None or complete >= total:
            return list(collected.values())
        if narrow is not None:
            params = narrow(list(collected.values()))
    raise HbrApiError('%s listed %d of %d items in %d passes (pages kept coming back short); nothing was decided '
                      'on that read' % (action, len(collected), total, MAX_READ_PASSES), code='IncompleteRead',
                      action=action)


def _read_pass(api, action, params, list_path, *, key, page_size, collected):
    """One pass over the pages; returns TotalCount (None when the service gives none)."""
    page = 1
    while True:
        body = api.call(action, dict(params, PageNumber=page, PageSize=page_size))
        items = extract_list(body, list_path, action)
        total = to_int(body.get('TotalCount'))
        for item in items:
            identity = item.get(key)
            collected.setdefault(identity if isinstance(identity, str) and identity else '#%d' % len(collected), item)
        if not items or (total is not None and len(collected) >= total):
            return total
        if (total is None and len(items) < page_size) or page > (total or 0) + 1:
            return total
        page += 1


def describe_backup_clients(api, *, client_type='ECS_CLIENT', instance_ids=None, client_ids=None, params=None,
                            concurrency=4):
    """Every matching client, as raw API dicts. Id filters are split into chunks of 99 so that
    each chunk fits one page and the chunks are read concurrently."""
    base = dict(params or {})
    base['ClientType'] = client_type
    if instance_ids is not None or client_ids is not None:
        key, ids = ('InstanceIds', instance_ids) if instance_ids is not None else ('ClientIds', client_ids)
        if not ids:
            return []
        field = key[:-1]  # InstanceIds -> InstanceId, ClientIds -> ClientId

        def read_chunk(chunk):
            def narrow(found):
                seen = set(item.get(field) for item in found)
                return dict(base, **{key: [i for i in chunk if i not in seen]})
            return read_pages(api, 'DescribeBackupClients', dict(base, **{key: chunk}), ('Clients',), narrow=narrow)
        pages = run_concurrently(read_chunk, chunks(list(ids), READ_CHUNK), concurrency)
        return [client for page in pages for client in page]
    return read_pages(api, 'DescribeBackupClients', base, ('Clients',))


def records_by_instance(raw_clients):
    """Map instance id -> normalized record (the most recently created client wins)."""
    records = {}
    for raw in raw_clients:
        record = normalize_client(raw)
        current = records.get(record.get('instance_id'))
        if current is None or (to_int(record.get('created_time')) or 0) >= (to_int(current.get('created_time')) or 0):
            records[record.get('instance_id')] = record
    return records


def describe_hana_clients(api, vault_id, cluster_id=None, client_id=None):
    params = {'VaultId': vault_id, 'ClientType': 'ECS_AGENT', 'SourceType': 'HANA', 'ClusterId': cluster_id,
              'ClientId': client_id}
    by_instance = {}
    for raw in read_pages(api, 'DescribeClients', params, ('Clients', 'Client')):
        record = normalize_hana_client(raw)
        by_instance[record.get('instance_id')] = record
    return by_instance
