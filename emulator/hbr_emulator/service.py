"""The emulated account in one region: the store, the scenario, and the dispatch of API actions
to the modules that own them (hbr_actions, hbr_reads, hana_actions, ecs_actions).

Where things live: storage.py (SQLite, the lock, the call log), tasks.py (the task engine),
params.py (parameter parsing), render.py (records and JSON), fleet.py (instances and scenario
clients), model.py (statuses, limits, ids), errors.py (error answers).
"""

import json
import time

from . import ecs_actions, hana_actions, hbr_actions, hbr_reads
# the server imports these from here
from .errors import ApiError, business_error, invalid, missing  # noqa: F401  pylint: disable=unused-import
from .behaviour import Behaviour
from .fleet import add_instances
from .model import DEFAULT_TASK_SECONDS, ECS_API_VERSION, STATUSES, row_heartbeat  # noqa: F401  pylint: disable=unused-import
from .render import PageCache, client_record, encode_json  # noqa: F401  pylint: disable=unused-import
from .storage import Store
from .tasks import advance

HBR_ACTIONS = dict(hbr_actions.ACTIONS, **hbr_reads.ACTIONS, **hana_actions.ACTIONS)
ECS_ACTIONS = dict(ecs_actions.ACTIONS)


class Service:
    """The whole emulated account in one region."""

    def __init__(self, scenario, state_path=None, clock=time.time):
        self.clock = clock
        self.store = Store(state_path, clock)
        self.page_cache = PageCache()
        # Until when a record may lag (record_lag_seconds), and a new client may not be listed yet.
        self.lag_until, self.hidden_until = self.store.execute(
            "SELECT COALESCE(MAX(shown_until), 0), COALESCE(MAX(CASE WHEN shown_status = '' THEN shown_until END), 0) "
            "FROM clients").fetchone()
        self.scenario = dict(scenario or {})
        self.behaviour = Behaviour(self.scenario.get('behaviour'), (self.scenario.get('faults') or {}).get('seed'))
        if self.store.fresh:
            self.load_scenario(self.scenario)
        self.scenario = json.loads(self.store.meta('scenario') or '{}')
        self.behaviour.configure(self.scenario.get('behaviour') or {})

    @property
    def lock(self):
        return self.store.lock

    def transaction(self):
        return self.store.transaction()

    # --- scenario and admin --------------------------------------------------------------------------------------

    def load_scenario(self, scenario):
        with self.transaction():
            self.store.clear()
            self.page_cache.clear()
            self.lag_until = self.hidden_until = 0
            self.scenario = dict(scenario or {})
            self.behaviour.configure(self.scenario.get('behaviour') or {})
            self.behaviour.reseed((self.scenario.get('faults') or {}).get('seed'))
            self.store.set_meta('scenario', json.dumps(self.scenario))
            self.store.set_meta('task_counter', '0')
            self.store.set_meta('instance_counter', '0')
            add_instances(self, self.scenario)

    def reset(self):
        self.load_scenario(self.scenario)

    def add_instances(self, spec):
        with self.transaction():
            return add_instances(self, spec)

    def release_instance(self, instance_id):
        """Release an ECS instance: it is gone, its client record stays and goes UNKNOWN (the agent
        stops sending heartbeats), as on the service. Returns False for an unknown instance."""
        with self.transaction():
            advance(self)
            if self.store.instance(instance_id) is None:
                return False
            now = self.clock()
            self.store.execute('DELETE FROM instances WHERE instance_id=?', (instance_id,))
            for client in self.store.execute('SELECT * FROM clients WHERE instance_id=?', (instance_id,)).fetchall():
                self.store.execute("UPDATE clients SET status='UNKNOWN', activated_at=NULL, last_heartbeat=?, "
                                   "updated=? WHERE client_id=?", (row_heartbeat(client, now), now, client['client_id']))
            return True

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

    def render_options(self):
        """What client records depend on besides their row: (max_client_version, proxy password mode)."""
        return self.max_client_version, self.behaviour['proxy_password']

    # --- call log ------------------------------------------------------------------------------------------------

    def log_call(self, entry):
        self.store.log_call(entry)

    def calls(self):
        return self.store.calls()

    def clear_calls(self):
        self.store.clear_calls()

    # --- dispatch ------------------------------------------------------------------------------------------------

    def call(self, action, params, version='2017-09-08'):
        """Run one action; return ``(body, task_id)`` or raise ApiError."""
        handler = (ECS_ACTIONS if version == ECS_API_VERSION else HBR_ACTIONS).get(action) if action else None
        if handler is None:
            raise ApiError('InvalidAction.NotFound', 'Specified api is not found, please check your url and method.',
                           status=404)
        with self.transaction():
            advance(self)
            body = handler(self, params)
        return body, body.get('TaskId') or None

    # --- admin views ---------------------------------------------------------------------------------------------

    def _snapshot_client(self, row, now):
        record = client_record(row, now, self.max_client_version, 'masked')  # never a password here
        if row['shown_until'] is not None and now < row['shown_until']:
            record['ShownStatus'] = row['shown_status']  # what DescribeBackupClients shows meanwhile
        record.update({'Resources': {'plans': row['plans'], 'jobs': row['jobs'], 'snapshots': row['snapshots']},
                       'AppliedInstalls': row['installs'], 'AppliedUninstalls': row['uninstalls'],
                       'AppliedUpgrades': row['upgrades'], 'ResourceDeletes': row['resource_deletes'],
                       'VaultId': row['vault_id'], 'ClusterId': row['cluster_id'],
                       'ProxyPasswordSet': bool(row['proxy_password'])})
        return record

    def snapshot(self):
        """Instances, clients (API-shaped, with counters) and tasks, for assertions."""
        with self.transaction():
            advance(self)
            now = self.clock()
            instances = [dict(r) for r in self.store.execute('SELECT * FROM instances ORDER BY seq')]
            clients = [self._snapshot_client(row, now) for row in self.store.select_clients('1 = 1', [])]
            tasks = [{'TaskId': r['task_id'], 'Name': r['name'], 'Kind': r['kind'], 'Done': bool(r['done']),
                      'Description': r['description'], 'Items': json.loads(r['items']), 'Created': r['created'],
                      'Due': r['due']} for r in self.store.execute('SELECT * FROM tasks ORDER BY seq')]
        for instance in instances:
            for key in ('cloud_assistant', 'install_fails', 'uninstall_fails', 'upgrade_fails'):
                instance[key] = bool(instance[key])
        return {'instances': instances, 'clients': clients, 'tasks': tasks}
