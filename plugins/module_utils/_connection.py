# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# The connection: the options every plugin shares (documented once in the alicloud.hbr.hbr doc
# fragment), their local checks, and building the RPC clients for HBR and ECS from a plain dict of
# option values. Used by the modules (through HbrModule) and by the inventory plugin.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import env_fallback

from ._credentials import profile_region, resolve_credentials
from ._endpoints import normalize_endpoint_url, region_of_endpoint, resolve_ecs_endpoint, resolve_endpoint
from ._errors import HbrConfigError
from ._rpc import RpcClient, new_session
from ._validation import REQUEST_TEXT_OPTIONS, check_integer, check_text

PEM_CERTIFICATE = b'-----BEGIN CERTIFICATE-----'
MAX_CA_BUNDLE_BYTES = 32 * 1024 * 1024

ECS_API_VERSION = '2014-05-26'


def hbr_argument_spec():
    """Connection and credential options shared by every module (the alicloud.hbr.hbr fragment)."""
    return dict(
        alicloud_access_key=dict(type='str', aliases=['access_key', 'access_key_id'], no_log=False,
                                 fallback=(env_fallback, ['ALICLOUD_ACCESS_KEY', 'ALICLOUD_ACCESS_KEY_ID',
                                                          'ALIBABA_CLOUD_ACCESS_KEY_ID'])),
        alicloud_secret_key=dict(type='str', aliases=['secret_key', 'access_key_secret'], no_log=True,
                                 fallback=(env_fallback, ['ALICLOUD_SECRET_KEY', 'ALICLOUD_SECRET_ACCESS_KEY',
                                                          'ALIBABA_CLOUD_ACCESS_KEY_SECRET'])),
        alicloud_security_token=dict(type='str', aliases=['security_token'], no_log=True,
                                     fallback=(env_fallback, ['ALICLOUD_SECURITY_TOKEN',
                                                              'ALIBABA_CLOUD_SECURITY_TOKEN'])),
        alicloud_region=dict(type='str', aliases=['region', 'region_id'],
                             fallback=(env_fallback, ['ALICLOUD_REGION', 'ALICLOUD_REGION_ID',
                                                      'ALIBABA_CLOUD_REGION_ID'])),
        hbr_endpoint=dict(type='str', aliases=['endpoint'], fallback=(env_fallback, ['ALICLOUD_HBR_ENDPOINT'])),
        hbr_endpoint_type=dict(type='str', choices=['public', 'vpc'], default='public'),
        signature_version=dict(type='str', choices=['v3', 'v1'], default='v3'),
        validate_certs=dict(type='bool', default=True),
        ca_bundle=dict(type='path', fallback=(env_fallback, ['ALICLOUD_CA_BUNDLE', 'ALIBABA_CLOUD_CA_BUNDLE'])),
        connect_timeout=dict(type='int', default=10),
        read_timeout=dict(type='int', default=60),
        api_retries=dict(type='int', default=8),
        profile=dict(type='str', fallback=(env_fallback, ['ALICLOUD_PROFILE', 'ALIBABA_CLOUD_PROFILE'])),
        shared_credentials_file=dict(type='path', fallback=(env_fallback, ['ALICLOUD_SHARED_CREDENTIALS_FILE'])),
        ecs_role_name=dict(type='str', aliases=['role_name'],
                           fallback=(env_fallback, ['ALICLOUD_ECS_ROLE_NAME', 'ALIBABA_CLOUD_ECS_METADATA'])),
        ecs_metadata_endpoint=dict(type='str', fallback=(env_fallback, ['ALICLOUD_ECS_METADATA_ENDPOINT'])),
        alicloud_assume_role_arn=dict(type='str', aliases=['assume_role_arn'],
                                      fallback=(env_fallback, ['ALICLOUD_ASSUME_ROLE_ARN', 'ALIBABA_CLOUD_ROLE_ARN'])),
        alicloud_assume_role_session_name=dict(type='str', aliases=['assume_role_session_name'],
                                               fallback=(env_fallback, ['ALICLOUD_ASSUME_ROLE_SESSION_NAME',
                                                                        'ALIBABA_CLOUD_ROLE_SESSION_NAME'])),
        alicloud_assume_role_session_expiration=dict(type='int', aliases=['assume_role_session_expiration'],
                                                     fallback=(env_fallback,
                                                               ['ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION'])),
        sts_endpoint=dict(type='str', fallback=(env_fallback, ['ALICLOUD_STS_ENDPOINT'])),
    )


def cross_account_argument_spec():
    """The cross-account options (the alicloud.hbr.hbr.cross_account fragment)."""
    return dict(
        cross_account_type=dict(type='str', choices=['SELF_ACCOUNT', 'CROSS_ACCOUNT']),
        cross_account_user_id=dict(type='int'),
        cross_account_role_name=dict(type='str'),
    )


def validate_connection_params(params):
    """Local checks of the connection options; raises HbrConfigError naming the option. No error
    quotes a credential, a token or an endpoint."""
    for name in REQUEST_TEXT_OPTIONS:
        check_text(name, params.get(name))
    for name, low, high in (('connect_timeout', 1, 600), ('read_timeout', 1, 3600), ('api_retries', 0, 20)):
        value = params.get(name)
        check_integer(name, value)
        if value is not None and not low <= value <= high:
            raise HbrConfigError(name, '%s must be between %d and %d, got %d' % (name, low, high, value))
    for name in ('hbr_endpoint', 'ecs_endpoint', 'sts_endpoint', 'ecs_metadata_endpoint'):
        if params.get(name):
            normalize_endpoint_url(params[name], name)
    if params.get('ca_bundle') and not params.get('validate_certs', True):
        raise HbrConfigError('ca_bundle', 'ca_bundle is set but validate_certs is false; drop one of them')
    if params.get('ca_bundle'):
        check_ca_bundle(params['ca_bundle'])
    expiration = params.get('alicloud_assume_role_session_expiration')
    check_integer('alicloud_assume_role_session_expiration', expiration)
    if expiration is not None and not 900 <= expiration <= 43200:
        raise HbrConfigError('alicloud_assume_role_session_expiration',
                             'alicloud_assume_role_session_expiration must be between 900 and 43200 seconds')


def check_ca_bundle(path):
    """ca_bundle names a readable PEM file with at least one certificate (or a readable directory
    of them, as requests accepts): checked before any call, naming ca_bundle."""
    fix = 'set ca_bundle to the PEM file of the CA that signed the endpoint certificate'
    if os.path.isdir(path):
        if not os.access(path, os.R_OK | os.X_OK):
            raise HbrConfigError('ca_bundle', 'ca_bundle %s is a directory that cannot be read; %s' % (path, fix))
        return
    if not os.path.exists(path):
        raise HbrConfigError('ca_bundle', 'ca_bundle %s does not exist; %s' % (path, fix))
    try:
        with open(path, 'rb') as handle:
            data = handle.read(MAX_CA_BUNDLE_BYTES)
    except (IOError, OSError) as exc:
        raise HbrConfigError('ca_bundle', 'ca_bundle %s cannot be read (%s); %s' % (path, type(exc).__name__, fix))
    if PEM_CERTIFICATE not in data:
        raise HbrConfigError('ca_bundle', 'ca_bundle %s is not a PEM file (no BEGIN CERTIFICATE block); %s'
                             % (path, fix))


def region_of(params):
    """The region: the option, else the region named by an HBR endpoint's host, else the profile's."""
    if params.get('alicloud_region'):
        return params['alicloud_region']
    if params.get('hbr_endpoint'):
        return region_of_endpoint(params['hbr_endpoint'])
    return profile_region(params)


def build_client(params, session_factory=new_session, *, on_secret=None, secrets=(), **overrides):
    """Resolve the endpoint and credentials (local checks first) and return the HBR RpcClient.

    ``on_secret`` is called with every secret the credential chain reads (see _credentials);
    ``secrets`` are other values the client masks in every error it raises (with the credentials').
    """
    validate_connection_params(params)
    endpoint = resolve_endpoint(region_of(params), params.get('hbr_endpoint'),
                                params.get('hbr_endpoint_type') or 'public')
    session = session_factory()
    credentials = resolve_credentials(params, session, on_secret=on_secret)
    options = dict(
        secrets=secrets,
        signature_version=params.get('signature_version') or 'v3',
        validate_certs=params.get('validate_certs', True),
        ca_bundle=params.get('ca_bundle'),
        timeouts=(params.get('connect_timeout') or 10, params.get('read_timeout') or 60),
        retries=params.get('api_retries') if params.get('api_retries') is not None else 8,
        session=session,
    )
    options.update(overrides)
    return RpcClient(credentials, endpoint, **options)


def build_ecs_client(params, hbr_client):
    """The ECS client for the read-only precheck: the HBR client's credentials, session and settings."""
    endpoint = resolve_ecs_endpoint(region_of(params), params.get('ecs_endpoint'), params.get('hbr_endpoint'),
                                    params.get('hbr_endpoint_type') or 'public')
    return hbr_client.sibling(endpoint, ECS_API_VERSION)
