# -*- coding: utf-8 -*-
# Endpoint resolution and validation of explicit endpoints.

from __future__ import absolute_import, division, print_function


import pytest

from ansible_collections.alicloud.hbr.plugins.module_utils import _endpoints, _errors


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


@pytest.mark.parametrize('endpoint,region', [
    ('https://hbr.cn-shanghai.aliyuncs.com', 'cn-shanghai'),
    ('hbr-vpc.ap-southeast-1.aliyuncs.com', 'ap-southeast-1'),
    ('https://hbr.aliyuncs.com', None),
    ('http://127.0.0.1:8080', None),
])
def test_region_of_a_regional_endpoint(endpoint, region):
    assert _endpoints.region_of_endpoint(endpoint) == region


@pytest.mark.parametrize('region,ecs_endpoint,hbr_endpoint,endpoint_type,expected', [
    ('cn-hangzhou', None, None, 'public', 'https://ecs.cn-hangzhou.aliyuncs.com'),
    ('cn-hangzhou', None, None, 'vpc', 'https://ecs-vpc.cn-hangzhou.aliyuncs.com'),
    ('cn-hangzhou', 'http://10.0.0.9:81', 'http://127.0.0.1:1', 'public', 'http://10.0.0.9:81'),
    ('cn-hangzhou', None, 'http://127.0.0.1:8080', 'public', 'http://127.0.0.1:8080'),
    ('cn-hangzhou', None, 'http://localhost:8080', 'vpc', 'http://localhost:8080'),
    ('cn-hangzhou', None, 'http://[::1]:8080', 'public', 'http://[::1]:8080'),
    # a VPC or private HBR endpoint does not answer ECS: the region's ECS endpoint is used
    ('cn-shanghai', None, 'https://hbr-vpc.cn-shanghai.aliyuncs.com', 'public', 'https://ecs-vpc.cn-shanghai.aliyuncs.com'),
    ('cn-shanghai', None, 'https://hbr.internal.example', 'public', 'https://ecs.cn-shanghai.aliyuncs.com'),
    ('cn-shanghai', None, 'https://hbr.internal.example', 'vpc', 'https://ecs-vpc.cn-shanghai.aliyuncs.com'),
])
def test_ecs_endpoint(region, ecs_endpoint, hbr_endpoint, endpoint_type, expected):
    assert _endpoints.resolve_ecs_endpoint(region, ecs_endpoint, hbr_endpoint, endpoint_type) == expected


def test_ecs_endpoint_needs_a_region_unless_loopback_or_explicit():
    with pytest.raises(_errors.HbrConfigError) as info:
        _endpoints.resolve_ecs_endpoint(None, None, 'https://hbr.internal.example')
    assert info.value.option == 'alicloud_region'
    with pytest.raises(_errors.HbrConfigError) as info:
        _endpoints.resolve_ecs_endpoint('cn-hangzhou', 'ftp://x')
    assert info.value.option == 'ecs_endpoint'


@pytest.mark.parametrize('endpoint', [
    'http://user:Pa55word@host', 'http://127.0.0.1:1\n', ' http://127.0.0.1:1', 'http://h:Pa55word/', 'Pa55word://x',
    'http://[Pa55word', 'https://host/?Pa55word',
])
def test_endpoint_errors_never_quote_the_value(endpoint):
    with pytest.raises(_errors.HbrConfigError) as info:
        _endpoints.normalize_endpoint_url(endpoint, 'sts_endpoint')
    assert info.value.option == 'sts_endpoint'
    assert 'Pa55word' not in info.value.message and '127.0.0.1:1' not in info.value.message
