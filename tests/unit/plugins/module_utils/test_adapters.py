# -*- coding: utf-8 -*-
# The adapters: what each kind of client sends for each phase, and how answers are read.

from __future__ import absolute_import, division, print_function

import json

import pytest

from ansible_collections.alicloud.hbr.plugins.module_utils import _adapters


class RecordingApi:
    def __init__(self):
        self.calls = []

    def call(self, action, params=None):
        self.calls.append((action, params))
        return {'TaskId': 't-1'}


class Ctx:
    def __init__(self):
        self.api = RecordingApi()
        self.concurrency = 1


@pytest.mark.parametrize('body,rejected', [
    ({'InstanceStatuses': [{'InstanceId': 'i-1', 'ValidInstance': True, 'ErrorCode': ''},
                           {'InstanceId': 'i-2', 'ValidInstance': False, 'ErrorCode': 'InstanceNotRunning'}]},
     {'i-2': 'InstanceNotRunning'}),
    ({'InstanceStatuses': {'InstanceStatus': [{'InstanceId': 'i-3', 'ValidInstance': False}]}},
     {'i-3': 'InvalidInstance'}),
    ({'InstanceStatuses': 'garbage'}, {}),
    ({}, {}),
])
def test_rejected_instances_from_both_answer_shapes(body, rejected):
    assert _adapters.rejected_instances(body) == rejected


def test_ecs_writes_name_instances_with_the_cross_account_options():
    ctx = Ctx()
    clients = _adapters.EcsClients({'cross_account_type': 'CROSS_ACCOUNT', 'cross_account_user_id': 7,
                                    'cross_account_role_name': 'r'})
    clients.send(ctx, 'upgrade', ['i-1', 'i-2'], {})
    assert ctx.api.calls == [('UpgradeBackupClients', {'InstanceIds': ['i-1', 'i-2'], 'CrossAccountType': 'CROSS_ACCOUNT',
                                                       'CrossAccountUserId': 7, 'CrossAccountRoleName': 'r'})]
    assert clients.batch_limits == {'install': 20, 'uninstall': 20, 'upgrade': 100}
    assert clients.settings_params({'client_id': 'c-1'}) == {'ClientId': 'c-1'}


def test_hana_install_sends_client_info_and_other_phases_one_client_by_vault():
    ctx = Ctx()
    clients = _adapters.HanaClients('v-1', 'cl-1', create_options={'AlertSetting': 'INHERITED'},
                                    access_key=('AKID', 'secret'))
    clients.send(ctx, 'install', ['i-1', 'i-2'], {})
    action, params = ctx.api.calls[0]
    assert action == 'CreateClients' and params['VaultId'] == 'v-1' and params['AlertSetting'] == 'INHERITED'
    assert json.loads(params['ClientInfo']) == [
        {'instanceId': iid, 'clusterId': 'cl-1', 'sourceTypes': ['HANA'], 'accessKeyId': 'AKID',
         'accessKeySecret': 'secret'} for iid in ('i-1', 'i-2')]
    clients.send(ctx, 'upgrade', ['i-1'], {'i-1': {'client_id': 'c-9'}})
    assert ctx.api.calls[1] == ('UpgradeClient', {'VaultId': 'v-1', 'ClientId': 'c-9'})
    assert clients.batch_limits['upgrade'] == 1 and clients.batch_limits['uninstall'] == 1
    assert clients.settings_params({'client_id': 'c-9'}) == {'ClientId': 'c-9', 'VaultId': 'v-1'}
    assert clients.blank_record()['vault_id'] == 'v-1'
