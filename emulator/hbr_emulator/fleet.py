"""The emulated fleet: ECS instances and pre-existing clients from a scenario (or
``POST /_emulator/instances``), inserted into the store."""

import json

from .model import DEFAULT_SETTINGS, KIND_OF_STATUS, STATUSES, client_id_for, instance_id_for
from .tasks import create_task

TARGET_OF_KIND = {'install': 'ACTIVATED', 'uninstall': 'NOT_INSTALLED', 'upgrade': 'ACTIVATED'}


def add_instances(service, spec):
    """Insert ``instance_count`` numbered instances, then the listed ``instances``; return their ids."""
    store = service.store
    added = []
    counter = int(store.meta('instance_counter') or 0)
    for _number in range(int(spec.get('instance_count') or 0)):
        counter += 1
        added.append(insert_instance(service, {'instance_id': instance_id_for(counter)}))
    store.set_meta('instance_counter', str(counter))
    for instance in spec.get('instances') or []:
        added.append(insert_instance(service, {'instance_id': instance} if isinstance(instance, str) else instance))
    return added


def insert_instance(service, spec):
    instance_id = spec.get('instance_id')
    if not instance_id:
        raise ValueError('every instance needs an instance_id')
    store = service.store
    seq = store.execute('SELECT COUNT(*) FROM instances').fetchone()[0] + 1
    now = service.clock()
    store.execute(
        'INSERT OR REPLACE INTO instances (instance_id, status, cloud_assistant, install_fails, uninstall_fails, '
        'upgrade_fails, os_type, arch, zone_id, name, hostname, private_ip, started, assistant_from) '
        'VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
        (instance_id, spec.get('status', 'Running'), int(spec.get('cloud_assistant', True)),
         int(spec.get('install_fails', False)), int(spec.get('uninstall_fails', False)),
         int(spec.get('upgrade_fails', False)), spec.get('os_type', 'linux'), spec.get('arch', 'amd64'),
         spec.get('zone_id', '%s-h' % service.region), spec.get('name', 'emu-%s' % instance_id[-6:]),
         spec.get('hostname', 'host-%s' % instance_id[-6:]),
         '10.%d.%d.%d' % ((seq >> 16) & 255, (seq >> 8) & 255, seq & 255),
         now - float(spec.get('started_seconds_ago', 86400)), now + float(spec.get('cloud_assistant_after_seconds', 0))))
    if spec.get('client'):
        insert_existing_client(service, instance_id, spec['client'])
    return instance_id


def _settings_and_password(spec):
    settings = dict(DEFAULT_SETTINGS)
    password = ''
    for key, value in (spec.get('settings') or {}).items():
        if key == 'ProxyPassword':
            password = value
        else:
            settings[key] = value
    return settings, password


def insert_existing_client(service, instance_id, spec):
    status = spec.get('status', 'ACTIVATED')
    if status not in STATUSES:
        raise ValueError('client status %r is not one of %s' % (status, ', '.join(STATUSES)))
    now = service.clock()
    settings, password = _settings_and_password(spec)
    resources = spec.get('resources') or {}
    client_id = spec.get('client_id') or client_id_for(instance_id)
    service.store.execute(
        'INSERT OR REPLACE INTO clients (client_id, instance_id, client_type, status, version, settings, '
        'proxy_password, tags, plans, jobs, snapshots, created, updated, activated_at, last_heartbeat) '
        'VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
        (client_id, instance_id, 'ECS_CLIENT', status, spec.get('version', service.client_version),
         json.dumps(settings), password, json.dumps(spec.get('tags') or {}), int(resources.get('plans', 0)),
         int(resources.get('jobs', 0)), int(resources.get('snapshots', 0)), now - 86400, now - 86400,
         now - 7200 if status == 'ACTIVATED' else None, now - 7200))
    if status in KIND_OF_STATUS:
        # A client caught mid-task in the scenario finishes that task like any other.
        kind = KIND_OF_STATUS[status]
        create_task(service, kind, '%sBackupClientsTask' % kind.capitalize(), [
            {'instanceId': instance_id, 'clientId': client_id, 'target': TARGET_OF_KIND[kind]}])


def cloud_assistant_up(service, row):
    """Cloud Assistant runs when the instance has it and ``cloud_assistant_after_seconds`` passed."""
    return bool(row['cloud_assistant']) and service.clock() >= (row['assistant_from'] or 0)


def instance_error(service, instance_id):
    """(row, the per-instance ErrorCode of Install/Uninstall/Upgrade/CreateClients: '' when usable)."""
    row = service.store.instance(instance_id)
    if row is None:
        return None, 'InstanceNotExists'
    if row['status'] != 'Running':
        return row, 'InstanceNotRunning'
    if not cloud_assistant_up(service, row):
        return row, 'CloudAssistNotRunningOnInstance'
    return row, ''
