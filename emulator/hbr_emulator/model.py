"""What the emulated service is made of: client statuses, task kinds, limits, default settings,
stable ids and the heartbeat rule. Plain values only; every other module reads them from here."""

import hashlib

STATUSES = ('REGISTERED', 'ACTIVATED', 'DEACTIVATED', 'INSTALLING', 'INSTALL_FAILED', 'NOT_INSTALLED', 'UPGRADING',
            'UPGRADE_FAILED', 'UNINSTALLING', 'UNINSTALL_FAILED', 'STOPPED', 'UNKNOWN')
# The status a client shows while a task of each kind runs.
TRANSITIONAL = {'install': 'INSTALLING', 'create': 'INSTALLING', 'uninstall': 'UNINSTALLING', 'upgrade': 'UPGRADING'}
KIND_OF_STATUS = {'INSTALLING': 'install', 'UNINSTALLING': 'uninstall', 'UPGRADING': 'upgrade'}
TASK_TIMEOUT = 900
HEARTBEAT_INTERVAL = 60
DEFAULT_TASK_SECONDS = {'install': 3.0, 'uninstall': 2.0, 'upgrade': 3.0, 'create': 3.0}
TASK_KINDS = tuple(DEFAULT_TASK_SECONDS)
LIMITS = {'InstallBackupClients': 20, 'UninstallBackupClients': 20, 'UpgradeBackupClients': 100,
          'DeleteBackupClientResource': 100, 'CreateClients': 20}
CLIENT_TYPES = ('ECS_CLIENT', 'CONTAINER_CLIENT', 'LOCAL_CLIENT')
HANA_CLIENT_TYPE = 'ECS_AGENT'
NETWORK_TYPES = ('PUBLIC', 'VPC', 'CLASSIC')
PROXY_SETTINGS = ('DISABLE', 'USE_CONTROL_PROXY', 'CUSTOM')
DEFAULT_SETTINGS = {'DataNetworkType': 'VPC', 'DataProxySetting': 'USE_CONTROL_PROXY', 'UseHttps': 'false',
                    'MaxCpuCore': '0', 'MaxWorker': '0', 'MaxMemory': 0, 'AlertOnPartialComplete': False,
                    'ProxyHost': '', 'ProxyPort': 0, 'ProxyUser': '', 'ProxyPassword': ''}
# Per task kind: the instance flag that makes it fail, and the task item errorCode when it does.
FAILURE_FLAG = {'install': 'install_fails', 'create': 'install_fails', 'uninstall': 'uninstall_fails',
                'upgrade': 'upgrade_fails'}
FAILURE_CODE = {'install': 'InstallClientFailed', 'create': 'InstallClientFailed',
                'uninstall': 'UninstallClientFailed', 'upgrade': 'UpgradeClientFailed'}
HBR_API_VERSION = '2017-09-08'
ECS_API_VERSION = '2014-05-26'


def client_id_for(instance_id, kind='ECS_CLIENT'):
    """One stable client id per instance (and client type), like the real service keeps."""
    return 'c-' + hashlib.sha1(('%s:%s' % (kind, instance_id)).encode('utf-8')).hexdigest()[:20]


def instance_id_for(number):
    return 'i-emu%017d' % number


def heartbeat(status, activated_at, last_heartbeat, now):
    """LastHeartBeatTime: every HEARTBEAT_INTERVAL seconds while ACTIVATED, frozen otherwise."""
    if status == 'ACTIVATED' and activated_at is not None:
        return activated_at + ((now - activated_at) // HEARTBEAT_INTERVAL) * HEARTBEAT_INTERVAL
    return last_heartbeat


def row_heartbeat(client, now):
    return heartbeat(client['status'], client['activated_at'], client['last_heartbeat'], now)
