"""ECS (2014-05-26) reads, for the collection's instance precheck: DescribeInstances and
DescribeCloudAssistantStatus."""

import json
import time

from .errors import ApiError, invalid
from .fleet import cloud_assistant_up
from .params import paging, parse_id_list, repeated


def _region_matches(service, params):
    """ECS needs RegionId on every action (HTTP 400 MissingRegionId without it, as ECS answers);
    another region's instances are not ours."""
    if not params.get('RegionId'):
        raise ApiError('MissingRegionId', 'RegionId is mandatory for this action.', status=400)
    return params['RegionId'] == service.region


def ecs_time(seconds):
    """ECS's time format: UTC, minutes (2024-01-02T03:04Z)."""
    return time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime(seconds))


def _instances(service, ids):
    if ids:
        return service.store.execute('SELECT * FROM instances WHERE instance_id IN (SELECT value FROM json_each(?)) '
                                     'ORDER BY seq', (json.dumps(ids),)).fetchall()
    return service.store.execute('SELECT * FROM instances ORDER BY seq').fetchall()


def instance_record(service, row):
    return {'InstanceId': row['instance_id'], 'InstanceName': row['name'], 'HostName': row['hostname'],
            'Status': row['status'], 'ZoneId': row['zone_id'], 'RegionId': service.region,
            'OSType': row['os_type'], 'VpcAttributes': {'PrivateIpAddress': {'IpAddress': [row['private_ip']]}},
            'StartTime': ecs_time(row['started']), 'CreationTime': ecs_time(row['started'])}


def describe_instances(service, params):
    page, size = paging(params, maximum=100)
    ids = parse_id_list('InstanceIds', params.get('InstanceIds'), 100)
    rows = _instances(service, ids) if _region_matches(service, params) else []
    window = rows[(page - 1) * size: page * size]
    return {'RequestId': '', 'PageNumber': page, 'PageSize': size, 'TotalCount': len(rows),
            'Instances': {'Instance': [instance_record(service, r) for r in window]}}


def describe_cloud_assistant_status(service, params):
    matches = _region_matches(service, params)
    ids = repeated(params, 'InstanceId')
    if len(ids) > 50:
        raise invalid('InstanceId', 'At most 50 instance ids.')
    rows = _instances(service, ids) if matches and ids else []
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
