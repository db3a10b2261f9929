# -*- coding: utf-8 -*-
# Shared test doubles and builders: a fake clock whose sleep() only moves time forward, the
# module parameters of the connection options, aliyun CLI profile files, raw API client records, and a
# small HTTP server on 127.0.0.1 for fake metadata, STS and hostile endpoints.

from __future__ import absolute_import, division, print_function

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ansible_collections.alicloud.hbr.plugins.module_utils import _connection


class Clock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def params(**overrides):
    base = dict((name, None) for name in _connection.hbr_argument_spec())
    base.update(overrides)
    return base


def write_profiles(tmp_path, current='default', extra=None):
    profiles = [
        {'name': 'default', 'mode': 'AK', 'access_key_id': 'profile-id', 'access_key_secret': 'profile-secret',
         'region_id': 'cn-shanghai'},
        {'name': 'sts', 'mode': 'StsToken', 'access_key_id': 'profile-id', 'access_key_secret': 'profile-secret',
         'sts_token': 'profile-token', 'region_id': 'cn-beijing'},
        {'name': 'role', 'mode': 'RamRoleArn', 'access_key_id': 'profile-id', 'access_key_secret': 'profile-secret',
         'ram_role_arn': 'acs:ram::123:role/hbr', 'ram_session_name': 'from-profile', 'expired_seconds': 1800},
        {'name': 'ecs', 'mode': 'EcsRamRole', 'ram_role_name': 'hbr-role'},
        {'name': 'oidc', 'mode': 'OIDC'},
    ] + (extra or [])
    path = tmp_path / 'config.json'
    path.write_text(json.dumps({'current': current, 'profiles': profiles}))
    return str(path)


def raw_client(**overrides):
    raw = {'ClientId': 'c-000abcdefghij0123456', 'InstanceId': 'i-bp1abcdefghij0123456', 'Status': 'ACTIVATED',
           'ClientVersion': '2.13.0', 'MaxClientVersion': '2.14.0', 'PrivateIpV4': '10.0.0.1',
           'LastHeartBeatTime': 5, 'Tags': [{'Key': 'env', 'Value': 'prod'}],
           'Settings': {'DataNetworkType': 'VPC', 'DataProxySetting': 'USE_CONTROL_PROXY', 'UseHttps': 'false',
                        'MaxCpuCore': '2', 'MaxWorker': '0', 'MaxMemory': 0, 'AlertOnPartialComplete': False,
                        'ProxyHost': '', 'ProxyPort': 0, 'ProxyUser': '', 'ProxyPassword': '******'}}
    raw.update(overrides)
    return raw


class LocalServer:
    """A tiny HTTP server on 127.0.0.1 whose answers come from ``route(method, path, headers, body)``,
    returning ``(status, headers, body)`` (body text or bytes), or None to close the connection with no
    answer. Every request is recorded in ``requests``."""

    def __init__(self, route):
        self.route = route
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length).decode('utf-8') if length else ''
                server.requests.append((self.command, self.path, dict(self.headers), body))
                answer = server.route(self.command, self.path, dict(self.headers), body)
                if answer is None:
                    self.close_connection = True
                    return
                status, headers, text = answer
                data = text if isinstance(text, bytes) else text.encode('utf-8')
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
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
