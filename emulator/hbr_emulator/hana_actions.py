"""SAP HANA clients (client type ECS_AGENT, in a vault): CreateClients, DescribeClients, UpgradeClient,
UninstallClient and DeleteClient (ClientId, with an optional VaultId that must match)."""

import json

from .errors import business_error, invalid, missing
from .hbr_actions import check_quiet
from .fleet import instance_error
from .model import DEFAULT_SETTINGS, HANA_CLIENT_TYPE, LIMITS, client_id_for, row_heartbeat
from .params import check_cross_account, given, paging, parse_bool
from .render import envelope
from .tasks import create_task


def _vault(service, params):
    vault_id = params.get('VaultId')
    if not vault_id:
        raise missing('VaultId')
    if not vault_id.startswith('v-') or vault_id not in service.scenario.get('vaults', [vault_id]):
        raise business_error('VaultNotExist', 'The specified vault does not exist.')
    return vault_id


def _client_infos(params):
    try:
        infos = json.loads(params.get('ClientInfo') or '[]')
    except ValueError:
        raise invalid('ClientInfo', 'It must be a JSON array.')
    if not isinstance(infos, list) or not all(isinstance(i, dict) and i.get('instanceId') for i in infos):
        raise invalid('ClientInfo', 'Each entry needs an instanceId.')
    if len(infos) > LIMITS['CreateClients']:
        raise business_error('BadRequest', 'The number of ClientInfo entries exceeds the limit of %d.'
                             % LIMITS['CreateClients'])
    return infos


def _create_one(service, info, request, now):
    """Insert or re-install the SAP HANA client of one instance; return its client id.
    ``request`` is (vault id, alert setting, use https)."""
    vault_id, alert_setting, use_https = request
    instance_id = info['instanceId']
    client_id = client_id_for(instance_id, HANA_CLIENT_TYPE)
    store = service.store
    if store.client_of_instance(instance_id, HANA_CLIENT_TYPE) is None:
        store.execute(
            'INSERT INTO clients (client_id, instance_id, client_type, status, version, settings, '
            'proxy_password, tags, plans, jobs, snapshots, created, updated, vault_id, cluster_id, '
            'source_types, alert_setting, use_https) VALUES (?,?,?,?,?,?,?,?,0,0,0,?,?,?,?,?,?,?)',
            (client_id, instance_id, HANA_CLIENT_TYPE, 'INSTALLING', service.client_version,
             json.dumps(DEFAULT_SETTINGS), '', '{}', now, now, vault_id, info.get('clusterId') or '',
             json.dumps(info.get('sourceTypes') or ['HANA']), alert_setting, int(use_https)))
    else:
        store.execute("UPDATE clients SET status='INSTALLING', updated=?, vault_id=?, cluster_id=? "
                      "WHERE client_id=?", (now, vault_id, info.get('clusterId') or '', client_id))
    store.execute('UPDATE clients SET installs=installs+1 WHERE client_id=?', (client_id,))
    return client_id


def create_clients(service, params):
    check_cross_account(params)
    vault_id = _vault(service, params)
    if params.get('AlertSetting') not in (None, '', 'INHERITED'):
        raise invalid('AlertSetting', 'Use INHERITED.')
    use_https = parse_bool('UseHttps', params['UseHttps']) if given(params, 'UseHttps') else False
    request = (vault_id, params.get('AlertSetting') or 'INHERITED', use_https)
    statuses, items = [], []
    now = service.clock()
    for info in _client_infos(params):
        instance_id = info['instanceId']
        _row, error = instance_error(service, instance_id)
        statuses.append({'InstanceId': instance_id, 'ValidInstance': not error})
        if not error:
            client_id = _create_one(service, info, request, now)
            items.append({'instanceId': instance_id, 'clientId': client_id, 'target': 'ACTIVATED'})
    body = envelope(InstanceStatuses={'InstanceStatus': statuses})
    if items:
        body['TaskId'] = create_task(service, 'create', 'CreateClientsTask', items)
    return body


def hana_record(service, row, now):
    """The DescribeClients shape of one SAP HANA client row."""
    instance = service.store.instance(row['instance_id'])
    return {
        'AlertSetting': row['alert_setting'] or 'INHERITED', 'ClientId': row['client_id'],
        'ClientName': 'hana-%s' % row['instance_id'][-6:], 'ClientType': HANA_CLIENT_TYPE,
        'ClientVersion': row['version'], 'ClusterId': row['cluster_id'] or '', 'CreatedTime': int(row['created']),
        'HeartBeatTime': int(row_heartbeat(row, now) or 0), 'InstanceId': row['instance_id'],
        'InstanceName': instance['name'] if instance else '', 'MaxVersion': service.max_client_version,
        'NetworkType': json.loads(row['settings'] or '{}').get('DataNetworkType') or 'VPC',
        'Status': row['status'], 'StatusMessage': '', 'UpdatedTime': int(row['updated']),
        'UseHttps': bool(row['use_https']), 'VaultId': row['vault_id'] or '',
    }


def describe_clients(service, params):
    page, size = paging(params)
    if (params.get('ClientType') or HANA_CLIENT_TYPE) != HANA_CLIENT_TYPE:
        raise invalid('ClientType', 'Use ECS_AGENT.')
    if params.get('SourceType') not in (None, '', 'HANA'):
        raise invalid('SourceType', 'Use HANA.')
    rows = service.store.execute("SELECT * FROM clients WHERE client_type=? ORDER BY seq",
                                 (HANA_CLIENT_TYPE,)).fetchall()
    wanted = [r for r in rows if all(not params.get(p) or r[c] == params[p] for p, c in (
        ('VaultId', 'vault_id'), ('ClientId', 'client_id'), ('ClusterId', 'cluster_id')))]
    now = service.clock()
    clients = [hana_record(service, row, now) for row in wanted[(page - 1) * size: page * size]]
    return envelope(PageNumber=page, PageSize=size, TotalCount=len(wanted), Clients={'Client': clients})


def _hana_client(service, params):
    """The SAP HANA client ClientId names (in VaultId, when given), or ResourceNotFound."""
    client_id = params.get('ClientId')
    if not client_id:
        raise missing('ClientId')
    client = service.store.client(client_id)
    if (client is None or client['client_type'] != HANA_CLIENT_TYPE
            or (params.get('VaultId') and params['VaultId'] != client['vault_id'])):
        raise business_error('ResourceNotFound', 'The specified resource is not found.')
    return client


# action -> (task kind, status while it runs, statuses it starts from, counter column)
SINGLE_PHASES = {
    'UpgradeClient': ('upgrade', 'UPGRADING', ('ACTIVATED', 'UPGRADE_FAILED'), 'upgrades'),
    'UninstallClient': ('uninstall', 'UNINSTALLING', None, 'uninstalls'),
}


def _single_client_task(service, params, action):
    """UpgradeClient / UninstallClient: one client, one task. An instance that cannot be acted on
    (released, stopped, no Cloud Assistant) is refused with its per-instance code, as a business error."""
    kind, transitional, allowed, counter = SINGLE_PHASES[action]
    client = _hana_client(service, params)
    _row, error = instance_error(service, client['instance_id'])
    if error:
        raise business_error(error, 'The instance %s of client %s cannot be operated: %s.'
                             % (client['instance_id'], client['client_id'], error))
    if allowed and client['status'] not in allowed:
        raise business_error('ClientNotActivated', 'The client %s is %s; only an activated client can be upgraded.'
                             % (client['client_id'], client['status']))
    service.store.execute('UPDATE clients SET status=?, updated=?, %s=%s+1 WHERE client_id=?' % (counter, counter),
                          (transitional, service.clock(), client['client_id']))
    target = 'NOT_INSTALLED' if kind == 'uninstall' else 'ACTIVATED'
    return envelope(TaskId=create_task(service, kind, '%sTask' % action, [
        {'instanceId': client['instance_id'], 'clientId': client['client_id'], 'target': target}]))


def upgrade_client(service, params):
    return _single_client_task(service, params, 'UpgradeClient')


def uninstall_client(service, params):
    return _single_client_task(service, params, 'UninstallClient')


def delete_client(service, params):
    """Delete a SAP HANA client record (the heartbeat rule applies as for DeleteBackupClient)."""
    client = _hana_client(service, params)
    check_quiet(service, client)
    service.store.execute('DELETE FROM clients WHERE client_id=?', (client['client_id'],))
    service.page_cache.forget(client['client_id'])
    return envelope()


ACTIONS = {
    'CreateClients': create_clients,
    'DescribeClients': describe_clients,
    'UpgradeClient': upgrade_client,
    'UninstallClient': uninstall_client,
    'DeleteClient': delete_client,
}
