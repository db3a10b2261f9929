# -*- coding: utf-8 -*-
# The README's "Try it in ten minutes" commands, read out of README.md (so they cannot drift) and run
# as written, as one bash session in a fresh copy of the checkout with a clean environment (no venv
# on PATH, no ANSIBLE_*/ALICLOUD_* variables). The guides that restate them are checked against them.

from __future__ import absolute_import, division, print_function

import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile

from conftest import COLLECTION  # pylint: disable=import-error

SECTION = '## Try it in ten minutes'
SCENARIO = os.path.join('emulator', 'scenarios', 'example-fleet.json')
# Ansible's own notice for commands without an inventory (explained in the README); every other
# warning or deprecation fails the run.
ALLOWED_WARNINGS = ('[WARNING]: No inventory was parsed, only implicit localhost is available',
                    "[WARNING]: provided hosts list is empty, only localhost is available. Note that the implicit "
                    "localhost does not match 'all'")


def readme_commands():
    with open(os.path.join(COLLECTION, 'README.md'), encoding='utf-8') as handle:
        text = handle.read()
    section = text.split(SECTION, 1)[1].split('\n## ', 1)[0]
    block = re.search(r'```bash\n(.*?)```', section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def warnings_in(output):
    return [line for line in output.splitlines()
            if line.startswith(('[WARNING]', '[DEPRECATION WARNING]')) and line.strip() not in ALLOWED_WARNINGS]


def port_is_free(port):
    with socket.socket() as probe:
        try:
            probe.bind(('127.0.0.1', port))
        except OSError:
            return False
    return True


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def fresh_clone(destination):
    """What `git clone` of this checkout gives: the files git tracks, in a git repository."""
    listing = subprocess.run(['git', 'ls-files', '-z'], cwd=COLLECTION, capture_output=True, check=True).stdout
    for name in listing.decode('utf-8').split('\0'):
        if name and os.path.isfile(os.path.join(COLLECTION, name)):
            os.makedirs(os.path.dirname(os.path.join(destination, name)), exist_ok=True)
            shutil.copy2(os.path.join(COLLECTION, name), os.path.join(destination, name))
    subprocess.run(['git', 'init', '-q'], cwd=destination, check=True)
    subprocess.run(['git', 'add', '-A'], cwd=destination, check=True)
    if not os.path.exists(os.path.join(destination, SCENARIO)):
        write_stand_in_scenario(os.path.join(destination, SCENARIO))


def write_stand_in_scenario(path):
    """Until emulator/scenarios/example-fleet.json is merged: the same ids, a few of its states."""
    clients = {1: {'status': 'ACTIVATED'}, 3: {'status': 'ACTIVATED', 'version': '2.12.0'},
               5: {'status': 'UNKNOWN'}, 6: {'status': 'INSTALL_FAILED'}}
    instances = []
    for number in range(1, 13):
        instance = {'instance_id': 'i-example%013d' % number}
        if number in clients:
            instance['client'] = clients[number]
        instances.append(instance)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as handle:
        json.dump({'instances': instances, 'task_seconds': {'install': 3}}, handle)


def clean_environment():
    """A newcomer's shell: no virtualenv on PATH and none of the variables make or the suite set."""
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(('ANSIBLE_', 'ALICLOUD_', 'ALIBABA_CLOUD_', 'MAKE', 'PYTEST', 'HBR_'))
               and k not in ('VIRTUAL_ENV', 'MFLAGS', 'PYTHONPATH'))
    venv_bins = [os.path.join(COLLECTION, '.venv', 'bin')]
    parts = env.get('PATH', '').split(os.pathsep)
    env['PATH'] = os.pathsep.join(p for p in parts if not p.rstrip('/').endswith('/.venv/bin') and p not in venv_bins
                                  and '/.build/core-' not in p)
    return env


def run_session(commands, cwd):
    """The commands as one bash session; any failing command fails it. The emulator is always stopped."""
    script = 'set -e -o pipefail\n' + '\n'.join(commands) + '\n'
    # The output goes to a file, not a pipe: a background emulator left running by a failed command
    # would hold a pipe open, and the test would wait for its end instead of failing.
    with tempfile.TemporaryFile(mode='w+') as log:
        process = subprocess.Popen(['bash', '-c', script], cwd=cwd, env=clean_environment(), stdout=log,
                                   stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            process.wait(timeout=900)
        finally:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        log.seek(0)
        output = log.read()
    return process.returncode, output


def test_readme_commands_work_as_written_from_a_fresh_clone(tmp_path):
    commands = readme_commands()
    assert any(c.startswith('hbr-emulator --scenario %s' % SCENARIO) for c in commands)
    if not port_is_free(8080):
        # Only when something else holds 8080 (a shared machine): the same commands on a free port.
        port = str(free_port())
        commands = [c.replace('8080', port) for c in commands]
    clone = str(tmp_path / 'alicloud.hbr')
    fresh_clone(clone)
    report = '/tmp/hbr-report.html'
    if os.path.exists(report):
        os.unlink(report)

    returncode, output = run_session(commands, clone)

    assert returncode == 0, output[-4000:]
    results = [json.loads(m) for m in re.findall(r'^localhost \| (?:SUCCESS|CHANGED) => (\{.*?^\})', output, re.M | re.S)]
    assert len(results) == 3, output[-4000:]
    listed, attention, installed = results
    statuses = set(c['status'] for c in listed['clients'])
    assert len(listed['clients']) >= 4 and {'ACTIVATED', 'UNKNOWN', 'INSTALL_FAILED'} <= statuses, statuses
    assert set(c['status'] for c in attention['clients']) == {'INSTALL_FAILED', 'UNKNOWN'}
    assert installed['changed'] is True
    assert [(c['instance_id'], c['status']) for c in installed['clients']] == [('i-example0000000000008', 'ACTIVATED')]
    assert re.search(r'Fleet report: /tmp/hbr-report.html \(\d+ clients', output)
    assert os.path.getsize(report) > 1000
    assert warnings_in(output) == [], warnings_in(output)
    assert 'emulator-secret' not in output.replace('ALICLOUD_SECRET_KEY=emulator-secret', '')


def test_getting_started_guide_restates_the_readme_commands():
    with open(os.path.join(COLLECTION, 'docs', 'docsite', 'rst', 'guide_getting_started.rst'), encoding='utf-8') as f:
        guide = f.read()
    missing = [c for c in readme_commands() if c.startswith(('make', 'export', 'hbr-emulator', 'ansible'))
               and c not in guide and 'status=' not in c and 'hbr_client -a' not in c]
    assert missing == []


def status_table_statuses():
    """The client statuses of the engine's table, read from plugins/module_utils (not imported)."""
    for path in sorted(glob.glob(os.path.join(COLLECTION, 'plugins', 'module_utils', '*.py'))):
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
        table = re.search(r'^STATUS_TABLE = (.*?)^\)\)', text, re.M | re.S)
        if table:
            return re.findall(r"^    \('([A-Z_]+)', \(", table.group(1), re.M)
    raise AssertionError('STATUS_TABLE not found under plugins/module_utils')


def test_troubleshooting_guide_has_a_row_for_each_of_the_12_statuses():
    statuses = status_table_statuses()
    assert len(statuses) == 12
    with open(os.path.join(COLLECTION, 'docs', 'docsite', 'rst', 'guide_troubleshooting.rst'), encoding='utf-8') as f:
        rows = re.findall(r'^   \* - ``([A-Z_]+)``$', f.read(), re.M)
    assert sorted(rows) == sorted(statuses)


def test_readme_and_makefile_state_the_same_ansible_core_range():
    with open(os.path.join(COLLECTION, 'Makefile'), encoding='utf-8') as handle:
        matrix = re.search(r'^CORE_MATRIX \?= (.*)$', handle.read(), re.M).group(1)
    cores = sorted([pair.split(':')[0] for pair in matrix.split()] + ['2.19'], key=lambda v: tuple(map(int, v.split('.'))))
    with open(os.path.join(COLLECTION, 'README.md'), encoding='utf-8') as handle:
        readme = handle.read()
    assert '- ansible-core %s and %s (' % (', '.join(cores[:-1]), cores[-1]) in readme
    with open(os.path.join(COLLECTION, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        assert 'requires_ansible: ">=%s.0"' % cores[0] in handle.read()
