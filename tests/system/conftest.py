# -*- coding: utf-8 -*-
# System tests: the real command-line tools (ansible, ansible-playbook, ansible-runner,
# ansible-builder, ansible-galaxy, galaxy-importer, chromium) against hbr-emulator processes
# on 127.0.0.1. Run from the collection copy that `make system-tests` prepares.

from __future__ import absolute_import, division, print_function

import json
import os
import sys

import pytest
from hbr_emulator.launcher import EmulatorProcess  # pylint: disable=import-error

COLLECTION = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS_PATH = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION)))
BIN = os.path.dirname(sys.executable)
KEY = 'system-ak'
SECRET = 'system-secret-Zq81-never-printed'
# The emulator's region: the modules' ECS calls carry it as RegionId (the emulator requires one).
REGION = 'cn-hangzhou'


class Emulator(EmulatorProcess):
    """An hbr-emulator process (hbr_emulator.launcher) with this suite's key pair and short tasks."""

    def __init__(self, scenario, workdir=None, **options):
        scenario = dict(scenario)
        scenario.setdefault('access_keys', {KEY: SECRET})
        scenario.setdefault('task_seconds', {'install': 1, 'uninstall': 1, 'upgrade': 1, 'create': 1})
        if workdir is not None:
            path = os.path.join(str(workdir), 'scenario.json')
            with open(path, 'w') as handle:
                json.dump(scenario, handle)
            scenario = path
        super().__init__(scenario, **options)

    def env(self, **extra):
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ALICLOUD_HBR_ENDPOINT=self.url,
                   ALICLOUD_ACCESS_KEY=KEY, ALICLOUD_SECRET_KEY=SECRET, ALICLOUD_REGION=REGION, ANSIBLE_NOCOLOR='1',
                   ANSIBLE_LOCALHOST_WARNING='false', PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
        env.update(extra)
        return env


@pytest.fixture
def emulator(tmp_path):
    started = []

    def start(scenario):
        running = Emulator(scenario, tmp_path)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


def fleet_inventory(path, instances, group='fleet'):
    """An inventory of hosts that are never contacted; each has only its instance_id."""
    lines = ['all:', '  children:', '    %s:' % group, '      hosts:']
    lines += ['        host-%03d: {instance_id: %s}' % (n, iid) for n, iid in enumerate(instances, 1)]
    with open(str(path), 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    return str(path)
