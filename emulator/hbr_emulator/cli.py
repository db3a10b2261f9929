"""``hbr-emulator``: run the emulator in the foreground.

The first line on stdout is always ``hbr-emulator listening on <url>`` (scripts wait for it).
Every problem before that line (a bad argument, a missing or malformed scenario, a port in use,
an unreadable certificate or state file) is one line on stderr and exit code 2, never a traceback.
"""

import argparse
import signal
import sqlite3
import ssl
import sys

from .scenario import ScenarioError, load_scenario_file
from .server import Emulator, EmulatorServer, make_ssl_context

# The contract: the first stdout line, followed by the URL (hbr_emulator.launcher waits for it).
START_LINE = 'hbr-emulator listening on '
USAGE_ERROR = 2


class StartError(Exception):
    """Why the emulator cannot start: printed as one line."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        raise StartError('%s (see hbr-emulator --help)' % message)


def parse_args(argv=None):
    parser = OneLineParser(
        prog='hbr-emulator', description='A local Alibaba Cloud HBR (Cloud Backup) endpoint for demos, tests and '
                                         'benchmarks.')
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (default 127.0.0.1)')
    parser.add_argument('--port', type=int, default=0, help='port (default 0: any free port)')
    parser.add_argument('--scenario', help='scenario JSON file (fleet, keys, task durations, faults, behaviour); '
                                           'example: emulator/scenarios/example-fleet.json')
    parser.add_argument('--state', help='SQLite file that keeps clients and tasks across restarts '
                                        '(default: in memory)')
    parser.add_argument('--tls-cert', help='PEM certificate: serve HTTPS')
    parser.add_argument('--tls-key', help='PEM private key for --tls-cert')
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error('--tls-cert and --tls-key go together')
    if not 0 <= args.port <= 65535:
        parser.error('--port %d is not a port number (0 to 65535; 0 picks a free one)' % args.port)
    return args


def build_server(args):
    """The listening server, or StartError naming what is wrong."""
    scenario = load_scenario_file(args.scenario) if args.scenario else {}
    try:
        context = make_ssl_context(args.tls_cert, args.tls_key) if args.tls_cert else None
    except (OSError, ssl.SSLError) as exc:
        raise StartError('cannot use --tls-cert %s / --tls-key %s: %s' % (args.tls_cert, args.tls_key, exc))
    try:
        emulator = Emulator(scenario, args.state)
    except sqlite3.Error as exc:
        raise StartError('cannot use --state %s: %s' % (args.state, exc))
    except ValueError as exc:  # faults or behaviour options, checked by their owners
        raise StartError('scenario file %s: %s' % (args.scenario, exc))
    try:
        return EmulatorServer(emulator, args.host, args.port, context)
    except OSError as exc:
        raise StartError('cannot listen on %s port %d: %s' % (args.host, args.port, exc.strerror or exc))


def main(argv=None):
    try:
        server = build_server(parse_args(argv))
    except (StartError, ScenarioError) as exc:
        print('hbr-emulator: error: %s' % exc, file=sys.stderr)
        return USAGE_ERROR
    print(START_LINE + server.url, flush=True)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
