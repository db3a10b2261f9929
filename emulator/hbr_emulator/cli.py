"""``hbr-emulator``: run the emulator in the foreground.

The first line on stdout is always ``hbr-emulator listening on <url>`` (scripts wait for it).
"""

import argparse
import json
import signal
import sys

from .server import Emulator, EmulatorServer, make_ssl_context

# The contract: the first stdout line, followed by the URL (hbr_emulator.launcher waits for it).
START_LINE = 'hbr-emulator listening on '


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog='hbr-emulator', description='A local Alibaba Cloud HBR (Cloud Backup) endpoint for demos, tests and '
                                         'benchmarks.')
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (default 127.0.0.1)')
    parser.add_argument('--port', type=int, default=0, help='port (default 0: any free port)')
    parser.add_argument('--scenario', help='scenario JSON file (fleet, keys, task durations, faults)')
    parser.add_argument('--state', help='SQLite file that keeps clients and tasks across restarts '
                                        '(default: in memory)')
    parser.add_argument('--tls-cert', help='PEM certificate: serve HTTPS')
    parser.add_argument('--tls-key', help='PEM private key for --tls-cert')
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error('--tls-cert and --tls-key go together')
    return args


def main(argv=None):
    args = parse_args(argv)
    scenario = {}
    if args.scenario:
        with open(args.scenario, encoding='utf-8') as handle:
            scenario = json.load(handle)
    context = make_ssl_context(args.tls_cert, args.tls_key) if args.tls_cert else None
    server = EmulatorServer(Emulator(scenario, args.state), args.host, args.port, context)
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
