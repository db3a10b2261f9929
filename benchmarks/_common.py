"""Shared helpers for the benchmarks: the emulator launcher, the collection's transport, the machine."""

import os
import platform
import sys
import time

# re-exported: the benchmarks import it from here
from hbr_emulator.launcher import EmulatorProcess  # noqa: F401  pylint: disable=unused-import

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The emulator's region: with it the modules' ECS calls carry RegionId, which ECS (and the
# emulator) require. Every benchmark's ansible processes inherit it.
REGION = os.environ.setdefault('ALICLOUD_REGION', 'cn-hangzhou')
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')


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
    from ansible_collections.alicloud.hbr.plugins.module_utils._rpc import RpcClient
    from ansible_collections.alicloud.hbr.plugins.module_utils._credentials import Credentials
    return RpcClient(Credentials('emulator-ak', 'emulator-secret'), url, **kwargs)


def signer():
    """The collection's request builder and emulator credentials."""
    sys.path.insert(0, COLLECTIONS)
    from ansible_collections.alicloud.hbr.plugins.module_utils._signing import build_signed_request
    from ansible_collections.alicloud.hbr.plugins.module_utils._credentials import Credentials
    return build_signed_request, Credentials('emulator-ak', 'emulator-secret')


def now():
    return time.perf_counter()
