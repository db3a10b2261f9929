"""Faults seen in the call log, state that survives a restart, and 50 parallel writers."""

import json
import threading
import time

from rawclient import v3_request

I1, I2 = 'i-emu00000000000000001', 'i-emu00000000000000002'


def install(running, *ids):
    return v3_request(running.url, 'InstallBackupClients', {'InstanceIds': json.dumps(list(ids))})


def test_throttle_fault(start_emulator):
    running = start_emulator({'instance_count': 1, 'faults': {'throttle_rate': 1.0, 'retry_after_ms': 1500}})
    status, body, headers = install(running, I1)
    assert (status, body['Code']) == (400, 'Throttling.User')
    assert headers.get('x-acs-retry-after') == '1500'
    call = running.calls()[-1]
    assert (call['action'], call['http_status'], call['code'], call['task_id']) == \
        ('InstallBackupClients', 400, 'Throttling.User', None)
    assert running.state()['clients'] == [], 'a throttled request is not applied'


def test_server_error_fault(start_emulator):
    running = start_emulator({'instance_count': 1, 'faults': {'server_error_rate': 1.0, 'seed': 7}})
    codes = set()
    for _attempt in range(6):
        status, body, _headers = install(running, I1)
        codes.add((status, body['Code']))
    assert codes <= {(500, 'InternalError'), (503, 'ServiceUnavailable')} and codes
    assert {(c['http_status'], c['code']) for c in running.calls()} == codes
    assert running.state()['clients'] == []


def test_drop_fault_applies_then_closes(start_emulator):
    import http.client
    running = start_emulator({'instance_count': 1})
    running.admin('PUT', '/_emulator/faults', {'drop_rate': 1.0})
    try:
        install(running, I1)
        raise AssertionError('a dropped request must get no answer')
    except (http.client.RemoteDisconnected, ConnectionError, OSError):
        pass
    running.admin('PUT', '/_emulator/faults', {})
    call = running.calls()[-1]
    assert call['dropped'] is True and call['http_status'] is None
    assert call['task_id'] and call['task_id'].startswith('t-'), 'the dropped request created its task'
    client = running.state()['clients'][0]
    assert client['AppliedInstalls'] == 1, 'the action was applied'
    install(running, I1)
    assert running.state()['clients'][0]['AppliedInstalls'] == 2, 'a blind retry double-installs, visibly'


def test_latency_fault(start_emulator):
    running = start_emulator({'faults': {'latency_ms': 200}})
    started = time.time()
    v3_request(running.url, 'DescribeBackupClients', {'ClientType': 'ECS_CLIENT'})
    assert time.time() - started >= 0.2
    assert running.admin('GET', '/_emulator/faults') == {'latency_ms': 200}


def test_faults_are_deterministic_with_a_seed(start_emulator):
    outcomes = []
    for _attempt in range(2):
        running = start_emulator({'faults': {'throttle_rate': 0.5, 'seed': 42}})
        outcomes.append([v3_request(running.url, 'DescribeBackupClients', {'ClientType': 'ECS_CLIENT'})[0]
                         for _attempt in range(12)])
    assert outcomes[0] == outcomes[1] and 400 in outcomes[0] and 200 in outcomes[0]


def test_restart_with_state_keeps_clients_and_in_flight_tasks(start_emulator, tmp_path):
    state = str(tmp_path / 'hbr.sqlite')
    scenario = {'instance_count': 2, 'task_seconds': {'install': 1.0, 'uninstall': 1, 'upgrade': 1, 'create': 1}}
    first = start_emulator(scenario, state_path=state)
    install(first, I1)
    task_id = first.calls()[-1]['task_id']
    first.stop()
    time.sleep(1.1)
    second = start_emulator({'instance_count': 99}, state_path=state)  # the state file wins over a new scenario
    status, body, _headers = v3_request(second.url, 'DescribeTask', {'TaskId': task_id})
    assert status == 200 and body['Description'] == 'completed', 'the task clock kept running across the restart'
    state_now = second.state()
    assert len(state_now['instances']) == 2
    assert [(c['InstanceId'], c['Status']) for c in state_now['clients']] == [(I1, 'ACTIVATED')]
    assert [c['action'] for c in second.calls()] == ['InstallBackupClients', 'DescribeTask'], 'call log kept too'


def test_fifty_parallel_writers_stay_consistent(start_emulator):
    running = start_emulator({'instance_count': 50})
    errors = []

    def writer(n):
        instance = 'i-emu%017d' % (n + 1)
        try:
            status, body, _headers = install(running, instance)
            assert status == 200 and body['TaskId'], body
            status, body, _headers = v3_request(running.url, 'DescribeBackupClients',
                                                {'ClientType': 'ECS_CLIENT'}, body='InstanceIds=' + json.dumps([instance]))
            client_id = body['Clients'][0]['ClientId']
            status, body, _headers = v3_request(running.url, 'UpdateClientSettings', {'ClientId': client_id,
                                                                                      'MaxWorker': str(n % 7)})
            assert status == 200, body
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    state = running.state()
    assert len(state['clients']) == 50
    assert len({c['ClientId'] for c in state['clients']}) == 50
    assert all(c['AppliedInstalls'] == 1 for c in state['clients'])
    by_instance = {c['InstanceId']: c for c in state['clients']}
    assert all(by_instance['i-emu%017d' % (n + 1)]['Settings']['MaxWorker'] == str(n % 7) for n in range(50))
    task_ids = [t['TaskId'] for t in state['tasks']]
    assert len(task_ids) == len(set(task_ids)) == 50
    calls = running.calls()
    assert len(calls) == 150 and all(c['http_status'] == 200 for c in calls)
