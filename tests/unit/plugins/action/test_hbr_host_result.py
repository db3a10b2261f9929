# -*- coding: utf-8 -*-
# The hbr_host_result action: each host reports its own entry (changed, failed, message) as Ansible
# would run it - a real Task and Templar, task_vars holding the play-wide fact - and says what is
# missing when the fact is not there, instead of a traceback.

from __future__ import absolute_import, division, print_function

import pytest

from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.loader import connection_loader
from ansible.template import Templar

from ansible_collections.alicloud.hbr.plugins.action.hbr_host_result import ActionModule
from ansible_collections.alicloud.hbr.plugins.filter.hbr_results_by_host import hbr_results_by_host

IID = 'i-emu00000000000000001'
RUN = {'changed': True, 'failed': True, 'changed_instance_ids': [IID],
       'clients': [{'instance_id': IID, 'status': 'ACTIVATED', 'client_version': '2.13.0'}],
       'failures': [{'instance_id': 'i-emu00000000000000002', 'code': 'InstanceNotRunning', 'message': 'stopped'}]}
RESULTS = hbr_results_by_host(RUN, {'web-1': IID, 'db-1': 'i-emu00000000000000002', 'bare': ''}, ['instance_id'])


def report(host, args=None, **task_vars):
    task = Task()
    task.args = dict(args or {})
    loader = DataLoader()
    context = PlayContext()
    connection = connection_loader.get('local', context, None)  # as the executor gives it; never used
    action = ActionModule(task=task, connection=connection, play_context=context, loader=loader,
                          templar=Templar(loader=loader), shared_loader_obj=None)
    return action.run(task_vars=dict(task_vars, inventory_hostname=host))


@pytest.mark.parametrize('host,changed,failed,msg', [
    ('web-1', True, False, '%s: ACTIVATED 2.13.0' % IID),
    ('db-1', False, True, 'i-emu00000000000000002: InstanceNotRunning - stopped'),
    ('bare', False, True, "bare has none of the host variables instance_id; set one to the host's ECS instance id"),
])
def test_each_host_reports_its_own_entry(host, changed, failed, msg):
    result = report(host, backup_client_results=RESULTS)
    assert (result['changed'], result['failed'], result['msg']) == (changed, failed, msg)
    assert result['instance_id'] == RESULTS[host]['instance_id']


def test_results_var_names_another_fact():
    result = report('web-1', {'results_var': 'my_results'}, my_results=RESULTS, backup_client_results={})
    assert result['changed'] is True and result['failed'] is False


@pytest.mark.parametrize('task_vars,expected', [
    ({}, 'backup_client_results is not defined as a dict keyed by inventory hostname'),
    ({'backup_client_results': ['a', 'list']}, 'backup_client_results is not defined as a dict'),
    ({'backup_client_results': {'other-host': RESULTS['web-1']}}, 'backup_client_results has no entry for the host web-1'),
])
def test_a_missing_fact_or_entry_fails_the_host_saying_what_to_do(task_vars, expected):
    result = report('web-1', **task_vars)
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'].startswith(expected)


def test_an_unknown_option_is_refused_naming_it():
    with pytest.raises(AnsibleActionFail, match='result_var.*Supported parameters include: results_var'):
        report('web-1', {'result_var': 'typo'}, backup_client_results=RESULTS)
