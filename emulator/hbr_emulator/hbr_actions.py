"""HBR write actions on ECS clients: Install/Uninstall/UpgradeBackupClients, UpdateClientSettings,
DeleteBackupClient and DeleteBackupClientResource."""

import json

from .errors import ApiError, business_error, invalid, missing
from .fleet import instance_error
from .model import DEFAULT_SETTINGS, LIMITS, NETWORK_TYPES, PROXY_SETTINGS, client_id_for, row_heartbeat
from .params import check_cross_account, given, parse_bool, parse_id_list, parse_int, unique
from .render import envelope, shown_status
from .tasks import create_task


def lag_record(service, client_id, client, now):
    """With ``record_lag_seconds``, the record keeps showing what it showed before the write (no
    record at all for a new client) for that long after the write was accepted; the task exists at
    once. ``client`` is the row before the write, or None."""
    lag = service.behaviour['record_lag_seconds']
    if lag:
        previous = ''
        if client is not None:
            previous = shown_status(client['status'], client['shown_status'], client['shown_until'], now)
        service.store.execute('UPDATE clients SET shown_status=?, shown_until=? WHERE client_id=?',
                              (previous, now + lag, client_id))
        service.lag_until = max(service.lag_until, now + lag)
        if not previous:
            service.hidden_until = max(service.hidden_until, now + lag)


def single_instance_error(service, statuses):
    """With ``single_instance_errors: call_level``, a request naming one instance that cannot be
    acted on is answered HTTP 400 with the per-instance ErrorCode as Code."""
    if (service.behaviour['single_instance_errors'] == 'call_level' and len(statuses) == 1
            and statuses[0]['ErrorCode']):
        raise ApiError(statuses[0]['ErrorCode'], 'The instance %s cannot be operated: %s.'
                       % (statuses[0]['InstanceId'], statuses[0]['ErrorCode']), status=400)


def _new_or_reinstalled_client(service, instance_id, now):
    """The client id an install acts on: the instance's existing client, or a new INSTALLING one."""
    store = service.store
    client = store.client_of_instance(instance_id)
    client_id = client['client_id'] if client else client_id_for(instance_id)
    if client is None:
        store.execute(
            'INSERT INTO clients (client_id, instance_id, client_type, status, version, settings, '
            'proxy_password, tags, plans, jobs, snapshots, created, updated, last_heartbeat) '
            'VALUES (?,?,?,?,?,?,?,?,0,0,0,?,?,NULL)',
            (client_id, instance_id, 'ECS_CLIENT', 'INSTALLING', '', json.dumps(DEFAULT_SETTINGS), '', '{}', now, now))
    else:
        store.execute("UPDATE clients SET status='INSTALLING', updated=? WHERE client_id=?", (now, client_id))
    lag_record(service, client_id, client, now)
    store.execute('UPDATE clients SET installs=installs+1 WHERE client_id=?', (client_id,))
    return client_id


def install_backup_clients(service, params):
    check_cross_account(params)
    ids = parse_id_list('InstanceIds', params.get('InstanceIds'), LIMITS['InstallBackupClients'], required=True)
    statuses, items = [], []
    now = service.clock()
    for instance_id in unique(ids):
        row, error = instance_error(service, instance_id)
        statuses.append({'InstanceId': instance_id, 'ValidInstance': not error, 'ErrorCode': error})
        if not error:
            client_id = _new_or_reinstalled_client(service, row['instance_id'], now)
            items.append({'instanceId': row['instance_id'], 'clientId': client_id, 'target': 'ACTIVATED'})
    single_instance_error(service, statuses)
    body = envelope(InstanceStatuses=statuses)
    if items:
        body['TaskId'] = create_task(service, 'install', 'InstallBackupClientsTask', items)
    return body


def _targets(service, params, action):
    """The instance ids an Uninstall/Upgrade names, directly or through ClientIds."""
    instance_ids = parse_id_list('InstanceIds', params.get('InstanceIds'))
    client_ids = parse_id_list('ClientIds', params.get('ClientIds'))
    if not instance_ids and not client_ids:
        raise missing('InstanceIds')
    if len(instance_ids) + len(client_ids) > LIMITS[action]:
        raise business_error('BadRequest', 'The sum of ClientIds and InstanceIds exceeds the limit of %d.'
                             % LIMITS[action])
    targets = list(instance_ids)
    for client_id in client_ids:
        client = service.store.client(client_id)
        if client is None:
            raise business_error('ResourceNotFound', 'The client %s does not exist.' % client_id)
        targets.append(client['instance_id'])
    return unique(targets)


# action -> (task kind, record status while it runs, counter column)
PHASES = {'UninstallBackupClients': ('uninstall', 'UNINSTALLING', 'uninstalls'),
          'UpgradeBackupClients': ('upgrade', 'UPGRADING', 'upgrades')}


def _uninstall_or_upgrade_one(service, action, instance_id, now):
    """(InstanceStatuses entry, task item or None) for one instance."""
    kind, transitional, counter = PHASES[action]
    row, error = instance_error(service, instance_id)
    client = service.store.client_of_instance(instance_id) if not error else None
    if kind == 'upgrade' and not error and not (client is not None and client['status'] in
                                                ('ACTIVATED', 'UPGRADE_FAILED')):
        error = 'ClientNotActivated'
    status = {'InstanceId': instance_id, 'ValidInstance': not error, 'ErrorCode': error}
    if error:
        return status, None
    if client is None:
        return status, {'instanceId': row['instance_id'], 'clientId': '', 'clientStatus': 'NOT_INSTALLED'}
    lag_record(service, client['client_id'], client, now)
    service.store.execute('UPDATE clients SET status=?, updated=?, %s=%s+1 WHERE client_id=?' % (counter, counter),
                          (transitional, now, client['client_id']))
    return status, {'instanceId': instance_id, 'clientId': client['client_id'],
                    'target': 'NOT_INSTALLED' if kind == 'uninstall' else 'ACTIVATED'}


def _uninstall_or_upgrade(service, params, action):
    check_cross_account(params)
    statuses, items = [], []
    now = service.clock()
    for instance_id in _targets(service, params, action):
        status, item = _uninstall_or_upgrade_one(service, action, instance_id, now)
        statuses.append(status)
        if item is not None:
            items.append(item)
    single_instance_error(service, statuses)
    body = envelope(InstanceStatuses=statuses)
    if items:
        body['TaskId'] = create_task(service, PHASES[action][0], '%sTask' % action, items)
    return body


def uninstall_backup_clients(service, params):
    return _uninstall_or_upgrade(service, params, 'UninstallBackupClients')


def upgrade_backup_clients(service, params):
    return _uninstall_or_upgrade(service, params, 'UpgradeBackupClients')


def required_row(service, params, name, lookup):
    """The row that the required parameter ``name`` names (``lookup``: table, column, code, message)."""
    table, column, code, message = lookup
    value = params.get(name)
    if not value:
        raise missing(name)
    row = service.store.execute('SELECT * FROM %s WHERE %s=?' % (table, column), (value,)).fetchone()
    if row is None:
        raise business_error(code, message)
    return row


def required_client(service, params):
    return required_row(service, params, 'ClientId',
                        ('clients', 'client_id', 'ResourceNotFound', 'The specified resource is not found.'))


def _choice(params, name, choices):
    if params[name] not in choices:
        raise invalid(name, 'Use one of %s.' % ', '.join(choices))
    return params[name]


def _apply_settings(settings, params):
    """Apply the UpdateClientSettings parameters to a settings dict (the proxy password aside)."""
    if given(params, 'DataNetworkType'):
        settings['DataNetworkType'] = _choice(params, 'DataNetworkType', NETWORK_TYPES)
    if given(params, 'DataProxySetting'):
        settings['DataProxySetting'] = _choice(params, 'DataProxySetting', PROXY_SETTINGS)
    for name in ('ProxyHost', 'ProxyUser'):
        if params.get(name) is not None:
            settings[name] = params[name]
    if given(params, 'ProxyPort'):
        settings['ProxyPort'] = parse_int('ProxyPort', params['ProxyPort'], 0, 65535)
    for name in ('MaxCpuCore', 'MaxWorker'):
        if given(params, name):
            settings[name] = str(parse_int(name, params[name], 0))
    if given(params, 'MaxMemory'):
        settings['MaxMemory'] = parse_int('MaxMemory', params['MaxMemory'], 0)
    if given(params, 'UseHttps'):
        settings['UseHttps'] = 'true' if parse_bool('UseHttps', params['UseHttps']) else 'false'
    if given(params, 'AlertOnPartialComplete'):
        settings['AlertOnPartialComplete'] = parse_bool('AlertOnPartialComplete', params['AlertOnPartialComplete'])
    return settings


def update_client_settings(service, params):
    client = required_client(service, params)
    settings = _apply_settings(json.loads(client['settings']), params)
    password = params['ProxyPassword'] if params.get('ProxyPassword') is not None else client['proxy_password']
    service.store.execute('UPDATE clients SET settings=?, proxy_password=?, updated=? WHERE client_id=?',
                          (json.dumps(settings), password, service.clock(), client['client_id']))
    if client['client_type'] == 'ECS_AGENT' and params.get('UseHttps') is not None:
        # SAP HANA clients show UseHttps as a field of their own in DescribeClients
        service.store.execute('UPDATE clients SET use_https=? WHERE client_id=?',
                              (int(str(params['UseHttps']).lower() == 'true'), client['client_id']))
    service.page_cache.forget(client['client_id'])
    return envelope()


def check_quiet(service, client):
    """The heartbeat rule of DeleteBackupClient/DeleteClient (the docs: not within the last hour),
    enforced with ``delete_quiet_seconds`` > 0. No public source gives the error code; the emulator
    answers the HBR shape (HTTP 200, Success false) with ``BadRequest``, as for its other refusals."""
    quiet = service.behaviour['delete_quiet_seconds']
    now = service.clock()
    heartbeat = row_heartbeat(client, now)
    if quiet and heartbeat and now - heartbeat < quiet:
        raise business_error('BadRequest', 'The client %s sent a heartbeat %d seconds ago and cannot be deleted '
                                           'until %d seconds after its last heartbeat. Uninstall it first.'
                             % (client['client_id'], now - heartbeat, quiet))


def delete_backup_client(service, params):
    """Delete an ECS client record (with its plans, jobs and snapshots)."""
    client = required_client(service, params)
    if client['client_type'] == 'ECS_AGENT':
        raise business_error('ResourceNotFound', 'The specified resource is not found (use DeleteClient for '
                                                 'SAP HANA clients).')
    check_quiet(service, client)
    service.store.execute('DELETE FROM clients WHERE client_id=?', (client['client_id'],))
    service.page_cache.forget(client['client_id'])
    return envelope()


def delete_backup_client_resource(service, params):
    ids = parse_id_list('ClientIds', params.get('ClientIds'), LIMITS['DeleteBackupClientResource'], required=True)
    for client_id in unique(ids):
        service.store.execute('UPDATE clients SET plans=0, jobs=0, snapshots=0, resource_deletes=resource_deletes+1, '
                              'updated=? WHERE client_id=?', (service.clock(), client_id))
    return envelope()


ACTIONS = {
    'InstallBackupClients': install_backup_clients,
    'UninstallBackupClients': uninstall_backup_clients,
    'UpgradeBackupClients': upgrade_backup_clients,
    'UpdateClientSettings': update_client_settings,
    'DeleteBackupClient': delete_backup_client,
    'DeleteBackupClientResource': delete_backup_client_resource,
}
