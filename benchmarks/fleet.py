"""Fleet-scale benchmarks against the emulator (issue: converge 1000 instances near the physical limit).

Usage: python benchmarks/fleet.py [--sizes 100,1000,3000] [--peer-size 200] [--role-sizes 200,1000,3000]
(after `make collection`; `make bench` runs it and writes benchmarks/RESULTS.md).

Every scenario runs against a fresh hbr-emulator process with task_seconds install 5, uninstall 3,
upgrade 5 and no faults. API calls come from the emulator's call log.
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

from _common import COLLECTIONS, EmulatorProcess, machine, now

BIN = os.path.dirname(sys.executable)
TASK_SECONDS = {'install': 5, 'uninstall': 3, 'upgrade': 5, 'create': 5}
WRITES = ('InstallBackupClients', 'UninstallBackupClients', 'UpgradeBackupClients', 'UpdateClientSettings',
          'CreateClients', 'DeleteBackupClientResource')
WORK = tempfile.mkdtemp(prefix='hbr-bench-')

RSS_WRAPPER = '''#!%(python)s
# Runs the module under the real interpreter and records the child's peak RSS (KiB).
import os, resource, subprocess, sys
code = subprocess.call([%(python)r] + sys.argv[1:])
with open(%(out)r, 'a') as handle:
    handle.write('%%d\\n' %% resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code)
'''


def ids(count, prefix='i-bench'):
    width = 22 - len(prefix)
    return ['%s%0*d' % (prefix, width, n) for n in range(1, count + 1)]


def fleet(count, version=None):
    instances = [{'instance_id': iid} for iid in ids(count)]
    if version:
        for instance in instances:
            instance['client'] = {'status': 'ACTIVATED', 'version': version}
    return {'instances': instances, 'task_seconds': TASK_SECONDS, 'client_version': '2.13.0',
            'max_client_version': '2.14.0'}


def ansible_env(url):
    return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ALICLOUD_HBR_ENDPOINT=url,
                ALICLOUD_ACCESS_KEY='emulator-ak', ALICLOUD_SECRET_KEY='emulator-secret',
                ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
                ANSIBLE_NOCOLOR='1', PATH=BIN + os.pathsep + os.environ.get('PATH', ''))


def write_playbook(name, module_args, interpreter=None):
    path = os.path.join(WORK, name + '.yml')
    args_path = os.path.join(WORK, name + '.args.json')
    with open(args_path, 'w') as handle:
        json.dump(module_args, handle)
    interpreter_line = '\n  vars:\n    ansible_python_interpreter: %s' % interpreter if interpreter else ''
    with open(path, 'w') as handle:
        handle.write('- hosts: localhost\n  gather_facts: false%s\n  tasks:\n' % interpreter_line)
        if module_args is None:
            handle.write('    - ansible.builtin.debug:\n        msg: empty\n')
        else:
            handle.write('    - alicloud.hbr.hbr_client: "{{ lookup(\'ansible.builtin.file\', \'%s\') | from_json }}"\n'
                         % args_path)
    return path


def run_playbook(path, env, inventory=None, forks=None):
    command = [os.path.join(BIN, 'ansible-playbook'), path]
    if inventory:
        command += ['-i', inventory]
    if forks:
        command += ['-f', str(forks)]
    started = now()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    return now() - started, result


def calls_of(emulator):
    calls = emulator.admin('GET', '/_emulator/calls')
    return collections.Counter(c['action'] for c in calls), len(calls)


def measure_module(emulator, name, module_args, rss=False):
    interpreter = None
    rss_file = os.path.join(WORK, name + '.rss')
    if rss:
        interpreter = os.path.join(WORK, 'rss-python')
        with open(interpreter, 'w') as handle:
            handle.write(RSS_WRAPPER % {'python': sys.executable, 'out': rss_file})
        os.chmod(interpreter, 0o755)
    emulator.admin('DELETE', '/_emulator/calls')
    seconds, result = run_playbook(write_playbook(name, module_args, interpreter), ansible_env(emulator.url))
    if result.returncode != 0:
        raise SystemExit('%s failed:\n%s' % (name, result.stdout[-3000:]))
    by_action, total = calls_of(emulator)
    peak = None
    if rss:
        with open(rss_file) as handle:
            peak = max(int(line) for line in handle if line.strip()) / 1024.0
    return {'seconds': seconds, 'calls': total, 'by_action': dict(by_action),
            'writes': sum(v for k, v in by_action.items() if k in WRITES), 'rss_mib': peak}


def empty_playbook_seconds(env):
    samples = [run_playbook(write_playbook('empty', None), env)[0] for _sample in range(3)]
    return min(samples)


def terraform_style(url, instance_ids, parallel=10, poll=5.0):
    """The Terraform provider's sequence per instance, with the official SDK: one InstallBackupClients
    per instance, wait 5 s, DescribeTask every 5 s until ACTIVATED, DescribeTask again for the
    ClientId, then UpdateClientSettings (always). 10 resources in parallel."""
    from alibabacloud_hbr20170908 import models
    from alibabacloud_hbr20170908.client import Client
    from alibabacloud_tea_openapi.utils_models import Config
    host = url.split('://', 1)[1]
    queue = list(instance_ids)
    lock = threading.Lock()
    errors = []

    def worker():
        client = Client(Config(access_key_id='emulator-ak', access_key_secret='emulator-secret',
                               endpoint=host, protocol='http', region_id='cn-hangzhou'))
        while True:
            with lock:
                if not queue:
                    return
                instance_id = queue.pop(0)
            try:
                task_id = client.install_backup_clients(models.InstallBackupClientsRequest(
                    instance_ids=[instance_id])).body.task_id
                while True:
                    time.sleep(poll)
                    body = client.describe_task(models.DescribeTaskRequest(task_id=task_id)).body
                    result = json.loads(body.result or '[]')
                    if result and result[0].get('clientStatus') == 'ACTIVATED':
                        break
                body = client.describe_task(models.DescribeTaskRequest(task_id=task_id)).body
                client_id = json.loads(body.result)[0]['clientId']
                client.update_client_settings(models.UpdateClientSettingsRequest(client_id=client_id))
            except Exception as exc:  # recorded and reported
                errors.append(repr(exc))

    threads = [threading.Thread(target=worker) for _worker in range(parallel)]
    started = now()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit('terraform-style driver failed: %s' % errors[:3])
    return now() - started


def per_host(emulator, count, forks=20):
    inventory = os.path.join(WORK, 'per-host.yml')
    with open(inventory, 'w') as handle:
        handle.write('all:\n  hosts:\n')
        for n, iid in enumerate(ids(count), 1):
            handle.write('    h%04d: {instance_id: %s, ansible_connection: local, ansible_python_interpreter: %s}\n'
                         % (n, iid, sys.executable))
    playbook = os.path.join(WORK, 'per-host-play.yml')
    with open(playbook, 'w') as handle:
        handle.write('- hosts: all\n  gather_facts: false\n  tasks:\n'
                     '    - alicloud.hbr.hbr_client:\n        instance_ids: ["{{ instance_id }}"]\n')
    emulator.admin('DELETE', '/_emulator/calls')
    seconds, result = run_playbook(playbook, ansible_env(emulator.url), inventory=inventory, forks=forks)
    if result.returncode != 0:
        raise SystemExit('per-host run failed:\n%s' % result.stdout[-3000:])
    by_action, total = calls_of(emulator)
    return {'seconds': seconds, 'calls': total, 'by_action': dict(by_action)}


def with_emulator(scenario, function):
    emulator = EmulatorProcess(scenario)
    try:
        return function(emulator)
    finally:
        emulator.stop()


def fmt_actions(by_action):
    short = {'DescribeBackupClients': 'Describe', 'InstallBackupClients': 'Install', 'UninstallBackupClients':
             'Uninstall', 'UpgradeBackupClients': 'Upgrade', 'UpdateClientSettings': 'Settings',
             'DescribeTask': 'Task', 'DescribeInstances': 'EcsInst', 'DescribeCloudAssistantStatus': 'EcsAssist'}
    return ', '.join('%s %d' % (short.get(k, k), v) for k, v in sorted(by_action.items()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--sizes', default='100,1000,3000')
    parser.add_argument('--peer-size', type=int, default=200)
    parser.add_argument('--role-sizes', default='200,1000,3000',
                        help='the fleet role beside the floors at these N (role_fleet.py); empty to skip')
    parser.add_argument('--role-rounds', type=int, default=3,
                        help='interleaved rounds of the role and its floors at each N (each cell is the median)')
    parser.add_argument('--output', default=None, help='also write the markdown table here')
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(',')]
    rows = []
    probe = EmulatorProcess({'task_seconds': TASK_SECONDS})
    empty = empty_playbook_seconds(ansible_env(probe.url))
    probe.stop()
    lower = TASK_SECONDS['install'] + empty

    def row(scenario, n, m, bound=None):
        overhead = '%+.1f s' % (m['seconds'] - bound) if bound else ''
        rows.append('| %s | %d | %.1f s | %s | %d | %.3f | %s | %s |' % (
            scenario, n, m['seconds'], overhead, m['calls'], m['calls'] / float(n), fmt_actions(m['by_action']),
            '%.0f MiB' % m['rss_mib'] if m.get('rss_mib') else ''))

    for n in sizes:
        def protect(emulator, n=n):
            first = measure_module(emulator, 'protect-%d' % n, {'instance_ids': ids(n)}, rss=(n == max(sizes)))
            again = measure_module(emulator, 'again-%d' % n, {'instance_ids': ids(n)}, rss=(n == max(sizes))) \
                if n >= 1000 else None
            return first, again
        first, again = with_emulator(fleet(n), protect)
        row('1. protect (nothing installed)', n, first, lower)
        if again:
            row('2. idempotent re-run', n, again, empty)  # its bound: the empty playbook (nothing to wait for)
            assert again['writes'] == 0, again
    if 1000 in sizes:
        uninstall = with_emulator(fleet(1000, version='2.13.0'), lambda e: measure_module(
            e, 'uninstall', {'instance_ids': ids(1000), 'state': 'absent'}))
        row('3. uninstall', 1000, uninstall, TASK_SECONDS['uninstall'] + empty)
        upgrade = with_emulator(fleet(1000, version='2.13.0'), lambda e: measure_module(
            e, 'upgrade', {'instance_ids': ids(1000), 'state': 'latest'}))
        row('3. upgrade', 1000, upgrade, TASK_SECONDS['upgrade'] + empty)

    peer = args.peer_size

    def compare(emulator):
        ours = measure_module(emulator, 'ours-%d' % peer, {'instance_ids': ids(peer)})
        return ours

    ours = with_emulator(fleet(peer), compare)
    row('4. ours (same run as the peer)', peer, ours, lower)

    def peer_run(emulator):
        emulator.admin('DELETE', '/_emulator/calls')
        seconds = terraform_style(emulator.url, ids(peer))
        by_action, total = calls_of(emulator)
        return {'seconds': seconds, 'calls': total, 'by_action': dict(by_action)}

    tf = with_emulator(fleet(peer), peer_run)
    row('4. Terraform-style driver (SDK)', peer, tf)
    hosts = with_emulator(fleet(peer), lambda e: per_host(e, peer))
    row('5. per-host invocation, forks 20', peer, hosts)

    table = ['| scenario | N | wall time | over lower bound | API calls | calls/instance | calls by action | '
             'module peak RSS |', '|---|---|---|---|---|---|---|---|'] + rows
    summary = [
        '', 'Lower bound = install task (%d s) + empty playbook (%.1f s, best of 3) = %.1f s; for uninstall the '
            'uninstall task (%d s) and for upgrade the upgrade task (%d s) replace the install task.'
        % (TASK_SECONDS['install'], empty, lower, TASK_SECONDS['uninstall'], TASK_SECONDS['upgrade'])
        + ' The idempotent re-run has nothing to wait for: its overhead is over the empty playbook alone.',
        'Peer comparison at N = %d: %.1fx fewer API calls and %.1fx less wall time than the Terraform-style '
        'driver; per-host invocation: %.1fx the calls and %.1fx the wall time of one batched task.'
        % (peer, tf['calls'] / float(ours['calls']), tf['seconds'] / ours['seconds'],
           hosts['calls'] / float(ours['calls']), hosts['seconds'] / ours['seconds']),
        '', 'Machine: %s.' % machine()]
    text = '\n'.join(table + summary)
    if args.role_sizes:
        # Imported here: role_fleet imports this module for its helpers.
        import role_fleet
        text += '\n\n## The fleet role beside Ansible\'s floors (`benchmarks/role_fleet.py`)\n\n' + role_fleet.run(
            sizes=[int(s) for s in args.role_sizes.split(',')], rounds=args.role_rounds, variants=role_fleet.parse_variants(None))
    print(text)
    if args.output:
        with open(args.output, 'w') as handle:
            handle.write(text + '\n')


if __name__ == '__main__':
    main()
