# -*- coding: utf-8 -*-
# HbrModule: configuration errors name their option; API errors fail with their code and request id,
# and never with a traceback.

from __future__ import absolute_import, division, print_function

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.alicloud.hbr.plugins.module_utils import _errors, _module, _signing


def run(capsys, action):
    with patch_module_args({'alicloud_access_key': 'a', 'alicloud_secret_key': 'unit-secret-value', 'alicloud_region': 'cn-hangzhou'}):
        module = _module.HbrModule(argument_spec={}, supports_check_mode=True)
        with pytest.raises(SystemExit):
            action(module)
    return json.loads(capsys.readouterr().out)


def test_fail_config_names_the_option(capsys):
    result = run(capsys, lambda m: m.fail_config(_errors.HbrConfigError('ca_bundle', 'ca_bundle is missing')))
    assert result['failed'] and result['option'] == 'ca_bundle' and result['msg'] == 'ca_bundle is missing'


def test_fail_api_carries_the_code_and_no_traceback(capsys):
    error = _errors.HbrApiError('denied', code='Forbidden', request_id='R-9', http_status=403, action='DescribeTask')
    result = run(capsys, lambda m: m.fail_api(error, msg='Listing failed'))
    assert result['msg'] == 'Listing failed: DescribeTask failed, code Forbidden, HTTP 403: denied (request id R-9)'
    assert result['error']['code'] == 'Forbidden' and result['code'] == 'Forbidden' and result['request_id'] == 'R-9'
    assert 'exception' not in result


def test_a_bad_endpoint_fails_before_any_call(capsys):
    # At construction: before the module's own checks, and before any client exists.
    with patch_module_args({'alicloud_access_key': 'a', 'alicloud_secret_key': 'unit-secret-value', 'hbr_endpoint': 'ftp://x'}):
        with pytest.raises(SystemExit):
            _module.HbrModule(argument_spec={}, supports_check_mode=True)
    result = json.loads(capsys.readouterr().out)
    assert result['failed'] and result['option'] == 'hbr_endpoint'


def test_every_encoding_of_a_secret_option_is_masked(capsys):
    secret = 'p+w/d=%&"\'x'
    args = {'alicloud_access_key': 'a', 'alicloud_secret_key': secret, 'alicloud_region': 'cn-hangzhou'}
    forms = [secret, _signing.percent_encode(secret), _signing.percent_encode(_signing.percent_encode(secret)),
             json.dumps(secret)[1:-1], repr(secret)[1:-1]]
    with patch_module_args(args):
        module = _module.HbrModule(argument_spec={}, supports_check_mode=True)
        module.warn('warned about %s' % ' '.join(forms))  # ansible-core 2.19 does not mask warnings itself
        with pytest.raises(SystemExit):
            module.fail_json(msg='failed with ' + ' | '.join(forms))
    out = capsys.readouterr().out
    assert all(form not in out for form in forms), out
    assert json.loads(out)['msg'].startswith('failed with ********')


def test_secrets_the_credential_chain_reads_are_masked(capsys, tmp_path):
    path = tmp_path / 'config.json'
    path.write_text(json.dumps({'current': 'p', 'profiles': [{'name': 'p', 'mode': 'StsToken', 'access_key_id': 'id',
                                                              'access_key_secret': 'XyZ+secret', 'sts_token': 'XyZ/tok'}]}))
    with patch_module_args({'shared_credentials_file': str(path), 'hbr_endpoint': 'http://127.0.0.1:9',
                            'alicloud_region': 'cn-hangzhou'}):
        module = _module.HbrModule(argument_spec={}, supports_check_mode=True)
        module.client()
        with pytest.raises(SystemExit):
            module.fail_json(msg='echo XyZ%2Bsecret XyZ%2Ftok XyZ/tok')
    assert 'XyZ' not in capsys.readouterr().out


@pytest.mark.parametrize('args,option', [
    ({'alicloud_security_token': 'XyZ\nXyZ'}, 'alicloud_security_token'),
    ({'read_timeout': True}, 'read_timeout'),
    ({'alicloud_region': '  '}, 'alicloud_region'),
    ({'ca_bundle': '/nonexistent/ca.pem'}, 'ca_bundle'),
])
def test_bad_connection_options_fail_at_construction(capsys, args, option):
    base = {'alicloud_access_key': 'a', 'alicloud_secret_key': 'unit-secret-value', 'alicloud_region': 'cn-hangzhou'}
    base.update(args)
    with patch_module_args(base):
        with pytest.raises(SystemExit):
            _module.HbrModule(argument_spec={}, supports_check_mode=True)
    result = json.loads(capsys.readouterr().out)
    assert result['failed'] and result['option'] == option and 'XyZ' not in result['msg']
