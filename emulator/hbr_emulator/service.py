"""The emulated HBR service: fleet, clients, tasks and the API actions, kept in SQLite.

Time is wall-clock time. A task stores when it was created and how long it lasts; whenever a
request arrives, every task that came due is applied first (``_advance``). So a restarted
emulator that reopens its state file finishes in-flight tasks as if it had never stopped.

All state access happens under one lock: writes are serialised, which is what keeps 50
parallel writers consistent, and SQLite transactions make each action atomic.
"""

import contextlib
import hashlib
import json
import sqlite3
import threading
import time

STATUSES = ('REGISTERED', 'ACTIVATED', 'DEACTIVATED', 'INSTALLING', 'INSTALL_FAILED', 'NOT_INSTALLED', 'UPGRADING',
            'UPGRADE_FAILED', 'UNINSTALLING', 'UNINSTALL_FAILED', 'STOPPED', 'UNKNOWN')
TRANSITIONAL = {'INSTALLING': 'install', 'UNINSTALLING': 'uninstall', 'UPGRADING': 'upgrade'}
TASK_TIMEOUT = 900
HEARTBEAT_INTERVAL = 60
DEFAULT_TASK_SECONDS = {'install': 3.0, 'uninstall': 2.0, 'upgrade': 3.0, 'create': 3.0}
LIMITS = {'InstallBackupClients': 20, 'UninstallBackupClients': 20, 'UpgradeBackupClients': 100,
          'DeleteBackupClientResource': 100, 'CreateClients': 20}
CLIENT_TYPES = ('ECS_CLIENT', 'CONTAINER_CLIENT', 'LOCAL_CLIENT')
NETWORK_TYPES = ('PUBLIC', 'VPC', 'CLASSIC')
PROXY_SETTINGS = ('DISABLE', 'USE_CONTROL_PROXY', 'CUSTOM')
DEFAULT_SETTINGS = {'DataNetworkType': 'VPC', 'DataProxySetting': 'USE_CONTROL_PROXY', 'UseHttps': 'false',
                    'MaxCpuCore': '0', 'MaxWorker': '0', 'MaxMemory': 0, 'AlertOnPartialComplete': False,
                    'ProxyHost': '', 'ProxyPort': 0, 'ProxyUser': '', 'ProxyPassword': ''}
INSTALL_FAILURE_CODE = 'InstallClientFailed'
ECS_API_VERSION = '2014-05-26'
ECS_ACTIONS = frozenset(['DescribeInstances', 'DescribeCloudAssistantStatus'])

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS instances (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT UNIQUE, status TEXT, cloud_assistant INTEGER,
    install_fails INTEGER, uninstall_fails INTEGER, upgrade_fails INTEGER, os_type TEXT, arch TEXT, zone_id TEXT,
    name TEXT, hostname TEXT, private_ip TEXT);
CREATE TABLE IF NOT EXISTS clients (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, client_id TEXT UNIQUE, instance_id TEXT, client_type TEXT, status TEXT,
    version TEXT, settings TEXT, proxy_password TEXT, tags TEXT, plans INTEGER, jobs INTEGER, snapshots INTEGER,
    created REAL, updated REAL, activated_at REAL, last_heartbeat REAL, task_id TEXT, vault_id TEXT, cluster_id TEXT,
    source_types TEXT, alert_setting TEXT, use_https INTEGER, installs INTEGER DEFAULT 0,
    uninstalls INTEGER DEFAULT 0, upgrades INTEGER DEFAULT 0, resource_deletes INTEGER DEFAULT 0,
    rev INTEGER DEFAULT 0);
CREATE TRIGGER IF NOT EXISTS clients_rev AFTER UPDATE ON clients WHEN NEW.rev = OLD.rev
BEGIN UPDATE clients SET rev = OLD.rev + 1 WHERE seq = NEW.seq; END;
CREATE INDEX IF NOT EXISTS clients_instance ON clients(instance_id);
CREATE INDEX IF NOT EXISTS clients_type ON clients(client_type, seq);
CREATE TABLE IF NOT EXISTS tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT UNIQUE, name TEXT, kind TEXT, created REAL, due REAL,
    done INTEGER, description TEXT, items TEXT, completed REAL);
CREATE INDEX IF NOT EXISTS tasks_due ON tasks(done, due);
CREATE TABLE IF NOT EXISTS calls (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, action TEXT, params TEXT, http_status INTEGER, code TEXT, task_id TEXT,
    dropped INTEGER, time REAL, signature TEXT);
"""


class RawJsonList(list):
    """A list whose items are already JSON text; encode_json splices them in unchanged."""


def encode_json(body):
    """json.dumps for response bodies, splicing RawJsonList values in without re-encoding."""
    raw = {key: value for key, value in body.items() if isinstance(value, RawJsonList)}
    if not raw:
        return json.dumps(body, separators=(',', ':'))
    rest = json.dumps({k: v for k, v in body.items() if k not in raw}, separators=(',', ':'))
    parts = ['%s:[%s]' % (json.dumps(key), ','.join(value)) for key, value in raw.items()]
    return rest[:-1] + (',' if rest != '{}' else '') + ','.join(parts) + '}'


class ApiError(Exception):
    """An error answer. ``shape`` is 'gateway' (HTTP 4xx/5xx, POP body) or 'hbr' (HTTP 200, Success false)."""

    def __init__(self, code, message, status=400, shape='gateway'):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.shape = shape


def business_error(code, message):
    return ApiError(code, message, status=200, shape='hbr')


def missing(name):
    return ApiError('MissingParameter', 'The input parameter "%s" that is mandatory for processing this request is '
                                        'not supplied.' % name)


def invalid(name, why=''):
    return ApiError('InvalidParameter', 'The specified parameter "%s" is not valid.%s' % (name, ' ' + why if why else ''))


def client_id_for(instance_id, kind='ECS_CLIENT'):
    """One stable client id per instance (and client type), like the real service keeps."""
    return 'c-' + hashlib.sha1(('%s:%s' % (kind, instance_id)).encode('utf-8')).hexdigest()[:20]


def instance_id_for(number):
    return 'i-emu%017d' % number


def parse_bool(name, value):
    text = str(value).strip().lower()
    if text in ('true', 'false'):
        return text == 'true'
    raise invalid(name, 'Use true or false.')


def parse_int(name, value, low=0, high=None):
    try:
        number = int(str(value))
    except ValueError:
        raise invalid(name, 'It must be an integer.')
    if number < low or (high is not None and number > high):
        raise invalid(name, 'It must be between %s and %s.' % (low, high if high is not None else 'any'))
    return number


def parse_id_list(name, value, limit=None, required=False):
    if value in (None, ''):
        if required:
            raise missing(name)
        return []
    try:
        ids = json.loads(value)
    except ValueError:
        raise invalid(name, 'It must be a JSON array of strings.')
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise invalid(name, 'It must be a JSON array of strings.')
    if limit is not None and len(ids) > limit:
        raise business_error('BadRequest', 'The number of %s exceeds the limit of %d.' % (name, limit))
    return ids


def indexed(params, prefix):
    """Collect ``Prefix.N.Field[.M]`` parameters into a list of dicts, ordered by N."""
    groups = {}
    for name, value in params.items():
        if not name.startswith(prefix + '.'):
            continue
        parts = name[len(prefix) + 1:].split('.')
        if not parts[0].isdigit() or len(parts) < 2:
            continue
        entry = groups.setdefault(int(parts[0]), {})
        if len(parts) == 3 and parts[2].isdigit():
            entry.setdefault(parts[1], {})[int(parts[2])] = value
        else:
            entry[parts[1]] = value
    result = []
    for index in sorted(groups):
        entry = groups[index]
        for key, value in list(entry.items()):
            if isinstance(value, dict):
                entry[key] = [value[i] for i in sorted(value)]
        result.append(entry)
    return result


class Service:
    """The whole emulated account in one region."""

    def __init__(self, scenario, state_path=None, clock=time.time):
        self.clock = clock
        self.lock = threading.RLock()
        self._depth = 0
        self._records = {}
        fresh = state_path is None or not _has_state(state_path)
        self.db = sqlite3.connect(state_path or ':memory:', check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        if state_path:
            self.db.execute('PRAGMA journal_mode=WAL')
            self.db.execute('PRAGMA synchronous=NORMAL')
        self.db.executescript(SCHEMA)
        if fresh:
            self.load_scenario(scenario)
        self.scenario = json.loads(self._meta('scenario') or '{}')

    @contextlib.contextmanager
    def transaction(self):
        """The lock plus one SQLite transaction; re-entrant (inner calls join the outer one)."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.db.execute('BEGIN IMMEDIATE')
            self._depth = 1
            try:
                yield
            except BaseException:
                self.db.execute('ROLLBACK')
                raise
            else:
                self.db.execute('COMMIT')
            finally:
                self._depth = 0

    # --- scenario and admin --------------------------------------------------------------------------------------

    def load_scenario(self, scenario):
        with self.transaction():
            for table in ('meta', 'instances', 'clients', 'tasks', 'calls'):
                self.db.execute('DELETE FROM %s' % table)
            self.db.execute("DELETE FROM sqlite_sequence WHERE name IN ('instances', 'clients', 'tasks', 'calls')")
            self.scenario = dict(scenario or {})
            self._set_meta('scenario', json.dumps(self.scenario))
            self._set_meta('task_counter', '0')
            self._set_meta('instance_counter', '0')
            self._add_instances_locked(self.scenario)

    def reset(self):
        self.load_scenario(self.scenario)

    def add_instances(self, spec):
        with self.transaction():
            return self._add_instances_locked(spec)

    def _add_instances_locked(self, spec):
        added = []
        count = int(spec.get('instance_count') or 0)
        counter = int(self._meta('instance_counter') or 0)
        for _number in range(count):
            counter += 1
            added.append(self._insert_instance({'instance_id': instance_id_for(counter)}))
        self._set_meta('instance_counter', str(counter))
        for instance in spec.get('instances') or []:
            added.append(self._insert_instance({'instance_id': instance} if isinstance(instance, str) else instance))
        return added

    def _insert_instance(self, spec):
        instance_id = spec.get('instance_id')
        if not instance_id:
            raise ValueError('every instance needs an instance_id')
        seq = self.db.execute('SELECT COUNT(*) FROM instances').fetchone()[0] + 1
        self.db.execute(
            'INSERT OR REPLACE INTO instances (instance_id, status, cloud_assistant, install_fails, uninstall_fails, '
            'upgrade_fails, os_type, arch, zone_id, name, hostname, private_ip) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)',
            (instance_id, spec.get('status', 'Running'), int(spec.get('cloud_assistant', True)),
             int(spec.get('install_fails', False)), int(spec.get('uninstall_fails', False)),
             int(spec.get('upgrade_fails', False)), spec.get('os_type', 'linux'), spec.get('arch', 'amd64'),
             spec.get('zone_id', '%s-h' % self.region), spec.get('name', 'emu-%s' % instance_id[-6:]),
             spec.get('hostname', 'host-%s' % instance_id[-6:]),
             '10.%d.%d.%d' % ((seq >> 16) & 255, (seq >> 8) & 255, seq & 255)))
        if spec.get('client'):
            self._insert_existing_client(instance_id, spec['client'])
        return instance_id

    def _insert_existing_client(self, instance_id, spec):
        status = spec.get('status', 'ACTIVATED')
        if status not in STATUSES:
            raise ValueError('client status %r is not one of %s' % (status, ', '.join(STATUSES)))
        now = self.clock()
        settings = dict(DEFAULT_SETTINGS)
        password = ''
        for key, value in (spec.get('settings') or {}).items():
            if key == 'ProxyPassword':
                password = value
            else:
                settings[key] = value
        resources = spec.get('resources') or {}
        client_id = spec.get('client_id') or client_id_for(instance_id)
        self.db.execute(
            'INSERT OR REPLACE INTO clients (client_id, instance_id, client_type, status, version, settings, '
            'proxy_password, tags, plans, jobs, snapshots, created, updated, activated_at, last_heartbeat) '
            'VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
            (client_id, instance_id, 'ECS_CLIENT', status, spec.get('version', self.client_version),
             json.dumps(settings), password, json.dumps(spec.get('tags') or {}), int(resources.get('plans', 0)),
             int(resources.get('jobs', 0)), int(resources.get('snapshots', 0)), now - 86400, now - 86400,
             now - 7200 if status == 'ACTIVATED' else None, now - 7200))
        if status in TRANSITIONAL:
            # A client caught mid-task in the scenario finishes that task like any other.
            kind = TRANSITIONAL[status]
            target = {'install': 'ACTIVATED', 'uninstall': 'NOT_INSTALLED', 'upgrade': 'ACTIVATED'}[kind]
            self._create_task(kind, '%sBackupClientsTask' % kind.capitalize(), [
                {'instanceId': instance_id, 'clientId': client_id, 'target': target}])

    @property
    def region(self):
        return self.scenario.get('region', 'cn-hangzhou')

    @property
    def client_version(self):
        return self.scenario.get('client_version', '2.13.0')

    @property
    def max_client_version(self):
        return self.scenario.get('max_client_version', '2.14.0')

    def task_seconds(self, kind):
        return float((self.scenario.get('task_seconds') or {}).get(kind, DEFAULT_TASK_SECONDS[kind]))

    def _meta(self, key):
        row = self.db.execute('SELECT value FROM meta WHERE key=?', (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key, value):
        self.db.execute('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', (key, value))

    # --- call log ------------------------------------------------------------------------------------------------

    def log_call(self, action, params, http_status, code, task_id, dropped, signature=None):
        with self.transaction():
            self.db.execute('INSERT INTO calls (action, params, http_status, code, task_id, dropped, time, signature) '
                            'VALUES (?,?,?,?,?,?,?,?)', (action, json.dumps(params), http_status, code, task_id,
                                                         int(dropped), self.clock(), signature))

    def calls(self):
        with self.lock:
            rows = self.db.execute('SELECT * FROM calls ORDER BY seq').fetchall()
        return [{'action': r['action'], 'params': json.loads(r['params']), 'http_status': r['http_status'],
                 'code': r['code'], 'task_id': r['task_id'], 'dropped': bool(r['dropped']), 'time': r['time'],
                 'signature': r['signature']}
                for r in rows]

    def clear_calls(self):
        with self.transaction():
            self.db.execute('DELETE FROM calls')

    # --- tasks ---------------------------------------------------------------------------------------------------

    def _create_task(self, kind, name, items):
        counter = int(self._meta('task_counter') or 0) + 1
        self._set_meta('task_counter', str(counter))
        task_id = 't-%020d' % counter
        now = self.clock()
        duration = self.task_seconds(kind)
        self.db.execute('INSERT INTO tasks (task_id, name, kind, created, due, done, description, items) '
                        'VALUES (?,?,?,?,?,0,?,?)', (task_id, name, kind, now, now + min(duration, TASK_TIMEOUT),
                                                     'created', json.dumps(items)))
        for item in items:
            if item.get('clientId'):
                self.db.execute('UPDATE clients SET task_id=? WHERE client_id=?', (task_id, item['clientId']))
        return task_id

    def _advance(self):
        """Apply every task that came due, in the order they were created."""
        now = self.clock()
        due = self.db.execute('SELECT * FROM tasks WHERE done=0 AND due<=? ORDER BY seq', (now,)).fetchall()
        for task in due:
            expired = task['due'] - task['created'] >= TASK_TIMEOUT
            items = json.loads(task['items'])
            for item in items:
                self._finish_item(task, item, expired)
            self.db.execute('UPDATE tasks SET done=1, items=?, completed=?, description=? WHERE task_id=?',
                            (json.dumps(items), task['due'], 'expired' if expired else 'completed', task['task_id']))

    def _finish_item(self, task, item, expired):
        client = self.db.execute('SELECT * FROM clients WHERE client_id=?', (item.get('clientId') or '',)).fetchone()
        instance = self.db.execute('SELECT * FROM instances WHERE instance_id=?', (item['instanceId'],)).fetchone()
        kind = task['kind']
        if client is None or client['task_id'] != task['task_id']:
            # Superseded by a later task on the same client (or deleted): report what it is now.
            item['clientStatus'] = client['status'] if client else 'NOT_INSTALLED'
            return
        flag = {'install': 'install_fails', 'create': 'install_fails', 'uninstall': 'uninstall_fails',
                'upgrade': 'upgrade_fails'}[kind]
        fails = expired or (instance is not None and bool(instance[flag]))
        if expired:
            item['errorCode'] = 'TaskExpired'
        now = task['due']
        if kind in ('install', 'create'):
            status, item_status = ('INSTALL_FAILED', 'INSTALL_FAILED') if fails else ('ACTIVATED', 'ACTIVATED')
            if fails and not expired:
                item['errorCode'] = INSTALL_FAILURE_CODE
            version = client['version'] if fails else (client['version'] if kind == 'create' else self.client_version)
        elif kind == 'uninstall':
            status, item_status = ('UNINSTALL_FAILED', 'UNINSTALL_FAILED') if fails else ('STOPPED', 'NOT_INSTALLED')
            if fails and not expired:
                item['errorCode'] = 'UninstallClientFailed'
            version = client['version']
        else:
            status, item_status = ('UPGRADE_FAILED', 'UPGRADE_FAILED') if fails else ('ACTIVATED', 'ACTIVATED')
            if fails and not expired:
                item['errorCode'] = 'UpgradeClientFailed'
            version = client['version'] if fails else self.max_client_version
        item['clientStatus'] = item_status
        activated_at = now if status == 'ACTIVATED' else None
        last_heartbeat = client['last_heartbeat']
        if client['status'] == 'ACTIVATED' and status != 'ACTIVATED':
            last_heartbeat = self._heartbeat(client, now)
        self.db.execute('UPDATE clients SET status=?, version=?, updated=?, activated_at=?, last_heartbeat=? '
                        'WHERE client_id=?', (status, version, now, activated_at, last_heartbeat, client['client_id']))

    def _heartbeat(self, client, now):
        if client['status'] == 'ACTIVATED' and client['activated_at'] is not None:
            return client['activated_at'] + ((now - client['activated_at']) // HEARTBEAT_INTERVAL) * HEARTBEAT_INTERVAL
        return client['last_heartbeat']

    # --- dispatch ------------------------------------------------------------------------------------------------

    def call(self, action, params, version='2017-09-08'):
        """Run one action; return ``(body, task_id)`` or raise ApiError."""
        handler = getattr(self, 'action_' + action, None) if action else None
        if handler is not None and (action in ECS_ACTIONS) != (version == ECS_API_VERSION):
            handler = None
        if handler is None:
            raise ApiError('InvalidAction.NotFound', 'Specified api is not found, please check your url and method.',
                           status=404)
        with self.transaction():
            self._advance()
            body = handler(params)
        return body, body.get('TaskId') or None

    # --- instance validation -------------------------------------------------------------------------------------

    def _instance_status(self, instance_id):
        """The per-instance ErrorCode of Install/Uninstall/Upgrade ('' when the instance is usable)."""
        row = self.db.execute('SELECT * FROM instances WHERE instance_id=?', (instance_id,)).fetchone()
        if row is None:
            return None, 'InstanceNotExists'
        if row['status'] != 'Running':
            return row, 'InstanceNotRunning'
        if not row['cloud_assistant']:
            return row, 'CloudAssistNotRunningOnInstance'
        return row, ''

    def _client_of_instance(self, instance_id, kind='ECS_CLIENT'):
        return self.db.execute('SELECT * FROM clients WHERE instance_id=? AND client_type=?',
                               (instance_id, kind)).fetchone()

    def _cross_account(self, params):
        kind = params.get('CrossAccountType')
        if kind not in (None, '', 'SELF_ACCOUNT', 'CROSS_ACCOUNT'):
            raise invalid('CrossAccountType', 'Use SELF_ACCOUNT or CROSS_ACCOUNT.')
        if kind == 'CROSS_ACCOUNT':
            if not params.get('CrossAccountUserId'):
                raise missing('CrossAccountUserId')
            if not params.get('CrossAccountRoleName'):
                raise missing('CrossAccountRoleName')
            parse_int('CrossAccountUserId', params['CrossAccountUserId'], 1)

    def _envelope(self, **fields):
        body = {'Code': '200', 'Message': 'successful', 'Success': True}
        body.update(fields)
        return body

    # --- actions -------------------------------------------------------------------------------------------------

    def action_InstallBackupClients(self, params):
        self._cross_account(params)
        ids = parse_id_list('InstanceIds', params.get('InstanceIds'), LIMITS['InstallBackupClients'], required=True)
        statuses, items = [], []
        now = self.clock()
        for instance_id in _unique(ids):
            row, error = self._instance_status(instance_id)
            statuses.append({'InstanceId': instance_id, 'ValidInstance': not error, 'ErrorCode': error})
            if error:
                continue
            client = self._client_of_instance(instance_id)
            client_id = client['client_id'] if client else client_id_for(instance_id)
            if client is None:
                self.db.execute(
                    'INSERT INTO clients (client_id, instance_id, client_type, status, version, settings, '
                    'proxy_password, tags, plans, jobs, snapshots, created, updated, last_heartbeat) '
                    'VALUES (?,?,?,?,?,?,?,?,0,0,0,?,?,NULL)',
                    (client_id, instance_id, 'ECS_CLIENT', 'INSTALLING', '', json.dumps(DEFAULT_SETTINGS), '',
                     '{}', now, now))
            else:
                self.db.execute("UPDATE clients SET status='INSTALLING', updated=? WHERE client_id=?", (now, client_id))
            self.db.execute('UPDATE clients SET installs=installs+1 WHERE client_id=?', (client_id,))
            items.append({'instanceId': row['instance_id'], 'clientId': client_id, 'target': 'ACTIVATED'})
        body = self._envelope(InstanceStatuses=statuses)
        if items:
            body['TaskId'] = self._create_task('install', 'InstallBackupClientsTask', items)
        return body

    def _uninstall_or_upgrade(self, params, action, kind, transitional, counter):
        self._cross_account(params)
        instance_ids = parse_id_list('InstanceIds', params.get('InstanceIds'))
        client_ids = parse_id_list('ClientIds', params.get('ClientIds'))
        if not instance_ids and not client_ids:
            raise missing('InstanceIds')
        if len(instance_ids) + len(client_ids) > LIMITS[action]:
            raise business_error('BadRequest', 'The sum of ClientIds and InstanceIds exceeds the limit of %d.'
                                 % LIMITS[action])
        targets = list(instance_ids)
        for client_id in client_ids:
            client = self.db.execute('SELECT instance_id FROM clients WHERE client_id=?', (client_id,)).fetchone()
            if client is None:
                raise business_error('ResourceNotFound', 'The client %s does not exist.' % client_id)
            targets.append(client['instance_id'])
        statuses, items = [], []
        now = self.clock()
        for instance_id in _unique(targets):
            row, error = self._instance_status(instance_id)
            client = self._client_of_instance(instance_id) if not error else None
            upgradable = client is not None and client['status'] in ('ACTIVATED', 'UPGRADE_FAILED')
            if kind == 'upgrade' and not error and not upgradable:
                error = 'ClientNotActivated'
            statuses.append({'InstanceId': instance_id, 'ValidInstance': not error, 'ErrorCode': error})
            if error:
                continue
            if client is None:
                items.append({'instanceId': row['instance_id'], 'clientId': '', 'clientStatus': 'NOT_INSTALLED'})
                continue
            self.db.execute('UPDATE clients SET status=?, updated=?, %s=%s+1 WHERE client_id=?' % (counter, counter),
                            (transitional, now, client['client_id']))
            items.append({'instanceId': instance_id, 'clientId': client['client_id'],
                          'target': 'NOT_INSTALLED' if kind == 'uninstall' else 'ACTIVATED'})
        body = self._envelope(InstanceStatuses=statuses)
        if items:
            body['TaskId'] = self._create_task(kind, '%sTask' % action, items)
        return body

    def action_UninstallBackupClients(self, params):
        return self._uninstall_or_upgrade(params, 'UninstallBackupClients', 'uninstall', 'UNINSTALLING', 'uninstalls')

    def action_UpgradeBackupClients(self, params):
        return self._uninstall_or_upgrade(params, 'UpgradeBackupClients', 'upgrade', 'UPGRADING', 'upgrades')

    def action_CreateClients(self, params):
        self._cross_account(params)
        vault_id = params.get('VaultId')
        if not vault_id:
            raise missing('VaultId')
        if not vault_id.startswith('v-') or vault_id not in self.scenario.get('vaults', [vault_id]):
            raise business_error('VaultNotExist', 'The specified vault does not exist.')
        if params.get('AlertSetting') not in (None, '', 'INHERITED'):
            raise invalid('AlertSetting', 'Use INHERITED.')
        use_https = parse_bool('UseHttps', params['UseHttps']) if params.get('UseHttps') not in (None, '') else False
        try:
            infos = json.loads(params.get('ClientInfo') or '[]')
        except ValueError:
            raise invalid('ClientInfo', 'It must be a JSON array.')
        if not isinstance(infos, list) or not all(isinstance(i, dict) and i.get('instanceId') for i in infos):
            raise invalid('ClientInfo', 'Each entry needs an instanceId.')
        if len(infos) > LIMITS['CreateClients']:
            raise business_error('BadRequest', 'The number of ClientInfo entries exceeds the limit of %d.'
                                 % LIMITS['CreateClients'])
        statuses, items = [], []
        now = self.clock()
        for info in infos:
            instance_id = info['instanceId']
            row, error = self._instance_status(instance_id)
            statuses.append({'InstanceId': instance_id, 'ValidInstance': not error})
            if error:
                continue
            client_id = client_id_for(instance_id, 'ECS_AGENT')
            existing = self._client_of_instance(instance_id, 'ECS_AGENT')
            if existing is None:
                self.db.execute(
                    'INSERT INTO clients (client_id, instance_id, client_type, status, version, settings, '
                    'proxy_password, tags, plans, jobs, snapshots, created, updated, vault_id, cluster_id, '
                    'source_types, alert_setting, use_https) VALUES (?,?,?,?,?,?,?,?,0,0,0,?,?,?,?,?,?,?)',
                    (client_id, row['instance_id'], 'ECS_AGENT', 'INSTALLING', self.client_version,
                     json.dumps(DEFAULT_SETTINGS), '', '{}', now, now, vault_id, info.get('clusterId') or '',
                     json.dumps(info.get('sourceTypes') or ['HANA']), params.get('AlertSetting') or 'INHERITED',
                     int(use_https)))
            else:
                self.db.execute("UPDATE clients SET status='INSTALLING', updated=?, vault_id=?, cluster_id=? "
                                "WHERE client_id=?", (now, vault_id, info.get('clusterId') or '', client_id))
            self.db.execute('UPDATE clients SET installs=installs+1 WHERE client_id=?', (client_id,))
            items.append({'instanceId': instance_id, 'clientId': client_id, 'target': 'ACTIVATED'})
        body = self._envelope(InstanceStatuses={'InstanceStatus': statuses})
        if items:
            body['TaskId'] = self._create_task('create', 'CreateClientsTask', items)
        return body

    def _required_row(self, params, name, table, column, code, message):
        """The row that the required parameter ``name`` names, or the service's error."""
        value = params.get(name)
        if not value:
            raise missing(name)
        row = self.db.execute('SELECT * FROM %s WHERE %s=?' % (table, column), (value,)).fetchone()
        if row is None:
            raise business_error(code, message)
        return row

    def _required_client(self, params):
        return self._required_row(params, 'ClientId', 'clients', 'client_id', 'ResourceNotFound',
                                  'The specified resource is not found.')

    def action_DescribeTask(self, params):
        task = self._required_row(params, 'TaskId', 'tasks', 'task_id', 'TaskNotFound',
                                  "The specified task doesn't exist.")
        items = json.loads(task['items'])
        now = self.clock()
        if task['done']:
            failed = [i for i in items if i.get('errorCode')]
            progress = -1 if items and len(failed) == len(items) else 100
        else:
            span = max(task['due'] - task['created'], 0.001)
            progress = min(99, int(100 * (now - task['created']) / span))
            transitional = {'install': 'INSTALLING', 'create': 'INSTALLING', 'uninstall': 'UNINSTALLING',
                            'upgrade': 'UPGRADING'}[task['kind']]
            for item in items:
                item.setdefault('clientStatus', transitional)
        result = [{'instanceId': i['instanceId'], 'clientId': i.get('clientId', ''),
                   'clientStatus': i.get('clientStatus', ''), 'errorCode': i.get('errorCode', '')} for i in items]
        body = self._envelope(Progress=progress, Description=task['description'], Result=json.dumps(result),
                              Name=task['name'], CreatedTime=int(task['created']),
                              UpdatedTime=int(task['completed'] or now))
        if task['done']:
            body['CompletedTime'] = int(task['completed'])
        return body

    CLIENT_COLUMNS = ('c.*, i.name AS i_name, i.hostname AS i_hostname, i.private_ip AS i_private_ip, '
                      'i.zone_id AS i_zone_id, i.os_type AS i_os_type, i.arch AS i_arch')

    def _client_record(self, client, now):
        """The DescribeBackupClients shape of one row of ``clients LEFT JOIN instances``."""
        record = self._render_client(client)
        record['LastHeartBeatTime'] = int(self._heartbeat(client, now) or 0)
        return record

    def _page_json(self, heads, now):
        """JSON text of each client on a page. ``heads`` are (client_id, rev, status, activated_at,
        last_heartbeat) rows; a client is rendered again only when its row changed (its rev moved,
        kept by a trigger), and only the heartbeat, which moves with the clock, is added each time."""
        texts = []
        for client_id, rev, status, activated_at, last_heartbeat in heads:
            cached = self._records.get(client_id)
            if cached is None or cached[0] != rev:
                row = self._select_clients('c.client_id = ?', [client_id])[0]
                record = self._render_client(row)
                text = json.dumps(record, separators=(',', ':')).replace('%', '%%')
                cached = (row['rev'], text[:-1] + ',"LastHeartBeatTime":%d}')
                self._records[client_id] = cached
            if status == 'ACTIVATED' and activated_at is not None:
                heartbeat = activated_at + ((now - activated_at) // HEARTBEAT_INTERVAL) * HEARTBEAT_INTERVAL
            else:
                heartbeat = last_heartbeat
            texts.append(cached[1] % int(heartbeat or 0))
        return RawJsonList(texts)

    def _render_client(self, client):
        """Every field but LastHeartBeatTime."""
        settings = json.loads(client['settings'])
        settings['ProxyPassword'] = '******' if client['proxy_password'] else ''
        tags = json.loads(client['tags']) if client['tags'] not in (None, '', '{}') else {}
        return {
            'ClientId': client['client_id'], 'ClientType': client['client_type'],
            'ClientVersion': client['version'] or '', 'MaxClientVersion': self.max_client_version,
            'InstanceId': client['instance_id'], 'InstanceName': client['i_name'] or '',
            'Hostname': client['i_hostname'] or '', 'PrivateIpV4': client['i_private_ip'] or '',
            'ZoneId': client['i_zone_id'] or '', 'OsType': client['i_os_type'] or 'linux',
            'ArchType': client['i_arch'] or 'amd64', 'Appliance': False, 'Status': client['status'],
            'BackupStatus': 'PROTECTED' if client['plans'] else 'UNPROTECTED', 'CreatedTime': int(client['created']),
            'UpdatedTime': int(client['updated']), 'Settings': settings, 'Tags': [{'Key': k, 'Value': v} for k, v in sorted(tags.items())],
        }

    def _select_clients(self, where, args, limit=None, offset=0):
        sql = ('SELECT %s FROM clients c LEFT JOIN instances i ON i.instance_id = c.instance_id WHERE %s '
               'ORDER BY c.seq' % (self.CLIENT_COLUMNS, where))
        if limit is not None:
            sql += ' LIMIT %d OFFSET %d' % (limit, offset)
        return self.db.execute(sql, args).fetchall()

    def action_DescribeBackupClients(self, params):
        self._cross_account(params)
        client_type = params.get('ClientType')
        if not client_type:
            raise missing('ClientType')
        if client_type not in CLIENT_TYPES:
            raise invalid('ClientType', 'Use one of %s.' % ', '.join(CLIENT_TYPES))
        page, size = _paging(params)
        where, args = ['c.client_type = ?'], [client_type]
        for name, column in (('ClientIds', 'client_id'), ('InstanceIds', 'instance_id')):
            values = parse_id_list(name, params.get(name))
            if values:
                where.append('c.%s IN (SELECT value FROM json_each(?))' % column)
                args.append(json.dumps(values))
        if params.get('ClusterId'):
            where.append('c.cluster_id = ?')
            args.append(params['ClusterId'])
        for flt in indexed(params, 'Filters'):
            column = FILTER_COLUMNS.get(flt.get('Key'))
            if column and flt.get('Values'):
                where.append('c.%s IN (SELECT value FROM json_each(?))' % column)
                args.append(json.dumps(flt['Values']))
        tags = indexed(params, 'Tag')
        if len(tags) > 20:
            raise invalid('Tag', 'At most 20 tags.')
        if any(not tag.get('Key') for tag in tags):
            raise invalid('Tag.N.Key', 'A tag key cannot be empty.')
        condition = ' AND '.join(where)
        if tags:  # rare: match tags in Python over the SQL-filtered rows
            rows = [r for r in self._select_clients(condition, args) if _has_tags(r, tags)]
            total = len(rows)
            heads = [(r['client_id'], r['rev'], r['status'], r['activated_at'], r['last_heartbeat'])
                     for r in rows[(page - 1) * size: page * size]]
        else:
            total = self.db.execute('SELECT COUNT(*) FROM clients c WHERE %s' % condition, args).fetchone()[0]
            heads = self.db.execute(
                'SELECT c.client_id, c.rev, c.status, c.activated_at, c.last_heartbeat FROM clients c WHERE %s '
                'ORDER BY c.seq LIMIT ? OFFSET ?' % condition, args + [size, (page - 1) * size]).fetchall()
        return self._envelope(PageNumber=page, PageSize=size, TotalCount=total,
                              Clients=self._page_json(heads, self.clock()))

    def action_DescribeClients(self, params):
        page, size = _paging(params)
        client_type = params.get('ClientType') or 'ECS_AGENT'
        if client_type != 'ECS_AGENT':
            raise invalid('ClientType', 'Use ECS_AGENT.')
        if params.get('SourceType') not in (None, '', 'HANA'):
            raise invalid('SourceType', 'Use HANA.')
        rows = self.db.execute("SELECT * FROM clients WHERE client_type='ECS_AGENT' ORDER BY seq").fetchall()
        wanted = [r for r in rows if all(not params.get(p) or r[c] == params[p] for p, c in (
            ('VaultId', 'vault_id'), ('ClientId', 'client_id'), ('ClusterId', 'cluster_id')))]
        now = self.clock()
        window = wanted[(page - 1) * size: page * size]
        clients = []
        for row in window:
            instance = self.db.execute('SELECT * FROM instances WHERE instance_id=?', (row['instance_id'],)).fetchone()
            clients.append({
                'AlertSetting': row['alert_setting'] or 'INHERITED', 'ClientId': row['client_id'],
                'ClientName': 'hana-%s' % row['instance_id'][-6:], 'ClientType': 'ECS_AGENT',
                'ClientVersion': row['version'], 'ClusterId': row['cluster_id'] or '', 'CreatedTime': int(row['created']),
                'HeartBeatTime': int(self._heartbeat(row, now) or 0), 'InstanceId': row['instance_id'],
                'InstanceName': instance['name'] if instance else '', 'MaxVersion': self.max_client_version,
                'NetworkType': 'VPC', 'Status': row['status'], 'StatusMessage': '', 'UpdatedTime': int(row['updated']),
                'UseHttps': bool(row['use_https']), 'VaultId': row['vault_id'] or '',
            })
        return self._envelope(PageNumber=page, PageSize=size, TotalCount=len(wanted), Clients={'Client': clients})

    def action_UpdateClientSettings(self, params):
        client = self._required_client(params)
        client_id = client['client_id']
        settings = json.loads(client['settings'])
        password = client['proxy_password']
        if params.get('DataNetworkType') not in (None, ''):
            if params['DataNetworkType'] not in NETWORK_TYPES:
                raise invalid('DataNetworkType', 'Use one of %s.' % ', '.join(NETWORK_TYPES))
            settings['DataNetworkType'] = params['DataNetworkType']
        if params.get('DataProxySetting') not in (None, ''):
            if params['DataProxySetting'] not in PROXY_SETTINGS:
                raise invalid('DataProxySetting', 'Use one of %s.' % ', '.join(PROXY_SETTINGS))
            settings['DataProxySetting'] = params['DataProxySetting']
        for name in ('ProxyHost', 'ProxyUser'):
            if params.get(name) is not None:
                settings[name] = params[name]
        if params.get('ProxyPassword') is not None:
            password = params['ProxyPassword']
        if params.get('ProxyPort') not in (None, ''):
            settings['ProxyPort'] = parse_int('ProxyPort', params['ProxyPort'], 0, 65535)
        for name in ('MaxCpuCore', 'MaxWorker'):
            if params.get(name) not in (None, ''):
                settings[name] = str(parse_int(name, params[name], 0))
        if params.get('MaxMemory') not in (None, ''):
            settings['MaxMemory'] = parse_int('MaxMemory', params['MaxMemory'], 0)
        if params.get('UseHttps') not in (None, ''):
            settings['UseHttps'] = 'true' if parse_bool('UseHttps', params['UseHttps']) else 'false'
        if params.get('AlertOnPartialComplete') not in (None, ''):
            settings['AlertOnPartialComplete'] = parse_bool('AlertOnPartialComplete', params['AlertOnPartialComplete'])
        self.db.execute('UPDATE clients SET settings=?, proxy_password=?, updated=? WHERE client_id=?',
                        (json.dumps(settings), password, self.clock(), client_id))
        return self._envelope()

    def action_DeleteBackupClient(self, params):
        client = self._required_client(params)
        client_id = client['client_id']
        now = self.clock()
        heartbeat = self._heartbeat(client, now)
        if heartbeat and now - heartbeat < 3600:
            raise business_error('BadRequest', 'The client sent a heartbeat within the last hour and cannot be '
                                               'deleted. Uninstall it first.')
        self.db.execute('DELETE FROM clients WHERE client_id=?', (client_id,))
        return self._envelope()

    def action_DeleteBackupClientResource(self, params):
        ids = parse_id_list('ClientIds', params.get('ClientIds'), LIMITS['DeleteBackupClientResource'], required=True)
        for client_id in _unique(ids):
            self.db.execute('UPDATE clients SET plans=0, jobs=0, snapshots=0, resource_deletes=resource_deletes+1, '
                            'updated=? WHERE client_id=?', (self.clock(), client_id))
        return self._envelope()

    # --- ECS (2014-05-26) reads, for the collection's instance precheck ------------------------------------------

    def _ecs_region_matches(self, params):
        if params.get('RegionId') and params['RegionId'] != self.region:
            return False
        return True

    def action_DescribeInstances(self, params):
        page, size = _paging(params, maximum=100)
        ids = parse_id_list('InstanceIds', params.get('InstanceIds'), 100)
        if not self._ecs_region_matches(params):
            rows = []
        elif ids:
            rows = self.db.execute('SELECT * FROM instances WHERE instance_id IN (SELECT value FROM json_each(?)) '
                                   'ORDER BY seq', (json.dumps(ids),)).fetchall()
        else:
            rows = self.db.execute('SELECT * FROM instances ORDER BY seq').fetchall()
        window = rows[(page - 1) * size: page * size]
        instances = [{'InstanceId': r['instance_id'], 'InstanceName': r['name'], 'HostName': r['hostname'],
                      'Status': r['status'], 'ZoneId': r['zone_id'], 'RegionId': self.region,
                      'OSType': r['os_type'], 'VpcAttributes': {'PrivateIpAddress': {'IpAddress': [r['private_ip']]}}}
                     for r in window]
        return {'RequestId': '', 'PageNumber': page, 'PageSize': size, 'TotalCount': len(rows),
                'Instances': {'Instance': instances}}

    def action_DescribeCloudAssistantStatus(self, params):
        ids = [value for name, value in sorted(params.items(), key=lambda item: _index_of(item[0]))
               if name.startswith('InstanceId.')]
        if len(ids) > 50:
            raise invalid('InstanceId', 'At most 50 instance ids.')
        rows = []
        if self._ecs_region_matches(params) and ids:
            rows = self.db.execute('SELECT * FROM instances WHERE instance_id IN (SELECT value FROM json_each(?)) '
                                   'ORDER BY seq', (json.dumps(ids),)).fetchall()
        statuses = [{'InstanceId': r['instance_id'], 'CloudAssistantStatus': 'true' if r['cloud_assistant'] else 'false',
                     'OSType': r['os_type'], 'CloudAssistantVersion': '2.2.0' if r['cloud_assistant'] else ''}
                    for r in rows]
        return {'RequestId': '', 'TotalCount': len(statuses),
                'InstanceCloudAssistantStatusSet': {'InstanceCloudAssistantStatus': statuses}}

    # --- admin views ---------------------------------------------------------------------------------------------

    def snapshot(self):
        with self.transaction():
            self._advance()
            now = self.clock()
            instances = [dict(r) for r in self.db.execute('SELECT * FROM instances ORDER BY seq')]
            clients = []
            for row in self._select_clients('1 = 1', []):
                record = self._client_record(row, now)
                record.update({'Resources': {'plans': row['plans'], 'jobs': row['jobs'], 'snapshots': row['snapshots']},
                               'AppliedInstalls': row['installs'], 'AppliedUninstalls': row['uninstalls'],
                               'AppliedUpgrades': row['upgrades'], 'ResourceDeletes': row['resource_deletes'],
                               'VaultId': row['vault_id'], 'ClusterId': row['cluster_id'],
                               'ProxyPasswordSet': bool(row['proxy_password'])})
                clients.append(record)
            tasks = [{'TaskId': r['task_id'], 'Name': r['name'], 'Kind': r['kind'], 'Done': bool(r['done']),
                      'Description': r['description'], 'Items': json.loads(r['items']), 'Created': r['created'],
                      'Due': r['due']} for r in self.db.execute('SELECT * FROM tasks ORDER BY seq')]
        for instance in instances:
            for key in ('cloud_assistant', 'install_fails', 'uninstall_fails', 'upgrade_fails'):
                instance[key] = bool(instance[key])
        return {'instances': instances, 'clients': clients, 'tasks': tasks}


def _unique(ids):
    seen, out = set(), []
    for item in ids:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _paging(params, maximum=99):
    page = parse_int('PageNumber', params['PageNumber'], 1) if params.get('PageNumber') not in (None, '') else 1
    size = parse_int('PageSize', params['PageSize'], 1, maximum) if params.get('PageSize') not in (None, '') else 10
    return page, size


def _index_of(name):
    tail = name.rsplit('.', 1)[-1]
    return int(tail) if tail.isdigit() else 0


FILTER_COLUMNS = {'InstanceId': 'instance_id', 'ClientId': 'client_id', 'Status': 'status'}


def _has_tags(row, tags):
    row_tags = json.loads(row['tags'] or '{}')
    return all(tag['Key'] in row_tags and row_tags[tag['Key']] == tag.get('Value', row_tags[tag['Key']])
               for tag in tags)


def _has_state(path):
    try:
        db = sqlite3.connect(path)
        try:
            return db.execute("SELECT value FROM meta WHERE key='scenario'").fetchone() is not None
        finally:
            db.close()
    except sqlite3.Error:
        return False
