"""HTTPS with a throwaway CA, and the command-line contract."""

import json
import os
import subprocess
import sys
import urllib.request

import pytest
import requests


def make_ca_and_cert(directory):
    def run(*args):
        subprocess.run(['openssl'] + list(args), check=True, cwd=directory, capture_output=True)

    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
        '-subj', '/CN=hbr-emulator test CA')
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1')
    with open(os.path.join(directory, 'san.ext'), 'w') as handle:
        handle.write('subjectAltName=IP:127.0.0.1,DNS:localhost\n')
    run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out',
        'server.pem', '-days', '2', '-extfile', 'san.ext')
    return [os.path.join(directory, name) for name in ('ca.pem', 'server.pem', 'server.key')]


def test_https_needs_the_ca(start_emulator, tmp_path):
    ca, cert, key = make_ca_and_cert(str(tmp_path))
    running = start_emulator(cert=cert, key=key)
    assert running.url.startswith('https://127.0.0.1:')
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(running.url + '/_emulator/health', timeout=5)
    response = requests.get(running.url + '/_emulator/health', timeout=5, verify=ca)
    assert response.status_code == 200 and response.json() == {'status': 'ok'}


def test_cli_prints_its_url_first_and_serves_the_scenario(tmp_path):
    scenario = tmp_path / 'scenario.json'
    scenario.write_text(json.dumps({'instance_count': 3, 'region': 'cn-shanghai'}))
    process = subprocess.Popen([sys.executable, '-m', 'hbr_emulator', '--port', '0', '--scenario', str(scenario)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline().strip()
        assert first.startswith('hbr-emulator listening on http://127.0.0.1:')
        url = first.rsplit(' ', 1)[1]
        with urllib.request.urlopen(url + '/_emulator/health') as response:
            assert response.status == 200
        with urllib.request.urlopen(url + '/_emulator/state') as response:
            state = json.loads(response.read())
        assert [i['instance_id'] for i in state['instances']] == ['i-emu%017d' % n for n in (1, 2, 3)]
        assert all(len(i['instance_id']) == 22 and i['zone_id'] == 'cn-shanghai-h' for i in state['instances'])
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0


def test_cli_rejects_half_tls_options():
    result = subprocess.run([sys.executable, '-m', 'hbr_emulator', '--tls-cert', 'x.pem'], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 2 and '--tls-cert and --tls-key go together' in result.stderr
