# -*- coding: utf-8 -*-
# The error model: one base class; configuration errors name their option; API errors read well.

from __future__ import absolute_import, division, print_function

from ansible_collections.alicloud.hbr.plugins.module_utils import _errors


def test_every_error_is_an_hbr_error_with_a_message():
    config = _errors.HbrConfigError('alicloud_region', 'set alicloud_region')
    credential = _errors.CredentialError('no key found', option='alicloud_access_key')
    api = _errors.HbrApiError('denied', code='Forbidden.RAM', action='DescribeTask')
    for error in (config, credential, api):
        assert isinstance(error, _errors.HbrError) and error.message
    assert isinstance(credential, _errors.HbrConfigError) and credential.option == 'alicloud_access_key'
    assert config.option == 'alicloud_region' and str(config) == 'set alicloud_region'


def test_api_error_text_and_dict():
    error = _errors.HbrApiError('too many requests', code='Throttling.User', request_id='R-1', http_status=400,
                                action='InstallBackupClients')
    assert str(error) == 'InstallBackupClients failed, code Throttling.User, HTTP 400: too many requests (request id R-1)'
    assert error.to_dict() == {'code': 'Throttling.User', 'message': 'too many requests', 'request_id': 'R-1',
                               'http_status': 400, 'action': 'InstallBackupClients'}
    assert not error.ambiguous


def test_replace_message_changes_every_view_of_the_text():
    error = _errors.HbrApiError('has SECRET', code='X', action='A')
    error.replace_message('has ********')
    assert error.message == 'has ********' and error.args == ('has ********',) and 'SECRET' not in str(error)
