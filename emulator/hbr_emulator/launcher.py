"""Start an ``hbr-emulator`` process and wait until it serves: the one helper that tests, benchmarks
and the demo use (so the start-line contract is read in one place).

    from hbr_emulator.launcher import EmulatorProcess

    with EmulatorProcess({'instance_count': 3}) as emulator:
        emulator.admin('GET', '/_emulator/state')
        ...  # point clients at emulator.url

The emulator runs as ``sys.executable -m hbr_emulator`` on 127.0.0.1, port 0 (a free port) unless
told otherwise; ``restart()`` stops it and starts it again on the same port (with ``state`` set, it
keeps its clients and tasks).
"""

import json
import os
import queue
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

from .cli import START_LINE

PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class EmulatorError(RuntimeError):
    """The emulator did not start, or an admin request failed."""


class EmulatorProcess:
    """One ``hbr-emulator`` process. ``scenario`` is a dict (written to a temporary file) or the
    path of a scenario file; ``env`` adds variables to the process environment."""

    def __init__(self, scenario=None, *, state=None, tls_cert=None, tls_key=None, env=None, host='127.0.0.1',
                 port=0, start_timeout=30.0):
        # A dict is written to a temporary file for each start and removed at each stop.
        self._scenario = scenario if isinstance(scenario, dict) else None
        self._scenario_file = None
        self.scenario_path = None if self._scenario is not None else scenario
        self.state = state
        self.tls = (tls_cert, tls_key) if tls_cert else None
        self.extra_env = dict(env or {})
        self.host = host
        self.port = port
        self.start_timeout = start_timeout
        self.process = None
        self.url = None
        self._stderr = None
        self.start()

    # --- process lifecycle -------------------------------------------------------------------------------------

    def command(self):
        command = [sys.executable, '-m', 'hbr_emulator', '--host', self.host, '--port', str(self.port)]
        if self.scenario_path:
            command += ['--scenario', str(self.scenario_path)]
        if self.state:
            command += ['--state', str(self.state)]
        if self.tls:
            command += ['--tls-cert', str(self.tls[0]), '--tls-key', str(self.tls[1])]
        return command

    def _environment(self):
        env = dict(os.environ, **self.extra_env)
        # Importable also when the package is not installed (a plain checkout); an outer
        # PYTHONPATH keeps precedence.
        env['PYTHONPATH'] = os.pathsep.join(p for p in (env.get('PYTHONPATH'), PACKAGE_PARENT) if p)
        return env

    def start(self):
        """Start the process and wait for its start line (``start_timeout`` seconds at most)."""
        if self.process is not None and self.process.poll() is None:
            raise EmulatorError('the emulator is already running at %s' % self.url)
        if self._scenario is not None:
            self._scenario_file = self.scenario_path = _write_scenario(self._scenario)
        # stderr goes to a file, not a pipe: nothing reads it while the emulator runs.
        self._stderr = tempfile.TemporaryFile(mode='w+', prefix='hbr-emulator-stderr-')
        self.process = subprocess.Popen(self.command(), stdout=subprocess.PIPE, stderr=self._stderr, text=True,
                                        env=self._environment())
        line = _first_line(self.process.stdout, self.start_timeout)
        if line is None or not line.startswith(START_LINE):
            self._fail_start(line)
        self.url = line[len(START_LINE):].strip()
        self.port = int(self.url.rsplit(':', 1)[1])
        return self.url

    def _fail_start(self, line):
        self._kill()
        self._remove_scenario_file()
        self._stderr.seek(0)
        detail = self._stderr.read().strip()
        self._stderr.close()
        why = ('no start line within %.0f s' % self.start_timeout if line is None else
               'first line was %r' % line if line else 'it exited with code %s' % self.process.returncode)
        raise EmulatorError('hbr-emulator did not start (%s): %s\n%s' % (why, ' '.join(self.command()), detail))

    def stop(self, timeout=10.0):
        """Terminate (SIGTERM), wait, kill if it does not stop in ``timeout`` seconds."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    self._kill()
            self.process.stdout.close()
            self._stderr.close()
        self._remove_scenario_file()

    def restart(self, timeout=10.0):
        """Stop, then start again on the same port (the same state file, if any)."""
        self.stop(timeout)
        return self.start()

    def _kill(self):
        self.process.kill()
        self.process.wait()

    def _remove_scenario_file(self):
        if self._scenario_file:
            try:
                os.unlink(self._scenario_file)
            except OSError:
                pass
            self._scenario_file = None

    def stderr_text(self):
        """What the emulator wrote to stderr so far (for failure messages)."""
        self._stderr.seek(0)
        return self._stderr.read()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    # --- admin API ---------------------------------------------------------------------------------------------

    def admin(self, method, path, body=None):
        """Call an admin route (``/_emulator/...``) and return its decoded JSON answer."""
        data = json.dumps(body).encode('utf-8') if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(request, context=self._admin_tls(), timeout=60) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise EmulatorError('%s %s: HTTP %d %s' % (method, path, exc.code, exc.read().decode('utf-8', 'replace')))

    def _admin_tls(self):
        # Admin calls go to our own loopback process; its certificate is a test one.
        if not self.tls:
            return None
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context


def _write_scenario(scenario):
    handle, path = tempfile.mkstemp(prefix='hbr-emulator-scenario-', suffix='.json')
    with os.fdopen(handle, 'w') as stream:
        json.dump(scenario, stream)
    return path


def _first_line(stream, timeout):
    """The first line of ``stream`` (without its newline), '' at end of file, None on timeout."""
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout).rstrip('\n')
    except queue.Empty:
        return None
