"""The launcher (hbr_emulator.launcher): the one way tests, benchmarks and the demo start an emulator."""

import os

import pytest

from hbr_emulator.launcher import EmulatorError, EmulatorProcess


def test_start_admin_and_stop_with_a_scenario_dict():
    emulator = EmulatorProcess({'instance_count': 2, 'task_seconds': {'install': 0.2}})
    scenario_file = emulator.scenario_path
    try:
        assert emulator.url == 'http://127.0.0.1:%d' % emulator.port and emulator.port > 0
        assert emulator.admin('GET', '/_emulator/health') == {'status': 'ok'}
        added = emulator.admin('POST', '/_emulator/instances', {'instances': [{'instance_id': 'i-launch00000000000001'}]})
        assert added == {'added': ['i-launch00000000000001']}
        state = emulator.admin('GET', '/_emulator/state')
        assert [i['instance_id'] for i in state['instances']][-1] == 'i-launch00000000000001'
        assert os.path.exists(scenario_file)
    finally:
        emulator.stop()
    assert emulator.process.returncode is not None
    assert not os.path.exists(scenario_file), 'the temporary scenario file is removed'


def test_context_manager_with_a_scenario_path_and_extra_env(tmp_path):
    path = tmp_path / 'fleet.json'
    path.write_text('{"instance_count": 1}')
    with EmulatorProcess(str(path), env={'HBR_LAUNCHER_TEST': '1'}) as emulator:
        assert len(emulator.admin('GET', '/_emulator/state')['instances']) == 1
        process = emulator.process
    assert process.poll() is not None and path.exists(), 'a given scenario file is not removed'


def test_restart_keeps_the_port_and_the_state(tmp_path):
    scenario = {'instances': [{'instance_id': 'i-restart0000000000001', 'client': {'status': 'ACTIVATED'}}]}
    with EmulatorProcess(scenario, state=str(tmp_path / 'state.sqlite')) as emulator:
        url = emulator.url
        emulator.admin('POST', '/_emulator/instances', {'instances': ['i-restart0000000000002']})
        first_pid = emulator.process.pid
        assert emulator.restart() == url
        assert emulator.process.pid != first_pid
        ids = [i['instance_id'] for i in emulator.admin('GET', '/_emulator/state')['instances']]
        assert ids == ['i-restart0000000000001', 'i-restart0000000000002']


def test_a_start_that_fails_shows_the_command_and_stderr(tmp_path):
    missing = str(tmp_path / 'no-such-scenario.json')
    with pytest.raises(EmulatorError) as failure:
        EmulatorProcess(missing, start_timeout=20)
    message = str(failure.value)
    assert 'hbr-emulator did not start' in message and 'exited with code 2' in message
    assert 'cannot read scenario file' in message, "the emulator's own error line is shown"
    assert missing in message


def test_admin_errors_name_the_route_and_the_answer():
    with EmulatorProcess({}) as emulator:
        with pytest.raises(EmulatorError) as failure:
            emulator.admin('PUT', '/_emulator/faults', {'no_such_fault': 1})
        assert 'PUT /_emulator/faults: HTTP 400' in str(failure.value) and 'no_such_fault' in str(failure.value)
