# -*- coding: utf-8 -*-
# AWX's engine (ansible-runner) with credentials only in its environment, the execution
# environment build context (ansible-builder create), and the galaxy build + galaxy-importer.

from __future__ import absolute_import, division, print_function

import json
import os
import re
import subprocess
import sys
import tarfile

import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from conftest import BIN, COLLECTION, COLLECTIONS_PATH, KEY, SECRET, fleet_inventory  # pylint: disable=import-error

STS_TOKEN = 'system-sts-token-Wv3-never-printed'
PROXY_PASSWORD = 'system-proxy-pw-K7q-never-printed'


def every_file_contains(root, needles):
    """(path, needle) for every file under root whose bytes contain one of the needles."""
    found = []
    for directory, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            with open(path, 'rb') as handle:
                data = handle.read()
            found.extend((path, n) for n in needles if n.encode('utf-8') in data)
    return found


def awx_file_injector(path):
    """The file injector's template as documented (a YAML block with a `file:` key) in `path`."""
    with open(os.path.join(COLLECTION, path), encoding='utf-8') as handle:
        text = handle.read()
    for block in re.findall(r'```yaml\n(.*?)```', text, re.S) + re.findall(
            r'\.\. code-block:: yaml\+jinja\n\n(.*?)(?=\n\S)', text, re.S):
        document = yaml.safe_load(re.sub(r'(?m)^   ', '', block) if block.startswith('   ') else block)
        if isinstance(document, dict) and 'file' in document:
            return document['file']['template']
    raise AssertionError('no file injector in %s' % path)


def render_injector(**inputs):
    """Render the documented template as AWX does: Jinja2's sandbox, the credential's inputs."""
    template = awx_file_injector('docs/awx.md')
    return ImmutableSandboxedEnvironment().from_string(template).render(**inputs)


def test_awx_file_injector_is_the_same_in_both_guides():
    assert awx_file_injector('docs/awx.md') == awx_file_injector('docs/docsite/rst/guide_awx.rst')


@pytest.mark.parametrize('secret', ['plain-secret', 'a"quote', 'back\\slash"}]', 'new\nline\t<&>\'', '{{ not a template }}'])
def test_awx_file_injector_escapes_every_value(secret):
    document = json.loads(render_injector(access_key='ak"1', secret_key=secret, security_token=secret,
                                          region='cn-hangzhou'))
    profile = document['profiles'][0]
    assert (profile['access_key_id'], profile['access_key_secret'], profile['sts_token']) == ('ak"1', secret, secret)
    assert profile['mode'] == 'StsToken' and document['current'] == profile['name'] == 'awx'
    without_token = json.loads(render_injector(access_key='ak', secret_key=secret, region='cn-hangzhou'))
    assert without_token['profiles'][0]['mode'] == 'AK' and without_token['profiles'][0]['sts_token'] == ''


@pytest.mark.parametrize('injector', ['env', 'file'])
def test_protect_playbook_through_ansible_runner_leaks_no_secret(emulator, tmp_path, monkeypatch, injector):
    """The protect playbook as an AWX job: credentials injected as the custom credential types of
    docs/awx.md do it (environment variables, or a file whose path is in the environment)."""
    ansible_runner = pytest.importorskip('ansible_runner')
    monkeypatch.setenv('PATH', BIN + os.pathsep + os.environ.get('PATH', ''))
    instances = ['i-runner%014d' % n for n in range(1, 6)] + ['i-runnerstopped000001']
    running = emulator({'instances': [{'instance_id': iid} for iid in instances[:5]] + [
        {'instance_id': instances[5], 'status': 'Stopped'}], 'access_keys': {KEY: SECRET},
        'sts_tokens': {KEY: STS_TOKEN}})
    private = tmp_path / 'runner'
    (private / 'project').mkdir(parents=True)
    (private / 'inventory').mkdir()
    (private / 'project' / 'protect.yml').write_text(
        '- name: Protect, as an AWX job template would\n  ansible.builtin.import_playbook: alicloud.hbr.protect\n')
    fleet_inventory(private / 'inventory' / 'hosts.yml', instances)
    envvars = {'ALICLOUD_HBR_ENDPOINT': running.url, 'ALICLOUD_REGION': 'cn-hangzhou',
               'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS_PATH}
    if injector == 'env':
        envvars.update(ALICLOUD_ACCESS_KEY=KEY, ALICLOUD_SECRET_KEY=SECRET, ALICLOUD_SECURITY_TOKEN=STS_TOKEN)
    else:
        # AWX writes the injector's file outside the job's artifacts and deletes it afterwards.
        secrets_dir = tmp_path / 'awx-injected'
        secrets_dir.mkdir(mode=0o700)
        injected = render_injector(access_key=KEY, secret_key=SECRET, security_token=STS_TOKEN, region='cn-hangzhou')
        (secrets_dir / 'aliyun.json').write_text(injected)
        envvars['ALICLOUD_SHARED_CREDENTIALS_FILE'] = str(secrets_dir / 'aliyun.json')
    # Extra variables (a survey's password field) reach the job as a file, as AWX passes them.
    extravars = tmp_path / 'extravars.json'
    extravars.write_text(json.dumps({'hbr_client_settings': {'data_proxy_setting': 'CUSTOM', 'proxy_host': '10.0.0.2',
                                                             'proxy_password': PROXY_PASSWORD}}))
    result = ansible_runner.run(
        private_data_dir=str(private), playbook='protect.yml', envvars=envvars, quiet=True,
        cmdline='-vvv --diff -e @%s' % extravars, suppress_env_files=True)
    assert result.status == 'failed' and result.rc == 2, 'one stopped instance fails its own host'
    stats = result.stats
    assert stats['failures'] == {'host-006': 1}
    assert set(stats['changed']) >= set('host-%03d' % n for n in range(1, 6))
    assert 'host-006' not in stats['changed']
    state = running.admin('GET', '/_emulator/state')
    assert sum(1 for c in state['clients'] if c['Status'] == 'ACTIVATED' and c['ProxyPasswordSet']) == 5
    artifacts = private / 'artifacts'
    assert any(artifacts.rglob('job_events/*.json')), 'the runner wrote its events'
    leaks = every_file_contains(str(artifacts), [SECRET, STS_TOKEN, PROXY_PASSWORD])
    if injector == 'env':
        # ansible-runner records the environment it was given in artifacts/<id>/command (0600);
        # that is its input, kept for the job's owner only. Nothing the collection wrote has it.
        commands = set(path for path, _needle in leaks if os.path.basename(path) == 'command')
        assert all(os.stat(path).st_mode & 0o077 == 0 for path in commands)
        assert set(needle for _path, needle in leaks) <= {SECRET, STS_TOKEN}
        leaks = [(path, needle) for path, needle in leaks if path not in commands]
    assert leaks == []


def test_ansible_builder_creates_the_ee_build_context(tmp_path):
    pytest.importorskip('ansible_builder')
    tarball = build_collection(tmp_path)
    definition = tmp_path / 'execution-environment.yml'
    definition.write_text('\n'.join([
        '---', 'version: 3', 'images:', '  base_image:', '    name: quay.io/centos/centos:stream9',
        'dependencies:', '  python_interpreter:', '    package_system: python3.11', '    python_path: /usr/bin/python3.11',
        '  ansible_core:', "    package_pip: ansible-core>=2.17.0", '  ansible_runner:', '    package_pip: ansible-runner',
        '  galaxy:', '    collections:', '      - name: %s' % tarball, '        type: file', '']))
    context = tmp_path / 'context'
    result = subprocess.run([os.path.join(BIN, 'ansible-builder'), 'create', '-f', str(definition), '-c', str(context)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    name = 'Containerfile' if (context / 'Containerfile').exists() else 'Dockerfile'
    containerfile = (context / name).read_text()
    assert 'ansible-galaxy' in containerfile and 'introspect' in containerfile
    requirements = (context / '_build' / 'requirements.yml').read_text()
    assert 'alicloud-hbr-1.0.0.tar.gz' in requirements
    introspect = subprocess.run([os.path.join(BIN, 'ansible-builder'), 'introspect', '--sanitize', COLLECTIONS_PATH],
                                capture_output=True, text=True, check=False)
    assert introspect.returncode == 0, introspect.stderr
    assert 'requests>=2.25.0' in introspect.stdout and 'alicloud.hbr' in introspect.stdout


def build_collection(tmp_path):
    output = tmp_path / 'dist'
    result = subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(output),
                             COLLECTION], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return str(output / 'alicloud-hbr-1.0.0.tar.gz')


def test_galaxy_build_is_clean_and_passes_galaxy_importer(tmp_path):
    pytest.importorskip('galaxy_importer')
    tarball = build_collection(tmp_path)
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    for unwanted in ('emulator/', 'benchmarks/', 'demo/', '.build/', '.venv/', 'tests/output/', '.ci/', 'Makefile'):
        assert not [n for n in names if n.startswith(unwanted) or n == unwanted.rstrip('/')], unwanted
    for wanted in ('plugins/modules/hbr_client.py', 'roles/backup_client/tasks/main.yml', 'playbooks/protect.yml',
                   'meta/runtime.yml', 'meta/execution-environment.yml', 'meta/ee-requirements.txt', 'README.md',
                   'LICENSE', 'changelogs/changelog.yaml', 'MANIFEST.json', 'FILES.json'):
        assert wanted in names, wanted
    config = tmp_path / 'galaxy-importer.cfg'
    config.write_text('[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nRUN_ANSIBLE_LINT = True\n'
                      'CHECK_REQUIRED_TAGS = True\nLOG_LEVEL_MAIN = INFO\n')
    result = subprocess.run([sys.executable, '-m', 'galaxy_importer.main', tarball],
                            env=dict(os.environ, GALAXY_IMPORTER_CONFIG=str(config),
                                     PATH=BIN + os.pathsep + os.environ.get('PATH', '')),
                            capture_output=True, text=True, check=False, cwd=str(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert 'Importer processing completed successfully' in output, output[-4000:]
    problems = [line for line in output.splitlines() if 'ERROR' in line or 'WARNING' in line]
    assert problems == [], '\n'.join(problems)
    with tarfile.open(tarball) as archive:
        manifest = json.loads(archive.extractfile('MANIFEST.json').read())
    assert manifest['collection_info']['version'] == '1.0.0' and 'cloud' in manifest['collection_info']['tags']
