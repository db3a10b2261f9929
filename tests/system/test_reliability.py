# -*- coding: utf-8 -*-
# DESIGN §6 under stress: faults, races, interruptions, authentication, TLS and secrets. Every
# figure printed here (RELIABILITY lines) is recorded in docs/reliability.md.

from __future__ import absolute_import, division, print_function

import collections
import json
import os
import signal
import subprocess
import sys
import time

from conftest import BIN, KEY, SECRET, Emulator, fleet_inventory  # pylint: disable=import-error

STS_TOKEN = 'rel-sts-token-Hb5-never-printed'
PROXY_PASSWORD = 'rel-proxy-pw-Tq2-never-printed'
READS = ('DescribeBackupClients', 'DescribeInstances', 'DescribeCloudAssistantStatus', 'DescribeTask',
         'DescribeClients')


def ids(count, prefix):
    return ['%s%0*d' % (prefix, 22 - len(prefix), n) for n in range(1, count + 1)]


def playbook(path, args, extra_task_args=''):
    with open(str(path), 'w') as handle:
        handle.write('- hosts: localhost\n  gather_facts: false\n  tasks:\n'
                     '    - alicloud.hbr.hbr_client: "{{ lookup(\'ansible.builtin.file\', \'%s\') | from_json }}"\n%s'
                     % (str(path) + '.json', extra_task_args))
    with open(str(path) + '.json', 'w') as handle:
        json.dump(args, handle)
    return str(path)


def ansible_playbook(path, env, *extra):
    return subprocess.run([os.path.join(BIN, 'ansible-playbook'), path] + list(extra), env=env, capture_output=True,
                          text=True, check=False)


def writes(calls):
    return [c for c in calls if c['action'] not in READS]


def report(name, **figures):
    print('RELIABILITY %s %s' % (name, json.dumps(figures, sort_keys=True)))


SOAK = os.environ.get('HBR_SOAK') == '1'


def test_faults_every_instance_converges_without_a_double_install(emulator, tmp_path):
    # `make soak` runs this with HBR_SOAK=1: more instances, harsher faults.
    instances = ids(2000 if SOAK else 500, 'i-fault')
    running = emulator({'instances': [{'instance_id': i} for i in instances],
                        'task_seconds': {'install': 3, 'uninstall': 1, 'upgrade': 1, 'create': 1}})
    faults = {'throttle_rate': 0.4 if SOAK else 0.3, 'server_error_rate': 0.1 if SOAK else 0.05,
              'drop_rate': 0.1 if SOAK else 0.05, 'latency_ms': 20, 'seed': 11}
    running.admin('PUT', '/_emulator/faults', faults)
    book = playbook(tmp_path / 'faults.yml', {'instance_ids': instances, 'api_retries': 16 if SOAK else 8})
    first = ansible_playbook(book, running.env())
    assert first.returncode == 0, first.stdout[-3000:]
    state = running.admin('GET', '/_emulator/state')
    assert len(state['clients']) == len(instances) and set(c['Status'] for c in state['clients']) == {'ACTIVATED'}
    assert max(c['AppliedInstalls'] for c in state['clients']) == 1, 'no instance got a second applied install'
    calls = running.admin('GET', '/_emulator/calls')
    throttled = sum(1 for c in calls if c['code'] == 'Throttling.User')
    errors = sum(1 for c in calls if c['http_status'] in (500, 503))
    dropped = sum(1 for c in calls if c['dropped'])
    dropped_installs = sum(1 for c in calls if c['dropped'] and c['action'] == 'InstallBackupClients')
    assert throttled and errors and dropped, 'every fault kind was injected'
    running.admin('DELETE', '/_emulator/calls')
    second = ansible_playbook(book, running.env())
    assert second.returncode == 0 and '"changed": false' in second.stdout or 'changed=0' in second.stdout
    again = running.admin('GET', '/_emulator/calls')
    assert writes(again) == [], 'the re-run makes zero writes'
    report('faults', instances=len(instances), api_requests=len(calls), throttled=throttled, server_errors=errors,
           dropped=dropped, dropped_installs=dropped_installs, retried=throttled + errors + dropped,
           second_applied_installs=0, rerun_requests=len(again), rerun_writes=0)


def test_races_twenty_concurrent_runs_over_overlapping_instances(emulator, tmp_path):
    instances = ids(25, 'i-race')
    running = emulator({'instances': [{'instance_id': i} for i in instances],
                        'task_seconds': {'install': 2, 'uninstall': 1, 'upgrade': 1, 'create': 1}})
    inventory = tmp_path / 'race.yml'
    covered = set()
    with open(str(inventory), 'w') as handle:
        handle.write('all:\n  hosts:\n')
        for n in range(20):
            owned = [instances[(n * 5 // 4 + k) % 25] for k in range(3)]
            covered.update(owned)
            handle.write('    runner%02d: {owned: %s, ansible_connection: local, ansible_python_interpreter: %s}\n'
                         % (n, json.dumps(owned), sys.executable))
    book = tmp_path / 'race-play.yml'
    book.write_text('- hosts: all\n  gather_facts: false\n  tasks:\n'
                    '    - alicloud.hbr.hbr_client:\n        instance_ids: "{{ owned }}"\n')
    result = subprocess.run([os.path.join(BIN, 'ansible-playbook'), str(book), '-i', str(inventory), '-f', '20'],
                            env=running.env(), capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert 'failed=0' in result.stdout and 'failed=1' not in result.stdout
    state = running.admin('GET', '/_emulator/state')
    applied = collections.Counter(c['AppliedInstalls'] for c in state['clients'])
    assert len(covered) == 25, 'every instance is owned by at least one run, most by several'
    assert len(state['clients']) == 25 and applied == {1: 25}, applied
    assert set(c['Status'] for c in state['clients']) == {'ACTIVATED'}
    installs = [c for c in running.admin('GET', '/_emulator/calls') if c['action'] == 'InstallBackupClients']
    report('races', runs=20, instances=25, overlapping_runs_per_instance=3, install_calls=len(installs),
           double_installs=0, failed_runs=0)


def start_playbook(path, env):
    return subprocess.Popen([os.path.join(BIN, 'ansible-playbook'), path], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def wait_for_installs(running, expected, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        sent = [c for c in running.admin('GET', '/_emulator/calls') if c['action'] == 'InstallBackupClients']
        if len(sent) >= expected:
            return sent
        time.sleep(0.1)
    raise AssertionError('the installs were not sent in time')


def test_sigkill_while_waiting_then_rerun_converges(emulator, tmp_path):
    instances = ids(60, 'i-kill')
    running = emulator({'instances': [{'instance_id': i} for i in instances],
                        'task_seconds': {'install': 6, 'uninstall': 1, 'upgrade': 1, 'create': 1}})
    book = playbook(tmp_path / 'kill.yml', {'instance_ids': instances})
    process = start_playbook(book, running.env())
    wait_for_installs(running, 3)
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    running.admin('DELETE', '/_emulator/calls')
    rerun = ansible_playbook(book, running.env())
    assert rerun.returncode == 0, rerun.stdout[-3000:]
    state = running.admin('GET', '/_emulator/state')
    assert set(c['Status'] for c in state['clients']) == {'ACTIVATED'} and len(state['clients']) == 60
    assert max(c['AppliedInstalls'] for c in state['clients']) == 1
    assert [c for c in running.admin('GET', '/_emulator/calls') if c['action'] == 'InstallBackupClients'] == []
    report('sigkill', instances=60, killed_while='waiting on install tasks', rerun_installs=0, double_installs=0)


def test_emulator_restart_from_state_mid_run(tmp_path):
    instances = ids(60, 'i-restart')
    scenario = {'instances': [{'instance_id': i} for i in instances],
                'task_seconds': {'install': 4, 'uninstall': 1, 'upgrade': 1, 'create': 1}}
    running = Emulator(scenario, tmp_path, state=str(tmp_path / 'state.sqlite'))
    book = playbook(tmp_path / 'restart.yml', {'instance_ids': instances})
    process = start_playbook(book, running.env())
    try:
        wait_for_installs(running, 3)
        running.stop()
        time.sleep(1.5)
        running.start()  # the same port and state file
        output = process.communicate(timeout=240)[0]
        assert process.returncode == 0, output[-3000:]
        state = running.admin('GET', '/_emulator/state')
        assert set(c['Status'] for c in state['clients']) == {'ACTIVATED'} and len(state['clients']) == 60
        assert max(c['AppliedInstalls'] for c in state['clients']) == 1
        running.admin('DELETE', '/_emulator/calls')
        again = ansible_playbook(book, running.env())
        assert again.returncode == 0
        assert writes(running.admin('GET', '/_emulator/calls')) == []
        report('emulator_restart', instances=60, restarts=1, double_installs=0, rerun_writes=0)
    finally:
        if process.poll() is None:
            process.kill()
        running.stop()


def test_wrong_secret_is_one_request_with_the_code_and_request_id(emulator, tmp_path):
    running = emulator({'instances': [{'instance_id': 'i-auth0000000000000001'}]})
    book = playbook(tmp_path / 'auth.yml', {'instance_ids': ['i-auth0000000000000001']})
    result = ansible_playbook(book, running.env(ALICLOUD_SECRET_KEY='not-the-right-secret-Pz0'))
    assert result.returncode == 2
    calls = running.admin('GET', '/_emulator/calls')
    assert len(calls) == 1 and calls[0]['code'] == 'SignatureDoesNotMatch'
    assert 'SignatureDoesNotMatch' in result.stdout and '"request_id": "' in result.stdout
    assert 'not-the-right-secret-Pz0' not in result.stdout + result.stderr
    report('auth', requests=1, retries=0)


def test_expired_timestamp_from_a_skewed_clock(emulator, tmp_path):
    running = emulator({'instances': [{'instance_id': 'i-skew0000000000000001'}], 'clock_offset_seconds': 3600})
    book = playbook(tmp_path / 'skew.yml', {'instance_ids': ['i-skew0000000000000001']})
    result = ansible_playbook(book, running.env())
    assert result.returncode == 2 and 'InvalidTimeStamp.Expired' in result.stdout
    assert len(running.admin('GET', '/_emulator/calls')) == 1, 'never retried'


def make_ca(directory):
    def run(*args):
        subprocess.run(['openssl'] + list(args), check=True, cwd=directory, capture_output=True)

    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
        '-subj', '/CN=alicloud.hbr test CA')
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1')
    with open(os.path.join(directory, 'san.ext'), 'w') as handle:
        handle.write('subjectAltName=IP:127.0.0.1\n')
    run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out',
        'server.pem', '-days', '2', '-extfile', 'san.ext')
    return [os.path.join(directory, n) for n in ('ca.pem', 'server.pem', 'server.key')]


def test_tls_unknown_ca_fails_by_default_and_passes_with_ca_bundle(tmp_path):
    ca, cert, key = make_ca(str(tmp_path))
    running = Emulator({'instances': [{'instance_id': 'i-tls00000000000000001', 'client': {'status': 'ACTIVATED'}}]},
                       tls_cert=cert, tls_key=key)
    try:
        env = running.env()
        env.pop('REQUESTS_CA_BUNDLE', None)
        default = subprocess.run([os.path.join(BIN, 'ansible'), 'localhost', '-m', 'alicloud.hbr.hbr_client_info'],
                                 env=env, capture_output=True, text=True, check=False)
        assert default.returncode != 0 and 'TLS verification failed' in default.stdout
        assert 'ca_bundle' in default.stdout
        trusted = subprocess.run([os.path.join(BIN, 'ansible'), 'localhost', '-m', 'alicloud.hbr.hbr_client_info',
                                  '-a', 'ca_bundle=%s' % ca], env=env, capture_output=True, text=True, check=False)
        assert trusted.returncode == 0, trusted.stdout
        assert 'i-tls00000000000000001' in trusted.stdout
    finally:
        running.stop()


def test_no_secret_in_any_output(emulator, tmp_path):
    """Every module and the role, with -vvv, --diff, check mode and a forced failure."""
    running = emulator({'instances': [{'instance_id': i, 'client': {'status': 'ACTIVATED', 'resources': {'plans': 1}}}
                                      for i in ids(3, 'i-secret')] + [{'instance_id': 'i-secretstopped000001',
                                                                       'status': 'Stopped'}],
                        'sts_tokens': {KEY: STS_TOKEN}})
    env = running.env(ALICLOUD_SECURITY_TOKEN=STS_TOKEN)
    proxy = {'data_proxy_setting': 'CUSTOM', 'proxy_host': '10.1.1.1', 'proxy_port': 3128,
             'proxy_password': PROXY_PASSWORD, 'update_proxy_password': 'always'}
    targets = ids(3, 'i-secret') + ['i-secretstopped000001']
    outputs = []
    for mode in ([], ['--check']):
        for name, args in (('client', dict(proxy, instance_ids=targets)),
                           ('client-hana', {'instance_ids': ids(1, 'i-secret'), 'vault_id': 'v-0001secretvault001',
                                            'cluster_id': 'cl-0001secretclust01', 'hana_access_key_id': 'HANAKEY',
                                            'hana_access_key_secret': SECRET})):
            result = ansible_playbook(playbook(tmp_path / ('%s.yml' % name), args), env, '-vvv', '--diff', *mode)
            outputs.append(result.stdout + result.stderr)
        info = subprocess.run([os.path.join(BIN, 'ansible'), 'localhost', '-vvv', '-m', 'alicloud.hbr.hbr_client_info',
                               '-a', 'alicloud_secret_key=%s' % SECRET] + mode, env=env, capture_output=True, text=True,
                              check=False)
        outputs.append(info.stdout + info.stderr)
        resources = subprocess.run([os.path.join(BIN, 'ansible'), 'localhost', '-vvv', '--diff', '-m',
                                    'alicloud.hbr.hbr_client_resources', '-a',
                                    'instance_ids=%s' % ','.join(ids(3, 'i-secret'))] + mode, env=env,
                                   capture_output=True, text=True, check=False)
        assert resources.returncode == 0, resources.stdout[-2000:]
        outputs.append(resources.stdout + resources.stderr)
        inventory = fleet_inventory(tmp_path / 'inventory.yml', targets)
        role = subprocess.run([os.path.join(BIN, 'ansible-playbook'), 'alicloud.hbr.protect', '-i', inventory, '-vvv',
                               '--diff', '-e', json.dumps({'hbr_client_settings': proxy})] + mode, env=env,
                              capture_output=True, text=True, check=False)
        assert role.returncode == 2 and 'InstanceNotRunning' in role.stdout, 'the forced failure happened'
        outputs.append(role.stdout + role.stderr)
    failing = subprocess.run([os.path.join(BIN, 'ansible'), 'localhost', '-vvv', '-m', 'alicloud.hbr.hbr_client_info',
                              '-a', 'hbr_endpoint=http://127.0.0.1:1'], env=env, capture_output=True, text=True,
                             check=False)
    assert failing.returncode != 0
    outputs.append(failing.stdout + failing.stderr)
    text = '\n'.join(outputs)
    found = dict((name, text.count(value)) for name, value in (('secret_key', SECRET), ('sts_token', STS_TOKEN),
                                                               ('proxy_password', PROXY_PASSWORD)))
    assert found == {'secret_key': 0, 'sts_token': 0, 'proxy_password': 0}
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in text or '********' in text, 'secrets were passed and masked'
    report('secrets', runs=len(outputs), bytes_searched=len(text), occurrences=0)
