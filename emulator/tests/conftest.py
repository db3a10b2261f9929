"""Fixtures for the emulator's own suite: emulators in background threads on 127.0.0.1."""

import json
import urllib.request

import pytest

from hbr_emulator.server import start_in_thread

FAST = {'install': 0.3, 'uninstall': 0.2, 'upgrade': 0.3, 'create': 0.3}


class Running:
    def __init__(self, server):
        self.server = server
        self.url = server.url
        self.port = server.server_address[1]

    def admin(self, method, path, body=None):
        data = json.dumps(body).encode('utf-8') if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())

    def calls(self):
        return self.admin('GET', '/_emulator/calls')

    def state(self):
        return self.admin('GET', '/_emulator/state')

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def start_emulator():
    started = []

    def start(scenario=None, **kwargs):
        scenario = dict(scenario or {})
        scenario.setdefault('task_seconds', FAST)
        running = Running(start_in_thread(scenario, **kwargs))
        started.append(running)
        return running

    yield start
    for running in started:
        try:
            running.stop()
        except OSError:
            pass
