"""The SQLite store: schema, the one lock and its transactions, meta values, the call log and the
row lookups every action shares.

All state access happens under one lock: writes are serialised, which is what keeps 50 parallel
writers consistent, and SQLite transactions make each action atomic.
"""

import contextlib
import json
import sqlite3
import threading

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS instances (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT UNIQUE, status TEXT, cloud_assistant INTEGER,
    install_fails INTEGER, uninstall_fails INTEGER, upgrade_fails INTEGER, os_type TEXT, arch TEXT, zone_id TEXT,
    name TEXT, hostname TEXT, private_ip TEXT, started REAL, assistant_from REAL);
CREATE TABLE IF NOT EXISTS clients (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, client_id TEXT UNIQUE, instance_id TEXT, client_type TEXT, status TEXT,
    version TEXT, settings TEXT, proxy_password TEXT, tags TEXT, plans INTEGER, jobs INTEGER, snapshots INTEGER,
    created REAL, updated REAL, activated_at REAL, last_heartbeat REAL, task_id TEXT, vault_id TEXT, cluster_id TEXT,
    source_types TEXT, alert_setting TEXT, use_https INTEGER, installs INTEGER DEFAULT 0,
    uninstalls INTEGER DEFAULT 0, upgrades INTEGER DEFAULT 0, resource_deletes INTEGER DEFAULT 0,
    rev INTEGER DEFAULT 0, shown_status TEXT, shown_until REAL);
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
TABLES = ('meta', 'instances', 'clients', 'tasks', 'calls')
# A client row joined with the instance fields its record shows.
CLIENT_COLUMNS = ('c.*, i.name AS i_name, i.hostname AS i_hostname, i.private_ip AS i_private_ip, '
                  'i.zone_id AS i_zone_id, i.os_type AS i_os_type, i.arch AS i_arch')


class Store:
    """One SQLite database (in memory, or a WAL file that survives restarts) behind one lock."""

    def __init__(self, path=None, clock=None):
        self.clock = clock
        self.lock = threading.RLock()
        self._depth = 0
        self.fresh = path is None or not has_state(path)
        self.db = sqlite3.connect(path or ':memory:', check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        if path:
            self.db.execute('PRAGMA journal_mode=WAL')
            self.db.execute('PRAGMA synchronous=NORMAL')
        self.db.executescript(SCHEMA)

    def execute(self, sql, args=()):
        return self.db.execute(sql, args)

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

    def clear(self):
        for table in TABLES:
            self.db.execute('DELETE FROM %s' % table)
        self.db.execute("DELETE FROM sqlite_sequence WHERE name IN ('instances', 'clients', 'tasks', 'calls')")

    def meta(self, key):
        row = self.db.execute('SELECT value FROM meta WHERE key=?', (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key, value):
        self.db.execute('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', (key, value))

    def next_counter(self, name):
        value = int(self.meta(name) or 0) + 1
        self.set_meta(name, str(value))
        return value

    # --- rows ----------------------------------------------------------------------------------------------------

    def instance(self, instance_id):
        return self.db.execute('SELECT * FROM instances WHERE instance_id=?', (instance_id,)).fetchone()

    def client(self, client_id):
        return self.db.execute('SELECT * FROM clients WHERE client_id=?', (client_id,)).fetchone()

    def client_of_instance(self, instance_id, kind='ECS_CLIENT'):
        return self.db.execute('SELECT * FROM clients WHERE instance_id=? AND client_type=?',
                               (instance_id, kind)).fetchone()

    def select_clients(self, where, args, limit=None, offset=0):
        """Rows of ``clients LEFT JOIN instances`` (CLIENT_COLUMNS) in creation order."""
        sql = ('SELECT %s FROM clients c LEFT JOIN instances i ON i.instance_id = c.instance_id WHERE %s '
               'ORDER BY c.seq' % (CLIENT_COLUMNS, where))
        if limit is not None:
            sql += ' LIMIT %d OFFSET %d' % (limit, offset)
        return self.db.execute(sql, args).fetchall()

    # --- call log ------------------------------------------------------------------------------------------------

    def log_call(self, entry):
        """Append one API request: a dict with action, params, http_status, code, task_id, dropped, signature."""
        with self.transaction():
            self.db.execute('INSERT INTO calls (action, params, http_status, code, task_id, dropped, time, signature) '
                            'VALUES (?,?,?,?,?,?,?,?)',
                            (entry['action'], json.dumps(entry['params']), entry['http_status'], entry['code'],
                             entry['task_id'], int(entry['dropped']), self.clock(), entry.get('signature')))

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


def has_state(path):
    """True when ``path`` is a state file an earlier run left (it keeps its own scenario)."""
    try:
        db = sqlite3.connect(path)
        try:
            return db.execute("SELECT value FROM meta WHERE key='scenario'").fetchone() is not None
        finally:
            db.close()
    except sqlite3.Error:
        return False
