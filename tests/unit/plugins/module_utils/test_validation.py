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
