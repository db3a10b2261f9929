# -*- coding: utf-8 -*-
# The RPC client: parsing answers, retry decisions and backoff, the retry loop (scripted session, sleep patched), paging.

from __future__ import absolute_import, division, print_function

import collections
import json
import re

import pytest
import requests

from ansible_collections.alicloud.hbr.plugins.module_utils import _errors, _rpc


hypothesis = pytest.importorskip('hypothesis')
from hypothesis import given, settings, strategies as st  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.fuzzing import (  # noqa: E402  pylint: disable=wrong-import-position
    BODIES)

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


def test_success_false_with_http_200_is_an_error():
    with pytest.raises(_errors.HbrApiError) as info:
        _rpc.parse_response('UpdateClientSettings', 200,
                            '{"Success": false, "Code": "BadRequest", "Message": "nope", "RequestId": "R1"}')
    error = info.value
    assert (error.code, error.message, error.request_id, error.http_status, error.action) == \
        ('BadRequest', 'nope', 'R1', 200, 'UpdateClientSettings')
    assert 'R1' in str(error) and 'BadRequest' in str(error)


def test_gateway_error_shape():
    with pytest.raises(_errors.HbrApiError) as info:
        _rpc.parse_response('DescribeTask', 400, '{"RequestId":"R2","HostId":"h","Code":"SignatureDoesNotMatch",'
                                                 '"Message":"Specified signature is not matched","Recommend":"u"}')
    assert info.value.code == 'SignatureDoesNotMatch' and info.value.http_status == 400
    assert info.value.recommend == 'u'


@pytest.mark.parametrize('status,text,code', [
    (502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'HTTP502'),
    (200, 'not json', 'InvalidResponse'),
    (200, '[1, 2]', 'InvalidResponse'),
    (200, '', 'InvalidResponse'),
    (500, '{"Message": "boom"}', 'HTTP500'),
])
def test_malformed_bodies_are_clean_errors(status, text, code):
    with pytest.raises(_errors.HbrApiError) as info:
        _rpc.parse_response('DescribeBackupClients', status, text)
    assert info.value.code == code
    assert '<' not in info.value.message


def test_success_body_returned():
    assert _rpc.parse_response('X', 200, '{"Success": true, "Code": "200", "TaskId": "t-1"}')['TaskId'] == 't-1'


def test_retry_after_header_is_milliseconds():
    with pytest.raises(_errors.HbrApiError) as info:
        _rpc.parse_response('X', 400, '{"Code": "Throttling.User"}', {'x-acs-retry-after': '1500'})
    assert info.value.retry_after == 1.5


@pytest.mark.parametrize('code,status,action,decision', [
    ('Throttling.User', 400, 'InstallBackupClients', 'retry'),
    ('Throttling', 400, 'DescribeTask', 'retry'),
    ('Rejected.Throttling', 400, 'InstallBackupClients', 'retry'),
    ('ServiceUnavailable', 503, 'InstallBackupClients', 'retry'),
    ('InternalError', 500, 'DescribeBackupClients', 'retry'),
    ('InternalError', 500, 'InstallBackupClients', 'ambiguous'),
    ('HTTP502', 502, 'UninstallBackupClients', 'ambiguous'),
    ('InternalError', 500, 'UpdateClientSettings', 'retry'),
    ('SignatureDoesNotMatch', 400, 'DescribeTask', 'fail'),
    ('InvalidAccessKeyId.NotFound', 404, 'DescribeTask', 'fail'),
    ('InvalidParameter', 400, 'InstallBackupClients', 'fail'),
    ('InvalidTimeStamp.Expired', 400, 'DescribeTask', 'fail'),
    ('Forbidden.RAM', 403, 'DescribeTask', 'fail'),
])
def test_retry_decisions(code, status, action, decision):
    assert _rpc.retry_decision(_errors.HbrApiError('m', code=code, http_status=status), action) == decision


def test_backoff_is_jittered_capped_and_floored_by_retry_after():
    class Top:
        @staticmethod
        def uniform(low, high):
            return high

    assert [_rpc.backoff_delay(n, 0.5, 4.0, Top) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert _rpc.backoff_delay(0, 0.5, 4.0, Top, retry_after=3.0) == 3.0


@settings(max_examples=300, deadline=None)
@given(status=st.sampled_from([200, 200, 200, 400, 403, 404, 500, 502, 503]), text=BODIES)
def test_parse_response_is_a_dict_or_a_clean_error(status, text):
    try:
        body = _rpc.parse_response('DescribeBackupClients', status, text)
    except _errors.HbrApiError as error:
        assert error.code and str(error)
        assert not re.search(r'<[A-Za-z/][^>]*>', error.message), 'HTML tags are stripped from messages'
    else:
        assert isinstance(body, dict) and status < 400


def test_a_body_that_is_not_json_is_never_quoted():
    # A proxy's error page can echo the request: its signed query string, its headers, its body.
    page = '<html><p>upstream failed: POST /?SecurityToken=T%2BOK%3D&ProxyPassword=P%26W</p></html>'
    with pytest.raises(_errors.HbrApiError) as info:
        _rpc.parse_response('DescribeBackupClients', 502, page, {'Content-Type': 'text/html; charset=utf-8',
                                                                 'x-acs-request-id': 'R-7'})
    assert info.value.code == 'HTTP502' and info.value.request_id == 'R-7'
    assert 'Token' not in info.value.message and 'P%26W' not in info.value.message
    assert 'HTTP 502' in info.value.message and 'text/html' in info.value.message


def test_the_string_to_sign_a_service_echoes_is_cut():
    message = ('Specified signature is not matched with our calculation. server string to sign is:'
               'POST&%2F&SecurityToken%3DT%252BOK')
    with pytest.raises(_errors.HbrApiError) as info:
        _rpc.parse_response('X', 400, json.dumps({'Code': 'SignatureDoesNotMatch', 'Message': message}))
    assert 'T%252BOK' not in info.value.message and info.value.message.startswith('Specified signature is not')


class EchoSession:
    """Answers every request with a 400 whose Message quotes the URL and the headers."""

    def post(self, url, data=None, headers=None, **kwargs):
        text = json.dumps({'Code': 'InvalidParameter', 'Message': 'got %s %s %r' % (url, headers, data)})
        return collections.namedtuple('R', 'status_code text headers')(400, text, {})


@pytest.mark.parametrize('signature_version', ['v1', 'v3'])
def test_the_client_masks_its_secrets_and_secret_parameters_in_errors(signature_version):
    api = _rpc.RpcClient(Creds('AK', 'se+cr/et=', 'to"k&en%'), 'http://x.test', session=EchoSession(),
                         signature_version=signature_version, secrets=['hana+secret'])
    with pytest.raises(_errors.HbrApiError) as info:
        api.call('UpdateClientSettings', {'ClientId': 'c-1', 'ProxyPassword': 'pa ss/w=rd',
                                          'ClientInfo': json.dumps([{'accessKeySecret': 'hana+secret'}])})
    text = str(info.value)
    for secret in ('to"k&en%', 'pa ss/w=rd', 'hana+secret'):
        for form in (secret, _rpc.quote(secret, safe=''), _rpc.quote(secret, safe='~'), json.dumps(secret)[1:-1]):
            assert form not in text
    assert '********' in text and 'UpdateClientSettings' in text


def test_a_header_no_http_request_can_carry_is_a_clean_error():
    # A non-latin-1 token makes http.client raise UnicodeEncodeError, not a requests exception.
    api = _rpc.RpcClient(Creds('AK', 's', 'XyZ\u20ac'), 'http://127.0.0.1:9', retries=0)
    with pytest.raises(_errors.HbrApiError) as info:
        api.call('DescribeBackupClients')
    assert info.value.code == 'InvalidRequest' and 'XyZ' not in str(info.value)
