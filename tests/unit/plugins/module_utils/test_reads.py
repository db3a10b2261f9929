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
