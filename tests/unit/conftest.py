# -*- coding: utf-8 -*-
# Unit-test setup: make ``ansible_collections.alicloud.hbr`` importable from the checkout copy that
# `make units` places under .../ansible_collections/alicloud/hbr, and give tests the reference
# vectors and small local HTTP servers (127.0.0.1 only).

from __future__ import absolute_import, division, print_function

import json
import os
import sys
import threading

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

try:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
except ImportError:  # pragma: no cover
    raise


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


class LocalServer:
    """A tiny HTTP server on 127.0.0.1 whose answers come from ``route(method, path, headers, body)``,
    returning ``(status, headers, body)``. Every request is recorded in ``requests``."""

    def __init__(self, route):
        self.route = route
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length).decode('utf-8') if length else ''
                server.requests.append((self.command, self.path, dict(self.headers), body))
                status, headers, text = server.route(self.command, self.path, dict(self.headers), body)
                data = text.encode('utf-8')
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = _handle

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


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
