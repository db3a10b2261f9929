# -*- coding: utf-8 -*-
# HbrModule: configuration errors name their option; API errors fail with their code and request id,
# and never with a traceback.

from __future__ import absolute_import, division, print_function

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.alicloud.hbr.plugins.module_utils import _errors, _module


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
