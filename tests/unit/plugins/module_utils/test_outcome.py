# -*- coding: utf-8 -*-
# The Outcome: the first failure of an instance wins, tasks group their instances, and concurrent
# writers lose nothing (every change goes through a locked method).

from __future__ import absolute_import, division, print_function

from ansible_collections.alicloud.hbr.plugins.module_utils import _concurrency, _outcome


def test_first_failure_wins_and_carries_the_client_id():
    outcome = _outcome.Outcome(clock=lambda: 5.0)
    outcome.start({'i-1': {'client_id': 'c-1', 'status': 'ACTIVATED'}})
    outcome.fail('i-1', 'InstanceNotRunning', 'first', 'precheck')
    outcome.fail('i-1', 'Other', 'second', 'install')
    assert outcome.failures['i-1'] == {'instance_id': 'i-1', 'client_id': 'c-1', 'code': 'InstanceNotRunning',
                                       'message': 'first', 'stage': 'precheck'}
    assert outcome.failure_list(['i-2', 'i-1']) == [outcome.failures['i-1']]


def test_tasks_and_changes():
    outcome = _outcome.Outcome(clock=lambda: 7.0)
    assert not outcome.changed
    outcome.add_task('t-1', 'install', ['i-1', 'i-2'])
    outcome.add_task('t-1', 'install', ['i-3'])
    outcome.add_task(None, 'install', ['i-4'])
    assert outcome.task_ids == ['t-1'] and outcome.tasks['t-1']['instances'] == ['i-1', 'i-2', 'i-3']
    assert outcome.tasks['t-1']['started'] == 7.0
    assert outcome.task_of('i-3') == 't-1' and outcome.task_of('i-4') is None
    assert outcome.tasks_of(['i-4', 'i-2']) == ['t-1']
    assert outcome.changed and outcome.changed_instances == {'i-1', 'i-2', 'i-3', 'i-4'}


def test_records_before_stay_as_first_read():
    outcome = _outcome.Outcome()
    outcome.start({'i-1': {'status': 'STOPPED', 'settings': {}}})
    outcome.settings_applied('i-1', {'status': 'ACTIVATED', 'settings': {'max_worker': 2}}, ['max_worker'])
    outcome.update_records({}, ['i-1'], drop_missing=True)
    assert outcome.before == {'i-1': {'status': 'STOPPED', 'settings': {}}}
    assert 'i-1' not in outcome.records and outcome.settings_sent == {'i-1': ['max_worker']}


def test_concurrent_writers_lose_nothing():
    outcome = _outcome.Outcome()
    ids = ['i-%04d' % n for n in range(400)]

    def write(iid):
        outcome.add_task('t-%d' % (int(iid[2:]) % 7), 'install', [iid])
        outcome.fail(iid, 'X', 'm', 'install')
        outcome.warn('same warning')

    _concurrency.run_concurrently(write, ids, 16)
    assert sum(len(t['instances']) for t in outcome.tasks.values()) == 400
    assert len(outcome.failures) == 400 and outcome.warnings == ['same warning']


def test_records_before_are_deep_copies_that_keep_the_record_class():
    from ansible_collections.alicloud.hbr.plugins.module_utils._model import ClientRecord
    record = ClientRecord(status='STOPPED', settings={'max_worker': 1}, tags={'env': 'prod'}, ids=[{'a': [1]}])
    record.proxy_password_sha256 = 'digest'
    outcome = _outcome.Outcome()
    outcome.start({'i-1': record})
    record['settings']['max_worker'] = 2
    record['tags']['env'] = 'dev'
    record['ids'][0]['a'].append(2)
    before = outcome.before['i-1']
    assert before == {'status': 'STOPPED', 'settings': {'max_worker': 1}, 'tags': {'env': 'prod'}, 'ids': [{'a': [1]}]}
    assert isinstance(before, ClientRecord) and before.proxy_password_sha256 == 'digest'
