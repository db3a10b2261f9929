# -*- coding: utf-8 -*-
# The ECS precheck against the in-process emulator: each verdict, each instance read once, and a
# precheck that cannot run degrades to a warning.

from __future__ import absolute_import, division, print_function

import pytest

from ansible_collections.alicloud.hbr.plugins.module_utils import _errors, _outcome, _precheck

pytest.importorskip('hbr_emulator')

from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.emulated import Emulated  # noqa: E402  pylint: disable=wrong-import-position

OK, STOPPED, NO_ASSIST, GONE = 'i-ok00000000000000001', 'i-stop000000000000001', 'i-noca000000000000001', 'i-gone000000000000001'


def fleet():
    return Emulated({'instances': [{'instance_id': OK}, {'instance_id': STOPPED, 'status': 'Stopped'},
                                   {'instance_id': NO_ASSIST, 'cloud_assistant': False}]})


def test_verdicts_for_every_kind_of_instance():
    env = fleet()
    verdicts = _precheck.precheck_instances(env.ecs, 'cn-hangzhou', [OK, STOPPED, NO_ASSIST, GONE], now=env.clock.time())
    assert verdicts == {OK: '', STOPPED: 'InstanceNotRunning', NO_ASSIST: 'CloudAssistNotRunningOnInstance',
                        GONE: 'InstanceNotExists'}


def test_each_instance_is_checked_once_and_failures_are_recorded():
    env = fleet()
    outcome = _outcome.Outcome()
    check = _precheck.Precheck(env.ecs, 'cn-hangzhou')
    assert check.split([OK, STOPPED], outcome, 'install') == ([OK], [])
    calls = len(env.ecs.log)
    assert check.split([OK], outcome, 'upgrade') == ([OK], []) and len(env.ecs.log) == calls
    assert outcome.failures[STOPPED]['code'] == 'InstanceNotRunning'
    assert outcome.failures[STOPPED]['message'] == 'the ECS instance is not running; no install was attempted'


def test_an_ecs_api_that_refuses_turns_the_precheck_off_with_a_warning():
    env = fleet()

    def deny(action, params):
        raise _errors.HbrApiError('no permission', code='Forbidden.RAM', action=action)
    env.ecs.fault = deny
    outcome = _outcome.Outcome()
    check = _precheck.Precheck(env.ecs, 'cn-hangzhou')
    assert check.split([OK, STOPPED], outcome, 'install') == ([OK, STOPPED], [])
    assert check.ecs_api is None and 'ecs:DescribeInstances' in outcome.warnings[0]


def test_a_freshly_started_instance_is_waited_for_and_an_old_one_fails_at_once():
    fresh, old = 'i-fresh00000000000001', 'i-old0000000000000001'
    env = Emulated({'instances': [
        {'instance_id': fresh, 'started_seconds_ago': 30, 'cloud_assistant_after_seconds': 40},
        {'instance_id': old, 'cloud_assistant': False}]})
    outcome = _outcome.Outcome(env.clock.time)
    check = _precheck.Precheck(env.ecs, 'cn-hangzhou', clock=env.clock.time)
    usable, starting = check.split([fresh, old], outcome, 'install')
    assert usable == [] and starting == [fresh]
    assert outcome.failures[old]['code'] == 'CloudAssistNotRunningOnInstance', 'long-running: fails at once'
    ready = check.wait_for_assistant(starting, outcome, 'install', env.context().schedule())
    assert ready == [fresh] and fresh not in outcome.failures and env.clock.now - 1800000000.0 >= 40
