# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: hbr_clients
short_description: ECS hosts with the health of their Cloud Backup (HBR) client
version_added: 1.0.0
description:
  - Makes every HBR backup client of a region a host, with the client's health as host variables, and groups the
    hosts for action (restart a broken agent, upgrade the outdated ones, open tickets, feed AWX smart inventories).
  - Reads the clients with DescribeBackupClients, every page, 99 clients per call. Never changes anything and never
    contacts the hosts.
  - Configured by a YAML file whose name ends in C(hbr_clients.yml) or C(hbr_clients.yaml).
  - The connection and credential options are the modules' (same names, aliases, environment variables and
    credential chain).
  - "Groups, always created: C(hbr_status_<status in lower case>) for each client status (for example
    C(hbr_status_activated), C(hbr_status_unknown)); C(hbr_outdated), installed agents older than the newest version
    (C(hbr_max_client_version)); C(hbr_unprotected), clients no backup plan uses (backup status C(UNPROTECTED));
    C(hbr_attention), every client that is not C(ACTIVATED) plus the outdated ones."
  - An agent counts as installed for C(hbr_outdated) when its status is C(ACTIVATED), C(DEACTIVATED), C(UNKNOWN),
    C(UPGRADING) or C(UPGRADE_FAILED); a client that was never installed or was uninstalled has no version to
    upgrade.
  - "Host variables: C(instance_id), C(hbr_client_id), C(hbr_client_type), C(hbr_status), C(hbr_backup_status),
    C(hbr_client_version), C(hbr_max_client_version), C(hbr_outdated), C(hbr_zone_id), C(hbr_instance_name),
    C(hbr_hostname), C(hbr_private_ip), C(hbr_os_type), C(hbr_arch_type), C(hbr_last_heartbeat_time),
    C(hbr_tags) (a dict), C(hbr_settings) (the client settings under M(alicloud.hbr.hbr_client)'s option names; the
    proxy password is never included, not even masked), and C(ansible_host), the private IP address where known."
  - Hosts carry C(instance_id), so the C(alicloud.hbr.backup_client) role and the shipped playbooks work on them
    as they are.
author:
  - alicloud.hbr developers (@alicloud-hbr)
extends_documentation_fragment:
  - alicloud.hbr.hbr
  - alicloud.hbr.hbr.inventory
  - constructed
  - inventory_cache
options:
  plugin:
    description: Marks this file as an alicloud.hbr.hbr_clients inventory source.
    type: str
    required: true
    choices: [alicloud.hbr.hbr_clients]
  client_type:
    description: Kind of client to list.
    type: str
    choices: [ECS_CLIENT, CONTAINER_CLIENT, LOCAL_CLIENT]
    default: ECS_CLIENT
  instance_ids:
    description:
      - Only the clients of these ECS instances (read in chunks of 99 ids per call).
    type: list
    elements: str
  tags:
    description:
      - Only the clients that carry all these tags (key and value). At most 20; keys must not be empty nor start with
        C(aliyun) or C(acs:).
    type: dict
  statuses:
    description:
      - Only the clients in one of these statuses (filtered after the read, so the groups only hold those hosts).
    type: list
    elements: str
    choices: [REGISTERED, ACTIVATED, DEACTIVATED, INSTALLING, INSTALL_FAILED, NOT_INSTALLED, UPGRADING,
              UPGRADE_FAILED, UNINSTALLING, UNINSTALL_FAILED, STOPPED, UNKNOWN]
  hostnames:
    description:
      - How to name each host, in order of preference; the first one that the client has wins.
      - V(instance_id) is the ECS instance id, V(instance_name) the instance name, V(hostname) the host name of its
        operating system, V(private_ip) its private IPv4 address.
      - A client that has none of them, or whose name another host already took (instance names need not be
        unique), is named by its instance id (its client id when it has no instance), with a warning for a clash.
    type: list
    elements: str
    choices: [instance_id, instance_name, hostname, private_ip]
    default: [instance_id]
notes:
  - Ansible reports a source that fails to parse as a warning and goes on with an empty inventory. Set
    E(ANSIBLE_INVENTORY_UNPARSED_FAILED=true) (or C(unparsed_is_failed) in C([inventory]) of C(ansible.cfg)) so that
    a bad option or an API error fails the run instead.
  - With O(cache=true), a listing read from the cache makes no API call; C(--flush-cache) reads again.
seealso:
  - module: alicloud.hbr.hbr_client_info
  - module: alicloud.hbr.hbr_client
'''

EXAMPLES = r'''
---
# fleet.hbr_clients.yml: every ECS client of the region, credentials from ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY.
plugin: alicloud.hbr.hbr_clients
alicloud_region: cn-hangzhou

---
# prod.hbr_clients.yml: the clients tagged env=prod, named by instance name, connected to by private IP
# (ansible_host), cached for an hour, with extra groups per zone and for the clients nobody backs up.
plugin: alicloud.hbr.hbr_clients
alicloud_region: cn-hangzhou
tags:
  env: prod
hostnames: [instance_name, instance_id]
keyed_groups:
  - key: hbr_zone_id
    prefix: zone
groups:
  backup_gap: hbr_backup_status == 'UNPROTECTED' and hbr_status == 'ACTIVATED'
compose:
  ansible_user: "'root'"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/alicloud-hbr-inventory
cache_timeout: 3600

---
# broken.hbr_clients.yml: only the clients that need a person, for a ticketing job.
plugin: alicloud.hbr.hbr_clients
alicloud_region: cn-hangzhou
statuses: [UNKNOWN, INSTALL_FAILED, UPGRADE_FAILED, UNINSTALL_FAILED, DEACTIVATED]

# Then, for example:
#   ansible-inventory -i fleet.hbr_clients.yml --graph hbr_attention
#   ansible-playbook -i fleet.hbr_clients.yml alicloud.hbr.upgrade -e hbr_hosts=hbr_outdated
'''

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

# The collection's transport, credential chain and client model. Every import from the collection's
# PRIVATE module_utils is in this one block, so that a re-organisation of module_utils only has to
# re-point these lines.
from ..module_utils._connection import build_client, hbr_argument_spec
from ..module_utils._errors import HbrApiError, HbrConfigError
from ..module_utils._model import STATUS_TABLE, is_outdated, normalize_client
from ..module_utils._reads import describe_backup_clients
from ..module_utils._rpc import HAS_REQUESTS
from ..module_utils._validation import validate_instance_ids, validate_tags

# Statuses in which an agent is on the instance, so that its version means something: only those can be
# outdated (a NOT_INSTALLED or STOPPED client has an empty or stale version, and "upgrading" it would install).
INSTALLED_STATUSES = frozenset(['ACTIVATED', 'DEACTIVATED', 'UNKNOWN', 'UPGRADING', 'UPGRADE_FAILED'])
FIXED_GROUPS = ('hbr_outdated', 'hbr_unprotected', 'hbr_attention')
# Where each `hostnames` choice is found in the host variables.
HOSTNAME_VARS = {'instance_id': 'instance_id', 'instance_name': 'hbr_instance_name', 'hostname': 'hbr_hostname',
                 'private_ip': 'hbr_private_ip'}


# ---------------------------------------------------------------------------------------------
# Plain functions: records -> host variables, names and groups (unit-tested without Ansible's inventory)
# ---------------------------------------------------------------------------------------------

def host_vars(record):
    """One normalized client record -> its host variables. The proxy password is dropped outright:
    even masked it would tell who has one, and inventories end up in logs and AWX's database."""
    settings = dict((k, v) for k, v in (record.get('settings') or {}).items() if k != 'proxy_password')
    # host variable -> record key; text values default to '' so that groups and filters see strings
    text_vars = (('instance_id', 'instance_id'), ('hbr_client_id', 'client_id'), ('hbr_client_type', 'client_type'),
                 ('hbr_status', 'status'), ('hbr_backup_status', 'backup_status'),
                 ('hbr_client_version', 'client_version'), ('hbr_max_client_version', 'max_client_version'),
                 ('hbr_zone_id', 'zone_id'), ('hbr_instance_name', 'instance_name'), ('hbr_hostname', 'hostname'),
                 ('hbr_private_ip', 'private_ipv4'), ('hbr_os_type', 'os_type'), ('hbr_arch_type', 'arch_type'))
    variables = dict((name, record.get(key) or '') for name, key in text_vars)
    variables.update({
        'hbr_outdated': outdated(record),
        'hbr_last_heartbeat_time': record.get('last_heart_beat_time'),
        'hbr_tags': dict(record.get('tags') or {}),
        'hbr_settings': settings,
    })
    if variables['hbr_private_ip']:
        variables['ansible_host'] = variables['hbr_private_ip']
    return variables


def outdated(record):
    """An installed agent older than the newest version (see INSTALLED_STATUSES)."""
    return record.get('status') in INSTALLED_STATUSES and bool(record.get('client_version')) and is_outdated(record)


def host_groups(variables):
    """The groups of one host, from its variables (so that cached hosts are grouped the same way)."""
    status = variables.get('hbr_status') or 'none'
    groups = ['hbr_status_%s' % status.lower()]
    if variables.get('hbr_outdated'):
        groups.append('hbr_outdated')
    if variables.get('hbr_backup_status') == 'UNPROTECTED':
        groups.append('hbr_unprotected')
    if status != 'ACTIVATED' or variables.get('hbr_outdated'):
        groups.append('hbr_attention')
    return groups


def fallback_name(variables):
    return variables.get('instance_id') or variables.get('hbr_client_id')


def preferred_name(variables, preferences):
    """The first of ``preferences`` (``hostnames`` choices) that the host has, else its fallback name."""
    for choice in preferences or ['instance_id']:
        value = variables.get(HOSTNAME_VARS[choice])
        if value:
            return value
    return fallback_name(variables)


def newest_per_instance(records):
    """One record per instance (the most recently created, as the modules decide); clients with no
    instance (container and local clients) are all kept."""
    kept, order = {}, []
    for record in records:
        key = record.get('instance_id') or ('client', record.get('client_id'), len(order))
        current = kept.get(key)
        if current is None:
            order.append(key)
        if current is None or _created(record) >= _created(current):
            kept[key] = record
    return [kept[key] for key in order]


def _created(record):
    try:
        return int(record.get('created_time') or 0)
    except (TypeError, ValueError):
        return 0


def read_host_vars(api, client_type, instance_ids=None, tags=None, statuses=None):
    """The one paged DescribeBackupClients read (99 per call) -> host variables of the wanted clients."""
    extra = {}
    if tags:
        extra['Tag'] = [{'Key': key, 'Value': value} for key, value in sorted(tags.items())]
    raws = describe_backup_clients(api, client_type=client_type, instance_ids=instance_ids or None, params=extra)
    records = newest_per_instance([normalize_client(raw) for raw in raws])
    if statuses:
        records = [record for record in records if record.get('status') in statuses]
    return [host_vars(record) for record in records]


def validate_filters(instance_ids, tags):
    """Checks that need no API call; raises HbrConfigError naming the option."""
    validate_instance_ids(instance_ids)
    if tags is not None and not tags:
        raise HbrConfigError('tags', 'tags is empty; give at least one key: value or remove it')
    validate_tags(tags)


# ---------------------------------------------------------------------------------------------
# The plugin
# ---------------------------------------------------------------------------------------------

class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'alicloud.hbr.hbr_clients'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and \
            path.endswith(('hbr_clients.yml', 'hbr_clients.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache=cache)
        self._read_config_data(path)
        try:
            validate_filters(self.get_option('instance_ids'), self.get_option('tags'))
        except HbrConfigError as exc:
            raise AnsibleParserError(config_message(exc))
        hosts = self._cached_or_read(path, cache)
        self._populate(hosts)

    def _cached_or_read(self, path, cache):
        """The hosts from the cache when allowed and present (no API call at all), else from the API."""
        use_cache = bool(self.get_option('cache')) and cache
        key = self.get_cache_key(path)
        if use_cache:
            try:
                return self._cache[key]
            except KeyError:
                pass
        hosts = self._read()
        if self.get_option('cache'):
            self._cache[key] = hosts
        return hosts

    def _read(self):
        if not HAS_REQUESTS:
            raise AnsibleError(missing_required_lib('requests'))
        try:
            api = self._build_api(self.connection_params())
        except HbrConfigError as exc:
            raise AnsibleParserError(config_message(exc))
        try:
            return read_host_vars(api, self.get_option('client_type'), instance_ids=self.get_option('instance_ids'),
                                  tags=self.get_option('tags'), statuses=self.get_option('statuses'))
        except HbrApiError as exc:
            raise AnsibleError('%s: listing the HBR clients failed: %s' % (self.NAME, exc))
        finally:
            api.close()

    def _build_api(self, params):
        """The signed transport, built by the collection's own code (a seam for the unit tests)."""
        return build_client(params)

    def connection_params(self):
        """The plain params dict the collection's helpers take, from this source's options (after
        Ansible applied the environment variables); a templated string ({{ vault_var }}) is rendered."""
        return dict((name, self._templated(self.get_option(name))) for name in hbr_argument_spec())

    def _templated(self, value):
        if isinstance(value, str) and '{{' in value and self.templar is not None:
            self.templar.available_variables = self._vars
            return self.templar.template(value)
        return value

    def _populate(self, hosts):
        for group in FIXED_GROUPS + tuple('hbr_status_%s' % status.lower() for status in STATUS_TABLE):
            self.inventory.add_group(group)
        taken = {}
        preferences = self.get_option('hostnames')
        strict = self.get_option('strict')
        for variables in hosts:
            name = self._unique_name(variables, preferences, taken)
            self._add_host(name, variables, strict)

    def _unique_name(self, variables, preferences, taken):
        name = preferred_name(variables, preferences)
        if name in taken and taken[name] != fallback_name(variables):
            other = fallback_name(variables)
            self.display.warning('%s: host name %s is already used by %s; naming %s by its id instead'
                                 % (self.NAME, name, taken[name], other))
            name = other
        taken[name] = fallback_name(variables)
        return name

    def _add_host(self, name, variables, strict):
        self.inventory.add_host(name)
        for key, value in variables.items():
            self.inventory.set_variable(name, key, value)
        for group in host_groups(variables):
            self.inventory.add_group(self._sanitize_group_name(group))
            self.inventory.add_child(self._sanitize_group_name(group), name)
        self._set_composite_vars(self.get_option('compose'), variables, name, strict=strict)
        self._add_host_to_composed_groups(self.get_option('groups'), variables, name, strict=strict)
        self._add_host_to_keyed_groups(self.get_option('keyed_groups'), variables, name, strict=strict)


def config_message(error):
    """A configuration or credential error as shown to the user: it names the option to fix."""
    message = getattr(error, 'message', None) or str(error)
    option = getattr(error, 'option', None)
    if option and option not in message:
        message = '%s (option %s)' % (message, option)
    return '%s: %s' % (InventoryModule.NAME, message)
