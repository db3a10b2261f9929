"""hbr-emulator's command line errors (one line, exit 2, no traceback) and the shipped example scenario."""

import json
import os
import subprocess
import sys

import pytest

from hbr_emulator.launcher import EmulatorProcess
from hbr_emulator.scenario import ScenarioError, check_scenario

EXAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'scenarios', 'example-fleet.json')


def run_cli(*args):
    return subprocess.run([sys.executable, '-m', 'hbr_emulator'] + list(args), capture_output=True, text=True,
                          check=False, timeout=60)


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2 and result.stdout == ''
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith('hbr-emulator: error: '), result.stderr
    assert 'Traceback' not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.mark.parametrize('args, fragments', [
    (['--bogus'], ['unrecognized arguments: --bogus', '--help']),
    (['--port', 'eighty'], ['--port', "invalid int value: 'eighty'"]),
    (['--port', '70000'], ['--port 70000 is not a port number']),
    (['--tls-cert', 'x.pem'], ['--tls-cert and --tls-key go together']),
    (['--scenario', '/nonexistent/fleet.json'], ['cannot read scenario file /nonexistent/fleet.json',
                                                 'No such file or directory']),
], ids=['unknown-option', 'port-not-a-number', 'port-out-of-range', 'half-tls', 'missing-scenario'])
def test_bad_arguments_are_one_line(args, fragments):
    assert_one_line_error(run_cli(*args), *fragments)


@pytest.mark.parametrize('text, fragments', [
    ('{"instances": [', ['is not valid JSON', 'line 1']),
    ('[1, 2]', ['scenario: must be a JSON object']),
    ('{"instance_count": "3"}', ['scenario.instance_count: "3" is not valid', 'whole number']),
    ('{"instances": [{"instance_id": "i-a", "client": {"status": "ACTIVE"}}]}',
     ['instances[0].client.status: "ACTIVE" is not valid', 'ACTIVATED']),
    ('{"instances": [{"instance_id": "i-a", "cloud_asistant": false}]}', ["instances[0]: unknown key 'cloud_asistant'"]),
    ('{"instances": [{"status": "Running"}]}', ['instances[0]: every instance needs an instance_id']),
    ('{"task_seconds": {"install": "fast"}}', ['scenario.task_seconds.install']),
    ('{"faults": {"drop_rate": 3}}', ['drop_rate must be between 0 and 1']),
], ids=['bad-json', 'not-an-object', 'wrong-type', 'unknown-status', 'unknown-key', 'no-id', 'task-seconds', 'faults'])
def test_malformed_scenarios_are_one_line(tmp_path, text, fragments):
    path = tmp_path / 'fleet.json'
    path.write_text(text)
    assert_one_line_error(run_cli('--scenario', str(path)), 'scenario file %s' % path, *fragments)


def test_admin_add_instances_checks_the_same_rules():
    with EmulatorProcess({}) as emulator:
        with pytest.raises(Exception) as failure:
            emulator.admin('POST', '/_emulator/instances', [{'instance_id': 'i-bad', 'status': 'Runing'}])
        assert 'HTTP 400' in str(failure.value) and 'instances[0].status' in str(failure.value)
        assert emulator.admin('GET', '/_emulator/state')['instances'] == []


def test_the_example_scenario_loads_and_serves_clients_in_several_states():
    with open(EXAMPLE, encoding='utf-8') as handle:
        scenario = check_scenario(json.load(handle))
    assert 'access_keys' not in scenario, 'the example uses the default key pair of the README'
    with EmulatorProcess(EXAMPLE) as emulator:
        state = emulator.admin('GET', '/_emulator/state')
    instances = {i['instance_id']: i for i in state['instances']}
    clients = {c['InstanceId']: c for c in state['clients']}
    assert len(instances) == 12
    statuses = {c['Status'] for c in clients.values()}
    assert {'ACTIVATED', 'UNKNOWN', 'INSTALL_FAILED', 'NOT_INSTALLED'} <= statuses
    activated = [c for c in clients.values() if c['Status'] == 'ACTIVATED']
    assert {c['ClientVersion'] == c['MaxClientVersion'] for c in activated} == {True, False}, 'current and outdated'
    assert set(instances) - set(clients), 'some instances have no client'
    assert any(i['status'] == 'Stopped' for i in instances.values())
    assert any(not i['cloud_assistant'] for i in instances.values())
    assert any(c['Tags'] for c in clients.values()) and any(c['Resources']['plans'] for c in clients.values())


def test_check_scenario_accepts_the_readme_example():
    check_scenario({'access_keys': {'emulator-ak': 'emulator-secret'}, 'region': 'cn-hangzhou', 'instance_count': 2,
                    'instances': ['i-web0000000000000002', {
                        'instance_id': 'i-web0000000000000001', 'status': 'Running', 'cloud_assistant': True,
                        'install_fails': False, 'os_type': 'linux', 'arch': 'amd64', 'zone_id': 'cn-hangzhou-h',
                        'client': {'status': 'ACTIVATED', 'version': '2.12.0', 'settings': {'MaxCpuCore': '2'},
                                   'tags': {'env': 'prod'}, 'resources': {'plans': 1, 'jobs': 2, 'snapshots': 3}}}],
                    'task_seconds': {'install': 3, 'uninstall': 2, 'upgrade': 3, 'create': 3},
                    'client_version': '2.13.0', 'max_client_version': '2.14.0', 'vaults': ['v-0001'],
                    'faults': {'seed': 1}, 'clock_offset_seconds': 0})
    with pytest.raises(ScenarioError):
        check_scenario({'regoin': 'cn-hangzhou'})
