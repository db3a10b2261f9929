# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# Request encoding and signing, pure functions on plain values: parameter flattening,
# ACS3-HMAC-SHA256 (V3) and HMAC-SHA1 (V1). Tested against the official SDK's vectors
# (tests/unit/fixtures/signature-vectors.json) with no network.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime
import hashlib
import hmac
import json
import re
import time
import uuid

from urllib.parse import quote, quote_plus, urlencode

API_VERSION = '2017-09-08'

# Parameters that the official SDK places in the form body for DescribeBackupClients; the
# gateway accepts them in either place, and the body keeps long id lists out of the URL.
BODY_PARAMS = {'DescribeBackupClients': frozenset(['ClientIds', 'InstanceIds'])}
BODY_PREFIXES = {'DescribeBackupClients': ('Tag.',)}


def percent_encode(value):
    """RFC 3986 encoding used by both signature versions: only A-Z a-z 0-9 - _ . ~ stay literal."""
    return quote(str(value), safe='~')


REDACTED = '********'
_ESCAPE_RE = re.compile(r'%[0-9A-F]{2}')


def secret_forms(value):
    """Every form in which a secret can reach text, to mask them all.

    The raw value; JSON-escaped (a secret inside ClientInfo, or a JSON result) and repr-escaped
    (an exception or a %r); each of these URL-encoded with quote, quote_plus and percent_encode
    (query strings, form bodies), with upper- and lower-case hex, and percent-encoded twice (a V1
    string to sign, which a SignatureDoesNotMatch answer echoes). Empty for an empty value.
    """
    text = '' if value is None else str(value)
    if not text:
        return set()
    bases = set([text, json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1], repr(text)[1:-1],
                 repr(text.encode('utf-8'))[2:-1], text.replace('\\', '\\\\').replace('"', '\\"'),
                 text.replace('\\', '\\\\').replace("'", "\\'")])
    forms = set(bases)
    for base in bases:
        encoded = [quote(base, safe=''), quote(base), quote_plus(base), quote_plus(base, safe='/'), percent_encode(base),
                   percent_encode(percent_encode(base))]
        forms.update(encoded)
        forms.update(_ESCAPE_RE.sub(lambda match: match.group(0).lower(), form) for form in encoded)
    forms.discard('')
    return forms


def redact(text, forms):
    """``text`` with every one of ``forms`` replaced by ********, longest first."""
    if not text:
        return text
    for form in sorted(forms, key=len, reverse=True):
        if form in text:
            text = text.replace(form, REDACTED)
    return text


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


def v3_authorization(access_key_id, secret, *, method, path, query, headers, signed_headers, payload_hash):
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


def build_signed_request(credentials, host, action, params, *, signature_version='v3', timestamp=None,
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
        credentials.access_key_id, credentials.access_key_secret, method='POST', path='/', query=query,
        headers=headers, signed_headers=signed_headers, payload_hash=payload_hash)
    return query, headers, body_text
