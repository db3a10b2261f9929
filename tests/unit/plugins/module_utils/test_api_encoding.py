# -*- coding: utf-8 -*-
# Parameter encoding, placement, endpoints and the error model of the transport.

from __future__ import absolute_import, division, print_function

import pytest

from ansible_collections.alicloud.hbr.plugins.module_utils import _endpoints, _errors, _rpc, _signing


def test_encode_params_rules():
    flat = _signing.encode_params({
        'InstanceIds': ['i-abc', 'i-def'],
        'Tag': [{'Key': 'env', 'Value': 'prod'}, {'Key': 'team', 'Value': 'db'}],
        'Filters': [{'Key': 'InstanceId', 'Values': ['i-1', 'i-2']}],
        'UseHttps': True,
        'AlertOnPartialComplete': False,
        'MaxMemory': 1024,
        'ProxyHost': None,
        'ClientType': 'ECS_CLIENT',
    })
    assert flat == {
        'InstanceIds': '["i-abc","i-def"]',
        'Tag.1.Key': 'env', 'Tag.1.Value': 'prod', 'Tag.2.Key': 'team', 'Tag.2.Value': 'db',
        'Filters.1.Key': 'InstanceId', 'Filters.1.Values.1': 'i-1', 'Filters.1.Values.2': 'i-2',
        'UseHttps': 'true', 'AlertOnPartialComplete': 'false', 'MaxMemory': '1024', 'ClientType': 'ECS_CLIENT',
    }


def test_json_arrays_keep_unicode_and_are_compact():
    assert _signing.encode_params({'ClientIds': ['c-1', u'c-é']}) == {'ClientIds': u'["c-1","c-é"]'}


def test_describe_backup_clients_places_ids_and_tags_in_the_body():
    query, body = _signing.split_body_params('DescribeBackupClients', _signing.encode_params({
        'ClientType': 'ECS_CLIENT', 'PageSize': 99, 'InstanceIds': ['i-1'], 'Tag': [{'Key': 'k', 'Value': 'v'}]}))
    assert query == {'ClientType': 'ECS_CLIENT', 'PageSize': '99'}
    assert body == {'InstanceIds': '["i-1"]', 'Tag.1.Key': 'k', 'Tag.1.Value': 'v'}
    query, body = _signing.split_body_params('InstallBackupClients', {'InstanceIds': '["i-1"]'})
    assert body == {} and query == {'InstanceIds': '["i-1"]'}


@pytest.mark.parametrize('region,endpoint_type,expected', [
    ('cn-hangzhou', 'public', 'https://hbr.cn-hangzhou.aliyuncs.com'),
    ('cn-hangzhou', 'vpc', 'https://hbr-vpc.cn-hangzhou.aliyuncs.com'),
    ('ap-southeast-1', 'public', 'https://hbr.ap-southeast-1.aliyuncs.com'),
    ('cn-wulanchabu', 'public', 'https://hbr.aliyuncs.com'),
    ('cn-wulanchabu', 'vpc', 'https://hbr.aliyuncs.com'),
])
def test_endpoint_from_region(region, endpoint_type, expected):
    assert _endpoints.resolve_endpoint(region, None, endpoint_type) == expected


@pytest.mark.parametrize('endpoint,expected', [
    ('http://127.0.0.1:8080', 'http://127.0.0.1:8080'),
    ('https://hbr.example.test/', 'https://hbr.example.test'),
    ('hbr.cn-hangzhou.aliyuncs.com', 'https://hbr.cn-hangzhou.aliyuncs.com'),
    ('http://[::1]:9000', 'http://[::1]:9000'),
])
def test_explicit_endpoint_wins_over_region(endpoint, expected):
    assert _endpoints.resolve_endpoint('xx-nowhere-9', endpoint) == expected


@pytest.mark.parametrize('endpoint', [
    'ftp://hbr.example.test', 'https://', 'https://host/path', 'https://host?x=1', 'http://host:99999',
    'http://user:pw@host', 'https://bad_host!', 'http://host:port',
])
def test_malformed_endpoint_names_the_option(endpoint):
    with pytest.raises(_errors.HbrConfigError) as info:
        _endpoints.resolve_endpoint('cn-hangzhou', endpoint)
    assert info.value.option == 'hbr_endpoint'
    assert 'hbr_endpoint' in info.value.message and 'scheme://host[:port]' in info.value.message


def test_unknown_region_without_endpoint_fails_naming_the_option():
    with pytest.raises(_errors.HbrConfigError) as info:
        _endpoints.resolve_endpoint('xx-nowhere-9', None)
    assert info.value.option == 'alicloud_region'
    assert 'xx-nowhere-9' in info.value.message and 'hbr_endpoint' in info.value.message
    with pytest.raises(_errors.HbrConfigError) as info:
        _endpoints.resolve_endpoint(None, None)
    assert info.value.option == 'alicloud_region'


def test_success_false_with_http_200_is_an_error():
    with pytest.raises(_errors.HbrApiError) as info:
        _rpc.parse_response('UpdateClientSettings', 200,
                            '{"Success": false, "Code": "BadRequest", "Message": "nope", "RequestId": "R1"}')
    error = info.value
    assert (error.code, error.message, error.request_id, error.http_status, error.action) == \
        ('BadRequest', 'nope', 'R1', 200, 'UpdateClientSettings')
    assert 'R1' in str(error) and 'BadRequest' in str(error)


def test_gateway_error_shape():
    with pytest.raises(_errors.HbrApiError) as info:
        _rpc.parse_response('DescribeTask', 400, '{"RequestId":"R2","HostId":"h","Code":"SignatureDoesNotMatch",'
                                                 '"Message":"Specified signature is not matched","Recommend":"u"}')
    assert info.value.code == 'SignatureDoesNotMatch' and info.value.http_status == 400
    assert info.value.recommend == 'u'


@pytest.mark.parametrize('status,text,code', [
    (502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'HTTP502'),
    (200, 'not json', 'InvalidResponse'),
    (200, '[1, 2]', 'InvalidResponse'),
    (200, '', 'InvalidResponse'),
    (500, '{"Message": "boom"}', 'HTTP500'),
])
def test_malformed_bodies_are_clean_errors(status, text, code):
    with pytest.raises(_errors.HbrApiError) as info:
        _rpc.parse_response('DescribeBackupClients', status, text)
    assert info.value.code == code
    assert '<' not in info.value.message


def test_success_body_returned():
    assert _rpc.parse_response('X', 200, '{"Success": true, "Code": "200", "TaskId": "t-1"}')['TaskId'] == 't-1'


def test_retry_after_header_is_milliseconds():
    with pytest.raises(_errors.HbrApiError) as info:
        _rpc.parse_response('X', 400, '{"Code": "Throttling.User"}', {'x-acs-retry-after': '1500'})
    assert info.value.retry_after == 1.5


@pytest.mark.parametrize('code,status,action,decision', [
    ('Throttling.User', 400, 'InstallBackupClients', 'retry'),
    ('Throttling', 400, 'DescribeTask', 'retry'),
    ('Rejected.Throttling', 400, 'InstallBackupClients', 'retry'),
    ('ServiceUnavailable', 503, 'InstallBackupClients', 'retry'),
    ('InternalError', 500, 'DescribeBackupClients', 'retry'),
    ('InternalError', 500, 'InstallBackupClients', 'ambiguous'),
    ('HTTP502', 502, 'UninstallBackupClients', 'ambiguous'),
    ('InternalError', 500, 'UpdateClientSettings', 'retry'),
    ('SignatureDoesNotMatch', 400, 'DescribeTask', 'fail'),
    ('InvalidAccessKeyId.NotFound', 404, 'DescribeTask', 'fail'),
    ('InvalidParameter', 400, 'InstallBackupClients', 'fail'),
    ('InvalidTimeStamp.Expired', 400, 'DescribeTask', 'fail'),
    ('Forbidden.RAM', 403, 'DescribeTask', 'fail'),
])
def test_retry_decisions(code, status, action, decision):
    assert _rpc.retry_decision(_errors.HbrApiError('m', code=code, http_status=status), action) == decision


def test_backoff_is_jittered_capped_and_floored_by_retry_after():
    class Top:
        @staticmethod
        def uniform(low, high):
            return high

    assert [_rpc.backoff_delay(n, 0.5, 4.0, Top) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert _rpc.backoff_delay(0, 0.5, 4.0, Top, retry_after=3.0) == 3.0
