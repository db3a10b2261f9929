"""The official SDK (alibabacloud-hbr20170908, a test dependency only) drives a full client
lifecycle against the emulator, in V3 (default) and V1 signing, and its typed response models
keep every field the emulator sent."""

import json
import time

import pytest

from alibabacloud_hbr20170908 import models
from alibabacloud_hbr20170908.client import Client
from alibabacloud_tea_openapi.utils_models import Config

INSTANCE = 'i-emu00000000000000001'
SECOND = 'i-emu00000000000000002'


def sdk_client(running, signature_algorithm=None, secret='emulator-secret'):
    config = Config(access_key_id='emulator-ak', access_key_secret=secret, region_id='cn-hangzhou',
                    endpoint='127.0.0.1:%d' % running.port, protocol='http')
    if signature_algorithm:
        config.signature_algorithm = signature_algorithm
    client = Client(config)
    client.raw_bodies = []
    original = client.call_api

    def spy(*args, **kwargs):
        result = original(*args, **kwargs)
        client.raw_bodies.append(result['body'])
        return result

    client.call_api = spy
    return client


def assert_model_keeps_every_field(raw, mapped, path='body'):
    """Every key the emulator sent is present, with the same value, in the SDK model's map."""
    if isinstance(raw, dict):
        assert isinstance(mapped, dict), path
        for key, value in raw.items():
            assert key in mapped, 'SDK model dropped %s.%s' % (path, key)
            assert_model_keeps_every_field(value, mapped[key], '%s.%s' % (path, key))
    elif isinstance(raw, list):
        assert isinstance(mapped, list) and len(raw) == len(mapped), path
        for index, (a, b) in enumerate(zip(raw, mapped)):
            assert_model_keeps_every_field(a, b, '%s[%d]' % (path, index))
    else:
        assert raw == mapped, '%s: %r != %r' % (path, raw, mapped)


def wait_task(client, task_id, timeout=10):
    deadline = time.time() + timeout
    while True:
        body = client.describe_task(models.DescribeTaskRequest(task_id=task_id)).body
        assert_model_keeps_every_field(client.raw_bodies[-1], body.to_map())
        if body.description != 'created' or time.time() > deadline:
            return body
        time.sleep(0.1)


def describe(client, instance_id):
    response = client.describe_backup_clients(models.DescribeBackupClientsRequest(
        client_type='ECS_CLIENT', instance_ids=[instance_id], page_size=99))
    assert_model_keeps_every_field(client.raw_bodies[-1], response.body.to_map())
    return response.body


@pytest.mark.parametrize('signature_algorithm', [None, 'v2'], ids=['v3', 'v1'])
def test_full_lifecycle_with_the_official_sdk(start_emulator, signature_algorithm):
    running = start_emulator({'instance_count': 2, 'client_version': '2.13.0', 'max_client_version': '2.14.0',
                              'instances': [{'instance_id': 'i-hana000000000000001'}]})
    client = sdk_client(running, signature_algorithm)

    installed = client.install_backup_clients(models.InstallBackupClientsRequest(instance_ids=[INSTANCE, SECOND]))
    assert installed.body.success is True and installed.body.task_id.startswith('t-')
    assert [s.instance_id for s in installed.body.instance_statuses] == [INSTANCE, SECOND]
    assert_model_keeps_every_field(client.raw_bodies[-1], installed.body.to_map())
    assert describe(client, INSTANCE).clients[0].status == 'INSTALLING'

    task = wait_task(client, installed.body.task_id)
    assert (task.description, task.progress) == ('completed', 100)
    result = json.loads(task.result)
    assert {r['clientStatus'] for r in result} == {'ACTIVATED'}

    record = describe(client, INSTANCE).clients[0]
    assert (record.status, record.client_version, record.max_client_version) == ('ACTIVATED', '2.13.0', '2.14.0')
    assert record.client_id == result[0]['clientId']
    assert isinstance(record.settings.max_cpu_core, str) and isinstance(record.settings.proxy_port, int)
    assert isinstance(record.settings.use_https, str) and isinstance(record.settings.alert_on_partial_complete, bool)

    updated = client.update_client_settings(models.UpdateClientSettingsRequest(
        client_id=record.client_id, max_cpu_core=2, use_https=True, data_proxy_setting='CUSTOM', proxy_host='10.0.0.1',
        proxy_port=3128, proxy_user='u', proxy_password='p@ss', max_memory=1073741824))
    assert updated.body.success is True
    settings = describe(client, INSTANCE).clients[0].settings
    assert (settings.max_cpu_core, settings.use_https, settings.proxy_port, settings.proxy_password,
            settings.max_memory) == ('2', 'true', 3128, '******', 1073741824)

    upgraded = client.upgrade_backup_clients(models.UpgradeBackupClientsRequest(client_ids=[record.client_id]))
    assert describe(client, INSTANCE).clients[0].status == 'UPGRADING'
    wait_task(client, upgraded.body.task_id)
    assert describe(client, INSTANCE).clients[0].client_version == '2.14.0'

    uninstalled = client.uninstall_backup_clients(models.UninstallBackupClientsRequest(
        instance_ids=[INSTANCE], client_ids=[record.client_id]))
    task = wait_task(client, uninstalled.body.task_id)
    assert json.loads(task.result)[0]['clientStatus'] == 'NOT_INSTALLED'
    assert describe(client, INSTANCE).clients[0].status == 'STOPPED'

    deleted = client.delete_backup_client_resource(models.DeleteBackupClientResourceRequest(
        client_ids=[record.client_id]))
    assert deleted.body.success is True
    assert_model_keeps_every_field(client.raw_bodies[-1], deleted.body.to_map())

    created = client.create_clients(models.CreateClientsRequest(
        vault_id='v-0001', client_info=json.dumps([{'instanceId': 'i-hana000000000000001', 'clusterId': 'cl-1',
                                                   'sourceTypes': ['HANA']}]), alert_setting='INHERITED'))
    assert created.body.instance_statuses.instance_status[0].valid_instance is True
    assert_model_keeps_every_field(client.raw_bodies[-1], created.body.to_map())
    wait_task(client, created.body.task_id)
    hana = client.describe_clients(models.DescribeClientsRequest(vault_id='v-0001', client_type='ECS_AGENT'))
    assert_model_keeps_every_field(client.raw_bodies[-1], hana.body.to_map())
    assert hana.body.clients.client[0].status == 'ACTIVATED' and hana.body.clients.client[0].cluster_id == 'cl-1'

    expected_signature = 'v1' if signature_algorithm == 'v2' else 'v3'
    assert {c['signature'] for c in running.calls()} == {expected_signature}
    actions = [c['action'] for c in running.calls()]
    assert actions.count('InstallBackupClients') == 1 and actions.count('UninstallBackupClients') == 1
    assert all(c['http_status'] == 200 for c in running.calls())


def test_sdk_describe_with_filters_and_tags_in_the_body(start_emulator):
    running = start_emulator({'instances': [
        {'instance_id': 'i-tagged00000000000001', 'client': {'status': 'ACTIVATED', 'tags': {'env': 'prod'}}},
        {'instance_id': 'i-tagged00000000000002', 'client': {'status': 'ACTIVATED', 'tags': {'env': 'dev'}}}]})
    client = sdk_client(running)
    response = client.describe_backup_clients(models.DescribeBackupClientsRequest(
        client_type='ECS_CLIENT', tag=[models.DescribeBackupClientsRequestTag(key='env', value='prod')],
        filters=[models.DescribeBackupClientsRequestFilters(key='InstanceId', values=['i-tagged00000000000001'])]))
    assert [c.instance_id for c in response.body.clients] == ['i-tagged00000000000001']
    assert response.body.clients[0].tags[0].key == 'env'
    assert_model_keeps_every_field(client.raw_bodies[-1], response.body.to_map())


@pytest.mark.parametrize('signature_algorithm', [None, 'v2'], ids=['v3', 'v1'])
def test_hana_upgrade_uninstall_delete_and_delete_backup_client_with_the_official_sdk(start_emulator,
                                                                                      signature_algorithm):
    running = start_emulator({'client_version': '2.13.0', 'max_client_version': '2.14.0',
                              'instances': [{'instance_id': 'i-hana000000000000001'},
                                            {'instance_id': INSTANCE, 'client': {'status': 'STOPPED'}}]})
    client = sdk_client(running, signature_algorithm)
    created = client.create_clients(models.CreateClientsRequest(
        vault_id='v-0001', client_info=json.dumps([{'instanceId': 'i-hana000000000000001', 'clusterId': 'cl-1'}])))
    wait_task(client, created.body.task_id)
    hana_id = client.describe_clients(models.DescribeClientsRequest(vault_id='v-0001')).body.clients.client[0].client_id

    upgraded = client.upgrade_client(models.UpgradeClientRequest(client_id=hana_id, vault_id='v-0001'))
    assert upgraded.body.success is True and upgraded.body.task_id.startswith('t-')
    assert_model_keeps_every_field(client.raw_bodies[-1], upgraded.body.to_map())
    assert json.loads(wait_task(client, upgraded.body.task_id).result)[0]['clientStatus'] == 'ACTIVATED'
    record = client.describe_clients(models.DescribeClientsRequest(client_id=hana_id)).body.clients.client[0]
    assert (record.client_version, record.max_version) == ('2.14.0', '2.14.0')

    wrong_vault = client.upgrade_client(models.UpgradeClientRequest(client_id=hana_id, vault_id='v-other'))
    assert (wrong_vault.body.success, wrong_vault.body.code) == (False, 'ResourceNotFound')

    uninstalled = client.uninstall_client(models.UninstallClientRequest(client_id=hana_id, vault_id='v-0001'))
    assert_model_keeps_every_field(client.raw_bodies[-1], uninstalled.body.to_map())
    assert json.loads(wait_task(client, uninstalled.body.task_id).result)[0]['clientStatus'] == 'NOT_INSTALLED'

    deleted = client.delete_client(models.DeleteClientRequest(client_id=hana_id, vault_id='v-0001'))
    assert deleted.body.success is True
    assert_model_keeps_every_field(client.raw_bodies[-1], deleted.body.to_map())
    assert client.describe_clients(models.DescribeClientsRequest(vault_id='v-0001')).body.total_count == 0

    ecs_id = describe(client, INSTANCE).clients[0].client_id
    assert client.delete_client(models.DeleteClientRequest(client_id=ecs_id)).body.code == 'ResourceNotFound', \
        'DeleteClient is for SAP HANA clients only'
    removed = client.delete_backup_client(models.DeleteBackupClientRequest(client_id=ecs_id))
    assert removed.body.success is True
    assert_model_keeps_every_field(client.raw_bodies[-1], removed.body.to_map())
    assert describe(client, INSTANCE).total_count == 0

    actions = [c['action'] for c in running.calls()]
    for action in ('UpgradeClient', 'UninstallClient', 'DeleteClient', 'DeleteBackupClient'):
        assert action in actions
    expected_signature = 'v1' if signature_algorithm == 'v2' else 'v3'
    assert {c['signature'] for c in running.calls()} == {expected_signature}
    assert [s['ClientId'] for s in running.state()['clients']] == []
