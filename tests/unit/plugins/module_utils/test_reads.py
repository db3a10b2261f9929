# -*- coding: utf-8 -*-
# Paged reads of client records, also from malformed or huge answers.

from __future__ import absolute_import, division, print_function

import json

import pytest

from ansible_collections.alicloud.hbr.plugins.module_utils import _errors, _model, _reads


hypothesis = pytest.importorskip('hypothesis')
from hypothesis import given, settings, strategies as st  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.fuzzing import (  # noqa: E402  pylint: disable=wrong-import-position
    BODIES, FuzzedApi)


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


def test_a_huge_page_is_read_once_and_kept_whole():
    clients = [{'ClientId': 'c-%020d' % n, 'InstanceId': 'i-%020d' % n, 'Status': 'ACTIVATED'} for n in range(5000)]
    api = FuzzedApi([(200, json.dumps({'Clients': clients, 'TotalCount': 5000}))])
    assert len(api.paginate('DescribeBackupClients', {}, ('Clients',))) == 5000


def _emulated(behaviour, count=120):
    pytest.importorskip('hbr_emulator')
    from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.emulated import Emulated
    ids = ['i-emu%017d' % n for n in range(1, count + 1)]
    return ids, Emulated({'instances': [{'instance_id': iid, 'client': {'status': 'ACTIVATED'}} for iid in ids],
                          'behaviour': behaviour, 'faults': {'seed': 7}})


@pytest.mark.parametrize('behaviour', [{'page_size_cap': 50}, {'short_page_rate': 0.3},
                                       {'page_size_cap': 50, 'short_page_rate': 0.3}])
def test_capped_and_short_pages_are_paged_through(behaviour):
    ids, env = _emulated(behaviour)
    by_id = _reads.records_by_instance(_reads.describe_backup_clients(env.api, instance_ids=ids, concurrency=1))
    assert sorted(by_id) == ids, 'every client found, by instance ids'
    everything = _reads.describe_backup_clients(env.api)
    assert sorted(c['InstanceId'] for c in everything) == ids, 'and without a filter'


def test_a_read_that_stays_short_fails_as_a_whole():
    class Short(FuzzedApi):
        def _send_once(self, action, params):
            page = {'Clients': [{'ClientId': 'c-%d' % params['PageNumber']}], 'TotalCount': 50}
            return page if params['PageNumber'] < 3 else {'Clients': [], 'TotalCount': 50}
    with pytest.raises(_errors.HbrApiError) as info:
        _reads.describe_backup_clients(Short([]))
    assert info.value.code == 'IncompleteRead'
