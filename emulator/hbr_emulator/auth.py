"""Request authentication, as the Alibaba Cloud POP gateway does it.

Written independently of the collection's signer (plugins/module_utils/_signing.py): it shares no
code with it, so one encoding bug cannot pass both sides. The official SDK's vectors are the
referee for both (see tests/test_auth_vectors.py).

V3 (ACS3-HMAC-SHA256) is recomputed over the SignedHeaders list the client sent, with the host
header exactly as sent (port included). V1 (HMAC-SHA1) is recomputed over every query and form
body parameter except Signature, with the HTTP method the client used.
"""

import base64
import calendar
import hashlib
import hmac
import threading
import time

API_VERSION = '2017-09-08'
ECS_API_VERSION = '2014-05-26'
API_VERSIONS = (API_VERSION, ECS_API_VERSION)
TIMESTAMP_WINDOW = 15 * 60
# The V1 signing and protocol parameters: not action parameters, so not in the call log. RegionId
# is an action parameter (ECS requires it; the legacy SDK adds it to HBR calls, which ignore it).
V1_COMMON = frozenset(['Action', 'Version', 'Format', 'AccessKeyId', 'Signature', 'SignatureMethod',
                       'SignatureVersion', 'SignatureNonce', 'SignatureType', 'Timestamp', 'SecurityToken'])


class AuthError(Exception):
    """A gateway-level rejection: HTTP status, code and message."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def pop_encode(text):
    """Alibaba's percent-encoding: RFC 3986 unreserved characters kept, everything else %XX."""
    out = []
    for byte in str(text).encode('utf-8'):
        char = chr(byte)
        if char.isascii() and (char.isalnum() or char in '-_.~'):
            out.append(char)
        else:
            out.append('%%%02X' % byte)
    return ''.join(out)


def sorted_query(params):
    pairs = sorted((pop_encode(k), pop_encode(v)) for k, v in params.items())
    return '&'.join(k + '=' + v for k, v in pairs)


def v3_expected(secret, method, query, headers, signed_names, payload_hash):
    lines = [method, '/', sorted_query(query)]
    header_block = ''
    for name in signed_names:
        header_block += name + ':' + headers.get(name, '').strip() + '\n'
    lines.append(header_block)
    lines.append(';'.join(signed_names))
    lines.append(payload_hash)
    canonical = '\n'.join(lines)
    to_sign = 'ACS3-HMAC-SHA256\n' + hashlib.sha256(canonical.encode('utf-8')).hexdigest()
    signature = hmac.new(secret.encode('utf-8'), to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    return signature, to_sign


def v1_expected(secret, method, params):
    signed = {k: v for k, v in params.items() if k != 'Signature'}
    to_sign = method + '&' + pop_encode('/') + '&' + pop_encode(sorted_query(signed))
    digest = hmac.new((secret + '&').encode('utf-8'), to_sign.encode('utf-8'), hashlib.sha1).digest()
    return base64.b64encode(digest).decode('ascii'), to_sign


def parse_timestamp(text):
    try:
        return calendar.timegm(time.strptime(text, '%Y-%m-%dT%H:%M:%SZ'))
    except (TypeError, ValueError):
        raise AuthError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.')


class Authenticator:
    """Verifies signatures, the timestamp window, nonce reuse and STS tokens.

    ``keys`` maps AccessKeyId -> secret; ``sts_tokens`` maps AccessKeyId -> the token that key
    must present (keys without an entry accept requests with or without a token).
    """

    def __init__(self, keys, sts_tokens=None, clock=time.time):
        self.keys = dict(keys)
        self.sts_tokens = dict(sts_tokens or {})
        self.clock = clock
        self._nonces = {}
        self._nonce_lock = threading.Lock()

    def authenticate(self, method, headers, query, body_params, raw_body):
        """Return ``(action, access_key_id, 'v3' or 'v1')`` or raise AuthError. ``headers`` has lowercase names.

        The API version is checked here; ``version_of`` tells the caller which one was used."""
        authorization = headers.get('authorization', '')
        if authorization.startswith('ACS3-HMAC-SHA256'):
            return self._v3(method, headers, query, raw_body, authorization)
        if 'Signature' in query:
            return self._v1(method, query, body_params)
        if 'AccessKeyId' not in query and not authorization:
            raise AuthError(400, 'MissingAccessKeyId', 'AccessKeyId is mandatory for this action.')
        raise AuthError(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.')

    def _secret(self, key_id):
        secret = self.keys.get(key_id)
        if secret is None:
            raise AuthError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.')
        return secret

    def _check_token(self, key_id, token):
        wanted = self.sts_tokens.get(key_id)
        if wanted is not None and token != wanted:
            code = 'InvalidSecurityToken.MismatchWithAccessKey' if token else 'InvalidSecurityToken.Missing'
            raise AuthError(400, code, 'The security token you provided does not match the access key.')

    def _check_time_and_nonce(self, timestamp_text, nonce):
        if not timestamp_text:
            raise AuthError(400, 'MissingTimestamp', 'Timestamp is mandatory for this action.')
        if not nonce:
            raise AuthError(400, 'MissingSignatureNonce', 'SignatureNonce is mandatory for this action.')
        now = self.clock()
        if abs(now - parse_timestamp(timestamp_text)) > TIMESTAMP_WINDOW:
            raise AuthError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')
        return now

    def _remember_nonce(self, nonce, now):
        with self._nonce_lock:
            if nonce in self._nonces:
                raise AuthError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.')
            self._nonces[nonce] = now
            if len(self._nonces) > 50000:
                cutoff = now - 2 * TIMESTAMP_WINDOW
                self._nonces = {n: t for n, t in self._nonces.items() if t >= cutoff}

    def _v3(self, method, headers, query, raw_body, authorization):
        try:
            rest = authorization.partition(' ')[2]
            fields = dict(part.strip().split('=', 1) for part in rest.split(','))
            key_id, signed_names, signature = (fields['Credential'], fields['SignedHeaders'].split(';'),
                                               fields['Signature'])
        except (KeyError, ValueError):
            raise AuthError(400, 'IncompleteSignature', 'The Authorization header is malformed.')
        required = ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce',
                    'x-acs-version']
        missing = [name for name in required if name not in signed_names or name not in headers]
        if missing:
            raise AuthError(400, 'IncompleteSignature', 'Header(s) %s must be present and signed.' % ', '.join(missing))
        unsigned_acs = [n for n in headers if n.startswith('x-acs-') and n not in signed_names]
        if unsigned_acs:
            raise AuthError(400, 'IncompleteSignature', 'Header(s) %s must be signed.' % ', '.join(sorted(unsigned_acs)))
        secret = self._secret(key_id)
        if headers.get('x-acs-accesskey-id', key_id) != key_id:
            raise AuthError(400, 'IncompleteSignature', 'x-acs-accesskey-id does not match the Credential.')
        now = self._check_time_and_nonce(headers.get('x-acs-date'), headers.get('x-acs-signature-nonce'))
        body_hash = hashlib.sha256(raw_body).hexdigest()
        if headers['x-acs-content-sha256'] != body_hash:
            raise AuthError(400, 'SignatureDoesNotMatch', 'x-acs-content-sha256 does not match the body.')
        expected, to_sign = v3_expected(secret, method, query, headers, signed_names, body_hash)
        if not hmac.compare_digest(expected, signature):
            raise AuthError(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation. '
                                                          'server string to sign is:%s' % to_sign)
        self._check_token(key_id, headers.get('x-acs-security-token'))
        if headers['x-acs-version'] not in API_VERSIONS:
            raise AuthError(400, 'InvalidParameter', 'The specified parameter "Version" is not valid.')
        self._remember_nonce(headers['x-acs-signature-nonce'], now)
        return headers['x-acs-action'], key_id, 'v3'

    def _v1(self, method, query, body_params):
        params = dict(query)
        params.update(body_params)
        for name in ('AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'Action', 'Version'):
            if not params.get(name):
                raise AuthError(400, 'Missing' + name, '%s is mandatory for this action.' % name)
        if params['SignatureMethod'] != 'HMAC-SHA1' or params['SignatureVersion'] != '1.0':
            raise AuthError(400, 'IncompleteSignature', 'Only HMAC-SHA1 with SignatureVersion 1.0 is supported in V1.')
        secret = self._secret(params['AccessKeyId'])
        now = self._check_time_and_nonce(params.get('Timestamp'), params.get('SignatureNonce'))
        expected, to_sign = v1_expected(secret, method, params)
        if not hmac.compare_digest(expected, params['Signature']):
            raise AuthError(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation. '
                                                          'server string to sign is:%s' % to_sign)
        self._check_token(params['AccessKeyId'], params.get('SecurityToken'))
        if params['Version'] not in API_VERSIONS:
            raise AuthError(400, 'InvalidParameter', 'The specified parameter "Version" is not valid.')
        self._remember_nonce(params['SignatureNonce'], now)
        return params['Action'], params['AccessKeyId'], 'v1'
