# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# The credential chain. Sources, in order:
#   1. alicloud_access_key / alicloud_secret_key (/ alicloud_security_token), given as options
#      or through their environment fallbacks (ALICLOUD_* first, then ALIBABA_CLOUD_*);
#   2. an aliyun CLI profile (~/.aliyun/config.json or shared_credentials_file), when `profile`
#      is set, or when the file exists and no ecs_role_name is set; modes AK, StsToken,
#      RamRoleArn and EcsRamRole;
#   3. the ECS instance RAM role named by ecs_role_name, from the instance metadata service
#      (IMDSv2 token, falling back to v1); never probed unless a role name is given, so a run
#      off ECS never sends traffic to the metadata address;
#   4. then, whatever the source, STS AssumeRole when alicloud_assume_role_arn is set.
#
# Every secret read on the way (a profile's key secret and token, the RAM role's and AssumeRole's
# session credentials) goes to ``on_secret`` as soon as it is read, before anything can fail, so
# the module masks it in every encoding; and no error text here quotes a value, a URL or a body.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ._errors import CredentialError, HbrApiError
from ._rpc import parse_response
from ._signing import build_v1_query_string, redact, secret_forms, utc_timestamp
from ._validation import text_problem

DEFAULT_METADATA_ENDPOINT = 'http://100.100.100.200'
DEFAULT_STS_ENDPOINT = 'https://sts.aliyuncs.com'
METADATA_TIMEOUT = 1.0
STS_TIMEOUT = (5, 20)
SUPPORTED_PROFILE_MODES = ('AK', 'StsToken', 'RamRoleArn', 'EcsRamRole')


class Credentials:
    """An access key pair and optional STS token; repr() never shows the secrets."""

    __slots__ = ('access_key_id', 'access_key_secret', 'security_token', 'source')

    def __init__(self, access_key_id, access_key_secret, security_token=None, source='options'):
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.security_token = security_token or None
        self.source = source

    def __repr__(self):
        return 'Credentials(access_key_id=%r, source=%r, sts=%s)' % (
            self.access_key_id, self.source, bool(self.security_token))

    __str__ = __repr__


def _ignore(value):
    return None


def _accept(credentials, on_secret, option, label):
    """Hand the secrets to ``on_secret``, then refuse values no HTTP request can carry (a control
    character, surrounding whitespace), naming where they came from but not showing them."""
    on_secret(credentials.access_key_secret)
    on_secret(credentials.security_token)
    for field in ('access_key_id', 'access_key_secret', 'security_token'):
        problem = text_problem(getattr(credentials, field), ascii_only=True)
        if problem:
            raise CredentialError('the %s from %s has %s (value not shown); fix it at its source.'
                                  % (field, label, problem), option=option)
    return credentials


def resolve_credentials(params, session, environ=None, home=None, clock=None, *, on_secret=None):
    """Walk the chain and return Credentials, or raise CredentialError listing where it looked.

    ``params`` are module parameters after Ansible applied the environment fallbacks.
    ``session`` is a requests.Session used only for metadata and STS calls.
    ``on_secret`` is called with every secret value as soon as it is read.
    """
    environ = os.environ if environ is None else environ
    on_secret = on_secret or _ignore
    looked = []
    credentials = _from_static_options(params, looked)
    if credentials is None:
        credentials = _from_profile(params, session, environ, home, looked, clock, on_secret=on_secret)
    if credentials is None and params.get('ecs_role_name'):
        credentials = _from_ecs_role(params['ecs_role_name'], params, session, environ, on_secret=on_secret)
    elif credentials is None:
        looked.append('ECS RAM role (not tried: ecs_role_name is not set)')
    if credentials is None:
        raise CredentialError(
            'No Alibaba Cloud credentials found. Looked in: %s. Set alicloud_access_key and '
            'alicloud_secret_key (or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY), name a CLI profile '
            'with profile, or set ecs_role_name on an ECS instance.' % '; '.join(looked),
            option='alicloud_access_key')
    role_arn = params.get('alicloud_assume_role_arn')
    if role_arn:
        credentials = assume_role(credentials, role_arn, session_name=params.get('alicloud_assume_role_session_name'),
                                  duration=params.get('alicloud_assume_role_session_expiration'), session=session,
                                  sts_endpoint=params.get('sts_endpoint'), clock=clock, on_secret=on_secret)
    return credentials


def _from_static_options(params, looked):
    key_id = params.get('alicloud_access_key')
    secret = params.get('alicloud_secret_key')
    if key_id and secret:
        return Credentials(key_id, secret, params.get('alicloud_security_token'), source='options')
    if key_id or secret:
        missing = 'alicloud_secret_key' if key_id else 'alicloud_access_key'
        raise CredentialError('%s is missing: alicloud_access_key and alicloud_secret_key must be set together '
                              '(as options or through ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY).' % missing,
                              option=missing)
    looked.append('options alicloud_access_key/alicloud_secret_key and env ALICLOUD_ACCESS_KEY, '
                  'ALICLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_ID (not set)')
    return None


def profile_file_path(params, home=None):
    explicit = params.get('shared_credentials_file')
    if explicit:
        return os.path.expanduser(explicit)
    return os.path.join(home or os.path.expanduser('~'), '.aliyun', 'config.json')


def _from_profile(params, session, environ, home, looked, clock, *, on_secret=_ignore):
    path = profile_file_path(params, home)
    name = params.get('profile')
    if not os.path.isfile(path):
        if name or params.get('shared_credentials_file'):
            raise CredentialError('profile %r was requested but the aliyun CLI config file %s does not exist; fix '
                                  'shared_credentials_file or profile.' % (name or 'current', path),
                                  option='shared_credentials_file' if params.get('shared_credentials_file') else 'profile')
        looked.append('aliyun CLI profile file %s (not found)' % path)
        return None
    if not name and params.get('ecs_role_name'):
        looked.append('aliyun CLI profile file %s (skipped: ecs_role_name is set and profile is not)' % path)
        return None
    profile = load_profile(path, name)
    return credentials_from_profile(profile, path, params, session, environ, clock, on_secret=on_secret)


def load_profile(path, name=None):
    try:
        with open(path) as handle:
            document = json.load(handle)
    except (IOError, OSError, ValueError) as exc:
        # The class and position only: a JSON error's text is safe today, but the file holds secrets.
        where = ' at line %s column %s' % (exc.lineno, exc.colno) if hasattr(exc, 'lineno') else ''
        raise CredentialError('cannot read the aliyun CLI config file %s (%s%s)' % (path, type(exc).__name__, where),
                              option='shared_credentials_file')
    if not isinstance(document, dict) or not isinstance(document.get('profiles'), list):
        raise CredentialError('the aliyun CLI config file %s has no "profiles" list' % path,
                              option='shared_credentials_file')
    wanted = name or document.get('current') or 'default'
    for profile in document['profiles']:
        if isinstance(profile, dict) and profile.get('name') == wanted:
            return profile
    names = ', '.join(sorted(str(p.get('name')) for p in document['profiles'] if isinstance(p, dict)))
    raise CredentialError('profile %r is not in %s (profiles there: %s); fix the profile option.'
                          % (wanted, path, names or 'none'), option='profile')


def credentials_from_profile(profile, path, params, session, environ, clock=None, *, on_secret=_ignore):
    on_secret(profile.get('access_key_secret'))
    on_secret(profile.get('sts_token'))
    mode = profile.get('mode') or 'AK'
    label = 'profile %s in %s' % (profile.get('name'), path)
    if mode not in SUPPORTED_PROFILE_MODES:
        supported = ', '.join(SUPPORTED_PROFILE_MODES)
        raise CredentialError('%s uses mode %s; supported modes are %s.' % (label, mode, supported), option='profile')
    if mode == 'EcsRamRole':
        role = profile.get('ram_role_name')
        if not role:
            raise CredentialError('%s (EcsRamRole) has no ram_role_name' % label, option='profile')
        return _from_ecs_role(role, params, session, environ, on_secret=on_secret)
    key_id, secret = profile.get('access_key_id'), profile.get('access_key_secret')
    if not key_id or not secret:
        raise CredentialError('%s (%s) lacks access_key_id or access_key_secret' % (label, mode), option='profile')
    token = profile.get('sts_token') if mode == 'StsToken' else None
    credentials = _accept(Credentials(key_id, secret, token, source='profile:%s' % profile.get('name')), on_secret,
                          'profile', label)
    if mode == 'RamRoleArn':
        if not profile.get('ram_role_arn'):
            raise CredentialError('%s (RamRoleArn) has no ram_role_arn' % label, option='profile')
        credentials = assume_role(credentials, profile['ram_role_arn'], session_name=profile.get('ram_session_name'),
                                  duration=profile.get('expired_seconds'), session=session,
                                  sts_endpoint=params.get('sts_endpoint'), sts_region=profile.get('sts_region'),
                                  clock=clock, on_secret=on_secret)
    return credentials


def profile_region(params, home=None):
    """The region_id of the selected profile, used when alicloud_region is not set."""
    path = profile_file_path(params, home)
    if params.get('alicloud_access_key') or not os.path.isfile(path):
        return None
    try:
        return load_profile(path, params.get('profile')).get('region_id') or None
    except CredentialError:
        return None


def _from_ecs_role(role_name, params, session, environ, *, on_secret=_ignore):
    base = (params.get('ecs_metadata_endpoint') or DEFAULT_METADATA_ENDPOINT).rstrip('/')
    token = _metadata_token(base, session, environ)
    headers = {'X-aliyun-ecs-metadata-token': token} if token else {}
    url = '%s/latest/meta-data/ram/security-credentials/%s' % (base, role_name)
    try:
        response = session.get(url, headers=headers, timeout=METADATA_TIMEOUT)
    except Exception as exc:  # requests raises many kinds; all mean "metadata unreachable"
        raise CredentialError('ECS RAM role %r: the instance metadata service at %s did not answer (%s). '
                              'ecs_role_name only works on an ECS instance.' % (role_name, base, type(exc).__name__),
                              option='ecs_role_name')
    if response.status_code != 200:
        raise CredentialError('ECS RAM role %r: metadata answered HTTP %s; check that the role is attached to '
                              'the instance.' % (role_name, response.status_code), option='ecs_role_name')
    try:
        document = json.loads(response.text)
    except ValueError:
        document = None
    if isinstance(document, dict):
        on_secret(document.get('AccessKeySecret'))
        on_secret(document.get('SecurityToken'))
    if not isinstance(document, dict) or document.get('Code') != 'Success':
        raise CredentialError('ECS RAM role %r: metadata did not return credentials (Code %s).'
                              % (role_name, _safe_code(document)), option='ecs_role_name')
    if not document.get('AccessKeyId') or not document.get('AccessKeySecret'):
        raise CredentialError('ECS RAM role %r: metadata credentials lack AccessKeyId/AccessKeySecret' % role_name,
                              option='ecs_role_name')
    return _accept(Credentials(document['AccessKeyId'], document['AccessKeySecret'], document.get('SecurityToken'),
                               source='ecs_ram_role:%s' % role_name), on_secret, 'ecs_role_name',
                   'the ECS RAM role %s' % role_name)


def _safe_code(document):
    """A short code from an answer, or a placeholder: never an arbitrary value from the body."""
    code = document.get('Code') if isinstance(document, dict) else None
    return code if isinstance(code, str) and len(code) <= 64 and code.replace('.', '').isalnum() else 'none'


def _metadata_token(base, session, environ):
    """IMDSv2 token, or None to fall back to v1 (unless ALIBABA_CLOUD_IMDSV1_DISABLED)."""
    try:
        response = session.put('%s/latest/api/token' % base, timeout=METADATA_TIMEOUT,
                               headers={'X-aliyun-ecs-metadata-token-ttl-seconds': '21600'})
        if response.status_code == 200 and response.text:
            return response.text.strip()
    except Exception:  # any failure to get a token means: try IMDSv1
        pass
    if str(environ.get('ALIBABA_CLOUD_IMDSV1_DISABLED', '')).lower() == 'true':
        raise CredentialError('ECS RAM role: no IMDSv2 token from %s and ALIBABA_CLOUD_IMDSV1_DISABLED is true.'
                              % base, option='ecs_role_name')
    return None


def assume_role(source, role_arn, *, session_name, duration, session, sts_endpoint=None, sts_region=None,
                clock=None, on_secret=_ignore):
    """STS AssumeRole (V1-signed GET) with the source credentials; returns the role's STS credentials.

    The request's query string carries the source token: no error here shows the URL, the answer's
    body, or the source secrets in any encoding."""
    duration = int(duration or 3600)
    if not 900 <= duration <= 43200:
        raise CredentialError('alicloud_assume_role_session_expiration must be between 900 and 43200 seconds, got %d'
                              % duration, option='alicloud_assume_role_session_expiration')
    endpoint = (sts_endpoint or ('https://sts.%s.aliyuncs.com' % sts_region if sts_region else DEFAULT_STS_ENDPOINT))
    endpoint = endpoint.rstrip('/')
    if '://' not in endpoint:
        endpoint = 'https://' + endpoint
    params = {'Action': 'AssumeRole', 'Format': 'JSON', 'Version': '2015-04-01', 'RoleArn': role_arn,
              'RoleSessionName': session_name or 'ansible-alicloud-hbr', 'DurationSeconds': str(duration)}
    timestamp = utc_timestamp(clock() if clock else None)
    url = '%s/?%s' % (endpoint, build_v1_query_string('GET', params, source, timestamp))
    try:
        response = session.get(url, timeout=STS_TIMEOUT)
        body = parse_response('AssumeRole', response.status_code, response.text, response.headers)
    except HbrApiError as exc:
        forms = secret_forms(source.access_key_secret) | secret_forms(source.security_token)
        raise CredentialError('STS AssumeRole for %s failed: %s' % (role_arn, redact(str(exc), forms)),
                              option='alicloud_assume_role_arn')
    except Exception as exc:  # connection problems of any kind
        raise CredentialError('STS AssumeRole for %s failed: cannot reach %s (%s)'
                              % (role_arn, endpoint, type(exc).__name__), option='sts_endpoint')
    creds = body.get('Credentials') if isinstance(body, dict) else None
    if isinstance(creds, dict):
        on_secret(creds.get('AccessKeySecret'))
        on_secret(creds.get('SecurityToken'))
    if not isinstance(creds, dict) or not creds.get('AccessKeyId') or not creds.get('AccessKeySecret'):
        raise CredentialError('STS AssumeRole for %s returned no Credentials' % role_arn,
                              option='alicloud_assume_role_arn')
    return _accept(Credentials(creds['AccessKeyId'], creds['AccessKeySecret'], creds.get('SecurityToken'),
                               source='assume_role:%s' % role_arn), on_secret, 'alicloud_assume_role_arn',
                   'STS AssumeRole for %s' % role_arn)
