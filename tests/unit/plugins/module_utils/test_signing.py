# -*- coding: utf-8 -*-
# Signing and encoding against the official SDK vectors, and parameter placement.

from __future__ import absolute_import, division, print_function

import collections
import hashlib
import json
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

import pytest

from ansible_collections.alicloud.hbr.plugins.module_utils import _signing


Creds = collections.namedtuple('Creds', 'access_key_id access_key_secret security_token')


def _ids(items):
    return [item['name'] for item in items]


def test_every_v1_vector_string_to_sign_and_signature(vectors):
    assert len(vectors['v1_hmac_sha1']) == 5
    for vector in vectors['v1_hmac_sha1']:
        assert _signing.v1_string_to_sign(vector['method'], vector['params']) == vector['string_to_sign'], vector['name']
        assert _signing.v1_signature(vector['method'], vector['params'], vector['secret']) == vector['signature'], \
            vector['name']


def test_legacy_aliyunsdkcore_vector(vectors):
    legacy = vectors['v1_legacy_aliyunsdkcore']
    query = dict(parse_qsl(urlsplit(legacy['url_path_and_query']).query, keep_blank_values=True))
    expected_signature = query.pop('Signature')
    assert _signing.v1_string_to_sign(legacy['method'], query) == legacy['string_to_sign']
    assert _signing.v1_signature(legacy['method'], query, vectors['inputs']['access_key_secret']) == expected_signature


@pytest.mark.parametrize('index', range(5))
def test_every_v3_vector(vectors, index):
    vector = vectors['v3_acs3_hmac_sha256'][index]
    names = _signing.v3_signed_header_names(vector['headers'])
    payload_hash = vector['headers']['x-acs-content-sha256']
    body = (vector['body'] or '').encode('utf-8')
    assert hashlib.sha256(body).hexdigest() == payload_hash
    canonical = _signing.v3_canonical_request(vector['method'], vector['path'], vector['query'], vector['headers'],
                                              names, payload_hash)
    assert canonical == vector['canonical_request']
    assert _signing.v3_string_to_sign(canonical) == vector['string_to_sign']
    assert _signing.v3_authorization(
        vector['access_key_id'], vector['secret'], method=vector['method'], path=vector['path'], query=vector['query'],
        headers=vector['headers'], signed_headers=names, payload_hash=payload_hash) == vector['authorization']


@pytest.mark.parametrize('index', range(5))
def test_request_builder_reproduces_v3_vectors(vectors, index):
    """Our whole request builder (placement, body encoding, headers), not just the primitives."""
    vector = vectors['v3_acs3_hmac_sha256'][index]
    headers = vector['headers']
    params = dict(vector['query'])
    params.update(dict(parse_qsl(vector['body'] or '')))
    creds = Creds(vector['access_key_id'], vector['secret'], headers.get('x-acs-security-token'))
    query, built_headers, body = _signing.build_signed_request(
        creds, headers['host'], headers['x-acs-action'], params, signature_version='v3',
        timestamp=headers['x-acs-date'], nonce=headers['x-acs-signature-nonce'], user_agent='anything')
    assert query == vector['query']
    assert body == (vector['body'] or '')
    assert built_headers['Authorization'] == vector['authorization']


def _parse_authorization(value):
    scheme, rest = value.split(' ', 1)
    fields = dict(part.split('=', 1) for part in rest.split(','))
    return scheme, fields['Credential'], fields['SignedHeaders'].split(';'), fields['Signature']


def test_every_sdk_wire_capture_authorization_recomputed(vectors):
    """Recompute each captured request's signature from its own headers, query and body."""
    secret = vectors['inputs']['access_key_secret']
    captures = vectors['sdk_wire_captures']
    assert {c['mode'] for c in captures} == {'v3-default', 'v1-signature_algorithm=v2'}
    for capture in captures:
        url = urlsplit(capture['url'])
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        assert query == capture['query'], capture['action']
        body = capture['body'] or ''
        if capture['mode'] == 'v3-default':
            headers = dict((k.lower(), v) for k, v in capture['headers'].items())
            scheme, credential, signed = _parse_authorization(headers['authorization'])[:3]
            assert scheme == 'ACS3-HMAC-SHA256' and credential == 'testid'
            payload_hash = hashlib.sha256(body.encode('utf-8')).hexdigest()
            assert headers['x-acs-content-sha256'] == payload_hash
            recomputed = _signing.v3_authorization(
                credential, secret, method=capture['method'], path='/', query=query, headers=headers,
                signed_headers=signed, payload_hash=payload_hash)
            assert recomputed == capture['headers']['Authorization'], capture['action']
        else:
            signed_params = dict(query)
            signed_params.update(dict(parse_qsl(body)))
            assert _signing.v1_signature(capture['method'], signed_params, secret) == query['Signature'], capture['action']


def test_v1_builder_reproduces_v1_wire_captures(vectors):
    inputs = vectors['inputs']
    creds = Creds(inputs['access_key_id'], inputs['access_key_secret'], None)
    for capture in vectors['sdk_wire_captures']:
        if not capture['mode'].startswith('v1'):
            continue
        business = dict((k, v) for k, v in capture['query'].items()
                        if k not in ('Action', 'Format', 'Version', 'Timestamp', 'SignatureNonce', 'SignatureMethod',
                                     'SignatureVersion', 'AccessKeyId', 'Signature'))
        business.update(dict(parse_qsl(capture['body'] or '')))
        query, headers, body = _signing.build_signed_request(creds, inputs['host'], capture['action'], business, signature_version='v1',
                                                             timestamp=inputs['timestamp'], nonce=inputs['nonce'])
        assert query['Signature'] == capture['query']['Signature'], capture['action']
        assert body == (capture['body'] or '')
        assert 'Authorization' not in headers


def test_sts_token_goes_into_v1_query_and_v3_headers():
    creds = Creds('id', 'secret', 'tok')
    query = _signing.build_signed_request(creds, 'h', 'DescribeTask', {'TaskId': 't-1'}, signature_version='v1')[0]
    assert query['SecurityToken'] == 'tok'
    query, headers = _signing.build_signed_request(creds, 'h', 'DescribeTask', {'TaskId': 't-1'}, signature_version='v3')[:2]
    assert 'SecurityToken' not in query
    assert headers['x-acs-security-token'] == 'tok' and headers['x-acs-accesskey-id'] == 'id'
    assert 'x-acs-security-token' in headers['Authorization']


def test_each_request_gets_a_fresh_nonce_and_timestamp_by_default():
    creds = Creds('id', 'secret', None)
    first = _signing.build_signed_request(creds, 'h', 'DescribeTask', {'TaskId': 't'})[1]
    second = _signing.build_signed_request(creds, 'h', 'DescribeTask', {'TaskId': 't'})[1]
    assert first['x-acs-signature-nonce'] != second['x-acs-signature-nonce']
    assert first['x-acs-date'].endswith('Z') and len(first['x-acs-date']) == 20


def test_encode_params_rules():
    flat = _signing.encode_params({
        'InstanceIds': ['i-abc', 'i-def'],
        'Tag': [{'Key': 'env', 'Value': 'prod'}, {'Key': 'team', 'Value': 'db'}],
        'Filters': [{'Key': 'InstanceId', 'Values': ['i-1', 'i-2']}],
        'UseHttps': True,
        'AlertOnPartialComplete': False,
        'MaxMemory': 1024,
        'ProxyHost': None,
        'ClientType': 'ECS_CLIENT',
    })
    assert flat == {
        'InstanceIds': '["i-abc","i-def"]',
        'Tag.1.Key': 'env', 'Tag.1.Value': 'prod', 'Tag.2.Key': 'team', 'Tag.2.Value': 'db',
        'Filters.1.Key': 'InstanceId', 'Filters.1.Values.1': 'i-1', 'Filters.1.Values.2': 'i-2',
        'UseHttps': 'true', 'AlertOnPartialComplete': 'false', 'MaxMemory': '1024', 'ClientType': 'ECS_CLIENT',
    }


def test_json_arrays_keep_unicode_and_are_compact():
    assert _signing.encode_params({'ClientIds': ['c-1', u'c-é']}) == {'ClientIds': u'["c-1","c-é"]'}


def test_describe_backup_clients_places_ids_and_tags_in_the_body():
    query, body = _signing.split_body_params('DescribeBackupClients', _signing.encode_params({
        'ClientType': 'ECS_CLIENT', 'PageSize': 99, 'InstanceIds': ['i-1'], 'Tag': [{'Key': 'k', 'Value': 'v'}]}))
    assert query == {'ClientType': 'ECS_CLIENT', 'PageSize': '99'}
    assert body == {'InstanceIds': '["i-1"]', 'Tag.1.Key': 'k', 'Tag.1.Value': 'v'}
    query, body = _signing.split_body_params('InstallBackupClients', {'InstanceIds': '["i-1"]'})
    assert body == {} and query == {'InstanceIds': '["i-1"]'}


def test_secret_forms_cover_every_encoding_a_message_can_carry():
    secret = 'a+b/c=d%e&f"g\'h i\\j'
    forms = _signing.secret_forms(secret)
    once = _signing.percent_encode(secret)
    expected = [secret, once, _signing.percent_encode(once), once.lower(), quote(secret), quote_plus(secret),
                json.dumps(secret)[1:-1], repr(secret)[1:-1], quote(json.dumps(secret)[1:-1], safe='')]
    for form in expected:
        assert form in forms, form
    assert _signing.secret_forms('') == set() and _signing.secret_forms(None) == set()


def test_redact_masks_every_form_longest_first():
    secret = 'x+y/z='
    text = 'url ?T=%s body T=%s json "%s"' % (_signing.percent_encode(secret), quote_plus(secret), secret)
    masked = _signing.redact(text, _signing.secret_forms(secret))
    assert masked == 'url ?T=******** body T=******** json "********"'
