# -*- coding: utf-8 -*-
# The ad hoc command of the README, the fleet role through the ready playbooks, and the HTML
# report rendered in headless Chromium.

from __future__ import absolute_import, division, print_function

import json
import os
import re
import shutil
import struct
import subprocess
import zlib

import pytest

from conftest import BIN, SECRET, fleet_inventory  # pylint: disable=import-error

GOOD = ['i-sysgood%013d' % n for n in range(1, 28)]
STOPPED = 'i-sysstopped000000001'
NOASSIST = 'i-sysnoassist00000001'
FAILING = 'i-sysfailing000000001'
OUTDATED = 'i-sysoutdated00000001'


def scenario():
    instances = [{'instance_id': iid, 'zone_id': 'cn-hangzhou-%s' % 'hij'[n % 3]} for n, iid in enumerate(GOOD)]
    instances += [{'instance_id': STOPPED, 'status': 'Stopped'}, {'instance_id': NOASSIST, 'cloud_assistant': False},
                  {'instance_id': FAILING, 'install_fails': True},
                  {'instance_id': OUTDATED, 'client': {'status': 'ACTIVATED', 'version': '2.12.0'}}]
    return {'instances': instances, 'client_version': '2.14.0', 'max_client_version': '2.14.0'}


def run(command, env, cwd=None):
    """Run an Ansible command; any [WARNING] or [DEPRECATION WARNING] line fails the test."""
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    warnings = [line for line in (result.stdout + result.stderr).splitlines()
                if line.startswith(('[WARNING]', '[DEPRECATION WARNING]')) and 'implicit localhost' not in line
                and 'provided hosts list is empty' not in line]
    assert warnings == [], 'the shipped roles and playbooks must not warn: %s' % warnings
    return result


def recap(output):
    return dict((host, dict(ok=int(ok), changed=int(changed), failed=int(failed))) for host, ok, changed, failed in
                re.findall(r'^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)', output, re.M))


def test_adhoc_info_command_from_the_readme(emulator):
    running = emulator({'instances': [{'instance_id': 'i-adhoc%015d' % n, 'client': {'status': 'ACTIVATED'}}
                                      for n in range(1, 4)]})
    result = run([os.path.join(BIN, 'ansible'), 'localhost', '-m', 'alicloud.hbr.hbr_client_info',
                  '-a', 'instance_ids=i-adhoc000000000000001,i-adhoc000000000000002'], running.env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith('localhost | SUCCESS => ')
    outcome = json.loads(result.stdout.split('=>', 1)[1])
    assert [c['instance_id'] for c in outcome['clients']] == ['i-adhoc000000000000001', 'i-adhoc000000000000002']
    assert outcome['changed'] is False


def test_protect_playbook_with_the_role_then_idempotent(emulator, tmp_path):
    running = emulator(scenario())
    inventory = fleet_inventory(tmp_path / 'inventory.yml', GOOD + [STOPPED, NOASSIST, FAILING, OUTDATED])
    with open(inventory, 'a') as handle:
        handle.write('    noid:\n      hosts:\n        host-without-id: {}\n')
    env = running.env()
    settings = ['-e', json.dumps({'hbr_client_settings': {'max_cpu_core': 2, 'data_proxy_setting': 'CUSTOM',
                                                          'proxy_host': '10.0.0.1', 'proxy_port': 3128,
                                                          'proxy_password': SECRET}})]
    first = run([os.path.join(BIN, 'ansible-playbook'), 'alicloud.hbr.protect', '-i', inventory] + settings, env)
    hosts = recap(first.stdout)
    assert first.returncode == 2, first.stdout[-3000:]
    failed = sorted(h for h, r in hosts.items() if r['failed'])
    assert failed == ['host-028', 'host-029', 'host-030', 'host-without-id'], first.stdout[-3000:]
    assert sum(1 for r in hosts.values() if r['changed']) == 28, 'the 27 fresh instances and the outdated one'
    assert 'i-sysstopped000000001: InstanceNotRunning' in first.stdout
    assert 'i-sysfailing000000001: INSTALL_FAILED' in first.stdout
    assert 'has none of the host variables instance_id, ecs_instance_id' in first.stdout
    assert SECRET not in first.stdout + first.stderr
    state = running.admin('GET', '/_emulator/state')
    activated = [c for c in state['clients'] if c['Status'] == 'ACTIVATED']
    assert len(activated) == 28 and all(c['Settings']['MaxCpuCore'] == '2' for c in activated)

    running.admin('DELETE', '/_emulator/calls')
    second = run([os.path.join(BIN, 'ansible-playbook'), 'alicloud.hbr.protect', '-i', inventory] + settings, env)
    hosts = recap(second.stdout)
    assert sum(1 for r in hosts.values() if r['changed']) == 0
    writes = [c for c in running.admin('GET', '/_emulator/calls')
              if c['action'] not in ('DescribeBackupClients', 'DescribeInstances', 'DescribeCloudAssistantStatus',
                                     'DescribeTask')]
    assert writes == []
    assert sorted(h for h, r in hosts.items() if r['failed']) == failed

    upgrade = run([os.path.join(BIN, 'ansible-playbook'), 'alicloud.hbr.upgrade', '-i', inventory, '--limit',
                   'host-031'], env)
    assert upgrade.returncode == 0, upgrade.stdout[-2000:]
    assert recap(upgrade.stdout)['host-031']['changed'] >= 1
    unprotect = run([os.path.join(BIN, 'ansible-playbook'), 'alicloud.hbr.unprotect', '-i', inventory, '--limit',
                     'host-001:host-002'], env)
    assert unprotect.returncode == 0, unprotect.stdout[-2000:]
    clients = dict((c['InstanceId'], c) for c in running.admin('GET', '/_emulator/state')['clients'])
    assert clients[OUTDATED]['ClientVersion'] == '2.14.0'
    assert [clients[i]['Status'] for i in GOOD[:3]] == ['STOPPED', 'STOPPED', 'ACTIVATED']


def test_the_role_gives_each_host_its_own_variables_and_check_mode_predicts(emulator, tmp_path):
    running = emulator(scenario())
    inventory = fleet_inventory(tmp_path / 'inventory.yml', GOOD[:2] + [STOPPED, OUTDATED])
    book = tmp_path / 'role-vars.yml'
    # A failed host leaves the play, so a second play on the controller reads every host's variables.
    book.write_text(
        '- hosts: all\n  gather_facts: false\n  roles:\n    - role: alicloud.hbr.backup_client\n'
        '      vars: {backup_client_state: latest}\n'
        '- hosts: localhost\n  gather_facts: false\n  tasks:\n'
        '    - ansible.builtin.debug:\n        msg: "VARS {{ host }} {{ hostvars[host].backup_client_instance_id }} '
        '{{ hostvars[host].backup_client_record.status | default(\'-\') }} {{ hostvars[host].backup_client_changed }} '
        '{{ hostvars[host].backup_client_failure.code | default(\'-\') }}"\n'
        '      loop: "{{ groups.fleet }}"\n      loop_control: {loop_var: host}\n')
    command = [os.path.join(BIN, 'ansible-playbook'), str(book), '-i', inventory]
    predicted = run(command + ['--check'], running.env())
    assert [h for h, r in sorted(recap(predicted.stdout).items()) if r['changed']] == ['host-001', 'host-002', 'host-004']
    assert [(c['InstanceId'], c['ClientVersion']) for c in running.admin('GET', '/_emulator/state')['clients']] == [
        (OUTDATED, '2.12.0')], 'check mode changes nothing'
    applied = run(command, running.env())
    hosts = recap(applied.stdout)
    assert [h for h, r in sorted(hosts.items()) if r['changed']] == ['host-001', 'host-002', 'host-004']
    assert [h for h, r in sorted(hosts.items()) if r['failed']] == ['host-003']
    assert 'fatal: [host-003]: FAILED! => {"changed": false, "instance_id": "%s", "msg": "%s: InstanceNotRunning - ' % (
        STOPPED, STOPPED) in applied.stdout
    lines = sorted(re.findall(r'VARS (host-\d+ .*?)"', applied.stdout))
    assert lines == ['host-001 %s ACTIVATED True -' % GOOD[0], 'host-002 %s ACTIVATED True -' % GOOD[1],
                     'host-003 %s - False InstanceNotRunning' % STOPPED, 'host-004 %s ACTIVATED True -' % OUTDATED]


def test_report_playbook_without_warnings_on_an_empty_fleet_and_clear_error_on_a_bad_filter(emulator, tmp_path):
    running = emulator({'instances': [{'instance_id': GOOD[0]}]})
    env = running.env(ANSIBLE_DEPRECATION_WARNINGS='true')
    report = str(tmp_path / 'empty.html')
    result = run([os.path.join(BIN, 'ansible-playbook'), 'alicloud.hbr.report', '-e', 'fleet_report_path=%s' % report],
                 env)
    assert result.returncode == 0, result.stdout[-2000:]
    assert 'Fleet report: %s (0 clients, 0 need attention, 0 orphaned, 0 instances with no client)' % report in result.stdout
    running.admin('DELETE', '/_emulator/calls')
    bad = run([os.path.join(BIN, 'ansible-playbook'), 'alicloud.hbr.report', '-e', json.dumps(
        {'fleet_report_path': report, 'fleet_report_filters': {'statuses': ['UNKNOWN']}})], env)
    assert bad.returncode == 2
    assert 'unknown: statuses' in bad.stdout and 'Filter keys: client_type' in bad.stdout
    assert running.admin('GET', '/_emulator/calls') == [], 'a bad option fails before any API call'


def find_chromium():
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get('HBR_SKIP_BROWSER') == '1':
        pytest.skip('no Chromium on PATH: install it with `sudo apt-get install chromium` (or `make browser` as root)')
    raise AssertionError('Chromium is needed to render the report: `make browser` installs Debian\'s chromium')


CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update', '--disable-sync',
                  '--hide-scrollbars']


def png_pixels(path):
    """Decode an 8-bit RGB/RGBA PNG with the standard library; return (width, height, rows of bytes)."""
    with open(path, 'rb') as handle:
        data = handle.read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    offset, idat, header = 8, b'', None
    while offset < len(data):
        length, kind = struct.unpack('>I4s', data[offset:offset + 8])
        chunk = data[offset + 8:offset + 8 + length]
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', chunk)
        elif kind == b'IDAT':
            idat += chunk
        offset += 12 + length
    width, height, depth, colour = header[:4]
    assert depth == 8 and colour in (2, 6), 'unexpected PNG format'
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            upper_left = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else upper_left)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def test_report_playbook_renders_in_chromium(emulator, tmp_path):
    chromium = find_chromium()
    running = emulator(scenario())
    inventory = fleet_inventory(tmp_path / 'inventory.yml', GOOD + [STOPPED, NOASSIST, FAILING, OUTDATED])
    env = running.env()
    protect = run([os.path.join(BIN, 'ansible-playbook'), 'alicloud.hbr.protect', '-i', inventory], env)
    assert protect.returncode == 2
    report = str(tmp_path / 'report.html')
    result = run([os.path.join(BIN, 'ansible-playbook'), 'alicloud.hbr.report', '-e', 'fleet_report_path=%s' % report],
                 env)
    assert result.returncode == 0, result.stdout[-2000:]
    assert 'Fleet report: %s (29 clients, 2 need attention, 0 orphaned, 0 instances with no client)' % report \
        in result.stdout
    with open(report) as handle:
        html = handle.read()
    assert '<script' not in html and 'http://' not in html and 'https://' not in html, 'self-contained'

    profile = str(tmp_path / 'chromium-profile')
    dom = run([chromium] + CHROMIUM_FLAGS + ['--user-data-dir=' + profile, '--dump-dom', 'file://' + report], env)
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = re.sub(r'<[^>]+>', ' ', dom.stdout)
    text = re.sub(r'\s+', ' ', text)
    assert '29 clients' in text and '28 activated' in text and '2 need attention' in text
    assert 'ACTIVATED 28' in text and 'INSTALL_FAILED 1' in text
    assert OUTDATED in text and 'outdated: run alicloud.hbr.upgrade' in text, 'ACTIVATED at 2.12.0: needs attention'
    screenshot = str(tmp_path / 'report.png')
    shot = run([chromium] + CHROMIUM_FLAGS + ['--user-data-dir=' + profile, '--window-size=1200,1400',
                                              '--screenshot=' + screenshot, 'file://' + report], env)
    assert shot.returncode == 0 and os.path.getsize(screenshot) > 10000, shot.stderr[-2000:]
    width, height, channels, rows = png_pixels(screenshot)
    assert (width, height) == (1200, 1400)
    colours = set()
    for row in rows[::20]:
        for x in range(0, len(row), channels * 20):
            colours.add(row[x:x + 3])
    assert len(colours) > 10, 'the screenshot is blank'
    green = sum(1 for row in rows for x in range(0, len(row), channels * 4) if row[x:x + 3] == b'\x2e\x7d\x32')
    assert green > 100, 'the ACTIVATED bar of the chart is drawn'
