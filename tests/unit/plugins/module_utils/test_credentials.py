# -*- coding: utf-8 -*-
# The credential chain: each source, their precedence, and the failures. The metadata service
# and STS are fake servers on 127.0.0.1 (never the real addresses).

from __future__ import absolute_import, division, print_function

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.fakes import params, write_profiles
import requests

from ansible_collections.alicloud.hbr.plugins.module_utils import _connection, _credentials, _signing


ENV_NAMES = [name for spec in _connection.hbr_argument_spec().values() if spec.get('fallback')
             for name in spec['fallback'][1]]


@pytest.fixture
def session():
    s = requests.Session()
    yield s
    s.close()


@pytest.fixture
def no_home(tmp_path):
    return str(tmp_path / 'home')


@pytest.fixture
def metadata(local_server):
    """A fake ECS metadata service with IMDSv2 tokens; role 'hbr-role'."""
    state = {'token_enabled': True}

    def route(method, path, headers, body):
        if method == 'PUT' and path == '/latest/api/token':
            if not state['token_enabled']:
                return 404, {}, 'not found'
            assert headers.get('X-aliyun-ecs-metadata-token-ttl-seconds') == '21600'
            return 200, {}, 'TOKEN-123'
        if method == 'GET' and path == '/latest/meta-data/ram/security-credentials/hbr-role':
            if state['token_enabled'] and headers.get('X-aliyun-ecs-metadata-token') != 'TOKEN-123':
                return 401, {}, 'token required'
            return 200, {}, json.dumps({'Code': 'Success', 'AccessKeyId': 'STS.ecs-id', 'AccessKeySecret': 'ecs-secret',
                                        'SecurityToken': 'ecs-token', 'Expiration': '2099-01-01T00:00:00Z'})
        return 404, {}, 'no such path'

    server = local_server(route)
    server.state = state
    return server


@pytest.fixture
def sts(local_server):
    """A fake STS endpoint that checks the V1 signature of AssumeRole against known secrets."""
    secrets = {'base-id': 'base-secret', 'profile-id': 'profile-secret', 'STS.ecs-id': 'ecs-secret'}

    def route(method, path, headers, body):
        query = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
        secret = secrets.get(query.get('AccessKeyId'))
        if secret is None or _signing.v1_signature('GET', query, secret) != query.get('Signature'):
            return 400, {}, json.dumps({'Code': 'SignatureDoesNotMatch', 'Message': 'bad', 'RequestId': 'S1'})
        return 200, {}, json.dumps({'RequestId': 'S2', 'Credentials': {
            'AccessKeyId': 'STS.role-id', 'AccessKeySecret': 'role-secret', 'SecurityToken': 'role-token:%s:%s' % (
                query['RoleSessionName'], query['DurationSeconds']), 'Expiration': '2099-01-01T00:00:00Z'}})

    return local_server(route)


def test_static_options(session, no_home):
    creds = _credentials.resolve_credentials(params(alicloud_access_key='AK1', alicloud_secret_key='SECRET-XYZ',
                                                    alicloud_security_token='TOKEN-XYZ'), session, environ={},
                                             home=no_home)
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token, creds.source) == \
        ('AK1', 'SECRET-XYZ', 'TOKEN-XYZ', 'options')
    assert 'SECRET-XYZ' not in repr(creds) and 'TOKEN-XYZ' not in str(creds)


def test_half_a_key_pair_names_the_missing_option(session, no_home):
    with pytest.raises(_credentials.CredentialError) as info:
        _credentials.resolve_credentials(params(alicloud_access_key='a'), session, environ={}, home=no_home)
    assert info.value.option == 'alicloud_secret_key' and 'alicloud_secret_key' in info.value.message


def test_nothing_found_lists_every_place_looked(session, no_home):
    with pytest.raises(_credentials.CredentialError) as info:
        _credentials.resolve_credentials(params(), session, environ={}, home=no_home)
    message = info.value.message
    for place in ('ALICLOUD_ACCESS_KEY', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'config.json', 'ecs_role_name'):
        assert place in message


@pytest.mark.parametrize('name,expected', [
    ('default', ('profile-id', 'profile-secret', None)),
    ('sts', ('profile-id', 'profile-secret', 'profile-token')),
])
def test_profile_modes_ak_and_sts(tmp_path, session, name, expected):
    path = write_profiles(tmp_path)
    creds = _credentials.resolve_credentials(params(profile=name, shared_credentials_file=path), session, environ={})
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == expected


def test_current_profile_used_when_file_exists(tmp_path, session):
    path = write_profiles(tmp_path, current='sts')
    creds = _credentials.resolve_credentials(params(shared_credentials_file=path), session, environ={})
    assert creds.security_token == 'profile-token'
    assert _credentials.profile_region(params(shared_credentials_file=path)) == 'cn-beijing'


def test_default_profile_file_in_home(tmp_path, session):
    home = tmp_path / 'home'
    (home / '.aliyun').mkdir(parents=True)
    write_profiles(home / '.aliyun')
    creds = _credentials.resolve_credentials(params(), session, environ={}, home=str(home))
    assert creds.source == 'profile:default'


def test_profile_ram_role_arn_assumes_role(tmp_path, session, sts):
    path = write_profiles(tmp_path)
    creds = _credentials.resolve_credentials(params(profile='role', shared_credentials_file=path,
                                                    sts_endpoint=sts.url), session, environ={})
    assert (creds.access_key_id, creds.security_token) == ('STS.role-id', 'role-token:from-profile:1800')
    query = dict(parse_qsl(urlsplit(sts.requests[0][1]).query))
    assert query['Action'] == 'AssumeRole' and query['RoleArn'] == 'acs:ram::123:role/hbr'


def test_profile_ecs_ram_role(tmp_path, session, metadata):
    path = write_profiles(tmp_path)
    creds = _credentials.resolve_credentials(params(profile='ecs', shared_credentials_file=path,
                                                    ecs_metadata_endpoint=metadata.url), session, environ={})
    assert (creds.access_key_id, creds.security_token) == ('STS.ecs-id', 'ecs-token')


def test_unsupported_or_missing_profile(tmp_path, session):
    path = write_profiles(tmp_path)
    with pytest.raises(_credentials.CredentialError) as info:
        _credentials.resolve_credentials(params(profile='oidc', shared_credentials_file=path), session, environ={})
    assert info.value.option == 'profile' and 'OIDC' in info.value.message
    with pytest.raises(_credentials.CredentialError) as info:
        _credentials.resolve_credentials(params(profile='nope', shared_credentials_file=path), session, environ={})
    assert 'nope' in info.value.message and 'default' in info.value.message
    with pytest.raises(_credentials.CredentialError) as info:
        _credentials.resolve_credentials(params(profile='x', shared_credentials_file=str(tmp_path / 'missing.json')),
                                         session, environ={})
    assert info.value.option == 'shared_credentials_file'


def test_ecs_role_with_imdsv2_token(session, metadata, no_home):
    creds = _credentials.resolve_credentials(params(ecs_role_name='hbr-role', ecs_metadata_endpoint=metadata.url),
                                             session, environ={}, home=no_home)
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ('STS.ecs-id', 'ecs-secret',
                                                                                    'ecs-token')
    assert [r[0] for r in metadata.requests] == ['PUT', 'GET']


def test_ecs_role_falls_back_to_imdsv1(session, metadata, no_home):
    metadata.state['token_enabled'] = False
    creds = _credentials.resolve_credentials(params(ecs_role_name='hbr-role', ecs_metadata_endpoint=metadata.url),
                                             session, environ={}, home=no_home)
    assert creds.access_key_id == 'STS.ecs-id'
    assert 'X-aliyun-ecs-metadata-token' not in metadata.requests[-1][2]


def test_ecs_role_v1_fallback_can_be_disabled(session, metadata, no_home):
    metadata.state['token_enabled'] = False
    with pytest.raises(_credentials.CredentialError) as info:
        _credentials.resolve_credentials(params(ecs_role_name='hbr-role', ecs_metadata_endpoint=metadata.url),
                                         session, environ={'ALIBABA_CLOUD_IMDSV1_DISABLED': 'true'}, home=no_home)
    assert info.value.option == 'ecs_role_name'


def test_ecs_role_unknown_role_and_unreachable_metadata(session, metadata, no_home):
    with pytest.raises(_credentials.CredentialError) as info:
        _credentials.resolve_credentials(params(ecs_role_name='other', ecs_metadata_endpoint=metadata.url),
                                         session, environ={}, home=no_home)
    assert 'HTTP 404' in info.value.message
    with pytest.raises(_credentials.CredentialError) as info:
        _credentials.resolve_credentials(params(ecs_role_name='r', ecs_metadata_endpoint='http://127.0.0.1:9'),
                                         session, environ={}, home=no_home)
    assert 'did not answer' in info.value.message


def test_assume_role_on_top_of_static_keys(session, sts, no_home):
    creds = _credentials.resolve_credentials(params(alicloud_access_key='base-id', alicloud_secret_key='base-secret',
                                                    alicloud_assume_role_arn='acs:ram::1:role/x', sts_endpoint=sts.url),
                                             session, environ={}, home=no_home)
    assert creds.access_key_id == 'STS.role-id'
    assert creds.security_token == 'role-token:ansible-alicloud-hbr:3600'


def test_assume_role_on_top_of_ecs_role_signs_with_its_token(session, sts, metadata, no_home):
    creds = _credentials.resolve_credentials(params(ecs_role_name='hbr-role', ecs_metadata_endpoint=metadata.url,
                                                    alicloud_assume_role_arn='acs:ram::1:role/x',
                                                    alicloud_assume_role_session_name='s1',
                                                    alicloud_assume_role_session_expiration=900,
                                                    sts_endpoint=sts.url), session, environ={}, home=no_home)
    assert creds.security_token == 'role-token:s1:900'
    query = dict(parse_qsl(urlsplit(sts.requests[0][1]).query))
    assert query['SecurityToken'] == 'ecs-token'


def test_assume_role_failure_is_clean(session, sts, no_home):
    with pytest.raises(_credentials.CredentialError) as info:
        _credentials.resolve_credentials(params(alicloud_access_key='base-id', alicloud_secret_key='WRONG',
                                                alicloud_assume_role_arn='acs:ram::1:role/x', sts_endpoint=sts.url),
                                         session, environ={}, home=no_home)
    assert 'SignatureDoesNotMatch' in info.value.message and 'WRONG' not in info.value.message


def test_static_keys_beat_profile_and_role(tmp_path, session, metadata):
    path = write_profiles(tmp_path)
    creds = _credentials.resolve_credentials(params(alicloud_access_key='a', alicloud_secret_key='s', profile='sts',
                                                    shared_credentials_file=path, ecs_role_name='hbr-role',
                                                    ecs_metadata_endpoint=metadata.url), session, environ={})
    assert creds.source == 'options' and metadata.requests == []


def test_explicit_ecs_role_beats_implicit_current_profile(tmp_path, session, metadata):
    path = write_profiles(tmp_path)
    creds = _credentials.resolve_credentials(params(shared_credentials_file=path, ecs_role_name='hbr-role',
                                                    ecs_metadata_endpoint=metadata.url), session, environ={})
    assert creds.source == 'ecs_ram_role:hbr-role'


# --- precedence between options and environment variables goes through the real argument spec ----


def test_profile_secrets_go_to_on_secret_before_anything_can_fail(tmp_path, session):
    seen = []
    path = write_profiles(tmp_path, extra=[{'name': 'broken', 'mode': 'StsToken', 'access_key_id': 'id',
                                            'access_key_secret': 'XyZ-secret', 'sts_token': 'XyZ\ntoken'}])
    with pytest.raises(_credentials.CredentialError) as info:
        _credentials.resolve_credentials(params(profile='broken', shared_credentials_file=path), session, environ={},
                                         on_secret=seen.append)
    assert info.value.option == 'profile' and 'control character' in info.value.message
    assert 'XyZ' not in info.value.message
    assert 'XyZ-secret' in seen and 'XyZ\ntoken' in seen


def test_role_and_ecs_credentials_go_to_on_secret(tmp_path, session, sts, metadata, no_home):
    seen = []
    _credentials.resolve_credentials(params(ecs_role_name='hbr-role', ecs_metadata_endpoint=metadata.url,
                                            alicloud_assume_role_arn='acs:ram::1:role/x', sts_endpoint=sts.url),
                                     session, environ={}, home=no_home, on_secret=seen.append)
    assert {'ecs-secret', 'ecs-token', 'role-secret'} <= set(seen)
    assert any(value and value.startswith('role-token:') for value in seen)


def test_a_failing_assume_role_masks_the_source_token_it_echoes(local_server, session, no_home):
    def route(method, path, headers, body):
        return 400, {}, json.dumps({'Code': 'InvalidParameter', 'Message': 'bad request %s' % path})
    server = local_server(route)
    with pytest.raises(_credentials.CredentialError) as info:
        _credentials.resolve_credentials(params(alicloud_access_key='id', alicloud_secret_key='s',
                                                alicloud_security_token='src+tok/en=', sts_endpoint=server.url,
                                                alicloud_assume_role_arn='acs:ram::1:role/x'),
                                         session, environ={}, home=no_home)
    assert info.value.option == 'alicloud_assume_role_arn' and 'InvalidParameter' in info.value.message
    assert 'src' not in info.value.message and '********' in info.value.message


def test_an_unreadable_profile_file_is_not_quoted(tmp_path, session):
    path = tmp_path / 'config.json'
    path.write_text('{"profiles": [{"access_key_secret": "XyZ" oops')
    with pytest.raises(_credentials.CredentialError) as info:
        _credentials.resolve_credentials(params(shared_credentials_file=str(path)), session, environ={})
    assert info.value.option == 'shared_credentials_file' and 'XyZ' not in info.value.message
    assert 'JSONDecodeError at line 1' in info.value.message
