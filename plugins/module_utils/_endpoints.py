# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# Endpoint resolution: the HBR endpoint of a region (regional, VPC or central), the ECS
# endpoint used by the read-only precheck, and validation of an explicit endpoint URL.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from urllib.parse import urlsplit

from ._errors import HbrConfigError

# Regions the SDK's endpoint map sends to the central endpoint (reference §4).
CENTRAL_ENDPOINT_REGIONS = frozenset([
    'cn-wulanchabu', 'cn-zhangbei', 'cn-wuhan', 'cn-fujian', 'cn-edge-1', 'cn-yushanfang',
    'cn-beijing-gov-1', 'cn-beijing-finance-pop', 'cn-hongkong-finance-pop', 'ap-northeast-2-pop',
    'eu-west-1-oxs', 'rus-west-1-pop',
])
CENTRAL_ENDPOINT_HOST = 'hbr.aliyuncs.com'

# Public regions where HBR has a regional endpoint hbr[-vpc].<region>.aliyuncs.com.
REGIONAL_ENDPOINT_REGIONS = frozenset([
    'cn-qingdao', 'cn-beijing', 'cn-zhangjiakou', 'cn-huhehaote', 'cn-hangzhou', 'cn-shanghai',
    'cn-nanjing', 'cn-fuzhou', 'cn-shenzhen', 'cn-heyuan', 'cn-guangzhou', 'cn-chengdu',
    'cn-hongkong', 'cn-shanghai-finance-1', 'cn-shenzhen-finance-1', 'cn-beijing-finance-1',
    'cn-hangzhou-finance', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2',
    'ap-southeast-3', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ap-south-1',
    'us-east-1', 'us-west-1', 'eu-west-1', 'eu-central-1', 'me-east-1', 'me-central-1',
    'na-south-1',
])

_HOST_RE = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$')
_REGION_RE = re.compile(r'^[a-z]{2,4}(-[a-z0-9]+)+$')


def normalize_endpoint_url(endpoint):
    """Validate an explicit endpoint (``scheme://host[:port]``; a bare host means https)."""
    text = (endpoint or '').strip()
    if '://' not in text:
        text = 'https://' + text
    fix = 'use scheme://host[:port], for example https://hbr.cn-hangzhou.aliyuncs.com or http://127.0.0.1:8080'
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise HbrConfigError('hbr_endpoint', 'hbr_endpoint %r is not a valid URL (%s); %s' % (endpoint, exc, fix))
    if parts.scheme not in ('http', 'https'):
        raise HbrConfigError('hbr_endpoint', 'hbr_endpoint %r has scheme %r; only http and https are supported; %s'
                             % (endpoint, parts.scheme, fix))
    if not parts.hostname or not (':' in parts.hostname or _HOST_RE.match(parts.hostname)):
        raise HbrConfigError('hbr_endpoint', 'hbr_endpoint %r has no valid host; %s' % (endpoint, fix))
    if parts.username or parts.password:
        raise HbrConfigError('hbr_endpoint', 'hbr_endpoint must not carry credentials; %s' % fix)
    if parts.path not in ('', '/') or parts.query or parts.fragment:
        raise HbrConfigError('hbr_endpoint', 'hbr_endpoint %r must not have a path, query or fragment; %s'
                             % (endpoint, fix))
    if port is not None and not 0 < port < 65536:
        raise HbrConfigError('hbr_endpoint', 'hbr_endpoint %r has an invalid port; %s' % (endpoint, fix))
    return '%s://%s' % (parts.scheme, parts.netloc)


def resolve_ecs_endpoint(region=None, ecs_endpoint=None, hbr_endpoint=None, endpoint_type='public'):
    """Base URL of the ECS API (used for the read-only instance precheck).

    An explicit ecs_endpoint wins; with only hbr_endpoint set (the emulator, a proxy) the same
    endpoint is used, so that no request ever leaves for a host the user did not name.
    """
    if ecs_endpoint:
        try:
            return normalize_endpoint_url(ecs_endpoint)
        except HbrConfigError as exc:
            raise HbrConfigError('ecs_endpoint', exc.message.replace('hbr_endpoint', 'ecs_endpoint'))
    if hbr_endpoint:
        return normalize_endpoint_url(hbr_endpoint)
    if not region:
        raise HbrConfigError('alicloud_region', 'No region given: set alicloud_region or ecs_endpoint.')
    return 'https://ecs%s.%s.aliyuncs.com' % ('-vpc' if endpoint_type == 'vpc' else '', region)


def resolve_endpoint(region=None, endpoint=None, endpoint_type='public'):
    """Base URL of the HBR API: an explicit endpoint wins, then the region's endpoint."""
    if endpoint:
        return normalize_endpoint_url(endpoint)
    if not region:
        raise HbrConfigError('alicloud_region', 'No region given: set alicloud_region (or ALICLOUD_REGION), '
                                                'for example cn-hangzhou, or set hbr_endpoint.')
    if region in CENTRAL_ENDPOINT_REGIONS:
        return 'https://' + CENTRAL_ENDPOINT_HOST
    if region in REGIONAL_ENDPOINT_REGIONS:
        prefix = 'hbr-vpc' if endpoint_type == 'vpc' else 'hbr'
        return 'https://%s.%s.aliyuncs.com' % (prefix, region)
    hint = '' if _REGION_RE.match(region) else ' (region ids look like cn-hangzhou)'
    raise HbrConfigError('alicloud_region', 'There is no known HBR endpoint for region %r%s. Check '
                                            'alicloud_region, or set hbr_endpoint to the endpoint URL.'
                         % (region, hint))


_REGIONAL_HOST_RE = re.compile(r'^(?:[a-z0-9]+://)?hbr(?:-vpc)?\.([a-z]{2,4}(?:-[a-z0-9]+)+)\.aliyuncs\.com(?::\d+)?/?$')


def region_of_endpoint(endpoint):
    """The region of a regional HBR endpoint URL (hbr[-vpc].<region>.aliyuncs.com), else None."""
    match = _REGIONAL_HOST_RE.match((endpoint or '').strip().lower())
    return match.group(1) if match else None
