# -*- coding: utf-8 -*-
# The hbr_clients inventory plugin, driven through Ansible's real configuration system (its options
# defined from the plugin's DOCUMENTATION merged with its fragments by Ansible's own merge code) and
# the emulator's Service in-process behind the collection's HbrApi, whose log records every call.

from __future__ import absolute_import, division, print_function

import json
import math

import pytest
import yaml

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.doc_fragments import constructed, inventory_cache
from ansible.utils.plugin_docs import add_fragments

from ansible_collections.alicloud.hbr.plugins.doc_fragments.hbr import ModuleDocFragment
from ansible_collections.alicloud.hbr.plugins.inventory import hbr_clients
from ansible_collections.alicloud.hbr.plugins.module_utils._errors import HbrApiError
from ansible_collections.alicloud.hbr.plugins.module_utils._connection import build_client, hbr_argument_spec

pytest.importorskip('hbr_emulator')

from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.emulated import Emulated  # noqa: E402  pylint: disable=wrong-import-position

NAME = 'alicloud.hbr.hbr_clients'
SECRET = 'unit-secret-7d1e'
PROXY_PASSWORD = 'proxy-pw-93ab'
CONNECTION = {'plugin': NAME, 'alicloud_region': 'cn-hangzhou', 'alicloud_access_key': 'unit-ak',
              'alicloud_secret_key': SECRET, 'hbr_endpoint': 'http://127.0.0.1:9'}


# ---------------------------------------------------------------------------------------------
# Harness
# ---------------------------------------------------------------------------------------------

class _Fragments:
    """The fragment loader add_fragments expects, over the fragments the plugin names."""

    CLASSES = {'alicloud.hbr.hbr': ModuleDocFragment, 'constructed': constructed.ModuleDocFragment,
               'inventory_cache': inventory_cache.ModuleDocFragment}

    def get(self, name):
        cls = self.CLASSES.get(name)
        if cls is not None:
            cls.ansible_name = name
        return cls


def plugin_definitions():
    doc = yaml.safe_load(hbr_clients.DOCUMENTATION)
    add_fragments(doc, hbr_clients.__file__, fragment_loader=_Fragments())
    return doc['options']


class _Session:
    def close(self):
        pass


class RecordingPlugin(hbr_clients.InventoryModule):
    """The plugin with its real option handling and credential chain; only the HTTP exchange is
    replaced by the in-process emulator (``env.api``, whose ``log`` records every call)."""

    plugin_type = 'inventory'  # Ansible derives it from the class name otherwise
    env = None
    built = None

    def _build_api(self, params):
        RecordingPlugin.built = build_client(params, _Session)  # local checks and credentials, as in production
        self.env.api.session = _Session()
        return self.env.api


@pytest.fixture
def inventory(tmp_path, monkeypatch):
    """inventory(config, env, cache=True) -> (InventoryData, plugin); the config file is written
    to tmp_path/<n>.hbr_clients.yml."""
    for name in list(__import__('os').environ):
        if name.startswith(('ALICLOUD_', 'ALIBABA_CLOUD_', 'ANSIBLE_INVENTORY_CACHE', 'ANSIBLE_CACHE')):
            monkeypatch.delenv(name)
    monkeypatch.setenv('HOME', str(tmp_path))
    C.config.initialize_plugin_configuration_definitions('inventory', NAME, plugin_definitions())
    counter = [0]

    def run(config, env, cache=True, path=None):
        counter[0] += 1
        if path is None:
            path = tmp_path / ('%d.hbr_clients.yml' % counter[0])
            path.write_text(yaml.safe_dump(config))
        plugin = RecordingPlugin()
        plugin._load_name = plugin.ansible_name = NAME
        RecordingPlugin.env = env
        data = InventoryData()
        plugin.parse(data, DataLoader(), str(path), cache=cache)
        if plugin.get_option('cache'):
            plugin.update_cache_if_changed()  # as InventoryManager does after each source
        return data, plugin

    return run


def fleet(*groups):
    """Instances with pre-existing clients: each group is (count, client spec)."""
    instances, number = [], 0
    for count, client in groups:
        for _n in range(count):
            number += 1
            spec = {'instance_id': 'i-unit%016d' % number}
            if client is not None:
                spec['client'] = dict(client)
            instances.append(spec)
    return Emulated({'instances': instances, 'client_version': '2.13.0', 'max_client_version': '2.14.0'})


def ids(first, last):
    return ['i-unit%016d' % n for n in range(first, last + 1)]


def members(data, group):
    return sorted(host.name for host in data.groups[group].get_hosts()) if group in data.groups else []


def hostvars(data, host):
    return data.get_host(host).get_vars()


def describe_calls(env):
    return [flat for action, flat in env.api.log if action == 'DescribeBackupClients']


# ---------------------------------------------------------------------------------------------
# Documentation and options
# ---------------------------------------------------------------------------------------------

def test_every_connection_option_reads_the_modules_environment_variables_first_one_first():
    options = plugin_definitions()
    for name, spec in hbr_argument_spec().items():
        assert name in options, name
        assert options[name].get('aliases', []) == spec.get('aliases', [])
        assert options[name].get('default') == spec.get('default')
        variables = (spec.get('fallback') or (None, []))[1]
        # Ansible takes the last set variable of an env list; env_fallback the first.
        assert [entry['name'] for entry in options[name].get('env', [])][::-1] == variables, name


def test_environment_variables_feed_the_connection_params_with_the_modules_precedence(inventory, monkeypatch):
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ak-from-alibaba-cloud')
    monkeypatch.setenv('ALICLOUD_ACCESS_KEY', 'ak-from-alicloud')
    monkeypatch.setenv('ALICLOUD_SECRET_KEY', SECRET)
    monkeypatch.setenv('ALICLOUD_REGION', 'cn-hangzhou')
    monkeypatch.setenv('ALICLOUD_HBR_ENDPOINT', 'http://127.0.0.1:9')
    env = fleet((1, {'status': 'ACTIVATED'}))
    data, plugin = inventory({'plugin': NAME}, env)
    params = plugin.connection_params()
    assert params['alicloud_access_key'] == 'ak-from-alicloud'
    assert params['alicloud_secret_key'] == SECRET
    assert params['signature_version'] == 'v3' and params['api_retries'] == 8
    assert RecordingPlugin.built.credentials.access_key_id == 'ak-from-alicloud'
    assert RecordingPlugin.built.endpoint == 'http://127.0.0.1:9'
    assert list(data.hosts) == ids(1, 1)


def test_verify_file_takes_only_hbr_clients_yaml_files(tmp_path):
    plugin = hbr_clients.InventoryModule()
    for name, wanted in (('fleet.hbr_clients.yml', True), ('hbr_clients.yaml', True), ('fleet.yml', False),
                         ('hbr_clients.json', False)):
        path = tmp_path / name
        path.write_text('plugin: %s\n' % NAME)
        assert plugin.verify_file(str(path)) is wanted, name


# ---------------------------------------------------------------------------------------------
# Hosts, variables and groups
# ---------------------------------------------------------------------------------------------

def mixed_fleet():
    return fleet(
        (3, {'status': 'ACTIVATED', 'version': '2.14.0', 'resources': {'plans': 1},
             'settings': {'DataProxySetting': 'CUSTOM', 'ProxyHost': 'proxy.local', 'ProxyPort': '3128',
                          'ProxyUser': 'backup', 'ProxyPassword': PROXY_PASSWORD, 'MaxCpuCore': '2'},
             'tags': {'env': 'prod'}}),                                            # 1-3 healthy, protected
        (2, {'status': 'ACTIVATED', 'version': '2.12.0'}),                         # 4-5 outdated
        (2, {'status': 'UNKNOWN', 'version': '2.14.0', 'resources': {'plans': 1}}),  # 6-7 broken agent
        (1, {'status': 'UNKNOWN', 'version': '2.13.0'}),                           # 8 broken and outdated
        (1, {'status': 'NOT_INSTALLED', 'version': ''}),                           # 9 no agent, no version
        (1, {'status': 'STOPPED', 'version': '2.10.0'}),                           # 10 uninstalled: stale version
        (1, {'status': 'INSTALL_FAILED', 'version': ''}),                          # 11
        (1, None),                                                                 # 12 no client at all
    )


def test_each_client_is_a_host_with_its_health_and_the_groups_for_action(inventory):
    env = mixed_fleet()
    data, _plugin = inventory(CONNECTION, env)
    assert sorted(data.hosts) == ids(1, 11), 'an instance with no client record is not a host'
    assert members(data, 'hbr_status_activated') == ids(1, 5)
    assert members(data, 'hbr_status_unknown') == ids(6, 8)
    assert members(data, 'hbr_status_not_installed') == ids(9, 9)
    assert members(data, 'hbr_status_stopped') == ids(10, 10)
    assert members(data, 'hbr_status_install_failed') == ids(11, 11)
    assert members(data, 'hbr_outdated') == ids(4, 5) + ids(8, 8)
    assert members(data, 'hbr_unprotected') == ids(4, 5) + ids(8, 11)
    assert members(data, 'hbr_attention') == ids(4, 11)
    for group in ('hbr_status_upgrade_failed', 'hbr_status_registered', 'hbr_status_uninstalling'):
        assert group in data.groups and members(data, group) == [], 'every status group exists, even empty'


def test_host_variables_are_snake_case_and_never_carry_the_proxy_password(inventory):
    env = mixed_fleet()
    data, _plugin = inventory(CONNECTION, env)
    client = [c for c in env.state()['clients'] if c['InstanceId'] == ids(1, 1)[0]][0]
    variables = hostvars(data, ids(1, 1)[0])
    assert variables['instance_id'] == ids(1, 1)[0]
    assert variables['hbr_client_id'] == client['ClientId']
    assert variables['hbr_status'] == 'ACTIVATED' and variables['hbr_backup_status'] == 'PROTECTED'
    assert variables['hbr_client_version'] == '2.14.0' and variables['hbr_max_client_version'] == '2.14.0'
    assert variables['hbr_outdated'] is False
    assert variables['hbr_zone_id'] == 'cn-hangzhou-h'
    assert variables['ansible_host'] == variables['hbr_private_ip'] == '10.0.0.1'
    assert variables['hbr_tags'] == {'env': 'prod'}
    settings = variables['hbr_settings']
    assert settings['proxy_host'] == 'proxy.local' and settings['proxy_port'] == 3128 and settings['max_cpu_core'] == 2
    assert 'proxy_password' not in settings, 'dropped, not masked'
    everything = json.dumps(dict((h, hostvars(data, h)) for h in data.hosts), default=str)
    assert PROXY_PASSWORD not in everything and '******' not in everything and SECRET not in everything
    assert 'proxy_password' not in everything


def test_five_hundred_clients_take_one_paged_read_of_99_per_call(inventory):
    env = fleet((500, {'status': 'ACTIVATED', 'version': '2.14.0'}))
    data, _plugin = inventory(CONNECTION, env)
    calls = describe_calls(env)
    assert len(data.hosts) == 500
    assert len(calls) == math.ceil(500 / 99.0) == 6
    assert [c['PageNumber'] for c in calls] == ['1', '2', '3', '4', '5', '6']
    assert set(c['PageSize'] for c in calls) == {'99'}
    assert env.api.actions() == ['DescribeBackupClients'] * 6, 'reads only'


# ---------------------------------------------------------------------------------------------
# Filters and host names
# ---------------------------------------------------------------------------------------------

def test_filters_go_to_the_api_and_statuses_filter_the_result(inventory):
    env = mixed_fleet()
    wanted = ids(1, 8)
    data, _plugin = inventory(dict(CONNECTION, instance_ids=wanted, tags={'env': 'prod'}), env)
    call = describe_calls(env)[0]
    assert json.loads(call['InstanceIds']) == wanted
    assert (call['Tag.1.Key'], call['Tag.1.Value'], call['ClientType']) == ('env', 'prod', 'ECS_CLIENT')
    assert sorted(data.hosts) == ids(1, 3)

    env.reset_log()
    data, _plugin = inventory(dict(CONNECTION, statuses=['UNKNOWN', 'NOT_INSTALLED']), env)
    assert sorted(data.hosts) == ids(6, 9)
    assert members(data, 'hbr_attention') == ids(6, 9) and members(data, 'hbr_status_activated') == []
    assert len(describe_calls(env)) == 1


def test_hostnames_in_order_of_preference_and_a_clash_falls_back_to_the_instance_id(inventory):
    instances = [{'instance_id': 'i-unit%016d' % n, 'name': name, 'hostname': host,
                  'client': {'status': 'ACTIVATED', 'version': '2.14.0'}}
                 for n, name, host in ((1, 'web', 'web01'), (2, 'web', 'web02'), (3, '', 'db01'))]
    env = Emulated({'instances': instances})
    data, plugin = inventory(dict(CONNECTION, hostnames=['instance_name', 'hostname']), env)
    assert sorted(data.hosts) == sorted(['web', ids(2, 2)[0], 'db01'])
    assert hostvars(data, 'web')['instance_id'] == ids(1, 1)[0]

    data, _plugin = inventory(dict(CONNECTION, hostnames='hostname'), env)
    assert sorted(data.hosts) == ['db01', 'web01', 'web02']
    data, _plugin = inventory(dict(CONNECTION, hostnames=['private_ip']), env)
    assert sorted(data.hosts) == ['10.0.0.1', '10.0.0.2', '10.0.0.3']
    data, _plugin = inventory(CONNECTION, env)
    assert sorted(data.hosts) == ids(1, 3), 'instance_id by default'


def test_constructed_options_compose_groups_and_keyed_groups(inventory):
    env = mixed_fleet()
    config = dict(CONNECTION, strict=True,
                  compose={'ansible_user': "'admin'", 'agent': 'hbr_client_version'},
                  groups={'restart_me': "hbr_status == 'UNKNOWN' and not hbr_outdated"},
                  keyed_groups=[{'key': 'hbr_tags.env | default("none")', 'prefix': 'env'}])
    data, _plugin = inventory(config, env)
    assert members(data, 'restart_me') == ids(6, 7)
    assert members(data, 'env_prod') == ids(1, 3)
    assert hostvars(data, ids(4, 4)[0])['agent'] == '2.12.0'
    assert hostvars(data, ids(4, 4)[0])['ansible_user'] == 'admin'


# ---------------------------------------------------------------------------------------------
# Bad input: named, and before any call
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('option, value', [
    ('statuses', ['ACTIVATED', 'BROKEN']),
    ('client_type', 'ECS'),
    ('hostnames', ['fqdn']),
    ('instance_ids', ['not-an-instance']),
    ('instance_ids', []),
    ('tags', {'aliyun:owner': 'x'}),
    ('tags', {}),
    ('connect_timeout', 0),
    ('api_retries', 99),
    ('signature_version', 'v2'),
])
def test_a_bad_option_fails_naming_it_with_no_call(inventory, option, value):
    env = mixed_fleet()
    with pytest.raises(AnsibleError) as error:
        inventory(dict(CONNECTION, **{option: value}), env)
    assert option in str(error.value)
    assert env.api.log == []


def test_missing_credentials_fail_naming_the_option_with_no_call(inventory):
    env = mixed_fleet()
    config = dict((k, v) for k, v in CONNECTION.items() if k != 'alicloud_secret_key')
    with pytest.raises(AnsibleError) as error:
        inventory(config, env)
    assert 'alicloud_secret_key' in str(error.value)
    config = dict((k, v) for k, v in CONNECTION.items() if not k.startswith('alicloud_') or k == 'alicloud_region')
    with pytest.raises(AnsibleError) as error:
        inventory(config, env)
    assert 'alicloud_access_key' in str(error.value)
    assert env.api.log == []


def test_an_api_error_is_one_clear_line_without_secrets(inventory):
    env = mixed_fleet()

    def deny(action, params):
        raise HbrApiError('The specified AccessKey is not authorized.', code='Forbidden.RAM', http_status=403,
                          action=action, request_id='R-1')

    env.api.fault = deny
    with pytest.raises(AnsibleError) as error:
        inventory(CONNECTION, env)
    text = str(error.value)
    assert 'DescribeBackupClients' in text and 'Forbidden.RAM' in text and 'R-1' in text
    assert SECRET not in text


# ---------------------------------------------------------------------------------------------
# Caching
# ---------------------------------------------------------------------------------------------

def test_a_cached_listing_makes_no_call_and_flush_reads_again(inventory, tmp_path):
    env = mixed_fleet()
    path = tmp_path / 'cached.hbr_clients.yml'
    path.write_text(yaml.safe_dump(dict(CONNECTION, cache=True, cache_plugin='jsonfile',
                                        cache_connection=str(tmp_path / 'cache'), cache_timeout=600)))
    first, _plugin = inventory(None, env, path=path)
    assert len(describe_calls(env)) == 1

    env.reset_log()
    second, _plugin = inventory(None, env, path=path)
    assert env.api.log == [], 'served from the cache'
    assert sorted(second.hosts) == sorted(first.hosts)
    for group in ('hbr_outdated', 'hbr_attention', 'hbr_unprotected', 'hbr_status_unknown'):
        assert members(second, group) == members(first, group)
    assert hostvars(second, ids(1, 1)[0])['hbr_settings'] == hostvars(first, ids(1, 1)[0])['hbr_settings']
    cached = ''.join(p.read_text() for p in (tmp_path / 'cache').iterdir())
    assert PROXY_PASSWORD not in cached and SECRET not in cached and 'proxy_password' not in cached

    env.reset_log()
    inventory(None, env, path=path, cache=False)  # --flush-cache
    assert len(describe_calls(env)) == 1


def test_without_the_cache_option_every_listing_reads(inventory, tmp_path):
    env = mixed_fleet()
    path = tmp_path / 'plain.hbr_clients.yml'
    path.write_text(yaml.safe_dump(CONNECTION))
    inventory(None, env, path=path)
    inventory(None, env, path=path)
    assert len(describe_calls(env)) == 2
