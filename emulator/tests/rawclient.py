"""Hand-built signed requests for negative tests (wrong secret, replayed nonce, old timestamp)."""

import hashlib
import json
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import quote, urlencode

from hbr_emulator.auth import v1_expected, v3_expected


def v3_request(url, action, query=None, key='emulator-ak', secret='emulator-secret', nonce=None, date=None,
               body='', version='2017-09-08'):
    query = dict(query or {})
    host = url.split('://', 1)[1]
    headers = {
        'host': host, 'x-acs-action': action, 'x-acs-version': version,
        'x-acs-date': date or time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        'x-acs-signature-nonce': nonce or uuid.uuid4().hex,
        'x-acs-content-sha256': hashlib.sha256(body.encode('utf-8')).hexdigest(),
    }
    if body:
        headers['content-type'] = 'application/x-www-form-urlencoded'
    names = sorted(headers)
    signature = v3_expected(secret, 'POST', query, headers, names, headers['x-acs-content-sha256'])[0]
    headers['Authorization'] = 'ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s' % (
        key, ';'.join(names), signature)
    return send(url + '/?' + urlencode(query, quote_via=quote), headers, body.encode('utf-8'))


def v1_request(url, action, query=None, key='emulator-ak', secret='emulator-secret', nonce=None, timestamp=None):
    params = dict(query or {})
    params.update({'Action': action, 'Version': '2017-09-08', 'Format': 'json', 'AccessKeyId': key,
                   'SignatureMethod': 'HMAC-SHA1', 'SignatureVersion': '1.0',
                   'SignatureNonce': nonce or uuid.uuid4().hex,
                   'Timestamp': timestamp or time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())})
    params['Signature'] = v1_expected(secret, 'POST', params)[0]
    return send(url + '/?' + urlencode(params, quote_via=quote), {}, b'')


def send(url, headers, body):
    request = urllib.request.Request(url, data=body, headers=headers, method='POST')
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), dict(exc.headers)
