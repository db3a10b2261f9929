# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# What differs between the kinds of client the one engine (_engine.py) converges: how their records
# are read, which call performs each phase and with which parameters, how many instances one call
# takes, and what a client created in check mode looks like.
#
# - EcsClients: ECS backup clients (InstallBackupClients, UninstallBackupClients,
#   UpgradeBackupClients by InstanceIds; read with DescribeBackupClients).
# - HanaClients: SAP HANA clients of a vault (CreateClients with ClientInfo; UninstallClient and
#   UpgradeClient one client at a time by VaultId + ClientId; read with DescribeClients).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ._model import cross_account_params
from ._reads import describe_backup_clients, describe_hana_clients, records_by_instance


def instance_statuses(body):
    """InstanceStatuses of a write's answer: a plain list, or wrapped in InstanceStatus (CreateClients)."""
    statuses = body.get('InstanceStatuses') or []
    if isinstance(statuses, dict):
        statuses = statuses.get('InstanceStatus') or []
    return [s for s in statuses if isinstance(s, dict)] if isinstance(statuses, list) else []


def rejected_instances(body):
    """Instance id -> ErrorCode of every instance the service refused in a write's answer."""
    return dict((s.get('InstanceId'), s.get('ErrorCode') or 'InvalidInstance') for s in instance_statuses(body)
                if s.get('ErrorCode') or s.get('ValidInstance') is False)


class EcsClients:
    """ECS backup clients (ClientType ECS_CLIENT), acted on by instance id."""

    kind = 'ECS'
    batch_limits = {'install': 20, 'uninstall': 20, 'upgrade': 100}
    write_actions = {'install': 'InstallBackupClients', 'uninstall': 'UninstallBackupClients',
                     'upgrade': 'UpgradeBackupClients'}
    precheck = True

    def __init__(self, cross_account=None):
        self.params = cross_account_params(cross_account or {})

    def read(self, ctx, instance_ids):
        """Instance id -> record, for the given instances (those without a client are absent)."""
        if not instance_ids:
            return {}
        return records_by_instance(describe_backup_clients(ctx.api, instance_ids=list(instance_ids),
                                                           params=self.params, concurrency=ctx.concurrency))

    def read_by_client_ids(self, ctx, client_ids):
        return records_by_instance(describe_backup_clients(ctx.api, client_ids=list(client_ids), params=self.params,
                                                           concurrency=ctx.concurrency))

    def send(self, ctx, phase, batch, records):
        """One write call for ``batch`` (instance ids); returns the answer's body."""
        del records  # ECS writes name the instances only
        return ctx.api.call(self.write_actions[phase], dict(self.params, InstanceIds=list(batch)))

    def blank_record(self):
        return {'client_type': 'ECS_CLIENT', 'settings': {}, 'tags': {}}

    def delete(self, ctx, record):
        """Delete the client record (DeleteBackupClient; the service refuses while it has heartbeats)."""
        return ctx.api.call('DeleteBackupClient', {'ClientId': record['client_id']})

    def settings_params(self, record):
        return {'ClientId': record['client_id']}


class HanaClients:
    """SAP HANA backup clients (ClientType ECS_AGENT) of one vault and cluster."""

    def read_by_client_ids(self, ctx, client_ids):
        wanted = set(client_ids)
        current = describe_hana_clients(ctx.api, self.vault_id, self.cluster_id)
        return dict((iid, record) for iid, record in current.items() if record.get('client_id') in wanted)

    kind = 'SAP HANA'
    batch_limits = {'install': 20, 'uninstall': 1, 'upgrade': 1}
    write_actions = {'install': 'CreateClients', 'uninstall': 'UninstallClient', 'upgrade': 'UpgradeClient'}
    precheck = True  # SAP HANA clients run on ECS instances: the same precheck applies

    def __init__(self, vault_id, cluster_id, source_types=('HANA',), create_options=None, access_key=None):
        self.vault_id = vault_id
        self.cluster_id = cluster_id
        self.source_types = list(source_types)
        self.create_options = dict(create_options or {})  # AlertSetting, UseHttps, ResourceGroupId, cross account
        self.access_key = access_key  # (id, secret) for ClientInfo, when the instance has no RAM role

    def read(self, ctx, instance_ids):
        current = describe_hana_clients(ctx.api, self.vault_id, self.cluster_id)
        return dict((iid, current[iid]) for iid in instance_ids if iid in current)

    def send(self, ctx, phase, batch, records):
        if phase == 'install':
            infos = [self.client_info(iid) for iid in batch]
            params = dict(self.create_options, VaultId=self.vault_id,
                          ClientInfo=json.dumps(infos, separators=(',', ':')))
            return ctx.api.call('CreateClients', params)
        client_id = records[batch[0]]['client_id']
        return ctx.api.call(self.write_actions[phase], {'VaultId': self.vault_id, 'ClientId': client_id})

    def client_info(self, instance_id):
        info = {'instanceId': instance_id, 'clusterId': self.cluster_id, 'sourceTypes': self.source_types}
        if self.access_key:
            info['accessKeyId'] = self.access_key[0]
            info['accessKeySecret'] = self.access_key[1] or ''
        return info

    def blank_record(self):
        return {'vault_id': self.vault_id, 'cluster_id': self.cluster_id, 'client_type': 'ECS_AGENT',
                'settings': {}, 'tags': {}}

    def delete(self, ctx, record):
        return ctx.api.call('DeleteClient', {'VaultId': self.vault_id, 'ClientId': record['client_id']})

    def settings_params(self, record):
        return {'ClientId': record['client_id'], 'VaultId': self.vault_id}
