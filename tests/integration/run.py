# -*- coding: utf-8 -*-
"""Run the integration targets against a local HBR emulator.

Starts ``hbr-emulator`` on 127.0.0.1 (a free port), writes the endpoint and keys to
tests/integration/integration_config.yml (ansible-test loads it as variables), runs
``ansible-test integration`` with this interpreter, and always stops the emulator.
Run from the collection root (``make integration`` does).

    python tests/integration/run.py [--profile default|strict] [ansible-test integration arguments...]

``--profile`` (or ``--profile=NAME``, before any other argument; else the environment variable
HBR_EMULATOR_PROFILE; else ``default``) picks how the emulator behaves where the service's
documentation leaves a choice open:

- ``default``: the emulator's defaults (no lag, full pages, no faults).
- ``strict``: every behaviour option on at once (see STRICT below): records lag 2 s behind their
  tasks, pages capped at 50 clients and 20 % of them short, DescribeTask Progress -1 as soon as one
  item failed, call-level errors for single-instance writes, the proxy password readable in clear,
  and 5 % of answers dropped after the action was applied (seeded).

Everything after the options goes to ``ansible-test integration`` unchanged.

Variables the targets get (integration_config.yml): ``hbr_emulator_url``, ``hbr_access_key``,
``hbr_secret_key``, ``hbr_region``, ``hbr_emulator_profile`` (the profile's name) and
``hbr_late_assistant``. The last one is how a target adds instances whose Cloud Assistant comes up
late (a freshly started instance): combine it into the spec of some of the instances it adds, e.g.

    setup_hbr_emulator_instances: >-
      {{ [{'instance_id': ids[0]} | combine(hbr_late_assistant)] + ids[1:] }}

Under ``strict`` it is ``{started_seconds_ago: 30, cloud_assistant_after_seconds: 15}`` (started
30 s ago, Cloud Assistant up 15 s after the instance was added); under ``default`` it is ``{}``, so
the same target runs unchanged under both profiles.
"""

import json
import os
import subprocess
import sys

from hbr_emulator.launcher import EmulatorProcess

HERE = os.path.dirname(os.path.abspath(__file__))
# Short tasks so that every target runs in seconds; the fleet sizes are per target.
SCENARIO = {
    'access_keys': {'integration-ak': 'integration-secret-3f9c'},
    'region': 'cn-hangzhou',
    'task_seconds': {'install': 1, 'uninstall': 1, 'upgrade': 1, 'create': 1},
    'client_version': '2.13.0',
    'max_client_version': '2.14.0',
}

# Every behaviour option of the emulator at its harshest setting at once, plus dropped answers.
STRICT = {
    'behaviour': {
        'record_lag_seconds': 2,
        'page_size_cap': 50,
        'short_page_rate': 0.2,
        'partial_task_progress': 'minus_one',
        'single_instance_errors': 'call_level',
        'proxy_password': 'clear',
    },
    # seeded: the same arrival order draws the same drops (and short pages)
    'faults': {'drop_rate': 0.05, 'seed': 20261},
}
# Instance keys for a freshly started instance whose Cloud Assistant is not up yet (strict only).
LATE_ASSISTANT = {'started_seconds_ago': 30, 'cloud_assistant_after_seconds': 15}

PROFILES = {
    'default': {'scenario': {}, 'late_assistant': {}},
    'strict': {'scenario': STRICT, 'late_assistant': LATE_ASSISTANT},
}
PROFILE_ENV = 'HBR_EMULATOR_PROFILE'


class UsageError(Exception):
    """A bad --profile or HBR_EMULATOR_PROFILE value."""


def split_options(argv, environ):
    """(profile name, the arguments for ansible-test): --profile is read only before other arguments."""
    profile = environ.get(PROFILE_ENV) or 'default'
    args = list(argv)
    while args and args[0].startswith('--profile'):
        option = args.pop(0)
        if option.startswith('--profile='):
            profile = option.split('=', 1)[1]
        elif option == '--profile' and args:
            profile = args.pop(0)
        else:
            raise UsageError('%s: give a profile name (%s)' % (option, ', '.join(sorted(PROFILES))))
    if profile not in PROFILES:
        raise UsageError('unknown emulator profile %r (from --profile or %s); use one of %s'
                         % (profile, PROFILE_ENV, ', '.join(sorted(PROFILES))))
    return profile, args


def scenario_for(profile):
    return dict(SCENARIO, **PROFILES[profile]['scenario'])


def write_config(url, profile):
    path = os.path.join(HERE, 'integration_config.yml')
    with open(path, 'w') as handle:
        handle.write('---\n')
        handle.write('hbr_emulator_url: %s\n' % url)
        handle.write('hbr_access_key: %s\n' % list(SCENARIO['access_keys'])[0])
        handle.write('hbr_secret_key: %s\n' % list(SCENARIO['access_keys'].values())[0])
        # ECS calls must carry RegionId: targets pass it as alicloud_region (ansible-test does not
        # pass ALICLOUD_REGION from this environment to the modules).
        handle.write('hbr_region: %s\n' % SCENARIO['region'])
        handle.write('hbr_emulator_profile: %s\n' % profile)
        handle.write('hbr_strict: %s\n' % ('true' if profile == 'strict' else 'false'))
        # JSON is YAML: a mapping the targets combine into instance specs
        handle.write('hbr_late_assistant: %s\n' % json.dumps(PROFILES[profile]['late_assistant'], sort_keys=True))
    return path


def main(argv, environ=None):
    try:
        profile, args = split_options(argv, os.environ if environ is None else environ)
    except UsageError as exc:
        sys.stderr.write('run.py: error: %s\n' % exc)
        return 2
    with EmulatorProcess(scenario_for(profile)) as emulator:
        config = write_config(emulator.url, profile)
        print('integration: emulator at %s, profile %s' % (emulator.url, profile), flush=True)
        try:
            command = [os.path.join(os.path.dirname(sys.executable), 'ansible-test'), 'integration', '--local',
                       '--python-interpreter', sys.executable, '--color', 'no'] + args
            return subprocess.call(command)
        finally:
            os.unlink(config)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
