# -*- coding: utf-8 -*-
# Validation of ids, tags and settings before any API call.

from __future__ import absolute_import, division, print_function


import pytest

from ansible_collections.alicloud.hbr.plugins.module_utils import _errors, _validation


@pytest.mark.parametrize('values,fragment', [
    ([], 'empty list'),
    (['i-ok000000000000000001', 'bad'], "malformed ids: 'bad'"),
    (['I-UPPER00000000000001'], 'malformed'),
    (['i-ok000000000000000001', 'i-ok000000000000000001'], 'more than once'),
])
def test_instance_id_validation(values, fragment):
    with pytest.raises(_errors.HbrConfigError) as info:
        _validation.validate_instance_ids(values)
    assert info.value.option == 'instance_ids' and fragment in info.value.message


def test_id_limit_and_client_ids():
    with pytest.raises(_errors.HbrConfigError) as info:
        _validation.validate_client_ids(['c-%020d' % n for n in range(101)], limit=100)
    assert 'at most 100' in info.value.message
    assert _validation.validate_client_ids(['c-000abcdefghij0123456']) == ['c-000abcdefghij0123456']


@pytest.mark.parametrize('tags,fragment', [
    ({'': 'x'}, 'empty tag key'),
    ({'aliyun-x': 'v'}, 'starts with aliyun or acs:'),
    ({'acs:env': 'v'}, 'starts with aliyun or acs:'),
    ({'k': 'https://x'}, 'http'),
    (dict(('k%d' % n, 'v') for n in range(21)), 'at most 20'),
])
def test_tag_validation(tags, fragment):
    with pytest.raises(_errors.HbrConfigError) as info:
        _validation.validate_tags(tags)
    assert info.value.option == 'tags' and fragment in info.value.message


@pytest.mark.parametrize('settings,option', [
    ({'proxy_port': 0}, 'proxy_port'),
    ({'proxy_port': 70000}, 'proxy_port'),
    ({'max_cpu_core': -1}, 'max_cpu_core'),
    ({'proxy_host': 'h', 'data_proxy_setting': 'DISABLE'}, 'proxy_host'),
    ({'data_proxy_setting': 'CUSTOM'}, 'proxy_host'),
])
def test_settings_validation(settings, option):
    with pytest.raises(_errors.HbrConfigError) as info:
        _validation.validate_settings(settings)
    assert info.value.option == option


@pytest.mark.parametrize('value', ['i-ok000000000000000001\n', ' i-ok000000000000000001', 'i-ok000000000000000001 '])
def test_ids_match_the_whole_string(value):
    # '$' matched before a final newline: such an id passed, and hbr_client_info returned [] for it.
    with pytest.raises(_errors.HbrConfigError) as info:
        _validation.validate_instance_ids([value])
    assert info.value.option == 'instance_ids' and 'malformed' in info.value.message


@pytest.mark.parametrize('settings,option,fragment', [
    ({'data_proxy_setting': 'CUSTOM', 'proxy_host': 'h', 'proxy_port': True}, 'proxy_port', 'not the boolean true'),
    ({'max_worker': False}, 'max_worker', 'boolean false'),
    ({'data_proxy_setting': 'CUSTOM', 'proxy_host': '   '}, 'proxy_host', 'only whitespace'),
    ({'data_proxy_setting': 'CUSTOM', 'proxy_host': 'h', 'proxy_user': '\t'}, 'proxy_user', 'only whitespace'),
])
def test_settings_refuse_booleans_and_blank_names(settings, option, fragment):
    with pytest.raises(_errors.HbrConfigError) as info:
        _validation.validate_settings(settings)
    assert info.value.option == option and fragment in info.value.message


def test_proxy_options_are_accepted_with_use_control_proxy():
    _validation.validate_settings({'data_proxy_setting': 'USE_CONTROL_PROXY', 'proxy_host': 'p', 'proxy_port': 3128,
                                   'proxy_user': 'u', 'proxy_password': 'x'})
    with pytest.raises(_errors.HbrConfigError) as info:
        _validation.validate_settings({'data_proxy_setting': 'DISABLE', 'proxy_port': 3128})
    assert info.value.option == 'proxy_port' and 'CUSTOM or USE_CONTROL_PROXY' in info.value.message


@pytest.mark.parametrize('params,option', [
    ({'cross_account_type': 'CROSS_ACCOUNT', 'cross_account_user_id': 1, 'cross_account_role_name': '  '},
     'cross_account_role_name'),
    ({'cross_account_type': 'CROSS_ACCOUNT', 'cross_account_user_id': True, 'cross_account_role_name': 'r'},
     'cross_account_user_id'),
])
def test_cross_account_refuses_blank_names_and_booleans(params, option):
    with pytest.raises(_errors.HbrConfigError) as info:
        _validation.validate_cross_account(params)
    assert info.value.option == option


@pytest.mark.parametrize('tags', [{'k': {'a': 1}}, {'k': ['v']}, {'  ': 'v'}])
def test_tag_values_are_scalars_and_keys_not_blank(tags):
    with pytest.raises(_errors.HbrConfigError) as info:
        _validation.validate_tags(tags)
    assert info.value.option == 'tags'


@pytest.mark.parametrize('filters,fragment', [
    ({'Status': {'a': 1}}, 'dict value'), ({'Status': [['x']]}, 'list value'), ({'Status': [None]}, 'null value'),
    ({'Status': []}, 'empty list'), ({' ': 'x'}, 'empty key'), ({'Status': True}, 'boolean value'),
])
def test_filters_are_a_scalar_or_a_list_of_scalars(filters, fragment):
    with pytest.raises(_errors.HbrConfigError) as info:
        _validation.validate_filters(filters)
    assert info.value.option == 'filters' and fragment in info.value.message
    assert _validation.validate_filters({'Status': ['ACTIVATED', 2], 'ClientVersion': '2.13.0'})


def test_option_types_catch_what_ansible_lets_through():
    spec = {'proxy_port': {'type': 'int'}, 'proxy_host': {'type': 'str'}, 'alicloud_security_token': {'no_log': True},
            'hbr_endpoint': {'type': 'str'}, 'proxy_password': {'type': 'str', 'no_log': True}}
    cases = [({'proxy_port': True}, 'proxy_port'), ({'proxy_host': ' '}, 'proxy_host'),
             ({'alicloud_security_token': 'XyZ\nXyZ'}, 'alicloud_security_token'),
             ({'alicloud_security_token': ' XyZ'}, 'alicloud_security_token'),
             ({'alicloud_security_token': 'XyZ\u20ac'}, 'alicloud_security_token'),
             ({'hbr_endpoint': 'http://127.0.0.1:1\r\n'}, 'hbr_endpoint'), ({'proxy_password': 'a\x00b'}, 'proxy_password')]
    for params, option in cases:
        with pytest.raises(_errors.HbrConfigError) as info:
            _validation.validate_option_types(spec, params)
        assert info.value.option == option
        assert 'XyZ' not in info.value.message and '127.0.0.1' not in info.value.message  # the value is not shown
    _validation.validate_option_types(spec, {'proxy_port': 3128, 'proxy_host': 'h', 'proxy_password': ' ok '})
