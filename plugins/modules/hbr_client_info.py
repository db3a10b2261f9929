#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: hbr_client_info
short_description: List Cloud Backup (HBR) clients
version_added: 1.0.0
description:
  - Lists HBR backup clients with every filter DescribeBackupClients has, reading every page (99 clients per call).
  - With O(vault_id), lists SAP HANA clients of that vault instead (DescribeClients).
  - Never changes anything.
author:
  - alicloud.hbr developers (@alicloud-hbr)
options:
  client_type:
    description: Kind of client.
    type: str
    choices: [ECS_CLIENT, CONTAINER_CLIENT, LOCAL_CLIENT]
    default: ECS_CLIENT
  client_ids:
    description: Only these clients.
    type: list
    elements: str
  instance_ids:
    description: Only the clients of these ECS instances.
    type: list
    elements: str
  cluster_id:
    description: Only the clients of this cluster (container clients, or SAP HANA clients with O(vault_id)).
    type: str
  tags:
    description:
      - Only clients that carry all these tags (key and value). At most 20; keys must not be empty nor start with
        C(aliyun) or C(acs:). A value is a string or a number.
    type: dict
  filters:
    description:
      - "Extra server-side filters, as a dict of filter key to value or list of values, for example
        C({Status: [ACTIVATED, UNKNOWN]}). Sent as the API's C(Filters.N.Key)/C(Filters.N.Values.M)."
      - A value is a string or a number, or a non-empty list of them; anything else fails before any call.
    type: dict
  status:
    description: Keep only clients in one of these statuses (filtered after reading).
    type: list
    elements: str
    choices: [REGISTERED, ACTIVATED, DEACTIVATED, INSTALLING, INSTALL_FAILED, NOT_INSTALLED, UPGRADING, UPGRADE_FAILED,
              UNINSTALLING, UNINSTALL_FAILED, STOPPED, UNKNOWN]
  vault_id:
    description: List the SAP HANA clients (C(ECS_AGENT)) of this vault instead.
    type: str
  check_instances:
    description:
      - Read the clients' instances from ECS (C(DescribeInstances), 100 per call) and add C(orphaned) to every
        record - V(true) when the instance no longer exists (released), so its client can never back up again.
        Remove such clients with M(alicloud.hbr.hbr_client) O(alicloud.hbr.hbr_client#module:state=absent) and
        O(alicloud.hbr.hbr_client#module:purge=true).
      - Needs C(ecs:DescribeInstances) and the region of the instances (O(alicloud_region)).
    type: bool
    default: false
extends_documentation_fragment:
  - alicloud.hbr.hbr
  - alicloud.hbr.hbr.cross_account
attributes:
  check_mode:
    support: full
    description: The module only reads, so check mode returns the same result.
  diff_mode:
    support: none
    description: Nothing changes, so there is nothing to diff.
seealso:
  - module: alicloud.hbr.hbr_client
'''

EXAMPLES = r'''
- name: Every ECS backup client in the region
  alicloud.hbr.hbr_client_info:
  register: all_clients

- name: Clients that need attention
  alicloud.hbr.hbr_client_info:
    status: [INSTALL_FAILED, UPGRADE_FAILED, UNINSTALL_FAILED, UNKNOWN, DEACTIVATED]
  register: attention

- name: Clients of some instances, tagged for production
  alicloud.hbr.hbr_client_info:
    instance_ids: [i-bp1abcdefghij0123456, i-bp1abcdefghij0123457]
    tags:
      env: prod

- name: Feed the result back into hbr_client (keys match its options)
  alicloud.hbr.hbr_client:
    client_ids: "{{ attention.clients | map(attribute='client_id') | list }}"
    state: absent

- name: Clients whose ECS instance was released (orphans)
  alicloud.hbr.hbr_client_info:
    check_instances: true
  register: listed

- name: Delete the orphans' records
  alicloud.hbr.hbr_client:
    client_ids: "{{ listed.clients | selectattr('orphaned') | map(attribute='client_id') | list }}"
    state: absent
    purge: true
  when: listed.clients | selectattr('orphaned') | list | length > 0

- name: SAP HANA clients of a vault
  alicloud.hbr.hbr_client_info:
    vault_id: v-0001abcdefghij01234
'''

RETURN = r'''
clients:
  description:
    - The matching clients, V([]) when none. Keys match M(alicloud.hbr.hbr_client)'s options (C(instance_id),
      C(client_id), C(settings) under the option names and types), so a record can be fed back.
    - SAP HANA clients (O(vault_id)) have the same keys (C(max_client_version), C(last_heart_beat_time)...), plus
      C(vault_id) and C(cluster_id).
  returned: always
  type: list
  elements: dict
  contains:
    instance_id:
      description: ECS instance id.
      type: str
      sample: i-bp1abcdefghij0123456
    client_id:
      description: HBR client id.
      type: str
      sample: c-000abcdefghij0123456
    status:
      description: Client status.
      type: str
      sample: ACTIVATED
    client_version:
      description: Installed version.
      type: str
      sample: 2.13.0
    max_client_version:
      description: Newest version available.
      type: str
      sample: 2.14.0
    backup_status:
      description: V(PROTECTED) while a backup plan uses the client.
      type: str
      sample: UNPROTECTED
    settings:
      description: Client settings, under hbr_client's option names; C(proxy_password) is masked.
      type: dict
      sample: {data_network_type: VPC, max_cpu_core: 0, use_https: false, proxy_password: ''}
    tags:
      description: Tags as a dict.
      type: dict
      sample: {env: prod}
    orphaned:
      description: V(true) when the client's ECS instance no longer exists.
      type: bool
      returned: with O(check_instances=true)
      sample: false
    vault_id:
      description: Vault of a SAP HANA client.
      type: str
      returned: with O(vault_id)
    cluster_id:
      description: SAP HANA instance (cluster) of a SAP HANA client.
      type: str
      returned: with O(vault_id)
  sample: []
'''

from ..module_utils._connection import cross_account_argument_spec
from ..module_utils._errors import HbrApiError, HbrConfigError
from ..module_utils._model import STATUS_TABLE, cross_account_params, normalize_client
from ..module_utils._module import HbrModule
from ..module_utils._precheck import existing_instances
from ..module_utils._reads import describe_backup_clients, describe_hana_clients
from ..module_utils._validation import (validate_client_ids, validate_cluster_id, validate_cross_account,
                                        validate_filters, validate_instance_ids, validate_tags, validate_vault_id)


def argument_spec():
    return dict(
        client_type=dict(type='str', choices=['ECS_CLIENT', 'CONTAINER_CLIENT', 'LOCAL_CLIENT'], default='ECS_CLIENT'),
        client_ids=dict(type='list', elements='str'),
        instance_ids=dict(type='list', elements='str'),
        cluster_id=dict(type='str'),
        tags=dict(type='dict'),
        filters=dict(type='dict'),
        status=dict(type='list', elements='str', choices=list(STATUS_TABLE)),
        vault_id=dict(type='str'),
        check_instances=dict(type='bool', default=False),
        **cross_account_argument_spec()
    )


def validate(params):
    validate_client_ids(params['client_ids'])
    validate_instance_ids(params['instance_ids'])
    validate_tags(params['tags'])
    validate_filters(params['filters'])
    validate_cross_account(params)
    if params['cluster_id']:
        validate_cluster_id(params['cluster_id'])
    if params['vault_id']:
        validate_vault_id(params['vault_id'])
        for option in ('instance_ids', 'tags', 'filters'):
            if params[option]:
                raise HbrConfigError(option, '%s does not apply to SAP HANA clients (vault_id); filter the result '
                                             'instead' % option)
        if params['client_ids'] and len(params['client_ids']) > 1:
            raise HbrConfigError('client_ids', 'with vault_id, give at most one client id')


def api_filters(filters):
    """Filters.N.Key / Filters.N.Values.M; the values are scalars (validate_filters)."""
    result = []
    for key in sorted(filters or {}):
        values = filters[key]
        values = values if isinstance(values, list) else [values]
        result.append({'Key': key, 'Values': [str(v) for v in values]})
    return result


def request_params(params):
    """The DescribeBackupClients filters other than the ids."""
    extra = cross_account_params(params)
    if params['cluster_id']:
        extra['ClusterId'] = params['cluster_id']
    if params['tags']:
        extra['Tag'] = [{'Key': k, 'Value': v} for k, v in sorted(params['tags'].items())]
    if params['filters']:
        extra['Filters'] = api_filters(params['filters'])
    return extra


def read(module):
    params = module.params
    api = module.client()
    if params['vault_id']:
        by_instance = describe_hana_clients(api, params['vault_id'], params['cluster_id'],
                                            (params['client_ids'] or [None])[0])
        return list(by_instance.values())
    common = dict(client_type=params['client_type'], params=request_params(params))
    if params['client_ids'] and not params['instance_ids']:
        raws = describe_backup_clients(api, client_ids=params['client_ids'], **common)
    else:
        raws = describe_backup_clients(api, instance_ids=params['instance_ids'], **common)
        if params['client_ids']:
            raws = [raw for raw in raws if raw.get('ClientId') in set(params['client_ids'])]
    return [normalize_client(raw) for raw in raws]


def mark_orphans(module, clients):
    """Add `orphaned` to every record: its instance is unknown to ECS."""
    if not module.region():
        module.fail_config(HbrConfigError('alicloud_region', 'check_instances reads the instances from ECS and needs '
                                                             'their region: set alicloud_region'))
    ids = sorted(set(c['instance_id'] for c in clients if c.get('instance_id')))
    try:
        existing = existing_instances(module.ecs_client(), module.region(), ids) if ids else set()
    except HbrApiError as exc:
        module.fail_api(exc, msg='Reading the instances from ECS failed (check_instances needs ecs:DescribeInstances)')
    for client in clients:
        client['orphaned'] = client.get('instance_id') not in existing


def main():
    module = HbrModule(argument_spec=argument_spec(), supports_check_mode=True)
    try:
        validate(module.params)
    except HbrConfigError as exc:
        module.fail_config(exc)
    try:
        clients = read(module)
    except HbrApiError as exc:
        module.fail_api(exc, msg='Listing HBR clients failed')
    if module.params['status']:
        clients = [c for c in clients if c.get('status') in module.params['status']]
    if module.params['check_instances']:
        mark_orphans(module, clients)
    module.exit_json(changed=False, clients=clients)


if __name__ == '__main__':
    main()
