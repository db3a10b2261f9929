# -*- coding: utf-8 -*-
# Results: the failure message and the diff.

from __future__ import absolute_import, division, print_function


from ansible_collections.alicloud.hbr.plugins.module_utils import _outcome, _results


def test_failure_message_names_each_instance_and_code():
    failures = [{'instance_id': 'i-1', 'code': 'InstanceNotRunning'}, {'instance_id': 'i-2', 'code': 'X'}]
    assert _results.failure_message(failures, 10, 'state present') == \
        '2 of 10 instances did not reach state present: i-1 (InstanceNotRunning), i-2 (X)'


def test_diff_only_lists_changed_instances_and_masks_password():
    before = {'i-1': {'status': 'ACTIVATED', 'client_id': 'c-1', 'client_version': '1', 'settings': {}},
              'i-2': {'status': 'ACTIVATED', 'client_id': 'c-2', 'client_version': '1', 'settings': {}}}
    outcome = _outcome.Outcome()
    outcome.start(before)
    outcome.settings_applied('i-2', dict(before['i-2'], settings={'proxy_password': '******'}), ['proxy_password'])
    diff = _results.build_diff(outcome, ['i-1', 'i-2'], ['proxy_password'])
    assert list(diff['after']) == ['i-2']
    assert diff['after']['i-2']['settings']['proxy_password'] == '****** (updated)'
