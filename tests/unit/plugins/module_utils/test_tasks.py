# -*- coding: utf-8 -*-
# The poll schedule and DescribeTask parsing. No network, no sleeping.

from __future__ import absolute_import, division, print_function

import json

import pytest

from ansible_collections.alicloud.hbr.plugins.module_utils import _errors, _tasks


from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.fakes import Clock  # noqa: E402
hypothesis = pytest.importorskip('hypothesis')
from hypothesis import given, settings, strategies as st  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.fuzzing import (  # noqa: E402  pylint: disable=wrong-import-position
    VALUES)


def test_poll_schedule_grows_with_elapsed_time_and_is_capped():
    clock = Clock()
    schedule = _tasks.PollSchedule(900, minimum=0.5, maximum=30, ratio=0.2, clock=clock.time, sleep=clock.sleep)
    while clock.now < 600:
        assert schedule.wait()
    assert clock.sleeps[:5] == [0.5, 0.5, 0.5, 0.5, 0.5], 'short tasks are seen quickly'
    assert max(clock.sleeps) == 30, 'long tasks are polled at the documented 30 s'
    assert all(b >= a for a, b in zip(clock.sleeps, clock.sleeps[1:]))
    assert len(clock.sleeps) < 60, 'a 10-minute wait costs a few dozen polls, not hundreds'


def test_poll_schedule_never_sleeps_past_the_deadline():
    clock = Clock()
    schedule = _tasks.PollSchedule(10, clock=clock.time, sleep=clock.sleep)
    while schedule.wait():
        pass
    assert clock.now == pytest.approx(10) and schedule.remaining() <= 0


def test_a_restarted_schedule_times_its_polls_from_the_write_and_keeps_the_deadline():
    """The wait after a write polls as if the run had just started (a 5 s task is seen within about
    half a second), however long the run spent before the write; the run's deadline still holds."""
    clock = Clock()
    schedule = _tasks.PollSchedule(120, minimum=0.5, maximum=30, ratio=0.2, clock=clock.time, sleep=clock.sleep)
    clock.now = 100.0  # reading, settling and writing took 100 s
    assert schedule.next_interval() == 20.0, 'timed from the run start: the end of a task noticed 20 s late'
    after_write = schedule.restarted()
    assert after_write.next_interval() == 0.5
    while after_write.wait():
        pass
    assert clock.now == 120.0, 'the same deadline'
    assert clock.sleeps[:3] == [0.5, 0.5, 0.5]


def test_once_the_first_task_ended_the_rest_of_the_spread_is_polled_at_the_minimum():
    clock = Clock()
    schedule = _tasks.PollSchedule(900, minimum=0.5, ratio=0.2, clock=clock.time, sleep=clock.sleep)
    after_write = schedule.restarted(spread=2.0)
    clock.now = 5.0
    assert after_write.next_interval() == 1.0
    after_write.tasks_ending()
    assert after_write.next_interval() == 0.5
    clock.now = 7.4
    after_write.tasks_ending()  # once: a later ending does not extend it
    assert after_write.next_interval() == 0.5
    clock.now = 7.6
    assert after_write.next_interval() == 0.2 * 7.6
    long_repair = schedule.restarted(spread=300.0)
    long_repair.tasks_ending()
    clock.now += _tasks.MAX_SPREAD + 1
    assert long_repair.next_interval() > 0.5, 'an ambiguous write\'s long repair is not polled closely for minutes'


def test_parse_task_result_string():
    body = {'Description': 'completed', 'Progress': 100, 'Result': json.dumps([
        {'instanceId': 'i-1', 'clientId': 'c-1', 'clientStatus': 'ACTIVATED', 'errorCode': ''},
        {'instanceId': 'i-2', 'clientId': 'c-2', 'clientStatus': 'INSTALL_FAILED', 'errorCode': 'Boom'}])}
    task = _tasks.parse_task(body, 't-1')
    assert task['done'] and not task['failed']
    assert task['items']['i-2'] == {'client_id': 'c-2', 'client_status': 'INSTALL_FAILED', 'error_code': 'Boom'}
    assert task['items']['i-1']['error_code'] is None


@pytest.mark.parametrize('body,done,failed', [
    ({'Description': 'created', 'Progress': 40, 'Result': ''}, False, False),
    ({'Description': 'completed', 'Progress': -1, 'Result': '[]'}, True, True),
    ({'Description': 'expired', 'Progress': 80}, True, True),
    ({'Description': 'cancelled', 'Progress': 10}, True, True),
    ({'Description': 'completed', 'Progress': 'x', 'Result': {}}, True, False),
])
def test_parse_task_states(body, done, failed):
    task = _tasks.parse_task(body)
    assert (task['done'], task['failed']) == (done, failed)


def test_parse_task_malformed_result_is_a_clean_error():
    with pytest.raises(_errors.HbrApiError) as info:
        _tasks.parse_task({'Description': 'completed', 'Result': '{not json'})
    assert info.value.code == 'InvalidResponse'


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
