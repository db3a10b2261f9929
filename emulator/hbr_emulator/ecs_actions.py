"""ECS (2014-05-26) reads, for the collection's instance precheck: DescribeInstances and
DescribeCloudAssistantStatus."""

import json

from .errors import invalid
from .fleet import cloud_assistant_up
from .params import paging, parse_id_list, repeated


def _region_matches(service, params):
    return not params.get('RegionId') or params['RegionId'] == service.region


def _instances(service, ids):
    if ids:
        return service.store.execute('SELECT * FROM instances WHERE instance_id IN (SELECT value FROM json_each(?)) '
                                     'ORDER BY seq', (json.dumps(ids),)).fetchall()
    return service.store.execute('SELECT * FROM instances ORDER BY seq').fetchall()


def instance_record(service, row):
    return {'InstanceId': row['instance_id'], 'InstanceName': row['name'], 'HostName': row['hostname'],
            'Status': row['status'], 'ZoneId': row['zone_id'], 'RegionId': service.region,
            'OSType': row['os_type'], 'VpcAttributes': {'PrivateIpAddress': {'IpAddress': [row['private_ip']]}}}


def describe_instances(service, params):
    page, size = paging(params, maximum=100)
    ids = parse_id_list('InstanceIds', params.get('InstanceIds'), 100)
    rows = _instances(service, ids) if _region_matches(service, params) else []
    window = rows[(page - 1) * size: page * size]
    return {'RequestId': '', 'PageNumber': page, 'PageSize': size, 'TotalCount': len(rows),
            'Instances': {'Instance': [instance_record(service, r) for r in window]}}


def describe_cloud_assistant_status(service, params):
    ids = repeated(params, 'InstanceId')
    if len(ids) > 50:
        raise invalid('InstanceId', 'At most 50 instance ids.')
    rows = _instances(service, ids) if _region_matches(service, params) and ids else []
    statuses = []
    for row in rows:
        up = cloud_assistant_up(service, row)
        statuses.append({'InstanceId': row['instance_id'], 'CloudAssistantStatus': 'true' if up else 'false',
                         'OSType': row['os_type'], 'CloudAssistantVersion': '2.2.0' if row['cloud_assistant'] else ''})
    return {'RequestId': '', 'TotalCount': len(statuses),
            'InstanceCloudAssistantStatusSet': {'InstanceCloudAssistantStatus': statuses}}


ACTIONS = {
    'DescribeInstances': describe_instances,
    'DescribeCloudAssistantStatus': describe_cloud_assistant_status,
}
