# -*- coding: utf-8 -*-
"""`make demo`: protect a 200-instance demo fleet on the local emulator, twice, then report.

No cloud account is needed: everything talks to hbr-emulator on 127.0.0.1. The full Ansible
output goes to .build/demo/*.log; this prints what a newcomer wants to see.
"""

import collections
import json
import os
import re
import subprocess
import sys
import time

from hbr_emulator.launcher import EmulatorProcess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, '.build', 'demo')
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')
KEY, SECRET = 'demo-ak', 'demo-secret-not-for-production'
# The emulator's region: the modules' ECS calls carry it as RegionId (the emulator requires one).
REGION = 'cn-hangzhou'
ROLES = ('web', 'app', 'db', 'batch')
ZONES = ('cn-hangzhou-h', 'cn-hangzhou-i', 'cn-hangzhou-j')


def scenario():
    """200 instances: most fresh, 12 with an outdated client, 3 stopped, 1 without Cloud Assistant,
    1 whose install fails."""
    instances = []
    for n in range(1, 201):
        spec = {'instance_id': 'i-demo%016d' % n, 'zone_id': ZONES[n % 3], 'os_type': 'windows' if n % 17 == 0 else 'linux'}
        if n <= 12:
            spec['client'] = {'status': 'ACTIVATED', 'version': '2.12.0'}
        elif n in (50, 51, 52):
            spec['status'] = 'Stopped'
        elif n == 60:
            spec['cloud_assistant'] = False
        elif n == 70:
            spec['install_fails'] = True
        instances.append(spec)
    return {'access_keys': {KEY: SECRET}, 'instances': instances, 'client_version': '2.14.0',
            'max_client_version': '2.14.0', 'task_seconds': {'install': 3, 'uninstall': 2, 'upgrade': 3, 'create': 3}}


def write_inventory(spec):
    lines = ['all:', '  children:']
    groups = collections.defaultdict(list)
    for n, instance in enumerate(spec['instances'], 1):
        groups[ROLES[n % len(ROLES)]].append(('%s-%03d' % (ROLES[n % len(ROLES)], n), instance['instance_id']))
    for group, hosts in sorted(groups.items()):
        lines += ['    %s:' % group, '      hosts:']
        lines += ['        %s: {instance_id: %s}' % host for host in hosts]
    path = os.path.join(WORK, 'inventory.yml')
    with open(path, 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    return path


def run_playbook(name, inventory, env, log_name, extra=()):
    log = os.path.join(WORK, log_name)
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), 'alicloud.hbr.%s' % name,
               '-i', inventory] + list(extra)
    started = time.time()
    with open(log, 'w') as handle:
        code = subprocess.call(command, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=WORK)
    with open(log) as handle:
        output = handle.read()
    return code, time.time() - started, output, log


def recap(output):
    totals = collections.Counter()
    failed_hosts = []
    for match in re.finditer(r'^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', output, re.M):
        host, ok, changed, unreachable, failed = match.groups()
        totals['hosts'] += 1
        totals['changed'] += int(changed) > 0
        totals['failed'] += int(failed) > 0
        if int(failed):
            failed_hosts.append(host)
    reasons = dict(re.findall(r'^fatal: \[([^\]]+)\]: FAILED! => .*"msg": "i-[0-9a-z]+: ([A-Za-z_.]+)', output, re.M))
    return totals, [(host, reasons.get(host, '?')) for host in failed_hosts]


def show_run(title, code, seconds, output, log, calls):
    totals, failed = recap(output)
    by_action = collections.Counter(call['action'] for call in calls)
    print('\n== %s' % title)
    print('   %d hosts: %d changed, %d failed, in %.1f s (ansible-playbook exit %d)'
          % (totals['hosts'], totals['changed'], totals['failed'], seconds, code))
    print('   API calls: %d (%s)' % (len(calls), ', '.join('%s %d' % item for item in sorted(by_action.items()))))
    for host, reason in failed:
        print('   needs attention: %-10s %s' % (host, reason))
    print('   full output: %s' % os.path.relpath(log, ROOT))
    return totals


def main():
    os.makedirs(WORK, exist_ok=True)
    spec = scenario()
    scenario_path = os.path.join(WORK, 'scenario.json')
    with open(scenario_path, 'w') as handle:
        json.dump(spec, handle)
    inventory = write_inventory(spec)
    with EmulatorProcess(scenario_path) as emulator:
        return run_demo(emulator, inventory)


def demo_env(url):
    return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ALICLOUD_HBR_ENDPOINT=url, ALICLOUD_ACCESS_KEY=KEY,
                ALICLOUD_SECRET_KEY=SECRET, ALICLOUD_REGION=REGION, ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1',
                ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')


def run_demo(emulator, inventory):
    env = demo_env(emulator.url)
    print('alicloud.hbr demo: a 200-instance fleet on the local HBR emulator (%s), no cloud account needed.'
          % emulator.url)
    print('Inventory: %s (each host only has its instance_id; hosts are never contacted)'
          % os.path.relpath(inventory, ROOT))
    settings = ['-e', '{"hbr_client_settings": {"max_cpu_core": 2, "data_network_type": "VPC"}}']
    first = run_playbook('protect', inventory, env, 'protect-1.log', settings)
    show_run('ansible-playbook alicloud.hbr.protect  (first run: installs and settings)', *first,
             calls=emulator.admin('GET', '/_emulator/calls'))
    emulator.admin('DELETE', '/_emulator/calls')
    second = run_playbook('protect', inventory, env, 'protect-2.log', settings)
    totals = show_run('ansible-playbook alicloud.hbr.protect  (second run: nothing to do)', *second,
                      calls=emulator.admin('GET', '/_emulator/calls'))
    report_path = os.path.join(WORK, 'hbr-fleet-report.html')
    code, seconds, output, log = run_playbook('report', inventory, env, 'report.log',
                                              ['-e', 'fleet_report_path=%s' % report_path,
                                               '-e', '{"fleet_report_filters": {"check_instances": true}}'])
    print('\n== ansible-playbook alicloud.hbr.report')
    print('   %s (%.1f s)' % (re.search(r'Fleet report: [^"]*', output).group(0) if code == 0 else 'FAILED, see '
                              + log, seconds))
    print('\nThe second run changed %d hosts: idempotent. Open the report in a browser: file://%s'
          % (totals['changed'], report_path))
    return 0 if code == 0 and totals['changed'] == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
