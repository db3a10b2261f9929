"""Behaviour options (scenario ``behaviour``, PUT /_emulator/behaviour), ECS RegionId and instance
timing, and releasing instances: each asserted on wire answers."""

import json
import time

import pytest

from rawclient import v3_request

I = ['i-beh%017d' % n for n in range(1, 300)]
ECS = '2014-05-26'


def call(running, action, **query):
    status, payload, _headers = v3_request(running.url, action, query)
    return status, payload


def ecs(running, action, **query):
    status, payload, _headers = v3_request(running.url, action, query, version=ECS)
    return status, payload


def fleet(count, **client):
    return [{'instance_id': i, 'client': dict({'status': 'ACTIVATED'}, **client)} for i in I[:count]]


def page(running, number, size=99, **query):
    return call(running, 'DescribeBackupClients', ClientType='ECS_CLIENT', PageNumber=str(number),
                PageSize=str(size), **query)[1]


def wait_done(running, task_id):
    for _attempt in range(100):
        body = call(running, 'DescribeTask', TaskId=task_id)[1]
        if body['Description'] != 'created':
            return body
        time.sleep(0.05)
    raise AssertionError('task never finished')


def test_get_and_put_behaviour_with_defaults_and_validation(start_emulator):
    running = start_emulator({'behaviour': {'page_size_cap': 50}})
    options = running.admin('GET', '/_emulator/behaviour')
    assert options == {'record_lag_seconds': 0, 'page_size_cap': 50, 'short_page_rate': 0.0,
                       'partial_task_progress': 'per_item', 'single_instance_errors': 'in_statuses',
                       'proxy_password': 'masked', 'delete_quiet_seconds': 0}
    changed = running.admin('PUT', '/_emulator/behaviour', {'proxy_password': 'clear'})
    assert changed['proxy_password'] == 'clear' and changed['page_size_cap'] == 99, 'PUT replaces the whole object'
    for bad in ({'page_size_cap': 100}, {'short_page_rate': 2}, {'proxy_password': 'plain'}, {'record_lag': 1}):
        with pytest.raises(Exception) as failure:
            running.admin('PUT', '/_emulator/behaviour', bad)
        assert '400' in str(failure.value)
    running.admin('POST', '/_emulator/reset')
    assert running.admin('GET', '/_emulator/behaviour')['page_size_cap'] == 50, 'reset restores the scenario'


def test_page_size_cap_serves_fewer_with_the_true_total(start_emulator):
    running = start_emulator({'instances': fleet(120), 'behaviour': {'page_size_cap': 50}})
    first, second, third = (page(running, n) for n in (1, 2, 3))
    assert [len(p['Clients']) for p in (first, second, third)] == [50, 50, 20]
    assert {p['TotalCount'] for p in (first, second, third)} == {120} and first['PageSize'] == 99
    seen = [c['InstanceId'] for p in (first, second, third) for c in p['Clients']]
    assert seen == I[:120], 'pages follow each other at the capped size'


def test_short_pages_are_deterministic_with_the_faults_seed(start_emulator):
    def lengths(seed):
        running = start_emulator({'instances': fleet(99), 'faults': {'seed': seed},
                                  'behaviour': {'short_page_rate': 0.5}})
        bodies = [page(running, 1) for _attempt in range(12)]
        assert {b['TotalCount'] for b in bodies} == {99}
        return [len(b['Clients']) for b in bodies]

    first = lengths(7)
    assert first == lengths(7) and any(n < 99 for n in first) and 99 in first
    assert first != lengths(8)


def test_record_lag_keeps_the_previous_status_while_the_task_runs(start_emulator):
    running = start_emulator({'instance_count': 0, 'instances': [{'instance_id': I[0]}] + fleet(2)[1:],
                              'behaviour': {'record_lag_seconds': 0.6}})
    installed = call(running, 'InstallBackupClients', InstanceIds=json.dumps([I[0]]))[1]
    upgraded = call(running, 'UpgradeBackupClients', InstanceIds=json.dumps([I[1]]))[1]
    task = call(running, 'DescribeTask', TaskId=installed['TaskId'])[1]
    assert task['Success'] is True and json.loads(task['Result'])[0]['clientStatus'] == 'INSTALLING'
    listed = page(running, 1)
    assert [(c['InstanceId'], c['Status']) for c in listed['Clients']] == [(I[1], 'ACTIVATED')], \
        'a new client is not listed yet, an upgraded one still shows ACTIVATED'
    state = running.state()
    assert {c['InstanceId']: c['ShownStatus'] for c in state['clients']} == {I[0]: '', I[1]: 'ACTIVATED'}
    time.sleep(0.7)
    after = {c['InstanceId']: c['Status'] for c in page(running, 1)['Clients']}
    assert after == {I[0]: 'ACTIVATED', I[1]: 'ACTIVATED'} or after == {I[0]: 'INSTALLING', I[1]: 'UPGRADING'}
    wait_done(running, upgraded['TaskId'])


def test_partial_task_progress_minus_one(start_emulator):
    instances = [{'instance_id': I[0]}, {'instance_id': I[1], 'install_fails': True}]
    for mode, expected in (('per_item', 100), ('minus_one', -1)):
        running = start_emulator({'instances': instances, 'behaviour': {'partial_task_progress': mode}})
        task_id = call(running, 'InstallBackupClients', InstanceIds=json.dumps(I[:2]))[1]['TaskId']
        body = wait_done(running, task_id)
        result = {r['instanceId']: (r['clientStatus'], r['errorCode']) for r in json.loads(body['Result'])}
        assert body['Progress'] == expected
        assert result == {I[0]: ('ACTIVATED', ''), I[1]: ('INSTALL_FAILED', 'InstallClientFailed')}


def test_single_instance_errors_call_level(start_emulator):
    running = start_emulator({'instances': [{'instance_id': I[0], 'status': 'Stopped'}, {'instance_id': I[1]}],
                              'behaviour': {'single_instance_errors': 'call_level'}})
    status, body = call(running, 'InstallBackupClients', InstanceIds=json.dumps([I[0]]))
    assert (status, body['Code']) == (400, 'InstanceNotRunning') and 'RequestId' in body
    status, body = call(running, 'UninstallBackupClients', InstanceIds=json.dumps(['i-gone0000000000000001']))
    assert (status, body['Code']) == (400, 'InstanceNotExists')
    status, body = call(running, 'InstallBackupClients', InstanceIds=json.dumps(I[:2]))
    assert status == 200 and [s['ErrorCode'] for s in body['InstanceStatuses']] == ['InstanceNotRunning', '']
    assert [c['action'] for c in running.calls()][:2] == ['InstallBackupClients', 'UninstallBackupClients']
    assert running.calls()[0]['code'] == 'InstanceNotRunning' and running.state()['clients'][0]['InstanceId'] == I[1]


def test_proxy_password_masked_or_clear(start_emulator):
    running = start_emulator({'instances': fleet(1, settings={'ProxyPassword': 'pw-123'})})
    assert page(running, 1)['Clients'][0]['Settings']['ProxyPassword'] == '******'
    running.admin('PUT', '/_emulator/behaviour', {'proxy_password': 'clear'})
    assert page(running, 1)['Clients'][0]['Settings']['ProxyPassword'] == 'pw-123'
    assert 'pw-123' not in json.dumps(running.state()), 'the admin state never shows it'


def test_delete_quiet_seconds(start_emulator):
    running = start_emulator({'instances': fleet(1), 'task_seconds': {'uninstall': 0.1}})
    client_id = page(running, 1)['Clients'][0]['ClientId']
    running.admin('PUT', '/_emulator/behaviour', {'delete_quiet_seconds': 3600})
    task_id = call(running, 'UninstallBackupClients', ClientIds=json.dumps([client_id]))[1]['TaskId']
    wait_done(running, task_id)
    refused = call(running, 'DeleteBackupClient', ClientId=client_id)
    assert refused[0] == 200 and (refused[1]['Success'], refused[1]['Code']) == (False, 'BadRequest')
    running.admin('PUT', '/_emulator/behaviour', {'delete_quiet_seconds': 0})
    assert call(running, 'DeleteBackupClient', ClientId=client_id)[1]['Success'] is True
    assert running.state()['clients'] == []
    assert call(running, 'DeleteBackupClient', ClientId=client_id)[1]['Code'] == 'ResourceNotFound'


def test_ecs_actions_require_region_id(start_emulator):
    running = start_emulator({'instance_count': 1})
    for action, query in (('DescribeInstances', {}), ('DescribeCloudAssistantStatus', {'InstanceId.1': I[0]})):
        status, body = ecs(running, action, **query)
        assert (status, body['Code']) == (400, 'MissingRegionId') and body['Message'] == \
            'RegionId is mandatory for this action.'
    assert ecs(running, 'DescribeInstances', RegionId='cn-hangzhou')[1]['TotalCount'] == 1
    assert ecs(running, 'DescribeInstances', RegionId='cn-beijing')[1]['TotalCount'] == 0


def test_started_seconds_ago_and_late_cloud_assistant(start_emulator):
    running = start_emulator({'instances': [
        {'instance_id': I[0]}, {'instance_id': I[1], 'started_seconds_ago': 30, 'cloud_assistant_after_seconds': 0.5}]})
    before = time.time()
    listed = ecs(running, 'DescribeInstances', RegionId='cn-hangzhou', InstanceIds=json.dumps(I[:2]))[1]
    starts = [time.mktime(time.strptime(i['StartTime'], '%Y-%m-%dT%H:%MZ')) - time.timezone
              for i in listed['Instances']['Instance']]
    assert before - 86400 - 120 < starts[0] < before - 86400 + 60 and before - 120 < starts[1] <= before
    assert [i['CreationTime'] for i in listed['Instances']['Instance']] == \
        [i['StartTime'] for i in listed['Instances']['Instance']]
    assistant = ecs(running, 'DescribeCloudAssistantStatus', RegionId='cn-hangzhou', **{'InstanceId.1': I[0],
                                                                                        'InstanceId.2': I[1]})[1]
    statuses = assistant['InstanceCloudAssistantStatusSet']['InstanceCloudAssistantStatus']
    assert [s['CloudAssistantStatus'] for s in statuses] == ['true', 'false']
    refused = call(running, 'InstallBackupClients', InstanceIds=json.dumps([I[1]]))[1]
    assert refused['InstanceStatuses'][0]['ErrorCode'] == 'CloudAssistNotRunningOnInstance'
    time.sleep(0.6)
    later = ecs(running, 'DescribeCloudAssistantStatus', RegionId='cn-hangzhou', **{'InstanceId.1': I[1]})[1]
    assert later['InstanceCloudAssistantStatusSet']['InstanceCloudAssistantStatus'][0]['CloudAssistantStatus'] == 'true'
    accepted = call(running, 'InstallBackupClients', InstanceIds=json.dumps([I[1]]))[1]
    assert accepted['InstanceStatuses'][0]['ErrorCode'] == '' and accepted['TaskId']


def test_released_instance_keeps_its_client_record_which_goes_unknown(start_emulator):
    running = start_emulator({'instances': fleet(2)})
    assert running.admin('DELETE', '/_emulator/instances/%s' % I[0]) == {'released': I[0]}
    with pytest.raises(Exception):
        running.admin('DELETE', '/_emulator/instances/%s' % I[0])
    records = {c['InstanceId']: c for c in page(running, 1)['Clients']}
    assert (records[I[0]]['Status'], records[I[1]]['Status']) == ('UNKNOWN', 'ACTIVATED')
    assert ecs(running, 'DescribeInstances', RegionId='cn-hangzhou')[1]['TotalCount'] == 1
    # Uninstall by ClientIds of an orphan: the service cannot reach the gone instance (no task).
    body = call(running, 'UninstallBackupClients', ClientIds=json.dumps([records[I[0]]['ClientId']]))[1]
    assert body['InstanceStatuses'] == [{'InstanceId': I[0], 'ValidInstance': False, 'ErrorCode': 'InstanceNotExists'}]
    assert 'TaskId' not in body
    assert call(running, 'DeleteBackupClient', ClientId=records[I[0]]['ClientId'])[1]['Success'] is True
