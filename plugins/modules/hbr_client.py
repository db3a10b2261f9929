#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: hbr_client
short_description: Install, upgrade, configure and uninstall Cloud Backup (HBR) clients on ECS instances
version_added: 1.0.0
description:
  - Declares the state of the HBR backup client on a B(set) of ECS instances, of any size, in one task. The module
    reads every client first, acts only on the instances that need it, in batches at the API limits (install and
    uninstall 20 instances per call, upgrade 100) sent concurrently, waits for the asynchronous tasks, then applies
    the settings the task sets.
  - A second run with the same arguments makes no write call and reports C(changed=false).
  - "What each client Status means and what the module does about it, for each O(state):"
  - "C(ACTIVATED): installed, activated and sending heartbeats. V(present): nothing. V(absent): uninstall.
    V(latest): upgrade when ClientVersion is below MaxClientVersion."
  - "C(DEACTIVATED): activation expired; the client no longer backs up. V(present): install. V(absent): uninstall.
    V(latest): install."
  - "C(INSTALLING): an install task is running. V(present): wait until it settles, then decide again. V(absent):
    wait until it settles, then decide again. V(latest): wait until it settles, then decide again."
  - "C(INSTALL_FAILED): the last install failed. V(present): report a failure without acting. V(absent): uninstall.
    V(latest): report a failure without acting. With O(retry_failed=true), install instead."
  - "C(NOT_INSTALLED): no client on the instance. V(present): install. V(absent): nothing. V(latest): install."
  - "C(REGISTERED): registered with HBR but never activated. V(present): install. V(absent): uninstall. V(latest):
    install."
  - "C(STOPPED): uninstalled (what the service shows after an uninstall). V(present): install. V(absent): nothing.
    V(latest): install."
  - "C(UNINSTALLING): an uninstall task is running. V(present): wait until it settles, then decide again.
    V(absent): wait until it settles, then decide again. V(latest): wait until it settles, then decide again."
  - "C(UNINSTALL_FAILED): the last uninstall failed; the client may be half removed. V(present): report a failure
    without acting. V(absent): report a failure without acting. V(latest): report a failure without acting. With
    O(retry_failed=true), install (present, latest) or uninstall (absent) instead."
  - "C(UNKNOWN): disconnected: no heartbeat (agent down, instance stopped or network cut). V(present): install.
    V(absent): uninstall. V(latest): install."
  - "C(UPGRADE_FAILED): the last upgrade failed. V(present): report a failure without acting. V(absent): uninstall.
    V(latest): report a failure without acting. With O(retry_failed=true), install (present) or upgrade (latest)
    instead."
  - "C(UPGRADING): an upgrade task is running. V(present): wait until it settles, then decide again. V(absent):
    wait until it settles, then decide again. V(latest): wait until it settles, then decide again."
  - "No client record: V(present) and V(latest) install; V(absent) does nothing."
  - Why C(*_FAILED) clients are reported rather than retried by default - the cause (an unsupported OS, a full
    disk) is on the instance, so a retry would fail the same way, take up to 15 minutes, and make every run report
    C(changed). Fix the instance, then run once with O(retry_failed=true).
  - Why transitional clients are waited out - another run, the console or a scheduled job started that task; acting
    on top of it would start a second task on the same client.
author:
  - alicloud.hbr developers (@alicloud-hbr)
options:
  instance_ids:
    description:
      - ECS instance ids whose backup client this task manages. Any number; duplicates are an error.
      - At least one of O(instance_ids) and O(client_ids) is required.
    type: list
    elements: str
  client_ids:
    description:
      - HBR client ids (C(c-...)) to manage, in addition to O(instance_ids). With V(present) and V(latest), every
        id must match an existing ECS client, otherwise the task fails before any change; with V(absent), an id that
        has no record any more is already absent.
    type: list
    elements: str
  state:
    description:
      - V(present) - a client is installed and C(ACTIVATED) on every instance.
      - V(absent) - no client is installed (uninstalled; HBR then shows C(STOPPED)). Backup resources are kept;
        use M(alicloud.hbr.hbr_client_resources) to delete them, or O(purge) to delete the client records too.
      - V(latest) - like V(present), and every client runs the newest version (C(ClientVersion) equals
        C(MaxClientVersion)), upgrading where needed.
    type: str
    choices: [present, absent, latest]
    default: present
  data_network_type:
    description: Network used for backup data. Compared and changed only when set.
    type: str
    choices: [PUBLIC, VPC, CLASSIC]
  data_proxy_setting:
    description:
      - Proxy for backup data. V(CUSTOM) and V(USE_CONTROL_PROXY) take O(proxy_host), O(proxy_port), O(proxy_user) and
        O(proxy_password).
    type: str
    choices: [DISABLE, USE_CONTROL_PROXY, CUSTOM]
  proxy_host:
    description: Custom proxy host, with O(data_proxy_setting=CUSTOM) or O(data_proxy_setting=USE_CONTROL_PROXY).
    type: str
  proxy_port:
    description:
      - Custom proxy port (1 to 65535), with O(data_proxy_setting=CUSTOM) or
        O(data_proxy_setting=USE_CONTROL_PROXY).
    type: int
  proxy_user:
    description: Custom proxy user name, with O(data_proxy_setting=CUSTOM) or O(data_proxy_setting=USE_CONTROL_PROXY).
    type: str
  proxy_password:
    description:
      - Custom proxy password, with O(data_proxy_setting=CUSTOM) or O(data_proxy_setting=USE_CONTROL_PROXY). Never
        logged nor returned.
      - When HBR returns it masked it cannot be compared; see O(update_proxy_password). When HBR returns it in
        clear, it is compared (as a SHA-256 digest, never kept nor returned) and sent only when it differs.
    type: str
  update_proxy_password:
    description:
      - V(on_create) sends O(proxy_password) only when the client was installed by this run, has no proxy password
        yet, or another proxy option changes. Runs stay idempotent.
      - V(always) sends it on every run, and the task then always reports C(changed).
    type: str
    choices: [on_create, always]
    default: on_create
  max_cpu_core:
    description: CPU cores one backup job may use (0 to 1024); V(0) means no limit.
    type: int
  max_worker:
    description: Concurrent backup jobs (0 to 1024); V(0) means no limit.
    type: int
  max_memory:
    description: Memory the client may use, in bytes; V(0) means no limit. Needs client 2.13.0 or later.
    type: int
  use_https:
    description:
      - Send backup data over HTTPS.
      - For SAP HANA clients (O(vault_id)), passed to CreateClients.
    type: bool
  alert_on_partial_complete:
    description: Raise alerts for backup jobs that complete only partially.
    type: bool
  purge:
    description:
      - With O(state=absent), after the uninstall, delete the client record (DeleteBackupClient; DeleteClient for SAP
        HANA clients), with the plans, jobs and snapshots HBR keeps for it. A second run finds no record and
        reports C(changed=false).
      - Orphaned clients (their ECS instance was released) cannot be uninstalled; with O(purge=true) their uninstall
        is skipped (the precheck finds the instance gone) and their record is deleted.
      - HBR refuses to delete a client that sent a heartbeat within the last hour. Such clients fail on their own,
        with the time after which a re-run succeeds; the others are deleted.
      - Needs O(wait=true).
    type: bool
    default: false
  retry_failed:
    description:
      - Act again on clients whose last install, upgrade or uninstall failed (see the table above). By default they
        are reported as failures and left alone.
    type: bool
    default: false
  precheck_instances:
    description:
      - Before acting on instances, read them from ECS (C(DescribeInstances), C(DescribeCloudAssistantStatus)) and
        skip, as failures, the ones that do not exist, are not running, or have no Cloud Assistant. No write call is
        then sent that could only fail, so a run over a partly stopped fleet stays idempotent.
      - Needs C(ecs:DescribeInstances) and C(ecs:DescribeCloudAssistantStatus). Without them the module warns and
        lets HBR report those instances.
      - Only the instances that need an action are checked; a run with nothing to do reads nothing from ECS.
      - An instance started less than 10 minutes ago whose Cloud Assistant is not running yet is waited for (within
        O(wait_timeout)), as a freshly created instance needs time for it; an instance running longer without it
        fails at once.
      - Needs the region of the instances (O(alicloud_region), or the region of a regional O(hbr_endpoint)).
    type: bool
    default: true
  ecs_endpoint:
    description:
      - Endpoint URL of the ECS API for O(precheck_instances). If not set, the region's ECS endpoint is used
        (C(ecs-vpc.<region>.aliyuncs.com) when HBR is reached through its VPC endpoint, else
        C(ecs.<region>.aliyuncs.com)); a custom O(hbr_endpoint) is used for ECS too only when it is a loopback address
        (the emulator answers both APIs).
      - If not set, E(ALICLOUD_ECS_ENDPOINT) is tried.
    type: str
  vault_id:
    description:
      - Backup vault of SAP HANA clients. With O(cluster_id) it selects SAP HANA clients (read with DescribeClients).
        V(present) creates them (CreateClients), V(latest) upgrades them (UpgradeClient), V(absent) uninstalls them
        (UninstallClient, and DeleteClient with O(purge)), through the same engine as ECS clients.
      - Their settings O(use_https) and O(data_network_type) are compared and changed (UpdateClientSettings with
        the vault id); the other settings do not apply to them.
    type: str
  cluster_id:
    description: SAP HANA instance (cluster) id, with O(vault_id).
    type: str
  source_types:
    description: Data source types of SAP HANA clients.
    type: list
    elements: str
    default: [HANA]
  alert_setting:
    description: Alert setting of SAP HANA clients; V(INHERITED) uses the vault's.
    type: str
    choices: [INHERITED]
  resource_group_id:
    description: Resource group of SAP HANA clients.
    type: str
  hana_access_key_id:
    description: AccessKey ID the SAP HANA client uses, when the instance has no RAM role. Sent in ClientInfo.
    type: str
  hana_access_key_secret:
    description: AccessKey secret for O(hana_access_key_id). Never logged nor returned.
    type: str
  wait:
    description:
      - Wait for the install, upgrade or uninstall tasks to finish. With V(false) the module returns after sending
        them, with their RV(task_ids); settings are then applied only to clients that were already active.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds the whole run may wait (settling, tasks). HBR's own task timeout is 15 minutes. Instances still
        pending at the end fail with C(WaitTimeout) and the last task state.
    type: int
    default: 900
  concurrency:
    description: How many API calls (batches, settings updates, reads) may be in flight at once (1 to 50).
    type: int
    default: 10
extends_documentation_fragment:
  - alicloud.hbr.hbr
  - alicloud.hbr.hbr.cross_account
attributes:
  check_mode:
    support: full
    description: No write and no wait; C(clients) is the predicted result.
  diff_mode:
    support: full
    description: Before and after of status, client id, version and the settings the task sets, per instance that changes.
notes:
  - Concurrent runs on the same controller (for example one per host with forks) take a short lock file in the
    temporary directory while they send their writes, so that two runs over overlapping instances never install
    twice. A write generation kept beside the lock tells a run whether another run on the controller wrote since
    its own read; only then does it read the clients it is about to change again (and waits for the other run's
    task instead of writing). Otherwise nothing is read twice.
  - Failures are per instance. Instances that converged are returned and make the task C(changed); the task fails
    with a message naming each other instance and its error code, and a RV(failures) list.
  - An install, uninstall or upgrade whose answer was lost (dropped connection, timeout) is never sent again
    blindly. The module reads the clients until they show the write (for up to 30 seconds, since a client record
    may lag behind its task) and re-sends only for instances that still show nothing.
  - Outcomes are taken from a client record only once it has moved from what it was before the write (a record
    may keep its old status until the task ends), and from each instance's own DescribeTask result item (a task's
    Progress -1 fails only the items that failed). An item its task reports done is confirmed by its record, or
    taken from the task after 60 seconds.
  - Reads page through every page until TotalCount clients are found (pages may be capped or short); a read that
    stays short fails the task before anything is written.
  - Runs from different controllers (AWX execution nodes) are not locked against each other, and HBR has no
    idempotency token for installs; keep HBR job templates from overlapping (see the AWX guide).
seealso:
  - module: alicloud.hbr.hbr_client_info
  - module: alicloud.hbr.hbr_client_resources
  - name: HBR InstallBackupClients
    description: The API behind O(state=present).
    link: https://www.alibabacloud.com/help/en/cloud-backup/developer-reference/api-hbr-2017-09-08-installbackupclients
'''

EXAMPLES = r'''
- name: Protect a fleet (run once from the controller for all hosts)
  alicloud.hbr.hbr_client:
    instance_ids: "{{ groups['ecs'] | map('extract', hostvars, 'instance_id') | list }}"
    state: present
    data_network_type: VPC
    max_cpu_core: 2
  delegate_to: localhost
  run_once: true

- name: Keep clients at the newest version, with a custom proxy
  alicloud.hbr.hbr_client:
    instance_ids: [i-bp1abcdefghij0123456, i-bp1abcdefghij0123457]
    state: latest
    data_proxy_setting: CUSTOM
    proxy_host: 10.0.0.8
    proxy_port: 3128
    proxy_user: backup
    proxy_password: "{{ vault_backup_proxy_password }}"

- name: Uninstall the client from decommissioned instances
  alicloud.hbr.hbr_client:
    client_ids: [c-000abcdefghij0123456]
    state: absent

- name: Send the installs and return at once, then check later
  alicloud.hbr.hbr_client:
    instance_ids: "{{ new_instances }}"
    wait: false
  register: started

- name: SAP HANA backup client in a vault
  alicloud.hbr.hbr_client:
    instance_ids: [i-bp1hana0000000000001]
    vault_id: v-0001abcdefghij01234
    cluster_id: cl-0001abcdefghij01234
    alert_setting: INHERITED

- name: Against the local emulator (credentials and endpoint from a module_defaults group)
  module_defaults:
    group/alicloud.hbr.hbr:
      hbr_endpoint: http://127.0.0.1:8080
      alicloud_region: cn-hangzhou
      alicloud_access_key: emulator-ak
      alicloud_secret_key: "{{ emulator_secret }}"
  alicloud.hbr.hbr_client:
    instance_ids: [i-emu00000000000000001]
'''

RETURN = r'''
clients:
  description:
    - The final client record of every target instance that has one (predicted in check mode), with the keys
      below (M(alicloud.hbr.hbr_client_info) returns every field HBR has). Keys match this module's options, so a
      record can be fed back.
  returned: always
  type: list
  elements: dict
  contains:
    instance_id:
      description: ECS instance id.
      type: str
      sample: i-bp1abcdefghij0123456
    client_id:
      description: HBR client id (V(null) for a client that check mode predicts).
      type: str
      sample: c-000abcdefghij0123456
    status:
      description: Client status (see the table in the description).
      type: str
      sample: ACTIVATED
    client_version:
      description: Installed client version.
      type: str
      sample: 2.14.0
    max_client_version:
      description: Newest client version available.
      type: str
      sample: 2.14.0
    backup_status:
      description: V(PROTECTED) when a backup plan uses the client.
      type: str
      sample: PROTECTED
    settings:
      description: Client settings under this module's option names and types; C(proxy_password) is masked.
      type: dict
      sample: {data_network_type: VPC, data_proxy_setting: USE_CONTROL_PROXY, max_cpu_core: 2, max_worker: 0,
               max_memory: 0, use_https: false, alert_on_partial_complete: false, proxy_host: '', proxy_port: 0,
               proxy_user: '', proxy_password: ''}
    tags:
      description: Tags as a dict.
      type: dict
      sample: {env: prod}
    zone_id:
      description: Zone of the instance.
      type: str
      sample: cn-hangzhou-h
    last_heart_beat_time:
      description: Last heartbeat, Unix seconds.
      type: int
      sample: 1795420800
    client_type:
      description: V(ECS_CLIENT), or V(ECS_AGENT) for SAP HANA clients.
      type: str
      sample: ECS_CLIENT
    vault_id:
      description: Vault of a SAP HANA client.
      type: str
      returned: for SAP HANA clients
      sample: v-0001abcdefghij01234
    cluster_id:
      description: SAP HANA instance (cluster) of a SAP HANA client.
      type: str
      returned: for SAP HANA clients
      sample: cl-0001abcdefghij01234
changed_instance_ids:
  description: The instances this run changed (would change, in check mode), for per-host reporting.
  returned: always
  type: list
  elements: str
  sample: [i-bp1abcdefghij0123456]
task_ids:
  description: Ids of the HBR tasks this run started.
  returned: always
  type: list
  elements: str
  sample: [t-000abcdefghij0123456]
failures:
  description: One entry per instance that did not converge.
  returned: when some instances failed
  type: list
  elements: dict
  contains:
    instance_id:
      description: ECS instance id.
      type: str
    client_id:
      description: HBR client id, when there is one.
      type: str
    code:
      description: Error code (HBR ErrorCode, a C(*_FAILED) status, C(WaitTimeout), or an API error code).
      type: str
      sample: InstanceNotRunning
    message:
      description: What happened.
      type: str
    stage:
      description: Where it failed - V(read), V(precheck), V(install), V(uninstall), V(upgrade), V(create), V(wait)
        or V(settings).
      type: str
      sample: precheck
  sample: [{instance_id: i-bp1abcdefghij0123456, client_id: null, code: InstanceNotRunning,
            message: the ECS instance is not running; no install was attempted, stage: precheck}]
diff:
  description: Before and after per instance that changes (in diff mode).
  returned: in diff mode
  type: dict
  sample: {before: {i-bp1abcdefghij0123456: {status: null}},
           after: {i-bp1abcdefghij0123456: {status: ACTIVATED, client_id: c-000abcdefghij0123456,
                                            client_version: 2.14.0}}}
'''

from ansible.module_utils.basic import env_fallback

from ..module_utils._adapters import EcsClients, HanaClients
from ..module_utils._connection import cross_account_argument_spec
from ..module_utils._engine import Context, ConvergeRequest, converge
from ..module_utils._errors import HbrApiError, HbrConfigError
from ..module_utils._lock import WriteLock
from ..module_utils._model import HANA_SETTING_OPTIONS, SETTING_OPTIONS, cross_account_params, settings_argument_spec
from ..module_utils._module import HbrModule
from ..module_utils._results import build_diff, converge_result, failure_message, result_order
from ..module_utils._validation import (validate_client_ids, validate_cluster_id, validate_cross_account,
                                        validate_instance_ids, validate_settings, validate_vault_id)

HANA_ONLY = ('source_types', 'alert_setting', 'resource_group_id', 'hana_access_key_id', 'hana_access_key_secret')


def argument_spec():
    spec = dict(
        instance_ids=dict(type='list', elements='str'),
        client_ids=dict(type='list', elements='str'),
        state=dict(type='str', choices=['present', 'absent', 'latest'], default='present'),
        update_proxy_password=dict(type='str', choices=['on_create', 'always'], default='on_create', no_log=False),
        purge=dict(type='bool', default=False),
        retry_failed=dict(type='bool', default=False),
        precheck_instances=dict(type='bool', default=True),
        ecs_endpoint=dict(type='str', fallback=(env_fallback, ['ALICLOUD_ECS_ENDPOINT'])),
        vault_id=dict(type='str'),
        cluster_id=dict(type='str'),
        source_types=dict(type='list', elements='str', default=['HANA']),
        alert_setting=dict(type='str', choices=['INHERITED']),
        resource_group_id=dict(type='str'),
        hana_access_key_id=dict(type='str', no_log=False),
        hana_access_key_secret=dict(type='str', no_log=True),
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=900),
        concurrency=dict(type='int', default=10),
        **cross_account_argument_spec()
    )
    spec.update(settings_argument_spec())
    return spec


def validate(params):
    """Every check that needs no API call; raises HbrConfigError naming the option."""
    validate_instance_ids(params['instance_ids'])
    validate_client_ids(params['client_ids'])
    if not params['instance_ids'] and not params['client_ids']:
        raise HbrConfigError('instance_ids', 'give instance_ids or client_ids (a non-empty list)')
    if not 1 <= params['wait_timeout'] <= 86400:
        raise HbrConfigError('wait_timeout', 'wait_timeout must be between 1 and 86400 seconds')
    if not 1 <= params['concurrency'] <= 50:
        raise HbrConfigError('concurrency', 'concurrency must be between 1 and 50')
    settings = desired_settings(params)
    validate_settings(settings)
    validate_cross_account(params)
    if params['vault_id'] or params['cluster_id']:
        validate_hana(params, settings)
    else:
        used = [o for o in HANA_ONLY if params.get(o) and not (o == 'source_types' and params[o] == ['HANA'])]
        if used:
            raise HbrConfigError(used[0], '%s only applies to SAP HANA clients; set vault_id and cluster_id, or drop '
                                          '%s' % (used[0], used[0]))
    if params['purge'] and params['state'] != 'absent':
        raise HbrConfigError('purge', 'purge deletes client records and only applies with state absent')
    if params['purge'] and not params['wait']:
        raise HbrConfigError('purge', 'purge needs wait: true (records are deleted once the uninstall has finished)')
    if settings and params['state'] == 'absent':
        raise HbrConfigError(sorted(settings)[0], 'settings (%s) cannot be applied with state absent; drop them '
                                                  'or use state present' % ', '.join(sorted(settings)))
    return settings


def validate_hana(params, settings):
    if not params['vault_id'] or not params['cluster_id']:
        missing = 'vault_id' if not params['vault_id'] else 'cluster_id'
        raise HbrConfigError(missing, 'SAP HANA clients need both vault_id and cluster_id; %s is missing' % missing)
    validate_vault_id(params['vault_id'])
    validate_cluster_id(params['cluster_id'])
    if params['client_ids']:
        raise HbrConfigError('client_ids', 'SAP HANA clients are selected by instance_ids; drop client_ids')
    unsupported = sorted(o for o in settings if o not in HANA_SETTING_OPTIONS)
    if unsupported:
        raise HbrConfigError(unsupported[0], '%s cannot be set on SAP HANA clients (vault_id); drop it'
                             % unsupported[0])
    if params['hana_access_key_secret'] and not params['hana_access_key_id']:
        raise HbrConfigError('hana_access_key_id', 'hana_access_key_secret needs hana_access_key_id')


def desired_settings(params):
    return dict((option, params[option]) for option in SETTING_OPTIONS if params.get(option) is not None)


def client_kind(params):
    """The adapter for the kind of client the task names: SAP HANA (vault_id) or ECS."""
    if not params['vault_id']:
        return EcsClients(params)
    create = dict(cross_account_params(params), AlertSetting=params['alert_setting'], UseHttps=params['use_https'],
                  ResourceGroupId=params['resource_group_id'])
    access_key = (params['hana_access_key_id'], params['hana_access_key_secret']) \
        if params['hana_access_key_id'] else None
    return HanaClients(params['vault_id'], params['cluster_id'], params['source_types'], create, access_key)


def context(module, clients):
    params = module.params
    api = module.client()
    use_precheck = params['precheck_instances'] and clients.precheck
    if use_precheck and not module.region():
        module.fail_config(HbrConfigError('alicloud_region', 'the ECS precheck needs the region of the instances: set '
                                                             'alicloud_region (or ALICLOUD_REGION), or set '
                                                             'precheck_instances: false'))
    lock = WriteLock('%s|%s' % (api.endpoint, api.credentials.access_key_id), timeout=min(params['wait_timeout'], 300))
    return Context(api, ecs_api=module.ecs_client() if use_precheck else None, region=module.region(),
                   check_mode=module.check_mode, wait=params['wait'], wait_timeout=params['wait_timeout'],
                   concurrency=params['concurrency'], write_lock=lock)


def run(module):
    params = module.params
    try:
        settings = validate(params)
    except HbrConfigError as exc:
        module.fail_config(exc)
    clients = client_kind(params)
    request = ConvergeRequest(instance_ids=params['instance_ids'], client_ids=params['client_ids'],
                              state=params['state'], settings=settings,
                              update_proxy_password=params['update_proxy_password'],
                              retry_failed=params['retry_failed'], precheck=params['precheck_instances'],
                              purge=params['purge'])
    try:
        outcome = converge(context(module, clients), clients, request)
    except HbrConfigError as exc:
        module.fail_config(exc)
    except HbrApiError as exc:
        module.fail_api(exc, msg='HBR call failed before the fleet converged')
    for warning in outcome.warnings:
        module.warn(warning)
    order = result_order(params['instance_ids'], outcome)
    result = converge_result(outcome, order)
    if module.diff_mode:
        result['diff'] = build_diff(outcome, order, sorted(settings))
    failures = outcome.failure_list(order)
    if failures:
        module.fail_json(msg=failure_message(failures, len(order), 'state %s' % params['state']),
                         failures=failures, **result)
    module.exit_json(**result)


def main():
    module = HbrModule(argument_spec=argument_spec(), supports_check_mode=True)
    run(module)


if __name__ == '__main__':
    main()
