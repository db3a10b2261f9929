"""Signature verification: the SDK's vectors, and each way a request can be refused."""

import json
import os
import time

import pytest

from hbr_emulator import auth
from rawclient import v1_request, v3_request

VECTORS = os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'unit', 'fixtures', 'signature-vectors.json')


@pytest.fixture(scope='module')
def vectors():
    with open(VECTORS, encoding='utf-8') as handle:
        return json.load(handle)


def test_verifier_reproduces_every_sdk_vector(vectors):
    for vector in vectors['v1_hmac_sha1']:
        signature, to_sign = auth.v1_expected(vector['secret'], vector['method'], vector['params'])
        assert (signature, to_sign) == (vector['signature'], vector['string_to_sign']), vector['name']
    for vector in vectors['v3_acs3_hmac_sha256']:
        names = vector['authorization'].split('SignedHeaders=')[1].split(',')[0].split(';')
        signature, to_sign = auth.v3_expected(vector['secret'], vector['method'], vector['query'], vector['headers'],
                                              names, vector['headers']['x-acs-content-sha256'])
        assert to_sign == vector['string_to_sign'], vector['name']
        assert vector['authorization'].endswith('Signature=' + signature), vector['name']


def test_verifier_accepts_every_sdk_wire_capture_as_sent(vectors):
    """The real SDK signs accept/user-agent too: the verifier must use the SignedHeaders it was sent."""
    def clock():
        return 1704164645.0  # 2024-01-02T03:04:05Z, the captures' x-acs-date

    for capture in vectors['sdk_wire_captures']:
        verifier = auth.Authenticator({'testid': 'testsecret'}, clock=clock)
        headers = {k.lower(): v for k, v in capture['headers'].items()}
        from urllib.parse import parse_qsl
        body_params = dict(parse_qsl(capture['body'] or ''))
        raw = (capture['body'] or '').encode('utf-8')
        action, key, version = verifier.authenticate(capture['method'], headers, capture['query'], body_params, raw)
        assert (action, key) == (capture['action'], 'testid')
        assert version == ('v3' if capture['mode'] == 'v3-default' else 'v1')


@pytest.mark.parametrize('send', [v3_request, v1_request], ids=['v3', 'v1'])
def test_wrong_secret(start_emulator, send):
    running = start_emulator()
    status, body, _headers = send(running.url, 'DescribeTask', {'TaskId': 't-1'}, secret='not-the-secret')
    assert (status, body['Code']) == (400, 'SignatureDoesNotMatch')
    assert 'server string to sign is' in body['Message']
    assert body['RequestId'] and body['HostId'] and 'SignatureDoesNotMatch' in body['Recommend']


@pytest.mark.parametrize('send', [v3_request, v1_request], ids=['v3', 'v1'])
def test_unknown_key(start_emulator, send):
    running = start_emulator()
    status, body, _headers = send(running.url, 'DescribeTask', {'TaskId': 't-1'}, key='nobody')
    assert (status, body['Code']) == (404, 'InvalidAccessKeyId.NotFound')


def test_replayed_nonce(start_emulator):
    running = start_emulator()
    first = v3_request(running.url, 'DescribeBackupClients', {'ClientType': 'ECS_CLIENT'}, nonce='same-nonce')
    second = v3_request(running.url, 'DescribeBackupClients', {'ClientType': 'ECS_CLIENT'}, nonce='same-nonce')
    assert first[0] == 200
    assert (second[0], second[1]['Code']) == (400, 'SignatureNonceUsed')
    third = v1_request(running.url, 'DescribeBackupClients', {'ClientType': 'ECS_CLIENT'}, nonce='same-nonce')
    assert (third[0], third[1]['Code']) == (400, 'SignatureNonceUsed')


def test_expired_and_malformed_timestamps(start_emulator):
    running = start_emulator()
    old = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() - 16 * 60))
    status, body, _headers = v3_request(running.url, 'DescribeTask', {'TaskId': 't-1'}, date=old)
    assert (status, body['Code']) == (400, 'InvalidTimeStamp.Expired')
    future = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() + 16 * 60))
    status, body, _headers = v1_request(running.url, 'DescribeTask', {'TaskId': 't-1'}, timestamp=future)
    assert (status, body['Code']) == (400, 'InvalidTimeStamp.Expired')
    status, body, _headers = v3_request(running.url, 'DescribeTask', {'TaskId': 't-1'}, date='yesterday')
    assert (status, body['Code']) == (400, 'InvalidTimeStamp.Format')
    within = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() - 14 * 60))
    assert v3_request(running.url, 'DescribeTask', {'TaskId': 't-1'}, date=within)[1]['Code'] == 'TaskNotFound'


def test_unsigned_and_tampered_requests(start_emulator):
    from rawclient import send
    running = start_emulator()
    status, body, _headers = send(running.url + '/?TaskId=t-1', {'x-acs-action': 'DescribeTask'}, b'')
    assert (status, body['Code']) == (400, 'MissingAccessKeyId')
    status, body, _headers = v3_request(running.url, 'DescribeBackupClients', {'ClientType': 'ECS_CLIENT'},
                                        body='InstanceIds=%5B%22i-1%22%5D')
    assert status == 200
    calls = running.calls()
    assert [c['code'] for c in calls] == ['MissingAccessKeyId', None]
    assert calls[1]['params']['InstanceIds'] == '["i-1"]', 'form body parameters are merged into params'


def test_sts_token_checked_when_configured(start_emulator):
    running = start_emulator({'access_keys': {'STS.id': 'sts-secret'}, 'sts_tokens': {'STS.id': 'the-token'}})
    status, body, _headers = v1_request(running.url, 'DescribeTask', {'TaskId': 't-1', 'SecurityToken': 'wrong'},
                                        key='STS.id', secret='sts-secret')
    assert (status, body['Code']) == (400, 'InvalidSecurityToken.MismatchWithAccessKey')
    status, body, _headers = v1_request(running.url, 'DescribeTask', {'TaskId': 't-1', 'SecurityToken': 'the-token'},
                                        key='STS.id', secret='sts-secret')
    assert body['Code'] == 'TaskNotFound'
    assert 'SecurityToken' not in running.calls()[-1]['params']
