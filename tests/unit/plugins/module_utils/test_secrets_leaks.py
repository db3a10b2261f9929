# -*- coding: utf-8 -*-
# Secrets never leak, in any encoding: property tests (hypothesis) that generate secrets over
# printable ASCII (always with some of + / = % & " '), drive every failure path through the
# modules' main() with real HTTP to servers on 127.0.0.1 (an emulator in a thread behind a
# hostile server: connection refused, read timeout, 4xx, 5xx, dropped answer, throttled until the
# retry budget ends, a settings call failing, STS failing), and search the module's whole output
# (the result, its warnings, the invocation: what -vvv prints) for every encoding of every secret.
# The RpcClient is also checked alone, without Ansible's masking: the transport itself must not
# put a secret into an error.

from __future__ import absolute_import, division, print_function

import collections
import contextlib
import functools
import io
import json
import socket
import time

from http.client import HTTPConnection
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

import pytest

from hypothesis import strategies as st  # noqa: E402

from ansible.module_utils.testing import patch_module_args

from hypothesis import HealthCheck, given, settings

from ansible_collections.alicloud.hbr.plugins.module_utils import _connection, _credentials, _errors, _module, _rpc, _writes
from ansible_collections.alicloud.hbr.plugins.modules import hbr_client, hbr_client_info
from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.fakes import LocalServer

hbr_emulator_server = pytest.importorskip('hbr_emulator.server')
from hbr_emulator.auth import Authenticator  # noqa: E402  pylint: disable=wrong-import-position,import-error

SPECIALS = '+/=%&"\''
PRINTABLE = ''.join(chr(code) for code in range(0x20, 0x7f))


def secrets():
    """Printable ASCII, always with some of + / = % & " ' inside, never surrounding whitespace."""
    return st.tuples(st.text(PRINTABLE, min_size=4, max_size=20), st.text(SPECIALS, min_size=2, max_size=8),
                     st.text(PRINTABLE, min_size=4, max_size=20)).map(lambda parts: 'S' + ''.join(parts) + 'z')


def encodings(secret):
    """Written apart from _signing.secret_forms on purpose: the test must not share the code it tests."""
    once = quote(secret, safe='~')
    forms = {secret, quote(secret, safe=''), quote(secret), quote_plus(secret), once, quote(once, safe='~'),
             json.dumps(secret)[1:-1], repr(secret)[1:-1], repr(secret.encode())[2:-1],
             quote_plus(json.dumps(secret)[1:-1]), quote(json.dumps(secret)[1:-1], safe='~')}
    return set(form for form in forms if form)


def leaks(text, secret_values):
    """The (secret, form) pairs found in ``text``."""
    found = []
    for secret in secret_values:
        for form in encodings(secret):
            if form in text:
                found.append((secret, form))
    return found


def closed_port_url():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    return 'http://127.0.0.1:%d' % port


Request = collections.namedtuple('Request', 'command path headers')


class Hostile:
    """An HTTP server on 127.0.0.1 that handles each action (x-acs-action, Action=, or the path) as
    ``plan`` says: 'ok' forwards to ``upstream`` (an emulator) or answers from ``answers``;
    'echo502' is a proxy's HTML error page quoting the whole request (line, headers, body);
    'echo400' a JSON error whose Message quotes it; 'throttle' a Throttling.User answer quoting it;
    'drop' closes the connection with no answer; 'hang' answers nothing within the read timeout."""

    def __init__(self, plan, upstream=None, answers=None, hang_seconds=1.6):
        self.plan, self.upstream, self.answers, self.hang_seconds = plan, upstream, answers or {}, hang_seconds
        self.seen = []
        self.server = LocalServer(self.route)
        self.url = self.server.url

    def route(self, method, path, headers, body):
        action = (headers.get('x-acs-action') or dict(parse_qsl(urlsplit(path).query)).get('Action')
                  or urlsplit(path).path)
        self.seen.append(action)
        return self.answer(action, Request(method, path, headers), body.encode('utf-8'))

    def answer(self, action, request, body):
        behaviour = self.plan.get(action, 'ok')
        echo = '%s %s\n%s\n%s' % (request.command, request.path, ''.join('%s: %s\n' % item for item in
                                                                         request.headers.items()),
                                  body.decode('utf-8', 'replace'))
        if behaviour == 'drop':
            return None
        if behaviour == 'hang':
            time.sleep(self.hang_seconds)
            return None
        if behaviour == 'echo502':
            page = '<html><body><h1>502 Bad Gateway</h1><p>upstream failed: %s</p></body></html>' % echo
            return 502, {'Content-Type': 'text/html'}, page.encode('utf-8')
        if behaviour in ('echo400', 'throttle'):
            code = 'Throttling.User' if behaviour == 'throttle' else 'InvalidParameter'
            text = json.dumps({'Code': code, 'Message': 'request was: %s' % echo, 'RequestId': 'R-hostile'})
            return 400, {'Content-Type': 'application/json'}, text.encode('utf-8')
        if action in self.answers:
            status, text = self.answers[action](request.path)
            return status, {'Content-Type': 'application/json'}, text.encode('utf-8')
        return self.forward(request, body)

    def forward(self, request, body):
        parts = urlsplit(self.upstream)
        connection = HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            connection.request(request.command, request.path, body=body or None, headers=dict(request.headers.items()))
            response = connection.getresponse()
            return response.status, {'Content-Type': 'application/json'}, response.read()
        finally:
            connection.close()

    def close(self):
        self.server.close()


def no_sleep_build_client(monkeypatch):
    """Retries without real sleeps: the same client, with sleep a no-op."""
    monkeypatch.setattr(_module, 'build_client', functools.partial(_connection.build_client, sleep=lambda s: None))
    # an ambiguous write is looked for in the records for up to 30 s before a re-send: not here
    monkeypatch.setattr(_writes, 'AMBIGUOUS_WAIT', 0)


def run_entry(module, args, check_mode=False, diff=False):
    """A module's main() in-process with real HTTP; returns its whole stdout (the -vvv payload)."""
    arguments = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    out = io.StringIO()
    with patch_module_args(arguments):
        with contextlib.redirect_stdout(out):
            with pytest.raises(SystemExit):
                module.main()
    return out.getvalue()


AK = 'LTAIleaktest0001'
IID = 'i-emu00000000000000001'
SEARCHED = {'bytes': 0, 'runs': 0}
FAST = settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope='module')
def emulator():
    server = hbr_emulator_server.start_in_thread({
        'region': 'cn-hangzhou', 'access_keys': {AK: 'replaced-per-example'},
        'instances': [{'instance_id': IID, 'client': {'status': 'ACTIVATED', 'settings': {'MaxCpuCore': '1'}}}]})
    yield server
    server.shutdown()
    server.server_close()
    print('\nsecret leak search: %d module runs, %d bytes of output searched for every encoding'
          % (SEARCHED['runs'], SEARCHED['bytes']))


@pytest.fixture
def hostile():
    started = []

    def start(plan, **kwargs):
        server = Hostile(plan, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


def trust(emulator_server, secret, token=None):
    """The emulator accepts this example's key pair (and token)."""
    emulator_server.emulator.auth = Authenticator({AK: secret}, {AK: token} if token else None)


def connection(url, secret, token=None, **extra):
    args = dict(alicloud_access_key=AK, alicloud_secret_key=secret, alicloud_security_token=token,
                alicloud_region='cn-hangzhou', hbr_endpoint=url, api_retries=1, read_timeout=1, connect_timeout=2)
    args.update(extra)
    return args


def assert_no_leak(output, secret_values):
    SEARCHED['bytes'] += len(output.encode('utf-8'))
    SEARCHED['runs'] += 1
    result = json.loads(output)
    assert result.get('failed'), output
    assert 'exception' not in result
    assert leaks(output, secret_values) == [], output
    return result


TRANSPORT = ['echo502', 'echo400', 'throttle', 'drop']


@pytest.mark.parametrize('behaviour', TRANSPORT)
@pytest.mark.parametrize('signature', ['v1', 'v3'])
@FAST
@given(secret=secrets(), token=secrets())
def test_a_failing_read_shows_no_secret(emulator, hostile, monkeypatch, behaviour, signature, secret, token):
    no_sleep_build_client(monkeypatch)
    server = hostile({'DescribeBackupClients': behaviour}, upstream=emulator.url)
    output = run_entry(hbr_client_info, connection(server.url, secret, token, signature_version=signature))
    result = assert_no_leak(output, [secret, token])
    assert server.seen.count('DescribeBackupClients') == (1 if behaviour == 'echo400' else 2)  # retried once
    assert result['code'] in ('HTTP502', 'InvalidParameter', 'Throttling.User', 'ConnectionDropped')


@SLOW
@given(secret=secrets(), token=secrets())
def test_refused_and_timed_out_reads_show_no_secret(emulator, hostile, monkeypatch, secret, token):
    no_sleep_build_client(monkeypatch)
    refused = run_entry(hbr_client_info, connection(closed_port_url(), secret, token, signature_version='v1'))
    assert assert_no_leak(refused, [secret, token])['code'] == 'ConnectionRefused'
    server = hostile({'DescribeBackupClients': 'hang'}, upstream=emulator.url)
    timed_out = run_entry(hbr_client_info, connection(server.url, secret, token, signature_version='v1',
                                                      api_retries=0))
    assert assert_no_leak(timed_out, [secret, token])['code'] == 'ReadTimeout'


@pytest.mark.parametrize('signature', ['v1', 'v3'])
@FAST
@given(secret=secrets(), token=secrets())
def test_a_signature_the_service_rejects_shows_no_secret(emulator, monkeypatch, signature, secret, token):
    # The emulator, like the service, answers SignatureDoesNotMatch with its string to sign: for
    # V1 that is every parameter, the security token among them, percent-encoded twice.
    no_sleep_build_client(monkeypatch)
    trust(emulator, secret + 'x')
    output = run_entry(hbr_client_info, connection(emulator.url, secret, token, signature_version=signature))
    assert assert_no_leak(output, [secret, token])['code'] == 'SignatureDoesNotMatch'


@pytest.mark.parametrize('behaviour', ['echo502', 'echo400', 'drop'])
@pytest.mark.parametrize('signature', ['v1', 'v3'])
@FAST
@given(secret=secrets(), password=secrets())
def test_a_failing_settings_call_shows_no_proxy_password(emulator, hostile, monkeypatch, behaviour, signature,
                                                         secret, password):
    no_sleep_build_client(monkeypatch)
    trust(emulator, secret)
    server = hostile({'UpdateClientSettings': behaviour}, upstream=emulator.url)
    args = connection(server.url, secret, signature_version=signature, instance_ids=[IID], data_proxy_setting='CUSTOM',
                      proxy_host='proxy.internal', proxy_port=3128, proxy_user='backup', proxy_password=password,
                      update_proxy_password='always')
    output = run_entry(hbr_client, args, diff=True)
    assert_no_leak(output, [secret, password])
    assert 'UpdateClientSettings' in server.seen


@pytest.mark.parametrize('behaviour', ['echo502', 'echo400', 'drop'])
@FAST
@given(secret=secrets(), hana_secret=secrets())
def test_a_failing_hana_create_shows_no_hana_secret(emulator, hostile, monkeypatch, behaviour, secret, hana_secret):
    no_sleep_build_client(monkeypatch)
    trust(emulator, secret)
    server = hostile({'CreateClients': behaviour}, upstream=emulator.url)
    args = connection(server.url, secret, signature_version='v1', instance_ids=[IID], vault_id='v-0001leaktest000001',
                      cluster_id='cl-0001leaktest00001', hana_access_key_id='LTAIhana', hana_access_key_secret=hana_secret,
                      precheck_instances=False)
    output = run_entry(hbr_client, args)
    assert_no_leak(output, [secret, hana_secret])
    assert 'CreateClients' in server.seen


@pytest.mark.parametrize('behaviour', ['echo502', 'echo400', 'drop', 'refused'])
@FAST
@given(secret=secrets(), token=secrets())
def test_a_failing_assume_role_shows_no_source_secret(hostile, monkeypatch, behaviour, secret, token):
    no_sleep_build_client(monkeypatch)
    sts = closed_port_url() if behaviour == 'refused' else hostile({'AssumeRole': behaviour}).url
    args = connection(closed_port_url(), secret, token, sts_endpoint=sts,
                      alicloud_assume_role_arn='acs:ram::1234567890:role/hbr')
    result = assert_no_leak(run_entry(hbr_client_info, args), [secret, token])
    assert result['option'] in ('alicloud_assume_role_arn', 'sts_endpoint')


def sts_answer(secret, token):
    return lambda path: (200, json.dumps({'RequestId': 'S', 'Credentials': {
        'AccessKeyId': 'STS.leak', 'AccessKeySecret': secret, 'SecurityToken': token,
        'Expiration': '2099-01-01T00:00:00Z'}}))


@pytest.mark.parametrize('behaviour', ['echo502', 'echo400'])
@FAST
@given(secret=secrets(), role_secret=secrets(), role_token=secrets())
def test_assume_role_session_credentials_never_leak(hostile, monkeypatch, behaviour, secret, role_secret, role_token):
    no_sleep_build_client(monkeypatch)
    server = hostile({'DescribeBackupClients': behaviour}, answers={'AssumeRole': sts_answer(role_secret, role_token)})
    args = connection(server.url, secret, signature_version='v1', sts_endpoint=server.url,
                      alicloud_assume_role_arn='acs:ram::1234567890:role/hbr')
    assert_no_leak(run_entry(hbr_client_info, args), [secret, role_secret, role_token])
    assert server.seen[0] == 'AssumeRole' and server.seen[1:] == ['DescribeBackupClients'] * len(server.seen[1:])
    assert len(server.seen) > 1


@FAST
@given(role_secret=secrets(), role_token=secrets())
def test_ecs_ram_role_credentials_never_leak(hostile, monkeypatch, role_secret, role_token):
    no_sleep_build_client(monkeypatch)
    creds = json.dumps({'Code': 'Success', 'AccessKeyId': 'STS.ecs', 'AccessKeySecret': role_secret,
                        'SecurityToken': role_token, 'Expiration': '2099-01-01T00:00:00Z'})
    server = hostile({'DescribeBackupClients': 'echo502'}, answers={
        '/latest/api/token': lambda path: (200, 'TOKEN'),
        '/latest/meta-data/ram/security-credentials/hbr-role': lambda path: (200, creds)})
    args = connection(server.url, None, signature_version='v1', alicloud_access_key=None, ecs_role_name='hbr-role',
                      ecs_metadata_endpoint=server.url)
    assert_no_leak(run_entry(hbr_client_info, args), [role_secret, role_token])
    assert server.seen[-1] == 'DescribeBackupClients'


@FAST
@given(profile_secret=secrets(), profile_token=secrets())
def test_profile_credentials_never_leak(hostile, monkeypatch, tmp_path_factory, profile_secret, profile_token):
    no_sleep_build_client(monkeypatch)
    path = tmp_path_factory.mktemp('profile') / 'config.json'
    path.write_text(json.dumps({'current': 'sts', 'profiles': [
        {'name': 'sts', 'mode': 'StsToken', 'access_key_id': AK, 'access_key_secret': profile_secret,
         'sts_token': profile_token, 'region_id': 'cn-hangzhou'}]}))
    server = hostile({'DescribeBackupClients': 'echo400'})
    args = connection(server.url, None, signature_version='v1', alicloud_access_key=None,
                      shared_credentials_file=str(path))
    assert_no_leak(run_entry(hbr_client_info, args), [profile_secret, profile_token])


@pytest.mark.parametrize('behaviour', TRANSPORT + ['hang'])
@FAST
@given(secret=secrets(), token=secrets(), password=secrets())
def test_the_rpc_client_alone_puts_no_secret_in_an_error(emulator, hostile, behaviour, secret, token, password):
    # Without Ansible's no_log masking: the error text itself is clean.
    server = hostile({'UpdateClientSettings': behaviour}, upstream=emulator.url, hang_seconds=1.2)
    api = _rpc.RpcClient(_credentials.Credentials(AK, secret, token), server.url, signature_version='v1', retries=1,
                         timeouts=(2, 1), sleep=lambda s: None)
    with pytest.raises(_errors.HbrApiError) as info:
        api.call('UpdateClientSettings', {'ClientId': 'c-000leak', 'ProxyPassword': password})
    text = '%s %r %s' % (info.value, info.value.args, json.dumps(info.value.to_dict()))
    assert leaks(text, [secret, token, password]) == [], text
