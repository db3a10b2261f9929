"""Racing controllers: four controllers (AWX jobs on different execution nodes) run hbr_client
state present over the same 60 instances at the same time, against one emulator. The same-controller
write lock cannot help them (each has its own TMPDIR, so its own lock file); what is measured is how
many installs the service applied per instance (issue 13: 1.0 installed all 60 two or three times).

Usage (after `make collection`):

    python benchmarks/racing_controllers.py [--rounds 5] [--instances 60] [--controllers 4]
        [--starts aligned,free] [--before-ref 9831dff] [--after-tree .build/collections] [--output FILE.md]

Two ways to start the controllers:
- ``aligned``: the worst case, jobs launched at the same moment. Each controller's module runs under an
  interpreter wrapper that sleeps until a common instant (a few seconds after the launch, so that the
  four `ansible` start-ups are over), then execs Python: the four modules start within milliseconds.
  The wrapper records how late each module arrived; a round where one missed the instant says so.
- ``free``: the four `ansible` processes launched together and left alone; their start-ups (about
  1-2 s each, four at once on this machine) spread the modules' starts by hundreds of milliseconds.

"before" is the collection at --before-ref (git archive of this repository, laid out as
`make collection` lays it out, in a temporary directory); "after" is the tree `make collection` built
from the working copy. Rounds alternate before/after, each against a fresh emulator with 60 instances
without a client and install tasks of --task-seconds. Installs per instance are counted twice, from
the emulator's state (AppliedInstalls: installs the emulator applied to that client) and from its call
log (InstallBackupClients calls that named the instance and created a task, dropped answers included);
the table uses the state, and the script fails if the two disagree.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from _common import COLLECTIONS, ROOT, EmulatorProcess, machine

BIN = os.path.dirname(sys.executable)
REGION = 'cn-hangzhou'
ACCESS_KEY, SECRET_KEY = 'race-ak', 'race-secret-5c1'
# aligned starts: the instant the modules start, this long after the launch (four ansible start-ups)
ALIGN_SECONDS = 6.0


def instance_ids(count):
    return ['i-race%016d' % n for n in range(1, count + 1)]


def scenario(count, task_seconds):
    return {'access_keys': {ACCESS_KEY: SECRET_KEY}, 'region': REGION,
            'instances': [{'instance_id': iid} for iid in instance_ids(count)],
            'task_seconds': {'install': task_seconds, 'uninstall': task_seconds, 'upgrade': task_seconds,
                             'create': task_seconds}}


def build_before_tree(ref, work):
    """The collection at ``ref`` under work/collections/ansible_collections/alicloud/hbr (tracked files,
    as `make collection` copies them)."""
    target = os.path.join(work, 'collections', 'ansible_collections', 'alicloud', 'hbr')
    os.makedirs(target)
    archive = subprocess.run(['git', '-C', ROOT, 'archive', ref], check=True, stdout=subprocess.PIPE).stdout
    subprocess.run(['tar', '-x', '-C', target], input=archive, check=True)
    return os.path.join(work, 'collections')


WRAPPER = """#!%(python)s
# Sleeps until HBR_RACE_START_AT (Unix time), records how late it is, then runs the module.
import os, sys, time
start = float(os.environ.get('HBR_RACE_START_AT') or 0)
if start:
    time.sleep(max(0.0, start - time.time()))
    with open(os.path.join(os.environ['TMPDIR'], 'late.txt'), 'a') as handle:
        handle.write('%%.4f\\n' %% (time.time() - start))
os.execv(%(python)r, [%(python)r] + sys.argv[1:])
"""


def write_wrapper(work):
    path = os.path.join(work, 'python-at-start')
    os.makedirs(work, exist_ok=True)
    with open(path, 'w') as handle:
        handle.write(WRAPPER % {'python': sys.executable})
    os.chmod(path, 0o755)
    return path


def controller_env(*, tree, url, tmpdir):
    """One controller's environment: its own TMPDIR (so its own lock file) and Ansible temp dirs."""
    os.makedirs(tmpdir, exist_ok=True)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=tree, ALICLOUD_HBR_ENDPOINT=url,
               ALICLOUD_ACCESS_KEY=ACCESS_KEY, ALICLOUD_SECRET_KEY=SECRET_KEY, ALICLOUD_REGION=REGION,
               TMPDIR=tmpdir, ANSIBLE_LOCAL_TEMP=os.path.join(tmpdir, 'ansible-local'),
               ANSIBLE_REMOTE_TMP=os.path.join(tmpdir, 'ansible-remote'), ANSIBLE_LOCALHOST_WARNING='false',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_NOCOLOR='1', ANSIBLE_DEPRECATION_WARNINGS='false',
               PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
    env.pop('ANSIBLE_CONFIG', None)
    return env


def run_controller(*, env, ids, results, index, interpreter):
    args = json.dumps({'instance_ids': ids, 'state': 'present', 'alicloud_region': REGION})
    started = time.time()
    done = subprocess.run([os.path.join(BIN, 'ansible'), 'localhost', '-m', 'alicloud.hbr.hbr_client', '-a', args,
                           '-e', 'ansible_python_interpreter=%s' % interpreter],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    results[index] = {'rc': done.returncode, 'seconds': time.time() - started, 'output': done.stdout}


def race(*, tree, count, controllers, task_seconds, work, aligned):
    """One round: a fresh emulator, the controllers started together. Returns the round's figures."""
    ids = instance_ids(count)
    results = [None] * controllers
    interpreter = write_wrapper(work)
    tmpdirs = [os.path.join(work, 'controller-%d' % n) for n in range(controllers)]
    with EmulatorProcess(scenario(count, task_seconds)) as emulator:
        envs = [controller_env(tree=tree, url=emulator.url, tmpdir=tmpdir) for tmpdir in tmpdirs]
        start_at = '%.3f' % (time.time() + ALIGN_SECONDS) if aligned else ''
        for env in envs:
            env['HBR_RACE_START_AT'] = start_at
        threads = [threading.Thread(target=run_controller, kwargs=dict(
            env=envs[n], ids=ids, results=results, index=n, interpreter=interpreter)) for n in range(controllers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        state = emulator.admin('GET', '/_emulator/state')
        calls = emulator.admin('GET', '/_emulator/calls')
    result = figures(ids=ids, state=state, calls=calls, results=results)
    result['late'] = lateness(tmpdirs) if aligned else []
    return result


def lateness(tmpdirs):
    """Seconds each aligned module started after the common instant (all should be tiny)."""
    late = []
    for tmpdir in tmpdirs:
        try:
            with open(os.path.join(tmpdir, 'late.txt')) as handle:
                late.extend(float(line) for line in handle if line.strip())
        except OSError:
            late.append(float('nan'))
    return late


def installs_from_state(ids, state):
    applied = dict((c['InstanceId'], c.get('AppliedInstalls', 0)) for c in state['clients'])
    return [applied.get(iid, 0) for iid in ids]


def accepted_installs(calls):
    """task id -> the instance ids of the InstallBackupClients call that created it (dropped answers
    included: the call was applied). A call whose instances were all refused created no task."""
    tasks = {}
    for call in calls:
        if call['action'] == 'InstallBackupClients' and call.get('task_id'):
            tasks[call['task_id']] = json.loads(call['params'].get('InstanceIds') or '[]')
    return tasks


def figures(*, ids, state, calls, results):
    per_instance = installs_from_state(ids, state)
    accepted = accepted_installs(calls)
    named = dict((iid, 0) for iid in ids)
    for instance_list in accepted.values():
        for iid in instance_list:
            if iid in named:
                named[iid] += 1
    return {
        'installs': per_instance,
        'calls_naming': [named[iid] for iid in ids],
        'install_calls': sum(1 for c in calls if c['action'] == 'InstallBackupClients'),
        'controllers_failed': sum(1 for r in results if r['rc'] != 0),
        'seconds': max(r['seconds'] for r in results),
        'outputs': [r['output'] for r in results if r['rc'] != 0],
    }


def summary(rounds):
    installs = [n for r in rounds for n in r['installs']]
    twice = [sum(1 for n in r['installs'] if n > 1) for r in rounds]
    return {
        'rounds': len(rounds),
        'median': statistics.median(installs),
        'mean': statistics.mean(installs),
        'max': max(installs),
        'twice_median': statistics.median(twice),
        'twice_max': max(twice),
        'twice_per_round': twice,
        'total_per_round': [sum(r['installs']) for r in rounds],
        'install_calls': [r['install_calls'] for r in rounds],
        'failed_controllers': sum(r['controllers_failed'] for r in rounds),
        'never': sum(1 for r in rounds for n in r['installs'] if n == 0),
        'late_max': max((t for r in rounds for t in r.get('late', [])), default=None),
    }


def table(results, *, count, controllers, task_seconds, before_ref):
    lines = ['## Racing controllers', '',
             '%d controllers (separate `ansible` processes, separate TMPDIR: no shared lock file) run hbr_client '
             'state present over the same %d instances at once, against one fresh emulator per round (install task '
             '%s s). Installs applied per instance from the emulator state (AppliedInstalls), equal in every round '
             'to the accepted InstallBackupClients calls that named the instance (call log). Rounds interleaved '
             'before/after.' % (controllers, count, task_seconds), '',
             'Machine: %s.' % machine(), '',
             '| start | code | rounds | installs per instance: median | mean | max | instances installed more than '
             'once per round: median | max | each round | InstallBackupClients calls, each round | latest aligned '
             'start (ms) | controllers failed |',
             '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |']
    for (start, label), s in results:
        lines.append('| %s | %s | %d | %s | %.2f | %d | %s | %d | %s | %s | %s | %d |' % (
            start, label, s['rounds'], s['median'], s['mean'], s['max'], s['twice_median'], s['twice_max'],
            ', '.join(map(str, s['twice_per_round'])), ', '.join(map(str, s['install_calls'])),
            '%.0f' % (s['late_max'] * 1000) if s['late_max'] is not None else '-', s['failed_controllers']))
    lines += ['', 'before = `%s` (1.0), after = this working copy (`make collection`). "aligned": the modules '
                  'start at one common instant (the worst case); "free": as the four `ansible` processes get there.'
              % before_ref]
    return '\n'.join(lines) + '\n'


def check_consistent(label, figures_of_round):
    """The state's applied installs equal the accepted install calls that named each instance."""
    if figures_of_round['installs'] != figures_of_round['calls_naming']:
        raise SystemExit('%s: state and call log disagree: %r vs %r'
                         % (label, figures_of_round['installs'], figures_of_round['calls_naming']))


def options_from(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--rounds', type=int, default=5, help='rounds per code version and start (interleaved)')
    parser.add_argument('--instances', type=int, default=60)
    parser.add_argument('--controllers', type=int, default=4)
    parser.add_argument('--task-seconds', type=float, default=2)
    parser.add_argument('--starts', default='aligned,free', help='comma-separated: aligned, free')
    parser.add_argument('--before-ref', default='9831dff', help='git ref of the "before" code (1.0)')
    parser.add_argument('--after-tree', default=COLLECTIONS, help='collections dir of the "after" code')
    parser.add_argument('--output', help='also write the markdown table to this file')
    options = parser.parse_args(argv)
    options.starts = [start for start in options.starts.split(',') if start]
    if not set(options.starts) <= {'aligned', 'free'}:
        parser.error('--starts: use aligned and/or free')
    if not os.path.isdir(os.path.join(options.after_tree, 'ansible_collections', 'alicloud', 'hbr')):
        parser.error('no collection tree at %s: run `make collection` first' % options.after_tree)
    return options


def one_round(options, *, start, label, tree, work):
    result = race(tree=tree, count=options.instances, controllers=options.controllers,
                  task_seconds=options.task_seconds, work=work, aligned=start == 'aligned')
    check_consistent(label, result)
    late = ' (latest start %.0f ms after the instant)' % (max(result['late']) * 1000) if result['late'] else ''
    print('%-7s %-6s installs %3d, %2d instances more than once, %d controllers failed, %.1f s%s'
          % (start, label, sum(result['installs']), sum(1 for n in result['installs'] if n > 1),
             result['controllers_failed'], result['seconds'], late), file=sys.stderr, flush=True)
    for output in result['outputs'][:1]:
        print('  a failed controller said: %s' % output.strip()[-600:], file=sys.stderr)
    return result


def main(argv=None):
    options = options_from(argv)
    work = tempfile.mkdtemp(prefix='hbr-race-')
    try:
        trees = [('before', build_before_tree(options.before_ref, os.path.join(work, 'before'))),
                 ('after', options.after_tree)]
        rounds = dict(((start, label), []) for start in options.starts for label, _tree in trees)
        for number in range(options.rounds):
            for start in options.starts:
                for label, tree in trees:
                    run_dir = os.path.join(work, 'run-%s-%s-%d' % (start, label, number))
                    rounds[(start, label)].append(one_round(options, start=start, label=label, tree=tree,
                                                            work=run_dir))
        text = table([(key, summary(rounds[key])) for key in rounds], count=options.instances,
                     controllers=options.controllers, task_seconds=options.task_seconds,
                     before_ref=options.before_ref)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(text)
    if options.output:
        with open(options.output, 'w') as handle:
            handle.write(text)


if __name__ == '__main__':
    main()
