# -*- coding: utf-8 -*-
# Unit-test setup: make ``ansible_collections.alicloud.hbr`` importable from the checkout copy that
# `make units` places under .../ansible_collections/alicloud/hbr, and give tests the reference
# vectors and small local HTTP servers (127.0.0.1 only).

from __future__ import absolute_import, division, print_function

import json
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(os.path.dirname(HERE))
_parts = COLLECTION_ROOT.split(os.sep)
if 'ansible_collections' in _parts:
    sys.path.insert(0, os.sep.join(_parts[:len(_parts) - 1 - _parts[::-1].index('ansible_collections')]))
# The in-process emulator tests import hbr_emulator (standard library only): from the checkout's
# emulator/ when it is not installed, so `ansible-test units` needs no extra step. A Galaxy tarball
# has no emulator/ and those tests skip.
_EMULATOR = os.path.join(COLLECTION_ROOT, 'emulator')
if os.path.isdir(os.path.join(_EMULATOR, 'hbr_emulator')):
    sys.path.append(_EMULATOR)

from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.fakes import LocalServer  # noqa: E402  pylint: disable=wrong-import-position


def _find_vectors():
    env = os.environ.get('HBR_SIGNATURE_VECTORS')
    candidates = [env] if env else []
    candidates.append(os.path.join(COLLECTION_ROOT, 'tests', 'unit', 'fixtures', 'signature-vectors.json'))
    for path in candidates:
        if path and os.path.isfile(path):
            return path
    raise RuntimeError('signature-vectors.json not found')


@pytest.fixture(scope='session')
def vectors():
    with open(_find_vectors(), encoding='utf-8') as handle:
        return json.load(handle)


@pytest.fixture
def local_server():
    servers = []

    def start(route):
        server = LocalServer(route)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
