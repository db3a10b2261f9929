# -*- coding: utf-8 -*-
# Malformed answers (non-JSON, HTML error pages, wrong types, missing fields, huge pages) must end
# as HbrApiError (a clean module failure with a message), never as another exception.

from __future__ import absolute_import, division, print_function

import collections
import json
import re

import pytest

from ansible_collections.alicloud.hbr.plugins.module_utils import _errors, _model, _reads, _rpc, _tasks

hypothesis = pytest.importorskip('hypothesis')
from hypothesis import given, settings, strategies as st  # noqa: E402  pylint: disable=wrong-import-position

Creds = collections.namedtuple('Creds', 'access_key_id access_key_secret security_token')

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(
    max_size=20)
VALUES = st.recursive(SCALARS, lambda children: st.lists(children, max_size=4) | st.dictionaries(
    st.text(max_size=12), children, max_size=4), max_leaves=12)
CLIENT_KEYS = ['ClientId', 'InstanceId', 'Status', 'ClientVersion', 'MaxClientVersion', 'CreatedTime', 'Settings',
               'Tags', 'PrivateIpV4', 'LastHeartBeatTime']
CLIENTS = st.dictionaries(st.sampled_from(CLIENT_KEYS), VALUES, max_size=10)
PAGES = st.fixed_dictionaries({}, optional={
    'Clients': st.lists(CLIENTS, max_size=6) | VALUES, 'TotalCount': VALUES, 'Success': VALUES, 'Code': VALUES,
    'Message': VALUES, 'RequestId': VALUES})
BODIES = (st.text(max_size=200) | VALUES.map(json.dumps) | PAGES.map(json.dumps)
          | st.just('<html><body><h1>502 Bad Gateway</h1></body></html>') | st.just(''))


class FuzzedApi(_rpc.RpcClient):
    def __init__(self, answers):
        super(FuzzedApi, self).__init__(Creds('k', 's', None), 'http://fuzz', session=object(), sleep=lambda s: None,
                                        retries=1)
        self.answers = list(answers)

    def _send_once(self, action, params):
        status, text = self.answers.pop(0) if self.answers else (200, '{"Clients": [], "TotalCount": 0}')
        return _rpc.parse_response(action, status, text)


@settings(max_examples=300, deadline=None)
@given(status=st.sampled_from([200, 200, 200, 400, 403, 404, 500, 502, 503]), text=BODIES)
def test_parse_response_is_a_dict_or_a_clean_error(status, text):
    try:
        body = _rpc.parse_response('DescribeBackupClients', status, text)
    except _errors.HbrApiError as error:
        assert error.code and str(error)
        assert not re.search(r'<[A-Za-z/][^>]*>', error.message), 'HTML tags are stripped from messages'
    else:
        assert isinstance(body, dict) and status < 400


@settings(max_examples=300, deadline=None)
@given(answers=st.lists(st.tuples(st.sampled_from([200, 200, 500]), BODIES), min_size=1, max_size=4))
def test_the_whole_read_path_survives_any_answer(answers):
    api = FuzzedApi(answers)
    try:
        records = _reads.records_by_instance(_reads.describe_backup_clients(
            api, instance_ids=['i-fuzz0000000000000001'], concurrency=1))
    except _errors.HbrApiError as error:
        assert error.code
    else:
        for record in records.values():
            assert isinstance(record['settings'], dict) and isinstance(record['tags'], dict)
            _model.action_for(record.get('status') if isinstance(record.get('status'), str) else None, 'present')
            _model.is_outdated(record)


@settings(max_examples=300, deadline=None)
@given(body=st.dictionaries(st.sampled_from(['Result', 'Description', 'Progress', 'RequestId']), VALUES | st.lists(
    st.dictionaries(st.sampled_from(['instanceId', 'clientId', 'clientStatus', 'errorCode']), VALUES),
    max_size=3).map(json.dumps)))
def test_task_parsing_survives_any_answer(body):
    try:
        task = _tasks.parse_task(body, 't-1')
    except _errors.HbrApiError as error:
        assert error.code == 'InvalidResponse'
    else:
        assert isinstance(task['items'], dict) and task['done'] in (True, False)


def test_a_huge_page_is_read_once_and_kept_whole():
    clients = [{'ClientId': 'c-%020d' % n, 'InstanceId': 'i-%020d' % n, 'Status': 'ACTIVATED'} for n in range(5000)]
    api = FuzzedApi([(200, json.dumps({'Clients': clients, 'TotalCount': 5000}))])
    assert len(api.paginate('DescribeBackupClients', {}, ('Clients',))) == 5000
