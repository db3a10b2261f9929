#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: hbr_client_resources
short_description: Delete the backup plans, jobs and snapshots of Cloud Backup (HBR) clients
version_added: 1.0.0
description:
  - Deletes the backup resources (backup plans, backup jobs and snapshots) of HBR clients with
    DeleteBackupClientResource, 100 clients per call. The clients themselves are kept; use
    M(alicloud.hbr.hbr_client) with O(alicloud.hbr.hbr_client#module:state=absent) to uninstall them.
  - B(Destructive.) Snapshots cannot be recovered. Run with C(--check --diff) first to see exactly which clients
    would lose their resources.
  - How the module tells that nothing is left - HBR reports C(BackupStatus=PROTECTED) while a client has a backup
    plan, and C(UNPROTECTED) once its plans are gone. A client counts as having resources while it is C(PROTECTED), so
    a second run finds every client C(UNPROTECTED), sends nothing and reports C(changed=false).
  - Snapshots or jobs that outlived their plan (the plan was deleted elsewhere) leave the client C(UNPROTECTED) and
    are not seen by that rule; O(force=true) sends the delete for every selected client regardless.
author:
  - alicloud.hbr developers (@alicloud-hbr)
options:
  client_ids:
    description: Clients whose resources to delete.
    type: list
    elements: str
  instance_ids:
    description: ECS instances whose clients' resources to delete. Every instance must have a client, otherwise the
      task fails before deleting anything.
    type: list
    elements: str
  state:
    description: V(absent) - the selected clients have no backup plans, jobs or snapshots.
    type: str
    choices: [absent]
    default: absent
  force:
    description: Send the delete for every selected client, also those that look clean (C(UNPROTECTED)). The task then
      always reports C(changed).
    type: bool
    default: false
  max_clients:
    description:
      - Safety limit - the task fails, before any API call where the ids alone show it, if it would delete the
        resources of more clients than this. The default is one API call's worth; raise it deliberately for larger
        clean-ups.
    type: int
    default: 100
extends_documentation_fragment:
  - alicloud.hbr.hbr
attributes:
  check_mode:
    support: full
    description: Reads the clients and reports which would be cleaned, without deleting.
  diff_mode:
    support: full
    description: Per client, the backup status before and after.
seealso:
  - module: alicloud.hbr.hbr_client
  - module: alicloud.hbr.hbr_client_info
'''

EXAMPLES = r'''
- name: See what would be deleted
  alicloud.hbr.hbr_client_resources:
    instance_ids: "{{ decommissioned }}"
  check_mode: true
  diff: true

- name: Delete the backup resources of decommissioned instances
  alicloud.hbr.hbr_client_resources:
    instance_ids: "{{ decommissioned }}"
    state: absent

- name: A large clean-up, raising the safety limit on purpose
  alicloud.hbr.hbr_client_resources:
    client_ids: "{{ old_clients }}"
    max_clients: 1000
'''

RETURN = r'''
clients:
  description: The selected clients as read before acting (every one, cleaned or not).
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
    backup_status:
      description: Backup status before this run.
      type: str
      sample: PROTECTED
deleted_client_ids:
  description: Clients whose resources were deleted (would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [c-000abcdefghij0123456]
diff:
  description: Per client that changes, the backup status and what goes.
  returned: in diff mode
  type: dict
  sample: {before: {c-000abcdefghij0123456: {backup_status: PROTECTED, resources: [backup plans, backup jobs,
                                                                                   snapshots]}},
           after: {c-000abcdefghij0123456: {backup_status: UNPROTECTED, resources: []}}}
'''

from ..module_utils._concurrency import chunks, run_concurrently
from ..module_utils._errors import HbrApiError, HbrConfigError
from ..module_utils._model import normalize_client
from ..module_utils._module import HbrModule
from ..module_utils._reads import describe_backup_clients
from ..module_utils._validation import validate_client_ids, validate_instance_ids

RESOURCE_BATCH = 100  # DeleteBackupClientResource takes at most 100 client ids

RESOURCE_KINDS = ['backup plans', 'backup jobs', 'snapshots']


def argument_spec():
    return dict(
        client_ids=dict(type='list', elements='str'),
        instance_ids=dict(type='list', elements='str'),
        state=dict(type='str', choices=['absent'], default='absent'),
        force=dict(type='bool', default=False),
        max_clients=dict(type='int', default=100),
    )


def check_limit(count, max_clients):
    if count > max_clients:
        raise HbrConfigError('max_clients', 'this would delete the backup resources of %d clients, more than '
                                            'max_clients (%d). Narrow client_ids/instance_ids, or raise max_clients '
                                            'to %d on purpose.' % (count, max_clients, count))


def validate(params):
    validate_client_ids(params['client_ids'])
    validate_instance_ids(params['instance_ids'])
    if not params['client_ids'] and not params['instance_ids']:
        raise HbrConfigError('client_ids', 'give client_ids or instance_ids (a non-empty list)')
    if params['max_clients'] < 1:
        raise HbrConfigError('max_clients', 'max_clients must be at least 1')
    check_limit(len(params['client_ids'] or []), params['max_clients'])
    check_limit(len(params['instance_ids'] or []), params['max_clients'])


def select_clients(api, client_ids, instance_ids):
    """The selected clients; every requested id must resolve to one, or nothing is deleted."""
    selected = {}
    for option, ids, key in (('client_ids', client_ids, 'client_id'), ('instance_ids', instance_ids, 'instance_id')):
        if not ids:
            continue
        found = dict((c[key], c) for c in map(normalize_client, describe_backup_clients(api, **{option: ids})))
        missing = [value for value in ids if value not in found]
        if missing:
            raise HbrConfigError(option, '%s has ids that match no HBR client: %s; nothing was deleted'
                                 % (option, ', '.join(missing)))
        selected.update((c['client_id'], c) for c in found.values())
    return list(selected.values())


def run(module):
    params = module.params
    try:
        validate(params)
    except HbrConfigError as exc:
        module.fail_config(exc)
    api = module.client()
    try:
        clients = select_clients(api, params['client_ids'], params['instance_ids'])
        check_limit(len(clients), params['max_clients'])
    except HbrConfigError as exc:
        module.fail_config(exc)
    except HbrApiError as exc:
        module.fail_api(exc, msg='Reading the clients failed; nothing was deleted')
    dirty = [c for c in clients if params['force'] or c.get('backup_status') == 'PROTECTED']
    ids = [c['client_id'] for c in dirty]
    if ids and not module.check_mode:
        try:
            run_concurrently(lambda batch: api.call('DeleteBackupClientResource', {'ClientIds': batch}),
                             chunks(ids, RESOURCE_BATCH), 4)
        except HbrApiError as exc:
            module.fail_api(exc, msg='Deleting backup resources failed', clients=clients, changed=True)
    result = dict(changed=bool(ids), clients=clients, deleted_client_ids=ids)
    if module.diff_mode:
        result['diff'] = {
            'before': dict((c['client_id'], {'backup_status': c.get('backup_status'), 'resources': RESOURCE_KINDS})
                           for c in dirty),
            'after': dict((c['client_id'], {'backup_status': 'UNPROTECTED', 'resources': []}) for c in dirty),
        }
    module.exit_json(**result)


def main():
    run(HbrModule(argument_spec=argument_spec(), supports_check_mode=True))


if __name__ == '__main__':
    main()
