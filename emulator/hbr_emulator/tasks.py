"""The task engine: asynchronous Install/Uninstall/Upgrade/Create tasks and what DescribeTask says.

Time is wall-clock time. A task stores when it was created and how long it lasts; whenever a
request arrives, every task that came due is applied first (``advance``). So a restarted
emulator that reopens its state file finishes in-flight tasks as if it had never stopped.
"""

import json

from .model import FAILURE_CODE, FAILURE_FLAG, TASK_TIMEOUT, TRANSITIONAL, heartbeat


def create_task(service, kind, name, items):
    """A new task over ``items`` ({instanceId, clientId, target}); each named client now follows it."""
    store = service.store
    task_id = 't-%020d' % store.next_counter('task_counter')
    now = service.clock()
    duration = service.task_seconds(kind)
    store.execute('INSERT INTO tasks (task_id, name, kind, created, due, done, description, items) '
                  'VALUES (?,?,?,?,?,0,?,?)', (task_id, name, kind, now, now + min(duration, TASK_TIMEOUT),
                                               'created', json.dumps(items)))
    for item in items:
        if item.get('clientId'):
            store.execute('UPDATE clients SET task_id=? WHERE client_id=?', (task_id, item['clientId']))
    return task_id


def advance(service):
    """Apply every task that came due, in the order they were created."""
    store = service.store
    due = store.execute('SELECT * FROM tasks WHERE done=0 AND due<=? ORDER BY seq', (service.clock(),)).fetchall()
    for task in due:
        expired = task['due'] - task['created'] >= TASK_TIMEOUT
        items = json.loads(task['items'])
        for item in items:
            _finish_item(service, task, item, expired)
        store.execute('UPDATE tasks SET done=1, items=?, completed=?, description=? WHERE task_id=?',
                      (json.dumps(items), task['due'], 'expired' if expired else 'completed', task['task_id']))


def _outcome(service, kind, client, fails):
    """(record status, task item clientStatus, version) when a task of ``kind`` ends."""
    if kind in ('install', 'create'):
        if fails:
            return 'INSTALL_FAILED', 'INSTALL_FAILED', client['version']
        return 'ACTIVATED', 'ACTIVATED', client['version'] if kind == 'create' else service.client_version
    if kind == 'uninstall':
        # The task reports NOT_INSTALLED; the record shows STOPPED (the agent is gone, the record stays).
        return ('UNINSTALL_FAILED', 'UNINSTALL_FAILED', client['version']) if fails else \
            ('STOPPED', 'NOT_INSTALLED', client['version'])
    if fails:
        return 'UPGRADE_FAILED', 'UPGRADE_FAILED', client['version']
    return 'ACTIVATED', 'ACTIVATED', service.max_client_version


def _finish_item(service, task, item, expired):
    store = service.store
    client = store.client(item.get('clientId') or '')
    instance = store.instance(item['instanceId'])
    kind = task['kind']
    if client is None or client['task_id'] != task['task_id']:
        # Superseded by a later task on the same client (or deleted): report what it is now.
        item['clientStatus'] = client['status'] if client else 'NOT_INSTALLED'
        return
    if instance is None:
        # The instance was released while the task ran: the agent is gone with it.
        item.update(clientStatus='UNKNOWN', errorCode='InstanceNotExists')
        return
    fails = expired or bool(instance[FAILURE_FLAG[kind]])
    if fails:
        item['errorCode'] = 'TaskExpired' if expired else FAILURE_CODE[kind]
    now = task['due']
    status, item['clientStatus'], version = _outcome(service, kind, client, fails)
    activated_at = now if status == 'ACTIVATED' else None
    last_heartbeat = client['last_heartbeat']
    if client['activated_at'] is not None and status != 'ACTIVATED':
        # The agent heartbeated until the task ended (a client mid-task still runs its agent).
        last_heartbeat = heartbeat('ACTIVATED', client['activated_at'], last_heartbeat, now)
    store.execute('UPDATE clients SET status=?, version=?, updated=?, activated_at=?, last_heartbeat=? '
                  'WHERE client_id=?', (status, version, now, activated_at, last_heartbeat, client['client_id']))


def describe_task(service, task):
    """The DescribeTask fields of a task row (Progress, Description, Result, times). Progress is -1
    when every item failed, or with ``partial_task_progress: minus_one`` when any item failed."""
    items = json.loads(task['items'])
    now = service.clock()
    if task['done']:
        failed = [i for i in items if i.get('errorCode')]
        any_fails = service.behaviour['partial_task_progress'] == 'minus_one'
        progress = -1 if failed and (any_fails or len(failed) == len(items)) else 100
    else:
        span = max(task['due'] - task['created'], 0.001)
        progress = min(99, int(100 * (now - task['created']) / span))
        for item in items:
            item.setdefault('clientStatus', TRANSITIONAL[task['kind']])
    result = [{'instanceId': i['instanceId'], 'clientId': i.get('clientId', ''),
               'clientStatus': i.get('clientStatus', ''), 'errorCode': i.get('errorCode', '')} for i in items]
    fields = {'Progress': progress, 'Description': task['description'], 'Result': json.dumps(result),
              'Name': task['name'], 'CreatedTime': int(task['created']), 'UpdatedTime': int(task['completed'] or now)}
    if task['done']:
        fields['CompletedTime'] = int(task['completed'])
    return fields
