# -*- coding: utf-8 -*-
# Secrets in the real command line: ansible-playbook -vvvv --diff, in check mode and for real,
# with an access key secret, a security token and a proxy password that carry + / = % & " ',
# through successes and failures (a V1 signature the emulator rejects, whose answer echoes the
# string to sign with the token percent-encoded twice). The whole output, stdout and stderr, is
# searched for every encoding of every secret; the bytes searched are printed.

from __future__ import absolute_import, division, print_function

import json
import os
import subprocess
import sys
from urllib.parse import quote, quote_plus

from conftest import BIN, KEY  # pylint: disable=import-error

SECRET = 'Sys+Secret/Key=%&"\'9x'
TOKEN = 'Sys+Token/AbC==%2B&"\'tok'
PASSWORD = 'Pr0xy+Pass/w=%&"\'rd'
HANA_SECRET = 'Hana+Secret/=%&"\'z'
INSTANCE = 'i-syssecret000000001'

PLAYBOOK = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Settings with a proxy password
      alicloud.hbr.hbr_client:
        instance_ids: [%(instance)s]
        data_proxy_setting: CUSTOM
        proxy_host: proxy.internal
        proxy_port: 3128
        proxy_user: backup
        proxy_password: %(password)s
        update_proxy_password: always
    - name: List the clients
      alicloud.hbr.hbr_client_info:
        instance_ids: [%(instance)s]
    - name: A V1 signature the service rejects (its answer echoes the string to sign)
      alicloud.hbr.hbr_client_info:
        signature_version: v1
        alicloud_secret_key: "{{ lookup('env', 'ALICLOUD_SECRET_KEY') }}-wrong"
      ignore_errors: true
    - name: A SAP HANA client with an access key secret
      alicloud.hbr.hbr_client:
        instance_ids: [%(instance)s]
        vault_id: v-0001syssecret00001
        cluster_id: cl-0001syssecret0001
        hana_access_key_id: LTAIhana
        hana_access_key_secret: %(hana)s
        precheck_instances: false
      ignore_errors: true
'''


def encodings(secret):
    once = quote(secret, safe='~')
    forms = {secret, quote(secret, safe=''), quote(secret), quote_plus(secret), once, quote(once, safe='~'),
             json.dumps(secret)[1:-1], repr(secret)[1:-1], quote(json.dumps(secret)[1:-1], safe='~')}
    return set(form for form in forms if form)


def test_vvvv_diff_check_and_real_runs_show_no_secret(emulator, tmp_path):
    running = emulator({'access_keys': {KEY: SECRET},
                        'instances': [{'instance_id': INSTANCE, 'client': {'status': 'ACTIVATED'}}]})
    playbook = tmp_path / 'secrets.yml'
    playbook.write_text(PLAYBOOK % {'instance': INSTANCE, 'password': json.dumps(PASSWORD),
                                    'hana': json.dumps(HANA_SECRET)})
    env = running.env(ALICLOUD_SECRET_KEY=SECRET, ALICLOUD_SECURITY_TOKEN=TOKEN, ANSIBLE_DEBUG='0')
    searched = 0
    for extra in (['--check'], []):
        command = [os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', '-vvvv', '--diff',
                   '-e', 'ansible_python_interpreter=%s' % sys.executable, str(playbook)]
        result = subprocess.run(command + extra, env=env, capture_output=True, check=False)
        output = result.stdout + result.stderr
        searched += len(output)
        text = output.decode('utf-8', 'replace')
        assert 'SignatureDoesNotMatch' in text and 'Settings with a proxy password' in text, text[-3000:]
        found = [(secret, form) for secret in (SECRET, TOKEN, PASSWORD, HANA_SECRET) for form in encodings(secret)
                 if form in text]
        assert found == [], found
        assert 'Traceback' not in text
    print('\nsystem secret search: %d bytes of ansible-playbook -vvvv --diff output (check and real runs)' % searched)
