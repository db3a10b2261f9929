# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# HbrModule: the shared connection options (documented once in the alicloud.hbr.hbr doc
# fragment), the guarded `requests` check, building the signed transport, and fail_json_hbr.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ._api import (HAS_REQUESTS, REQUESTS_IMPORT_ERROR, HbrApi, HbrApiError, HbrConfigError, new_session,
                   resolve_ecs_endpoint, resolve_endpoint)
from ._credentials import CredentialError, profile_region, resolve_credentials


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
    """Local checks of the connection options; raises HbrConfigError naming the option."""
    for name, low, high in (('connect_timeout', 1, 600), ('read_timeout', 1, 3600), ('api_retries', 0, 20)):
        value = params.get(name)
        if value is not None and not low <= value <= high:
            raise HbrConfigError(name, '%s must be between %d and %d, got %d' % (name, low, high, value))
    if params.get('ca_bundle') and not params.get('validate_certs', True):
        raise HbrConfigError('ca_bundle', 'ca_bundle is set but validate_certs is false; drop one of them')
    expiration = params.get('alicloud_assume_role_session_expiration')
    if expiration is not None and not 900 <= expiration <= 43200:
        raise HbrConfigError('alicloud_assume_role_session_expiration',
                             'alicloud_assume_role_session_expiration must be between 900 and 43200 seconds')


def build_api(params, session_factory, **overrides):
    """Resolve the endpoint and credentials (local checks first) and return an HbrApi."""
    validate_connection_params(params)
    region = region_of(params)
    endpoint = resolve_endpoint(region, params.get('hbr_endpoint'), params.get('hbr_endpoint_type') or 'public')
    session = session_factory()
    credentials = resolve_credentials(params, session)
    options = dict(
        signature_version=params.get('signature_version') or 'v3',
        validate_certs=params.get('validate_certs', True),
        ca_bundle=params.get('ca_bundle'),
        connect_timeout=params.get('connect_timeout') or 10,
        read_timeout=params.get('read_timeout') or 60,
        retries=params.get('api_retries') if params.get('api_retries') is not None else 8,
        session=session,
    )
    options.update(overrides)
    return HbrApi(credentials, endpoint, **options)


ECS_API_VERSION = '2014-05-26'


def region_of(params):
    return params.get('alicloud_region') or (None if params.get('hbr_endpoint') else profile_region(params))


def build_ecs_api(params, hbr_api):
    """An ECS transport sharing the HBR one's credentials, session and settings."""
    endpoint = resolve_ecs_endpoint(region_of(params), params.get('ecs_endpoint'), params.get('hbr_endpoint'),
                                    params.get('hbr_endpoint_type') or 'public')
    return HbrApi(hbr_api.credentials, endpoint, signature_version=hbr_api.signature_version,
                  validate_certs=hbr_api.verify is not False, ca_bundle=hbr_api.verify if isinstance(hbr_api.verify, str)
                  else None, connect_timeout=hbr_api.timeout[0], read_timeout=hbr_api.timeout[1],
                  retries=hbr_api.retries, session=hbr_api.session, api_version=ECS_API_VERSION)


class HbrModule:
    """AnsibleModule plus the HBR connection: composed, not subclassed (as amazon.aws does)."""

    def __init__(self, argument_spec=None, **kwargs):
        spec = hbr_argument_spec()
        spec.update(argument_spec or {})
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self._api = None

    @property
    def params(self):
        return self.module.params

    @property
    def check_mode(self):
        return self.module.check_mode

    @property
    def diff_mode(self):
        return bool(getattr(self.module, '_diff', False))

    def api(self, **overrides):
        """The transport for this run (one requests.Session); fails the task on bad config."""
        if self._api is None:
            try:
                self._api = build_api(self.params, new_session, **overrides)
            except (HbrConfigError, CredentialError) as exc:
                self.fail_config(exc)
        return self._api

    def ecs_api(self):
        """The ECS transport for the instance precheck (same credentials and session)."""
        try:
            return build_ecs_api(self.params, self.api())
        except HbrConfigError as exc:
            self.fail_config(exc)

    def region(self):
        return region_of(self.params)

    def fail_config(self, error):
        """Fail on a local configuration or credential problem, naming the option to fix."""
        self.module.fail_json(msg=error.message, option=error.option)

    def fail_json_hbr(self, error, msg=None, **result):
        """Fail with the API error's code, message, request id and action (and any task)."""
        details = error.to_dict() if isinstance(error, HbrApiError) else {'message': str(error)}
        text = str(error)
        result.update(details)
        result['msg'] = '%s: %s' % (msg, text) if msg else text
        if isinstance(error, HbrApiError):
            result.setdefault('error', details)
        self.module.fail_json(exception=traceback.format_exc(), **result)

    def exit_json(self, **result):
        self.module.exit_json(**result)

    def fail_json(self, **result):
        self.module.fail_json(**result)

    def warn(self, message):
        self.module.warn(message)
