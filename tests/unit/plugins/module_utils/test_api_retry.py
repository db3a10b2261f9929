# -*- coding: utf-8 -*-
# The retry loop, driven by a scripted session (no network, sleep patched).

from __future__ import absolute_import, division, print_function

import collections
import json

import pytest
import requests

from ansible_collections.alicloud.hbr.plugins.module_utils import _errors, _rpc

Creds = collections.namedtuple('Creds', 'access_key_id access_key_secret security_token')
Response = collections.namedtuple('Response', 'status_code text headers')


def ok(**fields):
    body = {'Success': True, 'Code': '200', 'RequestId': 'REQ-OK'}
    body.update(fields)
    return Response(200, json.dumps(body), {})


def err(status, code, headers=None):
    return Response(status, json.dumps({'Code': code, 'Message': code + ' happened', 'RequestId': 'REQ-' + code}),
                    headers or {})


class ScriptedSession:
    """Answers each post with the next scripted item (a Response, or an exception to raise)."""

    def __init__(self, script):
        self.script = list(script)
        self.sent = []

    def post(self, url, data=None, headers=None, timeout=None, verify=None):
        self.sent.append({'url': url, 'headers': dict(headers), 'data': data, 'verify': verify, 'timeout': timeout})
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    def close(self):
        pass


class RecordingRandom:
    def __init__(self):
        self.bounds = []

    def uniform(self, low, high):
        self.bounds.append((low, high))
        return high / 2.0


class Harness:
    """An HbrApi on a scripted session, with the sleeps and jitter bounds it asked for."""

    def __init__(self, script, signature_version='v3', retries=8):
        self.sleeps = []
        self.rng = RecordingRandom()
        self.session = ScriptedSession(script)
        self.api = _rpc.RpcClient(Creds('ak', 'sk', None), 'http://127.0.0.1:9', signature_version=signature_version,
                               session=self.session, sleep=self.sleeps.append, rng=self.rng, retries=retries,
                               backoff=(0.5, 8.0))


def nonces(session, signature_version='v3'):
    if signature_version == 'v3':
        return [sent['headers']['x-acs-signature-nonce'] for sent in session.sent]
    return [sent['url'].split('SignatureNonce=')[1].split('&')[0] for sent in session.sent]


@pytest.mark.parametrize('signature_version', ['v3', 'v1'])
def test_throttling_twice_then_success(signature_version):
    h = Harness([err(400, 'Throttling.User'), err(400, 'Throttling.Api'), ok(TaskId='t-1')], signature_version)
    api, session, sleeps, rng = h.api, h.session, h.sleeps, h.rng
    assert api.call('InstallBackupClients', {'InstanceIds': ['i-1']})['TaskId'] == 't-1'
    assert len(session.sent) == 3
    assert len(set(nonces(session, signature_version))) == 3, 'each attempt must carry a new nonce'
    assert rng.bounds == [(0, 0.5), (0, 1.0)]
    assert sleeps == [0.25, 0.5]
    assert all(0 <= s <= 8.0 for s in sleeps)
    assert [code for _action, code in api.attempts] == ['Throttling.User', 'Throttling.Api', None]


def test_server_error_is_retried_for_reads():
    h = Harness([err(500, 'InternalError'), err(503, 'ServiceUnavailable'), ok(Clients=[], TotalCount=0)])
    api, session, sleeps = h.api, h.session, h.sleeps
    api.call('DescribeBackupClients', {'ClientType': 'ECS_CLIENT'})
    assert len(session.sent) == 3 and len(sleeps) == 2


def test_dropped_connection_is_retried_for_reads():
    dropped = requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('closed'))")
    h = Harness([dropped, ok(Progress=100)])
    api, session, sleeps = h.api, h.session, h.sleeps
    assert api.call('DescribeTask', {'TaskId': 't-1'})['Progress'] == 100
    assert len(session.sent) == 2 and len(sleeps) == 1


def test_dropped_install_is_not_resent_blindly():
    dropped = requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('closed'))")
    h = Harness([dropped, ok(TaskId='t-2')])
    api, session, sleeps = h.api, h.session, h.sleeps
    with pytest.raises(_errors.HbrApiError) as info:
        api.call('InstallBackupClients', {'InstanceIds': ['i-1']})
    assert info.value.ambiguous is True and info.value.code == 'ConnectionDropped'
    assert len(session.sent) == 1 and sleeps == []


def test_read_timeout_on_upgrade_is_ambiguous():
    h = Harness([requests.exceptions.ReadTimeout('read timed out')])
    api, session = h.api, h.session
    with pytest.raises(_errors.HbrApiError) as info:
        api.call('UpgradeBackupClients', {'InstanceIds': ['i-1']})
    assert info.value.ambiguous and info.value.code == 'ReadTimeout'
    assert len(session.sent) == 1


def test_refused_connection_is_retried_even_for_writes():
    refused = requests.exceptions.ConnectionError('NewConnectionError: [Errno 111] Connection refused')
    h = Harness([refused, ok(TaskId='t-3')])
    api, session = h.api, h.session
    assert api.call('InstallBackupClients', {'InstanceIds': ['i-1']})['TaskId'] == 't-3'
    assert len(session.sent) == 2


def test_auth_error_is_not_retried():
    h = Harness([err(400, 'SignatureDoesNotMatch'), ok()])
    api, session, sleeps = h.api, h.session, h.sleeps
    with pytest.raises(_errors.HbrApiError) as info:
        api.call('DescribeTask', {'TaskId': 't-1'})
    assert info.value.code == 'SignatureDoesNotMatch' and info.value.request_id == 'REQ-SignatureDoesNotMatch'
    assert len(session.sent) == 1 and sleeps == []


def test_retries_give_up_after_the_budget():
    h = Harness([err(400, 'Throttling')] * 4, retries=3)
    api, session, sleeps = h.api, h.session, h.sleeps
    with pytest.raises(_errors.HbrApiError) as info:
        api.call('DescribeTask', {'TaskId': 't-1'})
    assert info.value.code == 'Throttling'
    assert len(session.sent) == 4 and len(sleeps) == 3


def test_retry_after_header_is_honoured():
    h = Harness([err(400, 'Throttling.User', {'x-acs-retry-after': '2000'}), ok()])
    api, sleeps = h.api, h.sleeps
    api.call('DescribeTask', {'TaskId': 't'})
    assert sleeps == [2.0]


def test_tls_settings_reach_the_session():
    h = Harness([ok()])
    api, session = h.api, h.session
    api.call('DescribeTask', {'TaskId': 't'})
    assert session.sent[0]['verify'] is True
    api = _rpc.RpcClient(Creds('a', 'b', None), 'https://x.test', ca_bundle='/tmp/ca.pem', session=ScriptedSession([ok()]),
                      timeouts=(3, 7))
    api.call('DescribeTask', {'TaskId': 't'})
    assert api.session.sent[0]['verify'] == '/tmp/ca.pem' and api.session.sent[0]['timeout'] == (3, 7)
    api = _rpc.RpcClient(Creds('a', 'b', None), 'https://x.test', validate_certs=False, session=ScriptedSession([ok()]))
    api.call('DescribeTask', {'TaskId': 't'})
    assert api.session.sent[0]['verify'] is False


def test_user_agent_carries_collection_version():
    h = Harness([ok()])
    api, session = h.api, h.session
    api.call('DescribeTask', {'TaskId': 't'})
    assert session.sent[0]['headers']['user-agent'].startswith('alicloud.hbr/%s ' % _rpc.COLLECTION_VERSION)


def page(clients, total):
    return ok(Clients=clients, TotalCount=total, PageNumber=1, PageSize=99)


def test_paginate_reads_every_page_at_99():
    clients = [{'ClientId': 'c-%03d' % n} for n in range(250)]
    script = [page(clients[0:99], 250), page(clients[99:198], 250), page(clients[198:], 250)]
    h = Harness(script)
    api, session = h.api, h.session
    items = api.paginate('DescribeBackupClients', {'ClientType': 'ECS_CLIENT'}, ('Clients',))
    assert [c['ClientId'] for c in items] == [c['ClientId'] for c in clients]
    assert len(session.sent) == 3
    assert ['PageNumber=%d' % n in s['url'] and 'PageSize=99' in s['url'] for n, s in enumerate(session.sent, 1)] \
        == [True] * 3


def test_paginate_wrapped_lists_and_empty():
    h = Harness([ok(Clients={'Client': [{'ClientId': 'c-1'}]}, TotalCount=1)])
    api, session = h.api, h.session
    assert api.paginate('DescribeClients', {}, ('Clients', 'Client')) == [{'ClientId': 'c-1'}]
    h = Harness([ok(TotalCount=0)])
    api, session = h.api, h.session
    assert api.paginate('DescribeBackupClients', {}, ('Clients',)) == []
    assert len(session.sent) == 1


def test_paginate_rejects_wrong_shapes_cleanly():
    h = Harness([ok(Clients='oops', TotalCount=1)])
    api = h.api
    with pytest.raises(_errors.HbrApiError) as info:
        api.paginate('DescribeBackupClients', {}, ('Clients',))
    assert info.value.code == 'InvalidResponse'
