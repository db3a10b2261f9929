# -*- coding: utf-8 -*-
"""Run the integration targets against a local HBR emulator.

Starts ``hbr-emulator`` on 127.0.0.1 (a free port), writes the endpoint and keys to
tests/integration/integration_config.yml (ansible-test loads it as variables), runs
``ansible-test integration`` with this interpreter, and always stops the emulator.
Run from the collection root (``make integration`` does). Extra arguments go to ansible-test.
"""

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


def write_config(url):
    path = os.path.join(HERE, 'integration_config.yml')
    with open(path, 'w') as handle:
        handle.write('---\n')
        handle.write('hbr_emulator_url: %s\n' % url)
        handle.write('hbr_access_key: %s\n' % list(SCENARIO['access_keys'])[0])
        handle.write('hbr_secret_key: %s\n' % list(SCENARIO['access_keys'].values())[0])
        # ECS calls must carry RegionId: targets pass it as alicloud_region (ansible-test does not
        # pass ALICLOUD_REGION from this environment to the modules).
        handle.write('hbr_region: %s\n' % SCENARIO['region'])
    return path


def main(argv):
    with EmulatorProcess(SCENARIO) as emulator:
        config = write_config(emulator.url)
        print('integration: emulator at %s' % emulator.url, flush=True)
        try:
            command = [os.path.join(os.path.dirname(sys.executable), 'ansible-test'), 'integration', '--local',
                       '--python-interpreter', sys.executable, '--color', 'no'] + argv
            return subprocess.call(command)
        finally:
            os.unlink(config)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
