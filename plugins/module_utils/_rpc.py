# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# The RPC client used for HBR and for ECS: send one signed request, parse the answer into a
# body or an HbrApiError, retry what is safe to retry with jittered capped exponential backoff,
# and page through list actions.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import platform
import random
import re
import time
import traceback
import uuid

from urllib.parse import quote, urlencode, urlsplit

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    HAS_REQUESTS = True
except ImportError:
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ._errors import HbrApiError
from ._signing import API_VERSION, build_signed_request, redact, secret_forms, utc_timestamp

COLLECTION_VERSION = '1.0.0'
DEFAULT_PAGE_SIZE = 99

# Writes that must never be applied twice. An ambiguous failure of one of these (the request
# may have been applied) is not retried here: the caller re-reads and re-sends only what
# still needs it. Other writes (UpdateClientSettings, DeleteBackupClientResource) are
# idempotent and retried like reads.
NON_IDEMPOTENT_ACTIONS = frozenset([
    'InstallBackupClients', 'UninstallBackupClients', 'UpgradeBackupClients', 'CreateClients',
    'UninstallClient', 'UpgradeClient',
])

THROTTLING_CODES = frozenset(['Rejected.Throttling', 'SignatureNonceUsed'])
NOT_APPLIED_RETRYABLE_CODES = frozenset(['ServiceUnavailable'])
MAYBE_APPLIED_RETRYABLE_CODES = frozenset(['InternalError', 'InternalFailure', 'ServiceTimeout'])
MAX_RETRY_AFTER_SECONDS = 60.0

# Request parameters whose values are secrets: masked in any error text, whoever built the client.
SECRET_PARAMS = ('ProxyPassword',)


def _first(body, *names):
    for name in names:
        value = body.get(name)
        if value not in (None, ''):
            return value
    return None


def parse_response(action, http_status, text, headers=None):
    """Return the JSON body of a successful call, or raise HbrApiError.

    A call fails when the HTTP status is >= 400 or the body says ``Success: false``.
    Anything that is not a JSON object is a clean error, never a traceback. Such a body is not
    quoted: a gateway or proxy error page can echo the request, with its signed query string.
    """
    headers = headers or {}
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    retry_after = _retry_after_seconds(headers)
    if not isinstance(body, dict):
        code = 'HTTP%d' % http_status if http_status >= 400 else 'InvalidResponse'
        raise HbrApiError('the service answered HTTP %d with %s, not a JSON object (body not shown)'
                          % (http_status, _describe_body(text, headers)), code=code, http_status=http_status,
                          action=action, retry_after=retry_after, request_id=_header(headers, 'x-acs-request-id'))
    success = body.get('Success')
    failed = http_status >= 400 or success is False or str(success).lower() == 'false'
    if not failed:
        return body
    code = _first(body, 'Code', 'code') or 'HTTP%d' % http_status
    message = server_message(_first(body, 'Message', 'message'))
    raise HbrApiError(message, code=str(code), request_id=_first(body, 'RequestId', 'requestId'),
                      http_status=http_status, action=action, retry_after=retry_after,
                      recommend=body.get('Recommend'))


def server_message(message):
    """The service's error message, without the string to sign that SignatureDoesNotMatch echoes
    (every request parameter, the security token among them, percent-encoded twice)."""
    text = str(message) if message not in (None, '') else 'no message'
    cut = text.lower().find('string to sign')
    if cut >= 0:
        text = text[:cut].rstrip(' :,.') + ' (the string to sign the service echoed is not shown)'
    return text


def _describe_body(text, headers):
    if not text:
        return 'an empty body'
    kind = (_header(headers, 'content-type') or 'no content type').split(';')[0].strip()
    return 'a %d-character %s body' % (len(text), kind if re.match(r'^[\w.+-]+/[\w.+-]+$', kind) else 'unknown')


def _header(headers, wanted):
    for name, value in headers.items():
        if name.lower() == wanted:
            return value
    return None


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


class RpcClient:
    """One signed RPC conversation with one endpoint (HBR, or ECS for the precheck): one
    requests.Session, retries with backoff, paging.

    ``clock``, ``sleep``, ``rng`` and ``nonce`` are injectable so that tests pin time and
    randomness and never really sleep. ``secrets`` are values (besides the credentials') that an
    error text must never show in any encoding: every error leaves ``call`` with them masked.
    """

    def __init__(self, credentials, endpoint, *, signature_version='v3', validate_certs=True, ca_bundle=None,
                 timeouts=(10, 60), retries=8, backoff=(0.5, 20.0), user_agent=None, session=None,
                 api_version=API_VERSION, sleep=time.sleep, clock=time.time, rng=None, nonce=None, secrets=()):
        self.credentials = credentials
        self.secrets = set(value for value in secrets if value)
        self.api_version = api_version
        self.endpoint = endpoint.rstrip('/')
        self.host = urlsplit(self.endpoint).netloc
        self.signature_version = signature_version
        self.validate_certs = validate_certs
        self.ca_bundle = ca_bundle
        self.verify = (ca_bundle or True) if validate_certs else False
        self.timeout = tuple(timeouts)
        self.retries = retries
        self.backoff = tuple(backoff)
        self.user_agent = user_agent or default_user_agent()
        self.sleep = sleep
        self.clock = clock
        self.rng = rng or random.Random()
        self.nonce = nonce or (lambda: uuid.uuid4().hex)
        self.session = session or new_session()
        self.attempts = []  # (action, code or None) per HTTP attempt, for results and tests

    def sibling(self, endpoint, api_version):
        """A client for another API (ECS) with the same credentials, session, TLS and retry settings."""
        return RpcClient(self.credentials, endpoint, signature_version=self.signature_version,
                         validate_certs=self.validate_certs, ca_bundle=self.ca_bundle, timeouts=self.timeout,
                         retries=self.retries, backoff=self.backoff, user_agent=self.user_agent,
                         session=self.session, api_version=api_version, sleep=self.sleep, clock=self.clock,
                         rng=self.rng, nonce=self.nonce, secrets=self.secrets)

    def secret_forms(self, params=None):
        """Every encoding of the credentials' secrets, of ``secrets`` and of secret parameters."""
        values = set(self.secrets)
        values.update([getattr(self.credentials, 'access_key_secret', None),
                       getattr(self.credentials, 'security_token', None)])
        values.update((params or {}).get(name) for name in SECRET_PARAMS)
        forms = set()
        for value in values:
            forms.update(secret_forms(value))
        return forms

    def call(self, action, params=None):
        """Send one action; retry what is safe to retry; return the JSON body."""
        attempt = 0
        while True:
            try:
                body = self._send_once(action, params or {})
                self.attempts.append((action, None))
                return body
            except HbrApiError as error:
                error.replace_message(redact(error.message, self.secret_forms(params)))
                self.attempts.append((action, error.code))
                decision = retry_decision(error, action)
                if decision == 'ambiguous':
                    error.ambiguous = True
                    raise
                if decision == 'fail' or attempt >= self.retries:
                    raise
                self.sleep(backoff_delay(attempt, self.backoff[0], self.backoff[1], self.rng, error.retry_after))
                attempt += 1

    def _send_once(self, action, params):
        query, headers, body = build_signed_request(
            self.credentials, self.host, action, params, signature_version=self.signature_version,
            timestamp=utc_timestamp(self.clock()), nonce=self.nonce(), user_agent=self.user_agent,
            api_version=self.api_version)
        url = '%s/?%s' % (self.endpoint, urlencode(sorted(query.items()), quote_via=quote, safe='~'))
        try:
            response = self.session.post(url, data=body.encode('utf-8') if body else None, headers=headers,
                                         timeout=self.timeout, verify=self.verify)
        except (requests.exceptions.RequestException, ValueError) as exc:
            # ValueError: what http.client raises for a header it cannot encode, before sending.
            raise connection_error(exc, action=action, endpoint=self.endpoint, read_timeout=self.timeout[1])
        return parse_response(action, response.status_code, response.text, response.headers)

    def paginate(self, action, params, list_path, page_size=DEFAULT_PAGE_SIZE):
        """Fetch every page; ``list_path`` is the key path to the item list in each page."""
        items = []
        page = 1
        while True:
            body = self.call(action, dict(params, PageNumber=page, PageSize=page_size))
            page_items = extract_list(body, list_path, action)
            items.extend(page_items)
            total = to_int(body.get('TotalCount'))
            if not page_items or len(page_items) < page_size or (total is not None and len(items) >= total):
                return items
            page += 1

    def close(self):
        self.session.close()


def connection_error(exc, action, endpoint, read_timeout):
    """An HbrApiError for a request that got no HTTP answer. Whether it may have been applied
    decides the retry (see retry_decision). The message names the host and the error class only:
    requests puts the whole URL (with signed query parameters) into its exception text."""
    kind = describe_exception(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        return HbrApiError('TLS verification failed for %s (%s). Set ca_bundle to the CA that signed the '
                           'endpoint certificate.' % (endpoint, kind), code='SSLError', action=action)
    if isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.InvalidURL)) or \
            (isinstance(exc, requests.exceptions.ConnectionError) and _never_sent(exc)):
        return HbrApiError('could not connect to %s (%s)' % (endpoint, kind), code='ConnectionRefused',
                           action=action)
    if isinstance(exc, requests.exceptions.ConnectionError):
        return HbrApiError('the connection to %s closed before an answer came (%s)' % (endpoint, kind),
                           code='ConnectionDropped', action=action, ambiguous=True)
    if isinstance(exc, requests.exceptions.Timeout):
        return HbrApiError('no answer from %s within %ss (%s)' % (endpoint, read_timeout, kind),
                           code='ReadTimeout', action=action, ambiguous=True)
    if isinstance(exc, ValueError):  # invalid header, URL or body: refused before anything was sent
        return HbrApiError('the request to %s could not be built (%s)' % (endpoint, kind), code='InvalidRequest',
                           action=action)
    return HbrApiError('the request to %s failed (%s)' % (endpoint, kind), code='RequestFailed', action=action,
                       ambiguous=True)


def describe_exception(exc):
    """The class of a transport exception and of its underlying reason, never its text."""
    names = [type(exc).__name__]
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, 'reason', reason)
    if isinstance(reason, BaseException) and type(reason).__name__ not in names:
        names.append(type(reason).__name__)
    return ' from '.join(names)


def to_int(value):
    """int(value), or None for anything that is not an integer (the service sends numbers as strings)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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


def default_user_agent():
    try:
        from ansible.module_utils.ansible_release import __version__ as ansible_version
    except ImportError:  # pragma: no cover
        ansible_version = 'unknown'
    return 'alicloud.hbr/%s ansible-core/%s python/%s' % (
        COLLECTION_VERSION, ansible_version, platform.python_version())
