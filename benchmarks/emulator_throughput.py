"""Signed DescribeBackupClients pages of 99 clients served per second by the emulator.

Usage: python benchmarks/emulator_throughput.py [--requests 2000] [--threads 4] [--clients 1000]
                                                [--client requests|raw]
The emulator runs in its own process; the load comes from this process's threads, each with
its own keep-alive connection, signing every request (V3) with the collection's signer.
``--client requests`` goes through the collection's whole transport (HbrApi on requests, JSON
decoding of every page); ``--client raw`` sends the same signed requests over http.client and
checks each page by counting its ClientId fields, so that on a 2-core machine the load
generator takes less of the CPU the emulator needs.
"""

import argparse
import http.client
import os
import resource
import threading

from _common import EmulatorProcess, hbr_api, machine, now, signer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--requests', type=int, default=2000)
    parser.add_argument('--threads', type=int, default=4)
    parser.add_argument('--clients', type=int, default=1000)
    parser.add_argument('--client', choices=['requests', 'raw'], default='raw')
    args = parser.parse_args()
    instances = [{'instance_id': 'i-emu%017d' % n, 'client': {'status': 'ACTIVATED'}}
                 for n in range(1, args.clients + 1)]
    emulator = EmulatorProcess({'instances': instances})
    pages = max(1, args.clients // 99)
    try:
        per_thread = args.requests // args.threads
        errors = []

        def load_requests(offset):
            api = hbr_api(emulator.url, retries=0)
            for n in range(per_thread):
                body = api.call('DescribeBackupClients', {'ClientType': 'ECS_CLIENT', 'PageSize': 99,
                                                          'PageNumber': 1 + (n + offset) % pages})
                if len(body['Clients']) != 99:
                    errors.append(len(body['Clients']))

        def load_raw(offset):
            build, credentials = signer()
            host = emulator.url.split('://', 1)[1]
            connection = http.client.HTTPConnection(host)
            for n in range(per_thread):
                query, headers, body = build(credentials, host, 'DescribeBackupClients', {
                    'ClientType': 'ECS_CLIENT', 'PageSize': 99, 'PageNumber': 1 + (n + offset) % pages})
                path = '/?' + '&'.join('%s=%s' % item for item in sorted(query.items()))
                connection.request('POST', path, body=body or None, headers=headers)
                response = connection.getresponse()
                data = response.read()
                if response.status != 200 or data.count(b'"ClientId":') != 99:
                    errors.append(response.status)
            connection.close()

        load = load_raw if args.client == 'raw' else load_requests

        threads = [threading.Thread(target=load, args=(t,)) for t in range(args.threads)]
        server_cpu_before = process_cpu_seconds(emulator.process.pid)
        client_cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        started = now()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = now() - started
        server_cpu = process_cpu_seconds(emulator.process.pid) - server_cpu_before
        usage = resource.getrusage(resource.RUSAGE_SELF)
        client_cpu = usage.ru_utime + usage.ru_stime - client_cpu_before.ru_utime - client_cpu_before.ru_stime
    finally:
        emulator.stop()
    total = per_thread * args.threads
    print('| metric | value |')
    print('|---|---|')
    print('| machine | %s |' % machine())
    print('| requests | %d signed DescribeBackupClients, PageSize 99, %d clients in the fleet |' % (total, args.clients))
    print('| load generator | %s, %d threads |' % (args.client, args.threads))
    print('| wall time | %.2f s |' % elapsed)
    print('| throughput | %.0f requests/s |' % (total / elapsed))
    print('| emulator CPU per request | %.2f ms (%.0f%% of one core) |' % (
        server_cpu / total * 1000, 100 * server_cpu / elapsed))
    print('| load generator CPU per request | %.2f ms |' % (client_cpu / total * 1000))
    print('| short pages (errors) | %d |' % len(errors))


def process_cpu_seconds(pid):
    with open('/proc/%d/stat' % pid) as handle:
        fields = handle.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


if __name__ == '__main__':
    main()
