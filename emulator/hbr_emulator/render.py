"""Rendering: client rows into API records, the JSON encoder for response bodies and the per-client
render cache behind DescribeBackupClients pages."""

import json

from .model import HEARTBEAT_INTERVAL, row_heartbeat


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


def envelope(**fields):
    """A successful HBR answer with ``fields``."""
    body = {'Code': '200', 'Message': 'successful', 'Success': True}
    body.update(fields)
    return body


def render_settings(client, password_mode='masked'):
    settings = json.loads(client['settings'])
    password = client['proxy_password'] or ''
    settings['ProxyPassword'] = password if password_mode == 'clear' else ('******' if password else '')
    return settings


def shown_status(status, shown, shown_until, now):
    """The Status a record shows: the previous one while ``record_lag_seconds`` runs, '' (no record
    yet) for a client a lagging install created, else the real one."""
    if shown_until is not None and now < shown_until:
        return shown
    return status


def render_client(client, max_client_version, password_mode='masked', status=None):
    """The DescribeBackupClients record of a CLIENT_COLUMNS row, every field but LastHeartBeatTime."""
    tags = json.loads(client['tags']) if client['tags'] not in (None, '', '{}') else {}
    return {
        'ClientId': client['client_id'], 'ClientType': client['client_type'],
        'ClientVersion': client['version'] or '', 'MaxClientVersion': max_client_version,
        'InstanceId': client['instance_id'], 'InstanceName': client['i_name'] or '',
        'Hostname': client['i_hostname'] or '', 'PrivateIpV4': client['i_private_ip'] or '',
        'ZoneId': client['i_zone_id'] or '', 'OsType': client['i_os_type'] or 'linux',
        'ArchType': client['i_arch'] or 'amd64', 'Appliance': False, 'Status': status or client['status'],
        'BackupStatus': 'PROTECTED' if client['plans'] else 'UNPROTECTED', 'CreatedTime': int(client['created']),
        'UpdatedTime': int(client['updated']), 'Settings': render_settings(client, password_mode),
        'Tags': [{'Key': k, 'Value': v} for k, v in sorted(tags.items())],
    }


def client_record(client, now, max_client_version, password_mode='masked'):
    """The full DescribeBackupClients record of a CLIENT_COLUMNS row."""
    record = render_client(client, max_client_version, password_mode)
    record['LastHeartBeatTime'] = int(row_heartbeat(client, now) or 0)
    return record


# What a page query selects per client: enough to find its cached text and add the heartbeat.
HEAD_COLUMNS = 'c.client_id, c.rev, c.status, c.activated_at, c.last_heartbeat, c.shown_status, c.shown_until'
# The same when no record can be lagging (no write within record_lag_seconds): nothing to read.
HEAD_COLUMNS_NO_LAG = 'c.client_id, c.rev, c.status, c.activated_at, c.last_heartbeat, NULL, NULL'
# Clients a lagging install created are not listed until the lag ends (bound to the current time).
VISIBLE = "(c.shown_until IS NULL OR c.shown_status != '' OR c.shown_until <= ?)"


class PageCache:
    """JSON text of each client, rendered again only when its row changed (its ``rev`` moved, kept
    by a trigger) or its lag ended; only the heartbeat, which moves with the clock, is added each
    time. A deleted client is forgotten (a new row may reuse its id); new rendering options empty
    the cache."""

    def __init__(self):
        self._records = {}
        self._options = None

    def page_json(self, store, heads, now, options):
        """``heads`` are HEAD_COLUMNS rows; ``options`` is (max_client_version, password mode).
        The hot loop of the emulator: the heartbeat rule (model.heartbeat) is inlined here."""
        if options != self._options:
            self._records.clear()
            self._options = options
        texts = []
        records = self._records
        for client_id, rev, status, activated_at, last_heartbeat, shown, shown_until in heads:
            lagging = shown_until is not None and now < shown_until
            key = -1 - rev if lagging else rev
            cached = records.get(client_id)
            if cached is None or cached[0] != key:
                row = store.select_clients('c.client_id = ?', [client_id])[0]
                record = render_client(row, *options, status=shown if lagging else None)
                text = json.dumps(record, separators=(',', ':')).replace('%', '%%')
                cached = records[client_id] = (key, text[:-1] + ',"LastHeartBeatTime":%d}')
            if status == 'ACTIVATED' and activated_at is not None:
                beat = activated_at + ((now - activated_at) // HEARTBEAT_INTERVAL) * HEARTBEAT_INTERVAL
            else:
                beat = last_heartbeat
            texts.append(cached[1] % int(beat or 0))
        return RawJsonList(texts)

    def forget(self, client_id):
        self._records.pop(client_id, None)

    def clear(self):
        self._records.clear()
