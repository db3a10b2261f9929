"""Shared helpers for the benchmarks: start an emulator process, talk to it, describe the machine."""

import json
import os
import platform
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')


class EmulatorProcess:
    """``hbr-emulator`` in its own process, on 127.0.0.1 with a free port."""

    def __init__(self, scenario, state=None):
        self.scenario_path = os.path.join(ROOT, '.build', 'bench-scenario-%d.json' % os.getpid())
        os.makedirs(os.path.dirname(self.scenario_path), exist_ok=True)
        with open(self.scenario_path, 'w') as handle:
            json.dump(scenario, handle)
        command = [sys.executable, '-m', 'hbr_emulator', '--port', '0', '--scenario', self.scenario_path]
        if state:
            command += ['--state', state]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        if not line.startswith('hbr-emulator listening on '):
            raise RuntimeError('emulator did not start: %r' % line)
        self.url = line.rsplit(' ', 1)[1]

    def admin(self, method, path, body=None):
        data = json.dumps(body).encode('utf-8') if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        os.unlink(self.scenario_path)


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as handle:
            for line in handle:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ''
    try:
        with open('/proc/meminfo') as handle:
            memory = '%.0f GiB' % (int(handle.readline().split()[1]) / 1024 / 1024)
    except OSError:
        pass
    return '%s, %d cores, %s RAM, %s, Python %s' % (
        cpu, os.cpu_count(), memory, platform.platform(terse=True), platform.python_version())


def hbr_api(url, **kwargs):
    """The collection's own transport (from the .build copy that `make collection` makes)."""
    sys.path.insert(0, COLLECTIONS)
    from ansible_collections.alicloud.hbr.plugins.module_utils._api import HbrApi
    from ansible_collections.alicloud.hbr.plugins.module_utils._credentials import Credentials
    return HbrApi(Credentials('emulator-ak', 'emulator-secret'), url, **kwargs)


def signer():
    """The collection's request builder and emulator credentials."""
    sys.path.insert(0, COLLECTIONS)
    from ansible_collections.alicloud.hbr.plugins.module_utils._api import build_signed_request
    from ansible_collections.alicloud.hbr.plugins.module_utils._credentials import Credentials
    return build_signed_request, Credentials('emulator-ak', 'emulator-secret')


def now():
    return time.perf_counter()
