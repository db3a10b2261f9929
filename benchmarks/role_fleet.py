"""The fleet role (alicloud.hbr.protect over an inventory of N hosts) beside Ansible's own floors.

Usage: python benchmarks/role_fleet.py [--sizes 200,1000,3000] [--rounds 1] [--variant NAME=COLLECTIONS_PATH ...]
(after `make collection`; `make bench` runs it through fleet.py and writes benchmarks/RESULTS.md).

For each N, in one run and interleaved: an empty play and a play with one per-host debug task over
the same inventory (the floors), then for each variant of the collection the protect playbook
idempotent (every client already ACTIVATED) and fresh (nothing installed; install task 5 s).
Ratios are taken within a round, so that a machine shared with other work compares like with
like; with several rounds each cell is the median.
"""

import argparse
import collections
import os
import re
import resource
import statistics
import sys

from _common import COLLECTIONS, EmulatorProcess, machine
from fleet import TASK_SECONDS, WORK, WRITES, ansible_env, fleet, ids, run_playbook

FLOOR_PLAYS = {
    'empty': '- hosts: all\n  gather_facts: false\n  tasks: []\n',
    'debug': '- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug:\n        msg: floor\n',
    # the same debug task inside a role: what Ansible itself adds for any role (its implicit per-host
    # role_complete step), shown for reference, not used as the floor
    'role': '- hosts: all\n  gather_facts: false\n  roles:\n    - floor_role\n',
}
FLOOR_ROLE_TASKS = '- name: Floor\n  ansible.builtin.debug:\n    msg: floor\n'


def write_inventory(count):
    """N hosts that are never contacted; each has only its instance_id (as in the system tests)."""
    path = os.path.join(WORK, 'role-inventory-%d.yml' % count)
    with open(path, 'w') as handle:
        handle.write('all:\n  hosts:\n')
        for number, iid in enumerate(ids(count), 1):
            handle.write('    host-%05d: {instance_id: %s}\n' % (number, iid))
    return path


def recap(output):
    """{host: (changed, failed)} from the PLAY RECAP."""
    return dict((host, (int(changed), int(failed))) for host, changed, failed in re.findall(
        r'^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)', output, re.M))


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_playbook(path, env, inventory):
    """(wall seconds, CPU seconds of ansible-playbook and every process it waited for, result). The CPU
    figure is what a shared machine disturbs least: it is the work done, not the time waited for a core."""
    cpu = children_cpu()
    seconds, result = run_playbook(path, env, inventory=inventory)
    return seconds, children_cpu() - cpu, result


def floor_seconds(kind, inventory):
    path = os.path.join(WORK, 'floor-%s.yml' % kind)
    with open(path, 'w') as handle:
        handle.write(FLOOR_PLAYS[kind])
    roles = os.path.join(WORK, 'roles')
    if kind == 'role':
        os.makedirs(os.path.join(roles, 'floor_role', 'tasks'), exist_ok=True)
        with open(os.path.join(roles, 'floor_role', 'tasks', 'main.yml'), 'w') as handle:
            handle.write(FLOOR_ROLE_TASKS)
    env = dict(ansible_env('http://127.0.0.1:1'), ANSIBLE_ROLES_PATH=roles)
    seconds, cpu, result = timed_playbook(path, env, inventory)
    if result.returncode != 0:
        raise SystemExit('%s play failed:\n%s' % (kind, result.stdout[-3000:]))
    return {'wall': seconds, 'cpu': cpu}


def role_seconds(*, count, inventory, collections_path, fresh):
    """Wall time of `ansible-playbook alicloud.hbr.protect`; checks the per-host outcome."""
    emulator = EmulatorProcess(fleet(count, version=None if fresh else '2.13.0'))
    try:
        env = dict(ansible_env(emulator.url), ANSIBLE_COLLECTIONS_PATH=collections_path)
        seconds, cpu, result = timed_playbook('alicloud.hbr.protect', env, inventory)
        calls = collections.Counter(c['action'] for c in emulator.admin('GET', '/_emulator/calls'))
    finally:
        emulator.stop()
    hosts = recap(result.stdout)
    changed = sum(1 for c, _f in hosts.values() if c)
    if result.returncode != 0 or len(hosts) != count or changed != (count if fresh else 0):
        raise SystemExit('protect (%s, N=%d) went wrong: exit %d, %d hosts, %d changed\n%s' % (
            'fresh' if fresh else 'idempotent', count, result.returncode, len(hosts), changed, result.stdout[-3000:]))
    if not fresh and any(calls[action] for action in WRITES):
        raise SystemExit('idempotent protect wrote: %s' % dict(calls))
    return {'wall': seconds, 'cpu': cpu}


def one_round(*, count, inventory, variants):
    """One interleaved round at N = count: floors first, then each variant idempotent and fresh."""
    cells = dict((kind, floor_seconds(kind, inventory)) for kind in ('empty', 'debug', 'role'))
    for name, path in variants:
        for fresh in (False, True):
            key = '%s %s' % (name, 'fresh' if fresh else 'idempotent')
            cells[key] = role_seconds(count=count, inventory=inventory, collections_path=path, fresh=fresh)
            print('  N=%d %-22s %.1f s (CPU %.1f s; floor %.1f s, CPU %.1f s)' % (
                count, key, cells[key]['wall'], cells[key]['cpu'], cells['debug']['wall'], cells['debug']['cpu']),
                file=sys.stderr)
    return cells


def summarise(count, rounds, variants):
    """Markdown rows for N: medians over the rounds, and the median of each round's ratio."""
    def median(key, what='wall'):
        return statistics.median(r[key][what] for r in rounds)

    def ratio(key, minus=0.0, what='wall'):
        return statistics.median((r[key][what] - minus) / r['debug'][what] for r in rounds)

    rows = []
    for name, _path in variants:
        idem, fresh = '%s idempotent' % name, '%s fresh' % name
        row = '| %d | %s | %.1f s | %.1f s | %.1f s (%.2f) | %.1f s | **%.2f** | %.1f s | %.1f s | **%.2f** | %.2f | %.2f | %d |'
        rows.append(row % (
            count, name, median('empty'), median('debug'), median('role'), ratio('role'), median(idem), ratio(idem),
            median(fresh), median(fresh) - TASK_SECONDS['install'], ratio(fresh, TASK_SECONDS['install']),
            ratio(idem, what='cpu'), ratio(fresh, what='cpu'), len(rounds)))
    return rows


def table(results, variants):
    head = ['| N hosts | role | empty play | one-debug-task play (floor) | the debug task in a role (/ floor) | '
            'role, idempotent | idempotent / floor | '
            'role, fresh | fresh - install task (%d s) | (fresh - task) / floor | CPU: idempotent / floor | '
            'CPU: fresh / floor | rounds |' % TASK_SECONDS['install'],
            '|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    rows = []
    for count, rounds in results:
        rows += summarise(count, rounds, variants)
    notes = ['', 'Role = `ansible-playbook alicloud.hbr.protect -i <N hosts>` (forks 5, the default). Floors: the same '
             'inventory with an empty play, and with one per-host `debug` task; for reference, the same `debug` task as '
             'the only task of a role (what any role costs Ansible: its implicit per-host `role_complete` step). Ratios are per round (same run, '
             'interleaved), then the median; idempotent: every client already ACTIVATED (asserted: zero writes, '
             'changed=0 on every host); fresh: nothing installed (asserted: every host changed). The CPU columns '
             'divide the CPU time of ansible-playbook and all its processes (workers, the module; not the '
             'emulator) by the floor play\'s: a shared machine disturbs them least.',
             '', 'Machine: %s.' % machine()]
    return '\n'.join(head + rows + notes)


def parse_variants(values):
    variants = []
    for value in values or ['role=%s' % COLLECTIONS]:
        name, _sep, path = value.partition('=')
        variants.append((name, os.path.abspath(path)))
    return variants


def run(*, sizes, rounds, variants):
    results = []
    for count in sizes:
        inventory = write_inventory(count)
        results.append((count, [one_round(count=count, inventory=inventory, variants=variants)
                                for _round in range(rounds)]))
    return table(results, variants)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--sizes', default='200,1000,3000')
    parser.add_argument('--rounds', type=int, default=1)
    parser.add_argument('--variant', action='append',
                        help='NAME=COLLECTIONS_PATH, repeatable (default: role=.build/collections)')
    parser.add_argument('--output', default=None, help='also write the markdown table here')
    args = parser.parse_args()
    text = run(sizes=[int(s) for s in args.sizes.split(',')], rounds=args.rounds,
               variants=parse_variants(args.variant))
    print(text)
    if args.output:
        with open(args.output, 'w') as handle:
            handle.write(text + '\n')


if __name__ == '__main__':
    main()
