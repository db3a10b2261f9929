"""Action semantics: limits, paging, filters, task states, settings, deletes, and the admin API."""

import json
import time

from rawclient import v3_request

I = ['i-emu%017d' % n for n in range(1, 200)]


def call(running, action, body='', **query):
    status, payload, _headers = v3_request(running.url, action, query, body=body)
    return status, payload


def ids(values):
    return json.dumps(values)


def wait_done(running, task_id):
    for _attempt in range(100):
        status, body = call(running, 'DescribeTask', TaskId=task_id)
        if body['Description'] != 'created':
            return body
        time.sleep(0.05)
    raise AssertionError('task never finished')


def test_id_count_limits(start_emulator):
    running = start_emulator({'instance_count': 120})
    status, body = call(running, 'InstallBackupClients', InstanceIds=ids(I[:21]))
    assert (status, body['Success'], body['Code']) == (200, False, 'BadRequest') and '20' in body['Message']
    status, body = call(running, 'UninstallBackupClients', InstanceIds=ids(I[:15]), ClientIds=ids(['c-x'] * 6))
    assert body['Code'] == 'BadRequest'
    status, body = call(running, 'UpgradeBackupClients', InstanceIds=ids(I[:101]))
    assert body['Code'] == 'BadRequest'
    status, body = call(running, 'DeleteBackupClientResource', ClientIds=ids(['c-%d' % n for n in range(101)]))
    assert body['Code'] == 'BadRequest'
    status, body = call(running, 'InstallBackupClients', InstanceIds='not json')
    assert (status, body['Code']) == (400, 'InvalidParameter')
    status, body = call(running, 'InstallBackupClients')
    assert (status, body['Code']) == (400, 'MissingParameter')
    assert not any(c['task_id'] for c in running.calls()), 'no refused call created a task'


def test_per_instance_error_codes_and_failed_install(start_emulator):
    running = start_emulator({'instances': [
        {'instance_id': 'i-good0000000000000001'}, {'instance_id': 'i-stop0000000000000001', 'status': 'Stopped'},
        {'instance_id': 'i-noca0000000000000001', 'cloud_assistant': False},
        {'instance_id': 'i-fail0000000000000001', 'install_fails': True}]})
    status, body = call(running, 'InstallBackupClients', InstanceIds=ids(
        ['i-good0000000000000001', 'i-stop0000000000000001', 'i-noca0000000000000001', 'i-fail0000000000000001',
         'i-gone0000000000000001']))
    assert [s['ErrorCode'] for s in body['InstanceStatuses']] == [
        '', 'InstanceNotRunning', 'CloudAssistNotRunningOnInstance', '', 'InstanceNotExists']
    task = wait_done(running, body['TaskId'])
    result = {r['instanceId']: r for r in json.loads(task['Result'])}
    assert result['i-good0000000000000001']['clientStatus'] == 'ACTIVATED'
    assert (result['i-fail0000000000000001']['clientStatus'], result['i-fail0000000000000001']['errorCode']) == \
        ('INSTALL_FAILED', 'InstallClientFailed')
    assert task['Progress'] == 100
    status, body = call(running, 'InstallBackupClients', InstanceIds=ids(['i-fail0000000000000001']))
    task = wait_done(running, body['TaskId'])
    assert (task['Progress'], task['Description']) == (-1, 'completed'), 'a task whose every item failed'


def test_running_task_shows_transitional_status_and_progress(start_emulator):
    running = start_emulator({'instance_count': 1, 'task_seconds': {'install': 2, 'uninstall': 1, 'upgrade': 1,
                                                                    'create': 1}})
    status, body = call(running, 'InstallBackupClients', InstanceIds=ids(I[:1]))
    status, task = call(running, 'DescribeTask', TaskId=body['TaskId'])
    assert task['Description'] == 'created' and 0 <= task['Progress'] < 100
    assert json.loads(task['Result'])[0]['clientStatus'] == 'INSTALLING'
    assert 'CompletedTime' not in task


def test_expired_task(start_emulator):
    running = start_emulator({'instance_count': 1})
    running.server.emulator.service.scenario['task_seconds'] = {'install': 900}
    status, body = call(running, 'InstallBackupClients', InstanceIds=ids(I[:1]))
    service = running.server.emulator.service
    with service.transaction():
        service.store.execute('UPDATE tasks SET created=created-900, due=due-900')
    task = wait_done(running, body['TaskId'])
    assert (task['Description'], task['Progress']) == ('expired', -1)
    assert json.loads(task['Result'])[0]['errorCode'] == 'TaskExpired'


def test_paging_and_filters(start_emulator):
    clients = [{'instance_id': I[n], 'client': {'status': 'ACTIVATED' if n % 3 else 'STOPPED',
                                                'tags': {'env': 'prod' if n % 2 else 'dev'}}} for n in range(150)]
    running = start_emulator({'instances': clients})
    status, body = call(running, 'DescribeBackupClients', ClientType='ECS_CLIENT')
    assert (body['PageSize'], body['TotalCount'], len(body['Clients'])) == (10, 150, 10)
    status, body = call(running, 'DescribeBackupClients', ClientType='ECS_CLIENT', PageSize='99', PageNumber='2')
    assert len(body['Clients']) == 51 and body['Clients'][0]['InstanceId'] == I[99]
    assert call(running, 'DescribeBackupClients', ClientType='ECS_CLIENT', PageSize='100')[1]['Code'] == \
        'InvalidParameter'
    assert call(running, 'DescribeBackupClients', ClientType='ECS_CLIENT', PageSize='0')[1]['Code'] == \
        'InvalidParameter'
    assert call(running, 'DescribeBackupClients')[1]['Code'] == 'MissingParameter'
    assert call(running, 'DescribeBackupClients', ClientType='VM')[1]['Code'] == 'InvalidParameter'
    status, body = call(running, 'DescribeBackupClients', ClientType='ECS_CLIENT', PageSize='99',
                        body='Tag.1.Key=env&Tag.1.Value=prod')
    assert body['TotalCount'] == 75
    status, body = call(running, 'DescribeBackupClients', ClientType='ECS_CLIENT', PageSize='99',
                        **{'Filters.1.Key': 'Status', 'Filters.1.Values.1': 'STOPPED'})
    assert body['TotalCount'] == 50
    status, body = call(running, 'DescribeBackupClients', ClientType='ECS_CLIENT',
                        body='InstanceIds=' + ids(I[:5] + ['i-unknown']))
    assert body['TotalCount'] == 5
    status, body = call(running, 'DescribeBackupClients', ClientType='CONTAINER_CLIENT')
    assert (body['TotalCount'], body['Clients']) == (0, [])


def test_settings_types_and_masked_password(start_emulator):
    running = start_emulator({'instances': [{'instance_id': I[0], 'client': {'status': 'ACTIVATED'}}]})
    client = call(running, 'DescribeBackupClients', ClientType='ECS_CLIENT')[1]['Clients'][0]
    assert client['Settings']['ProxyPassword'] == ''
    assert call(running, 'UpdateClientSettings', ClientId=client['ClientId'], DataNetworkType='MOON')[1]['Code'] == \
        'InvalidParameter'
    assert call(running, 'UpdateClientSettings', ClientId=client['ClientId'], UseHttps='True', ProxyPassword='s3cret',
                MaxCpuCore='4', ProxyPort='8080', AlertOnPartialComplete='false')[1]['Success'] is True
    settings = call(running, 'DescribeBackupClients', ClientType='ECS_CLIENT')[1]['Clients'][0]['Settings']
    assert settings['UseHttps'] == 'true' and settings['MaxCpuCore'] == '4' and settings['ProxyPort'] == 8080
    assert settings['ProxyPassword'] == '******' and settings['AlertOnPartialComplete'] is False
    assert 's3cret' not in json.dumps(running.state())
    assert call(running, 'UpdateClientSettings', ClientId='c-missing')[1]['Code'] == 'ResourceNotFound'


def test_delete_client_refused_while_heartbeating_and_resources(start_emulator):
    running = start_emulator({'behaviour': {'delete_quiet_seconds': 3600}, 'instances': [
        {'instance_id': I[0], 'client': {'status': 'ACTIVATED', 'resources': {'plans': 1, 'jobs': 2, 'snapshots': 3}}},
        {'instance_id': I[1], 'client': {'status': 'STOPPED'}}]})
    clients = call(running, 'DescribeBackupClients', ClientType='ECS_CLIENT')[1]['Clients']
    active, stopped = clients
    assert active['BackupStatus'] == 'PROTECTED' and active['LastHeartBeatTime'] > time.time() - 120
    refused = call(running, 'DeleteBackupClient', ClientId=active['ClientId'])
    assert refused[0] == 200 and refused[1]['Success'] is False and refused[1]['Code'] == 'BadRequest'
    assert 'heartbeat' in refused[1]['Message'] and active['ClientId'] in refused[1]['Message']
    assert call(running, 'DeleteBackupClient', ClientId=stopped['ClientId'])[1]['Success'] is True
    assert call(running, 'DeleteBackupClientResource', ClientIds=ids([active['ClientId']]))[1]['Success'] is True
    state = running.state()
    assert [c['ClientId'] for c in state['clients']] == [active['ClientId']]
    assert state['clients'][0]['Resources'] == {'plans': 0, 'jobs': 0, 'snapshots': 0}
    assert state['clients'][0]['BackupStatus'] == 'UNPROTECTED' and state['clients'][0]['ResourceDeletes'] == 1


def test_scenario_transitional_client_finishes_its_task(start_emulator):
    running = start_emulator({'instances': [{'instance_id': I[0], 'client': {'status': 'INSTALLING'}},
                                            {'instance_id': I[1], 'client': {'status': 'UPGRADING', 'version': '2.1'}}]})
    time.sleep(0.4)
    state = running.state()
    expected = [('ACTIVATED', '2.13.0'), ('ACTIVATED', '2.14.0')]
    assert [(c['Status'], c['ClientVersion']) for c in state['clients']] == expected


def test_admin_reset_and_add_instances(start_emulator):
    running = start_emulator({'instance_count': 2})
    call(running, 'InstallBackupClients', InstanceIds=ids(I[:1]))
    added = running.admin('POST', '/_emulator/instances', {'instance_count': 2, 'instances': [
        {'instance_id': 'i-extra000000000000001', 'status': 'Stopped'}]})
    assert added['added'] == [I[2], I[3], 'i-extra000000000000001']
    assert running.admin('POST', '/_emulator/reset', {}) == {'reset': True}
    state = running.state()
    assert (len(state['instances']), state['clients'], state['tasks']) == (2, [], [])
    assert running.calls() == []
    running.admin('DELETE', '/_emulator/calls')
    assert call(running, 'NoSuchAction')[1]['Code'] == 'InvalidAction.NotFound'
