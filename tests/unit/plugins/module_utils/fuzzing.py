# -*- coding: utf-8 -*-
# Hypothesis strategies for malformed answers, and an RPC client that replays them (no network).

from __future__ import absolute_import, division, print_function

import collections
import json

from hypothesis import strategies as st

from ansible_collections.alicloud.hbr.plugins.module_utils import _rpc

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
