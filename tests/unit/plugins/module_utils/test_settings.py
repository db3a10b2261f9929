# -*- coding: utf-8 -*-
# Settings comparison, the proxy password rules and the UpdateClientSettings request.

from __future__ import absolute_import, division, print_function


import pytest

from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.fakes import raw_client

from ansible_collections.alicloud.hbr.plugins.module_utils import _model, _settings, _signing


def current_settings(**overrides):
    settings = _model.normalize_settings(raw_client()['Settings'])
    settings.update(overrides)
    return settings


def test_settings_compare_only_what_is_set():
    assert _settings.settings_changes(current_settings(), {}, False, 'on_create') == {}
    assert _settings.settings_changes(current_settings(), {'max_cpu_core': 2}, False, 'on_create') == {}
    assert _settings.settings_changes(current_settings(), {'max_cpu_core': 4, 'use_https': False}, False,
                                      'on_create') == {'max_cpu_core': 4}


@pytest.mark.parametrize('current_password,created,desired,mode,sent', [
    ('******', False, {'proxy_password': 'p'}, 'on_create', False),
    ('', False, {'proxy_password': 'p'}, 'on_create', True),
    ('******', True, {'proxy_password': 'p'}, 'on_create', True),
    ('******', False, {'proxy_password': 'p', 'proxy_host': 'new'}, 'on_create', True),
    ('******', False, {'proxy_password': 'p', 'proxy_host': ''}, 'on_create', False),
    ('******', False, {'proxy_password': 'p'}, 'always', True),
])
def test_proxy_password_rules(current_password, created, desired, mode, sent):
    changes = _settings.settings_changes(current_settings(proxy_password=current_password), desired, created, mode)
    assert ('proxy_password' in changes) is sent


def test_settings_request_uses_api_names():
    assert _settings.settings_request({'ClientId': 'c-1'}, {'max_cpu_core': 4, 'use_https': True}) == \
        {'ClientId': 'c-1', 'MaxCpuCore': 4, 'UseHttps': True}
    assert _signing.encode_params(_settings.settings_request({'ClientId': 'c-1'}, {'use_https': True}))['UseHttps'] == 'true'
