# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# The signed RPC transport for the HBR 2017-09-08 API: parameter encoding, ACS3-HMAC-SHA256
# (V3) and HMAC-SHA1 (V1) signing, endpoint resolution, the error model, retries with
# jittered capped exponential backoff, and paging. Pure functions on plain values where
# possible so that they are tested against the official SDK's vectors without a network.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime
import hashlib
import hmac
import json
import platform
import random
import re
import time
import traceback
import uuid

try:
    from urllib.parse import quote, urlencode, urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, kept for the import sanity test
    from urllib import quote, urlencode  # type: ignore
    from urlparse import urlsplit  # type: ignore

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    HAS_REQUESTS = True
except ImportError:
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

COLLECTION_VERSION = '1.0.0'
API_VERSION = '2017-09-08'
EMPTY_SHA256 = hashlib.sha256(b'').hexdigest()

# Parameters that the official SDK places in the form body for DescribeBackupClients; the
# gateway accepts them in either place, and the body keeps long id lists out of the URL.
BODY_PARAMS = {
    'DescribeBackupClients': frozenset(['ClientIds', 'InstanceIds']),
    'DescribeHanaInstances': frozenset(),
}
BODY_PREFIXES = {
    'DescribeBackupClients': ('Tag.',),
    'DescribeHanaInstances': ('Tag.',),
}

# Writes that must never be applied twice. An ambiguous failure of one of these (the request
# may have been applied) is not retried here: the caller re-reads and re-sends only what
# still needs it. Other writes (UpdateClientSettings, DeleteBackupClientResource) are
# idempotent and retried like reads.
NON_IDEMPOTENT_ACTIONS = frozenset([
    'InstallBackupClients', 'UninstallBackupClients', 'UpgradeBackupClients', 'CreateClients',
])

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

DEFAULT_PAGE_SIZE = 99

THROTTLING_CODES = frozenset(['Rejected.Throttling', 'SignatureNonceUsed'])
NOT_APPLIED_RETRYABLE_CODES = frozenset(['ServiceUnavailable'])
MAYBE_APPLIED_RETRYABLE_CODES = frozenset(['InternalError', 'InternalFailure', 'ServiceTimeout'])
MAX_RETRY_AFTER_SECONDS = 60.0


class HbrConfigError(ValueError):
    """Bad local configuration, found before any network call. Names the option to fix."""

    def __init__(self, option, message):
        super(HbrConfigError, self).__init__(message)
        self.option = option
        self.message = message


class HbrApiError(Exception):
    """A failed HBR call, from the gateway, the HBR backend, or the connection itself.

    ``ambiguous`` is true when the request may have been applied by the service although no
    answer came back (dropped connection, read timeout, internal error on a write).
    """

    def __init__(self, message, code=None, request_id=None, http_status=None, action=None,
                 retry_after=None, ambiguous=False, recommend=None):
        super(HbrApiError, self).__init__(message)
        self.message = message
        self.code = code
        self.request_id = request_id
        self.http_status = http_status
        self.action = action
        self.retry_after = retry_after
        self.ambiguous = ambiguous
        self.recommend = recommend

    def to_dict(self):
        return {
            'code': self.code,
            'message': self.message,
            'request_id': self.request_id,
            'http_status': self.http_status,
            'action': self.action,
        }

    def __str__(self):
        parts = ['%s failed' % (self.action or 'HBR call')]
        if self.code:
            parts.append('code %s' % self.code)
        if self.http_status:
            parts.append('HTTP %s' % self.http_status)
        text = '%s: %s' % (', '.join(parts), self.message)
        if self.request_id:
            text += ' (request id %s)' % self.request_id
        return text


# ---------------------------------------------------------------------------------------------
# Encoding and signing (pure functions)
# ---------------------------------------------------------------------------------------------

def percent_encode(value):
    """RFC 3986 encoding used by both signature versions: only A-Z a-z 0-9 - _ . ~ stay literal."""
    return quote(str(value), safe='~')


def _scalar(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def encode_params(params):
    """Turn API parameters into the flat string map the wire carries.

    - ``None`` is dropped;
    - booleans become ``true``/``false``;
    - a list of scalars (InstanceIds, ClientIds) becomes a compact JSON array string;
    - a list of dicts (Tag, Filters) is flattened with 1-based indexes, and a list inside such a
      dict is flattened again (``Filters.1.Values.1``).
    """
    flat = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, dict) for v in value):
            _flatten_objects(flat, name, value)
        elif isinstance(value, (list, tuple)):
            flat[name] = json.dumps(list(value), separators=(',', ':'), ensure_ascii=False)
        else:
            flat[name] = _scalar(value)
    return flat


def _flatten_objects(flat, prefix, objects):
    for index, obj in enumerate(objects, 1):
        for key, value in obj.items():
            if value is None:
                continue
            name = '%s.%d.%s' % (prefix, index, key)
            if isinstance(value, (list, tuple)):
                for sub_index, item in enumerate(value, 1):
                    flat['%s.%d' % (name, sub_index)] = _scalar(item)
            else:
                flat[name] = _scalar(value)


def canonical_query(params):
    return '&'.join(
        '%s=%s' % (percent_encode(name), percent_encode(params[name])) for name in sorted(params)
    )


def v1_string_to_sign(method, params):
    return '%s&%s&%s' % (method.upper(), percent_encode('/'), percent_encode(canonical_query(params)))


def v1_signature(method, params, secret):
    """HMAC-SHA1 signature over every parameter (query and body) except Signature itself."""
    signed = dict((k, v) for k, v in params.items() if k != 'Signature')
    digest = hmac.new((secret + '&').encode('utf-8'), v1_string_to_sign(method, signed).encode('utf-8'),
                      hashlib.sha1).digest()
    return base64.b64encode(digest).decode('ascii')


def v3_canonical_request(method, path, query, headers, signed_headers, payload_hash):
    lowered = dict((k.lower(), v) for k, v in headers.items())
    canonical_headers = ''.join('%s:%s\n' % (name, str(lowered[name]).strip()) for name in signed_headers)
    return '\n'.join([method.upper(), path, canonical_query(query), canonical_headers,
                      ';'.join(signed_headers), payload_hash])


def v3_string_to_sign(canonical_request):
    return 'ACS3-HMAC-SHA256\n' + hashlib.sha256(canonical_request.encode('utf-8')).hexdigest()


def v3_authorization(access_key_id, secret, method, path, query, headers, signed_headers, payload_hash):
    string_to_sign = v3_string_to_sign(
        v3_canonical_request(method, path, query, headers, signed_headers, payload_hash))
    signature = hmac.new(secret.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    return 'ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s' % (
        access_key_id, ';'.join(signed_headers), signature)


def v3_signed_header_names(headers):
    """host, content-type and every x-acs-* header: what the V3 spec requires, nothing that
    depends on the User-Agent."""
    names = set()
    for name in headers:
        lower = name.lower()
        if lower in ('host', 'content-type') or lower.startswith('x-acs-'):
            names.add(lower)
    return sorted(names)


def utc_timestamp(now=None):
    moment = datetime.datetime.utcfromtimestamp(time.time() if now is None else now)
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def split_body_params(action, flat):
    """Place parameters in the query or the form body the way the official SDK does."""
    names = BODY_PARAMS.get(action, frozenset())
    prefixes = BODY_PREFIXES.get(action, ())
    query, body = {}, {}
    for name, value in flat.items():
        if name in names or name.startswith(prefixes):
            body[name] = value
        else:
            query[name] = value
    return query, body


def v1_signed_params(method, params, credentials, timestamp, nonce=None, extra_signed=None):
    """Add the V1 common parameters and the Signature to ``params`` (a new dict).

    ``extra_signed`` are parameters sent elsewhere (the form body) that are signed too.
    """
    signed = dict(params)
    signed.update({
        'AccessKeyId': credentials.access_key_id, 'SignatureMethod': 'HMAC-SHA1', 'SignatureVersion': '1.0',
        'SignatureNonce': nonce or uuid.uuid4().hex, 'Timestamp': timestamp,
    })
    if credentials.security_token:
        signed['SecurityToken'] = credentials.security_token
    everything = dict(signed)
    everything.update(extra_signed or {})
    signed['Signature'] = v1_signature(method, everything, credentials.access_key_secret)
    return signed


def build_v1_query_string(method, params, credentials, timestamp, nonce=None):
    """A complete V1-signed query string (used for STS AssumeRole, a GET)."""
    return urlencode(sorted(v1_signed_params(method, params, credentials, timestamp, nonce).items()),
                     quote_via=quote, safe='~')


def form_encode(body):
    return urlencode(sorted(body.items()))


def build_signed_request(credentials, host, action, params, signature_version='v3', timestamp=None,
                         nonce=None, user_agent=None, api_version=API_VERSION):
    """Return ``(query, headers, body)`` for one signed POST to ``/``.

    ``credentials`` needs ``access_key_id``, ``access_key_secret`` and ``security_token``.
    ``timestamp`` and ``nonce`` are fresh for each attempt unless given (tests pin them).
    """
    timestamp = timestamp or utc_timestamp()
    nonce = nonce or uuid.uuid4().hex
    query, body = split_body_params(action, encode_params(params))
    body_text = form_encode(body) if body else ''
    headers = {'host': host, 'x-acs-action': action, 'x-acs-version': api_version,
               'accept': 'application/json'}
    if user_agent:
        headers['user-agent'] = user_agent
    if body_text:
        headers['content-type'] = 'application/x-www-form-urlencoded'

    if signature_version == 'v1':
        common = dict(query, Action=action, Format='json', Version=api_version)
        signed_query = v1_signed_params('POST', common, credentials, timestamp, nonce, extra_signed=body)
        return signed_query, headers, body_text

    payload_hash = hashlib.sha256(body_text.encode('utf-8')).hexdigest()
    headers.update({'x-acs-date': timestamp, 'x-acs-signature-nonce': nonce,
                    'x-acs-content-sha256': payload_hash})
    if credentials.security_token:
        headers['x-acs-accesskey-id'] = credentials.access_key_id
        headers['x-acs-security-token'] = credentials.security_token
    signed_headers = v3_signed_header_names(headers)
    headers['Authorization'] = v3_authorization(
        credentials.access_key_id, credentials.access_key_secret, 'POST', '/', query, headers,
        signed_headers, payload_hash)
    return query, headers, body_text


# ---------------------------------------------------------------------------------------------
# Endpoints
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Responses and errors
# ---------------------------------------------------------------------------------------------

def _first(body, *names):
    for name in names:
        value = body.get(name)
        if value not in (None, ''):
            return value
    return None


def parse_response(action, http_status, text, headers=None):
    """Return the JSON body of a successful call, or raise HbrApiError.

    A call fails when the HTTP status is >= 400 or the body says ``Success: false``.
    Anything that is not a JSON object is a clean error, never a traceback.
    """
    headers = headers or {}
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    retry_after = _retry_after_seconds(headers)
    if not isinstance(body, dict):
        snippet = re.sub(r'\s+', ' ', re.sub(r'<[^>]*>', ' ', text or '')).strip()[:200]
        code = 'HTTP%d' % http_status if http_status >= 400 else 'InvalidResponse'
        raise HbrApiError('the service answered with a body that is not a JSON object%s'
                          % (': %s' % snippet if snippet else ' (empty body)'),
                          code=code, http_status=http_status, action=action, retry_after=retry_after)
    success = body.get('Success')
    failed = http_status >= 400 or success is False or str(success).lower() == 'false'
    if not failed:
        return body
    code = _first(body, 'Code', 'code') or 'HTTP%d' % http_status
    message = _first(body, 'Message', 'message') or 'no message'
    raise HbrApiError(str(message), code=str(code), request_id=_first(body, 'RequestId', 'requestId'),
                      http_status=http_status, action=action, retry_after=retry_after,
                      recommend=body.get('Recommend'))


def _retry_after_seconds(headers):
    value = None
    for name, header_value in headers.items():
        if name.lower() == 'x-acs-retry-after':
            value = header_value
    try:
        millis = int(value)
    except (TypeError, ValueError):
        return None
    return min(millis / 1000.0, MAX_RETRY_AFTER_SECONDS) if millis > 0 else None


def is_throttling(code):
    return bool(code) and (code.startswith('Throttling') or code in THROTTLING_CODES)


def retry_decision(error, action):
    """Whether to send the request again: 'retry', 'ambiguous' (maybe applied) or 'fail'."""
    code = error.code or ''
    if is_throttling(code) or code in NOT_APPLIED_RETRYABLE_CODES or code == 'ConnectionRefused':
        return 'retry'
    maybe_applied = (error.ambiguous or code in MAYBE_APPLIED_RETRYABLE_CODES
                     or (error.http_status or 0) >= 500)
    if maybe_applied:
        return 'ambiguous' if action in NON_IDEMPOTENT_ACTIONS else 'retry'
    return 'fail'


def backoff_delay(attempt, base, cap, rng, retry_after=None):
    """Full-jitter capped exponential backoff; a server's retry-after is a floor."""
    delay = rng.uniform(0, min(cap, base * (2 ** attempt)))
    if retry_after:
        delay = max(delay, retry_after)
    return delay


# ---------------------------------------------------------------------------------------------
# The transport
# ---------------------------------------------------------------------------------------------

class HbrApi:
    """One signed conversation with the HBR endpoint: one requests.Session, retries, paging.

    ``clock``, ``sleep``, ``rng`` and ``nonce`` are injectable so that tests pin time and
    randomness and never really sleep.
    """

    def __init__(self, credentials, endpoint, signature_version='v3', validate_certs=True,
                 ca_bundle=None, connect_timeout=10, read_timeout=60, retries=8, backoff_base=0.5,
                 backoff_cap=20.0, user_agent=None, session=None, sleep=time.sleep, clock=time.time,
                 rng=None, nonce=None, api_version=API_VERSION):
        self.credentials = credentials
        self.api_version = api_version
        self.endpoint = endpoint.rstrip('/')
        self.host = urlsplit(self.endpoint).netloc
        self.signature_version = signature_version
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.user_agent = user_agent or default_user_agent()
        self.sleep = sleep
        self.clock = clock
        self.rng = rng or random.Random()
        self.nonce = nonce or (lambda: uuid.uuid4().hex)
        self.verify = (ca_bundle or True) if validate_certs else False
        self.session = session or new_session()
        self.attempts = []  # (action, code or None) per HTTP attempt, for results and tests

    def call(self, action, params=None):
        """Send one action; retry what is safe to retry; return the JSON body."""
        attempt = 0
        while True:
            try:
                body = self._send_once(action, params or {})
                self.attempts.append((action, None))
                return body
            except HbrApiError as error:
                self.attempts.append((action, error.code))
                decision = retry_decision(error, action)
                if decision == 'ambiguous':
                    error.ambiguous = True
                    raise
                if decision == 'fail' or attempt >= self.retries:
                    raise
                self.sleep(backoff_delay(attempt, self.backoff_base, self.backoff_cap, self.rng,
                                         error.retry_after))
                attempt += 1

    def _send_once(self, action, params):
        query, headers, body = build_signed_request(
            self.credentials, self.host, action, params, self.signature_version,
            timestamp=utc_timestamp(self.clock()), nonce=self.nonce(), user_agent=self.user_agent,
            api_version=self.api_version)
        url = '%s/?%s' % (self.endpoint, urlencode(sorted(query.items()), quote_via=quote, safe='~'))
        try:
            response = self.session.post(url, data=body.encode('utf-8') if body else None, headers=headers,
                                         timeout=self.timeout, verify=self.verify)
        except requests.exceptions.SSLError as exc:
            raise HbrApiError('TLS verification failed for %s: %s. Set ca_bundle to the CA that signed the '
                              'endpoint certificate.' % (self.endpoint, _short(exc)), code='SSLError', action=action)
        except (requests.exceptions.ConnectTimeout, requests.exceptions.InvalidURL) as exc:
            raise HbrApiError('could not connect to %s: %s' % (self.endpoint, _short(exc)),
                              code='ConnectionRefused', action=action)
        except requests.exceptions.ConnectionError as exc:
            if _never_sent(exc):
                raise HbrApiError('could not connect to %s: %s' % (self.endpoint, _short(exc)),
                                  code='ConnectionRefused', action=action)
            raise HbrApiError('the connection to %s closed before an answer came: %s' % (self.endpoint, _short(exc)),
                              code='ConnectionDropped', action=action, ambiguous=True)
        except requests.exceptions.Timeout as exc:
            raise HbrApiError('no answer from %s within %ss: %s' % (self.endpoint, self.timeout[1], _short(exc)),
                              code='ReadTimeout', action=action, ambiguous=True)
        return parse_response(action, response.status_code, response.text, response.headers)

    def paginate(self, action, params, list_path, page_size=DEFAULT_PAGE_SIZE):
        """Fetch every page; ``list_path`` is the key path to the item list in each page."""
        items = []
        page = 1
        while True:
            body = self.call(action, dict(params, PageNumber=page, PageSize=page_size))
            page_items = extract_list(body, list_path, action)
            items.extend(page_items)
            total = _as_int(body.get('TotalCount'))
            if not page_items or len(page_items) < page_size or (total is not None and len(items) >= total):
                return items
            page += 1

    def close(self):
        self.session.close()


def new_session(pool_size=16):
    """A requests.Session whose pool holds enough connections for the concurrent batches."""
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=0)
    session.mount('https://', adapter)
    session.mount('http://', adapter)
    return session


def extract_list(body, path, action=None):
    """Follow ``path`` (a tuple of keys) to a list; a missing level is an empty list."""
    value = body
    for key in path:
        if value is None:
            return []
        if not isinstance(value, dict):
            raise HbrApiError('unexpected response shape: %s is not an object' % key, code='InvalidResponse',
                              action=action, request_id=body.get('RequestId'))
        value = value.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise HbrApiError('unexpected response shape: %s is not a list of objects' % '.'.join(path),
                          code='InvalidResponse', action=action, request_id=body.get('RequestId'))
    return value


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _never_sent(exc):
    """A refused or unresolvable connection cannot have reached the service; a connection
    that was reset or closed after the request went out may have been applied."""
    text = repr(exc)
    sent_markers = ('RemoteDisconnected', 'Connection aborted', 'ConnectionResetError', 'IncompleteRead',
                    'BrokenPipe')
    unsent_markers = ('NewConnectionError', 'NameResolutionError', 'ConnectionRefusedError', 'Connection refused',
                      'Failed to resolve')
    if any(marker in text for marker in sent_markers):
        return False
    return any(marker in text for marker in unsent_markers)


def _short(exc):
    return str(exc).split('\n', maxsplit=1)[0][:300]


def default_user_agent():
    try:
        from ansible.module_utils.ansible_release import __version__ as ansible_version
    except ImportError:  # pragma: no cover
        ansible_version = 'unknown'
    return 'alicloud.hbr/%s ansible-core/%s python/%s' % (
        COLLECTION_VERSION, ansible_version, platform.python_version())
