# -*- coding: utf-8 -*-
# The connection options (environment fallbacks and their order, no_log) and building the clients.

from __future__ import absolute_import, division, print_function


import pytest

from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.fakes import params, write_profiles
import requests

from ansible_collections.alicloud.hbr.plugins.module_utils import _connection, _errors, _rpc

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args


ENV_NAMES = [name for spec in _connection.hbr_argument_spec().values() if spec.get('fallback')
             for name in spec['fallback'][1]]


def module_params(monkeypatch, args, env):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with patch_module_args(args):
        module = AnsibleModule(argument_spec=_connection.hbr_argument_spec())
    return module.params


@pytest.mark.parametrize('args,env,expected', [
    ({'alicloud_access_key': 'opt'}, {'ALICLOUD_ACCESS_KEY': 'env1'}, 'opt'),
    ({}, {'ALICLOUD_ACCESS_KEY': 'env1', 'ALICLOUD_ACCESS_KEY_ID': 'env2', 'ALIBABA_CLOUD_ACCESS_KEY_ID': 'env3'},
     'env1'),
    ({}, {'ALICLOUD_ACCESS_KEY_ID': 'env2', 'ALIBABA_CLOUD_ACCESS_KEY_ID': 'env3'}, 'env2'),
    ({}, {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'env3'}, 'env3'),
    ({'access_key_id': 'alias'}, {'ALICLOUD_ACCESS_KEY': 'env1'}, 'alias'),
])
def test_access_key_precedence(monkeypatch, args, env, expected):
    assert module_params(monkeypatch, args, env)['alicloud_access_key'] == expected


def test_secret_token_and_region_env_order(monkeypatch):
    p = module_params(monkeypatch, {}, {
        'ALICLOUD_SECRET_ACCESS_KEY': 's2', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 's3',
        'ALIBABA_CLOUD_SECURITY_TOKEN': 't2', 'ALICLOUD_REGION_ID': 'cn-shanghai', 'ALIBABA_CLOUD_REGION_ID': 'x',
        'ALICLOUD_HBR_ENDPOINT': 'http://127.0.0.1:1'})
    assert (p['alicloud_secret_key'], p['alicloud_security_token'], p['alicloud_region'], p['hbr_endpoint']) == \
        ('s2', 't2', 'cn-shanghai', 'http://127.0.0.1:1')


def test_secrets_are_no_log_in_the_spec():
    spec = _connection.hbr_argument_spec()
    assert spec['alicloud_secret_key']['no_log'] is True
    assert spec['alicloud_security_token']['no_log'] is True
    assert spec['alicloud_access_key']['no_log'] is False


def test_build_client_fails_locally_before_any_network(monkeypatch):
    calls = []

    def factory():
        calls.append(1)
        return requests.Session()

    with pytest.raises(_errors.HbrConfigError) as info:
        _connection.build_client(params(alicloud_region='xx-nowhere-1', alicloud_access_key='a', alicloud_secret_key='s'),
                                 factory)
    assert info.value.option == 'alicloud_region' and calls == []
    with pytest.raises(_errors.HbrConfigError) as info:
        _connection.build_client(params(hbr_endpoint='ftp://x', alicloud_access_key='a', alicloud_secret_key='s'), factory)
    assert info.value.option == 'hbr_endpoint' and calls == []
    with pytest.raises(_errors.HbrConfigError) as info:
        _connection.build_client(params(hbr_endpoint='http://127.0.0.1:1', read_timeout=0), factory)
    assert info.value.option == 'read_timeout' and calls == []


def test_build_client_uses_profile_region(tmp_path):
    path = write_profiles(tmp_path)
    api = _connection.build_client(params(shared_credentials_file=path), _rpc.new_session)
    assert api.endpoint == 'https://hbr.cn-shanghai.aliyuncs.com'
    assert api.credentials.access_key_id == 'profile-id'


PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'


@pytest.mark.parametrize('content,fragment', [(None, 'does not exist'), ('not a certificate', 'not a PEM file'),
                                              ('', 'not a PEM file')])
def test_ca_bundle_is_checked_before_any_call(tmp_path, content, fragment):
    path = tmp_path / 'ca.pem'
    if content is not None:
        path.write_text(content)
    with pytest.raises(_errors.HbrConfigError) as info:
        _connection.validate_connection_params(params(ca_bundle=str(path), validate_certs=True))
    assert info.value.option == 'ca_bundle' and fragment in info.value.message


def test_an_unreadable_ca_bundle_names_ca_bundle(tmp_path, monkeypatch):
    path = tmp_path / 'ca.pem'
    path.write_text(PEM)

    def refuse(*args, **kwargs):
        raise PermissionError(13, 'Permission denied')
    monkeypatch.setattr(_connection, 'open', refuse, raising=False)
    with pytest.raises(_errors.HbrConfigError) as info:
        _connection.validate_connection_params(params(ca_bundle=str(path), validate_certs=True))
    assert info.value.option == 'ca_bundle' and 'cannot be read (PermissionError)' in info.value.message


def test_a_pem_ca_bundle_or_a_directory_passes(tmp_path):
    path = tmp_path / 'ca.pem'
    path.write_text(PEM)
    _connection.validate_connection_params(params(ca_bundle=str(path), validate_certs=True))
    _connection.validate_connection_params(params(ca_bundle=str(tmp_path), validate_certs=True))


@pytest.mark.parametrize('overrides,option', [
    ({'alicloud_secret_key': 'XyZ\nXyZ'}, 'alicloud_secret_key'),
    ({'alicloud_security_token': 'XyZ\r\n'}, 'alicloud_security_token'),
    ({'alicloud_access_key': ' XyZ'}, 'alicloud_access_key'),
    ({'alicloud_security_token': 'XyZ\u00e9'}, 'alicloud_security_token'),
    ({'sts_endpoint': 'https://XyZ:XyZ@sts.example'}, 'sts_endpoint'),
    ({'ecs_metadata_endpoint': 'http://100.100.100.200/XyZ'}, 'ecs_metadata_endpoint'),
    ({'read_timeout': True}, 'read_timeout'),
    ({'api_retries': False}, 'api_retries'),
    ({'alicloud_region': 'cn-hangzhou\n'}, 'alicloud_region'),
])
def test_credentials_endpoints_and_integers_fail_naming_the_option_without_the_value(overrides, option):
    calls = []
    base = params(alicloud_access_key='a', alicloud_secret_key='s', hbr_endpoint='http://127.0.0.1:1')
    base.update(overrides)
    with pytest.raises(_errors.HbrConfigError) as info:
        _connection.build_client(base, lambda: calls.append(1))
    assert info.value.option == option and calls == []
    assert 'XyZ' not in info.value.message


def test_build_client_hands_profile_secrets_to_on_secret(tmp_path):
    seen = []
    path = write_profiles(tmp_path, current='sts')
    api = _connection.build_client(params(shared_credentials_file=path), _rpc.new_session, on_secret=seen.append,
                                   secrets=['proxy-secret'])
    assert 'profile-secret' in seen and 'profile-token' in seen
    assert api.secrets == {'proxy-secret'}
