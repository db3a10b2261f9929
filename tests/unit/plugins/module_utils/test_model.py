# -*- coding: utf-8 -*-
# The status table (every Status x state, and the documented table), the phases and the client records.

from __future__ import absolute_import, division, print_function


import pytest

from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.fakes import raw_client
import yaml

from ansible_collections.alicloud.hbr.plugins.module_utils import _model
from ansible_collections.alicloud.hbr.plugins.modules import hbr_client


# The expected behaviour, written out independently of STATUS_TABLE: (present, absent, latest).
EXPECTED = {
    'REGISTERED': ('install', 'uninstall', 'install'),
    'ACTIVATED': ('none', 'uninstall', 'upgrade'),
    'DEACTIVATED': ('install', 'uninstall', 'install'),
    'INSTALLING': ('wait', 'wait', 'wait'),
    'INSTALL_FAILED': ('report', 'uninstall', 'report'),
    'NOT_INSTALLED': ('install', 'none', 'install'),
    'UPGRADING': ('wait', 'wait', 'wait'),
    'UPGRADE_FAILED': ('report', 'uninstall', 'report'),
    'UNINSTALLING': ('wait', 'wait', 'wait'),
    'UNINSTALL_FAILED': ('report', 'report', 'report'),
    'STOPPED': ('install', 'none', 'install'),
    'UNKNOWN': ('install', 'uninstall', 'install'),
    None: ('install', 'none', 'install'),
}
EXPECTED_WITH_RETRY = {
    'INSTALL_FAILED': ('install', 'uninstall', 'install'),
    'UPGRADE_FAILED': ('install', 'uninstall', 'upgrade'),
    'UNINSTALL_FAILED': ('install', 'uninstall', 'install'),
}


def test_the_twelve_statuses_are_all_in_the_table():
    assert len(_model.STATUS_TABLE) == 12
    assert set(_model.STATUS_TABLE) == set(s for s in EXPECTED if s)


@pytest.mark.parametrize('status', sorted(EXPECTED, key=str))
@pytest.mark.parametrize('index,state', list(enumerate(_model.STATES)))
def test_every_status_and_state(status, index, state):
    assert _model.action_for(status, state) == EXPECTED[status][index]
    expected_retry = EXPECTED_WITH_RETRY.get(status, EXPECTED[status])[index]
    assert _model.action_for(status, state, retry_failed=True) == expected_retry


def test_the_documented_table_is_the_code_table():
    doc = yaml.safe_load(hbr_client.DOCUMENTATION)
    lines = doc['description']
    generated = _model.status_doc_lines()
    start = lines.index(generated[0])
    assert lines[start:start + len(generated)] == generated


@pytest.mark.parametrize('record,phase,expected', [
    ({'status': 'ACTIVATED'}, 'install', 'done'),
    ({'status': 'INSTALLING'}, 'install', 'pending'),
    ({'status': 'STOPPED'}, 'install', 'pending'),
    ({'status': 'INSTALL_FAILED'}, 'install', 'failed'),
    (None, 'uninstall', 'done'),
    ({'status': 'STOPPED'}, 'uninstall', 'done'),
    ({'status': 'UNINSTALLING'}, 'uninstall', 'pending'),
    ({'status': 'UNINSTALL_FAILED'}, 'uninstall', 'failed'),
    ({'status': 'ACTIVATED', 'client_version': '2.14.0', 'max_client_version': '2.14.0'}, 'upgrade', 'done'),
    ({'status': 'ACTIVATED', 'client_version': '2.9.10', 'max_client_version': '2.14.0'}, 'upgrade', 'pending'),
    ({'status': 'UPGRADE_FAILED'}, 'upgrade', 'failed'),
])
def test_phase_outcomes(record, phase, expected):
    assert _model.phase_outcome(phase, record) == expected


def test_versions_compare_numerically():
    assert _model.is_outdated({'client_version': '2.9.10', 'max_client_version': '2.14.0'})
    assert not _model.is_outdated({'client_version': '2.14.0', 'max_client_version': '2.14.0'})
    assert not _model.is_outdated({'client_version': '2.14.1', 'max_client_version': '2.14.0'})


def test_normalized_client_types_and_masking():
    record = _model.normalize_client(raw_client())
    assert record['instance_id'] == 'i-bp1abcdefghij0123456' and record['client_id'] == 'c-000abcdefghij0123456'
    assert record['private_ipv4'] == '10.0.0.1' and record['last_heart_beat_time'] == 5
    assert record['tags'] == {'env': 'prod'}
    settings = record['settings']
    assert settings['max_cpu_core'] == 2 and settings['use_https'] is False and settings['max_worker'] == 0
    assert settings['proxy_password'] == '******'
    assert set(settings) == set(_model.SETTING_OPTIONS)
    assert _model.normalize_client(raw_client(Settings={'ProxyPassword': 'plain?'}))['settings'][
        'proxy_password'] == '******', 'whatever the service sends, the password is never kept'
    assert _model.normalize_client(raw_client(Settings=None))['settings']['max_cpu_core'] is None


def test_snake_keys_converts_like_ansible_with_each_name_remembered():
    from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
    raw = dict(raw_client(), Nested={'HTTPEndpoint': [{'PrivateIpV4': 1}, 'x', ['y']]}, ClientID='c', URL=None)
    assert _model.snake_keys(raw) == camel_dict_to_snake_dict(raw)
    assert _model.snake_keys(raw) == camel_dict_to_snake_dict(raw), 'the same from the remembered names'
    assert _model.normalize_client(raw_client())['private_ipv4'] == '10.0.0.1'
