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
