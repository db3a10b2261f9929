"""The HTTP(S) front of the emulator: RPC requests at ``/``, admin routes under ``/_emulator/``.

One thread per connection (ThreadingHTTPServer) with HTTP/1.1 keep-alive: a client reuses its
connection across calls as requests does, parsing and signature checks run in parallel, and
only the state change itself takes the service lock (see README.md, "Why this design").
"""

import ipaddress
import json
import random
import socket
import ssl
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .auth import V1_COMMON, AuthError, Authenticator
from .scenario import check_instances
from .service import ApiError, Service, encode_json

DEFAULT_KEYS = {'emulator-ak': 'emulator-secret'}
FAULT_KEYS = ('throttle_rate', 'server_error_rate', 'drop_rate', 'latency_ms', 'seed', 'retry_after_ms')


class Faults:
    """Injected failures, drawn from one seeded generator in request-arrival order."""

    def __init__(self, config=None):
        self.lock = threading.Lock()
        self.configure(config or {})

    def configure(self, config):
        unknown = set(config) - set(FAULT_KEYS)
        if unknown:
            raise ValueError('unknown fault keys: %s' % ', '.join(sorted(unknown)))
        for key in ('throttle_rate', 'server_error_rate', 'drop_rate'):
            value = float(config.get(key, 0) or 0)
            if not 0 <= value <= 1:
                raise ValueError('%s must be between 0 and 1' % key)
        with self.lock:
            self.config = dict(config)
            self.rng = random.Random(config.get('seed'))

    def draw(self):
        """Decide this request's fate: (latency seconds, throttle, server error code or None, drop)."""
        with self.lock:
            cfg = self.config
            throttle = self.rng.random() < float(cfg.get('throttle_rate', 0) or 0)
            server_error = self.rng.random() < float(cfg.get('server_error_rate', 0) or 0)
            error_code = self.rng.choice(['ServiceUnavailable', 'InternalError']) if server_error else None
            drop = self.rng.random() < float(cfg.get('drop_rate', 0) or 0)
        return float(cfg.get('latency_ms', 0) or 0) / 1000.0, throttle, error_code, drop

    def retry_after_ms(self):
        return self.config.get('retry_after_ms')


class Emulator:
    """Service + authenticator + faults; the request handler calls into this."""

    def __init__(self, scenario=None, state_path=None, clock=time.time):
        scenario = dict(scenario or {})
        self.service = Service(scenario, state_path, clock=clock)
        scenario = self.service.scenario  # a reopened state file keeps its own scenario
        offset = float(scenario.get('clock_offset_seconds') or 0)
        self.auth = Authenticator(scenario.get('access_keys') or DEFAULT_KEYS, scenario.get('sts_tokens'),
                                  clock=lambda: clock() + offset)
        self.faults = Faults(scenario.get('faults') or {})
        self.service.behaviour.reseed(self.faults.config.get('seed'))
        self.host_id = 'hbr.%s.aliyuncs.com' % self.service.region

    def handle_api(self, method, headers, query, body_params, raw_body):
        """Return (status, extra headers, body dict or None when dropped)."""
        request_id = str(uuid.uuid4()).upper()
        action = headers.get('x-acs-action') or query.get('Action') or body_params.get('Action')
        params = {k: v for k, v in list(query.items()) + list(body_params.items()) if k not in V1_COMMON}
        latency, throttle, error_code, drop = self.faults.draw()
        if latency:
            time.sleep(latency)
        outcome = {'task_id': None, 'signature': None, 'extra': {}}
        try:
            self._injected_failure(throttle, error_code, outcome['extra'])
            action, _key, outcome['signature'] = self.auth.authenticate(method, headers, query, body_params, raw_body)
            version = headers.get('x-acs-version') or query.get('Version') or body_params.get('Version')
            body, outcome['task_id'] = self.service.call(action, params, version)
            body['RequestId'] = request_id
            status = 200
        except AuthError as exc:
            status, body = exc.status, self._gateway_error(exc.code, exc.message, request_id)
        except ApiError as exc:
            status, body = exc.status, self._error_body(exc, request_id)
        code = body.get('Code') if status != 200 or body.get('Success') is False else None
        dropped = drop and status == 200
        self.service.log_call({'action': action, 'params': params, 'http_status': None if dropped else status,
                               'code': code, 'task_id': outcome['task_id'], 'dropped': dropped,
                               'signature': outcome['signature']})
        return status, outcome['extra'], (None if dropped else body)

    def _injected_failure(self, throttle, error_code, extra):
        """Raise the throttling or server error the fault draw chose (the action is not applied)."""
        if throttle:
            retry_after = self.faults.retry_after_ms()
            if retry_after:
                extra['x-acs-retry-after'] = str(int(retry_after))
            raise ApiError('Throttling.User', 'Request was denied due to user flow control.', status=400)
        if error_code == 'ServiceUnavailable':
            raise ApiError(error_code, 'The request has failed due to a temporary failure of the server.', status=503)
        if error_code:
            raise ApiError(error_code, 'The request processing has failed due to some unknown error.', status=500)

    def _error_body(self, exc, request_id):
        if exc.shape == 'gateway':
            return self._gateway_error(exc.code, exc.message, request_id)
        return {'Success': False, 'Code': exc.code, 'Message': exc.message, 'RequestId': request_id}

    def _gateway_error(self, code, message, request_id):
        return {'RequestId': request_id, 'HostId': self.host_id, 'Code': code, 'Message': message,
                'Recommend': 'https://api.aliyun.com/troubleshoot?q=%s&product=hbr&requestId=%s' % (code, request_id)}

    def handle_admin(self, method, path, body):
        """Admin routes: return (status, body)."""
        route = (method, path.rstrip('/'))
        if route == ('GET', '/_emulator/health'):
            return 200, {'status': 'ok'}
        if route == ('GET', '/_emulator/calls'):
            return 200, self.service.calls()
        if route == ('DELETE', '/_emulator/calls'):
            self.service.clear_calls()
            return 200, {'cleared': True}
        if route == ('GET', '/_emulator/faults'):
            return 200, self.faults.config
        if route == ('PUT', '/_emulator/faults'):
            self.faults.configure(_json_object(body))
            self.service.behaviour.reseed(self.faults.config.get('seed'))
            return 200, self.faults.config
        if route == ('GET', '/_emulator/behaviour'):
            return 200, self.service.behaviour.options
        if route == ('PUT', '/_emulator/behaviour'):
            return 200, self.service.behaviour.configure(_json_object(body))
        if method == 'DELETE' and path.startswith('/_emulator/instances/'):
            instance_id = path[len('/_emulator/instances/'):].rstrip('/')
            if not self.service.release_instance(instance_id):
                return 404, {'error': 'no instance %s' % instance_id}
            return 200, {'released': instance_id}
        if route == ('POST', '/_emulator/reset'):
            self.service.reset()
            self.faults.configure(self.service.scenario.get('faults') or {})
            self.service.behaviour.reseed(self.faults.config.get('seed'))
            return 200, {'reset': True}
        if route == ('POST', '/_emulator/instances'):
            spec = check_instances(json.loads(body or '{}'))
            return 200, {'added': self.service.add_instances(spec)}
        if route == ('GET', '/_emulator/state'):
            return 200, self.service.snapshot()
        return 404, {'error': 'no admin route %s %s' % route}


def _json_object(text):
    value = json.loads(text or '{}')
    if not isinstance(value, dict):
        raise ValueError('expected a JSON object')
    return value


def _is_loopback(address):
    try:
        return ipaddress.ip_address(address.split('%')[0]).is_loopback
    except ValueError:
        return False


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'hbr-emulator'
    sys_version = ''

    def setup(self):
        context = self.server.ssl_context
        if context is not None:
            # The TLS handshake runs here, in the connection's own thread, not in the accept loop.
            self.request.settimeout(30)
            self.request = context.wrap_socket(self.request, server_side=True)
            self.request.settimeout(None)
        super().setup()

    def log_message(self, *args):
        pass

    def _read_body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def _send_json(self, status, body, extra_headers=None):
        data = encode_json(body).encode('utf-8') if isinstance(body, dict) else json.dumps(body).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json;charset=utf-8')
        self.send_header('Content-Length', str(len(data)))
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _dispatch(self):
        emulator = self.server.emulator
        raw_body = self._read_body()
        url = urlsplit(self.path)
        if url.path.startswith('/_emulator/'):
            if not _is_loopback(self.client_address[0]):
                self._send_json(403, {'error': 'admin routes answer only on loopback'})
                return
            try:
                status, body = emulator.handle_admin(self.command, url.path, raw_body.decode('utf-8'))
            except ValueError as exc:
                status, body = 400, {'error': str(exc)}
            self._send_json(status, body)
            return
        if url.path not in ('', '/'):
            self._send_json(404, {'Code': 'InvalidAction.NotFound', 'Message': 'Specified api is not found.'})
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        body_params = {}
        if raw_body and 'application/x-www-form-urlencoded' in headers.get('content-type', ''):
            body_params = dict(parse_qsl(raw_body.decode('utf-8'), keep_blank_values=True))
        status, extra, body = emulator.handle_api(self.command, headers, query, body_params, raw_body)
        if body is None:
            # drop_rate: the action was applied; the client gets no answer at all.
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._send_json(status, body, extra)

    do_GET = do_POST = do_PUT = do_DELETE = _dispatch


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, emulator, host='127.0.0.1', port=0, ssl_context=None):
        self.emulator = emulator
        self.ssl_context = ssl_context
        if ':' in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), Handler)

    def handle_error(self, request, client_address):
        # A client that hangs up mid-request (or rejects our certificate) is not an emulator error.
        pass

    @property
    def url(self):
        host, port = self.server_address[:2]
        scheme = 'https' if self.ssl_context else 'http'
        return '%s://%s:%d' % (scheme, '[%s]' % host if ':' in host else host, port)


def make_ssl_context(cert_file, key_file):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


def start_in_thread(scenario=None, state_path=None, host='127.0.0.1', port=0, cert=None, key=None):
    """Start an emulator in a background thread (for tests and benchmarks). Returns the server."""
    context = make_ssl_context(cert, key) if cert else None
    server = EmulatorServer(Emulator(scenario, state_path), host, port, context)
    thread = threading.Thread(target=server.serve_forever, name='hbr-emulator', daemon=True)
    thread.start()
    return server
