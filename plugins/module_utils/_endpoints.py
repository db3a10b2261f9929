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

import ipaddress
import re

from urllib.parse import urlsplit

from ._errors import HbrConfigError
from ._validation import text_problem

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


def normalize_endpoint_url(endpoint, option='hbr_endpoint'):
    """Validate an explicit endpoint (``scheme://host[:port]``; a bare host means https).

    Errors name ``option`` and never quote the value: a mistyped URL can carry credentials.
    """
    fix = 'use scheme://host[:port], for example https://hbr.cn-hangzhou.aliyuncs.com or http://127.0.0.1:8080'
    problem = text_problem(endpoint)
    if problem:
        raise HbrConfigError(option, '%s has %s (the value is not shown); %s' % (option, problem, fix))
    text = endpoint or ''
    if '://' not in text:
        text = 'https://' + text
    try:
        parts = urlsplit(text)
    except ValueError:
        raise HbrConfigError(option, '%s is not a valid URL (malformed host); %s' % (option, fix))
    try:
        port = parts.port
    except ValueError:
        raise HbrConfigError(option, '%s has an invalid port (Port out of range, or not a number); %s'
                             % (option, fix))
    if parts.scheme not in ('http', 'https'):
        raise HbrConfigError(option, '%s has scheme %r; only http and https are supported; %s'
                             % (option, parts.scheme[:16], fix))
    if parts.username or parts.password or '@' in parts.netloc:
        raise HbrConfigError(option, '%s must not carry credentials; %s' % (option, fix))
    if not parts.hostname or not (':' in parts.hostname or _HOST_RE.match(parts.hostname)):
        raise HbrConfigError(option, '%s has no valid host; %s' % (option, fix))
    if parts.path not in ('', '/') or parts.query or parts.fragment:
        raise HbrConfigError(option, '%s must not have a path, query or fragment; %s' % (option, fix))
    if port is not None and not 0 < port < 65536:
        raise HbrConfigError(option, '%s has an invalid port; %s' % (option, fix))
    return '%s://%s' % (parts.scheme, parts.netloc)


def is_loopback(url):
    """True for an endpoint on this machine (127.0.0.0/8, ::1, localhost): the emulator."""
    host = urlsplit(url).hostname or ''
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_ecs_endpoint(region=None, ecs_endpoint=None, hbr_endpoint=None, endpoint_type='public'):
    """Base URL of the ECS API (used for the read-only instance precheck).

    An explicit ecs_endpoint wins. A custom hbr_endpoint is used for ECS too only when it is a
    loopback address (the emulator answers both APIs); a VPC or private HBR endpoint does not
    answer ECS, so otherwise the region's ECS endpoint is used: ecs-vpc when HBR is reached through
    its VPC endpoint (hbr_endpoint_type vpc, or an hbr-vpc host), else the public one.
    """
    if ecs_endpoint:
        return normalize_endpoint_url(ecs_endpoint, 'ecs_endpoint')
    if hbr_endpoint:
        url = normalize_endpoint_url(hbr_endpoint)
        if is_loopback(url):
            return url
        if (urlsplit(url).hostname or '').lower().startswith('hbr-vpc.'):
            endpoint_type = 'vpc'
    if not region:
        raise HbrConfigError('alicloud_region', 'No region for the ECS endpoint of the precheck: set alicloud_region '
                                                '(or ALICLOUD_REGION), or ecs_endpoint.')
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
