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

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ._concurrency import chunks, run_concurrently
from ._model import normalize_client, normalize_hana_client
from ._rpc import to_int

READ_CHUNK = 99


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
        pages = run_concurrently(
            lambda chunk: api.paginate('DescribeBackupClients', dict(base, **{key: chunk}), ('Clients',)),
            chunks(list(ids), READ_CHUNK), concurrency)
        return [client for page in pages for client in page]
    return api.paginate('DescribeBackupClients', base, ('Clients',))


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
    for raw in api.paginate('DescribeClients', params, ('Clients', 'Client')):
        record = normalize_hana_client(raw)
        by_instance[record.get('instance_id')] = record
    return by_instance
