# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The per-host step of a play-wide HBR call: each host reports its own entry, so that Ansible's host
# summaries (and AWX's) show which hosts changed and which failed, with the HBR error code.
#
# Why an action plugin and not a debug task with changed_when/failed_when: this task runs once per
# host, so its cost is multiplied by the fleet. A templated lookup of the host's entry costs a Jinja
# evaluation of several expressions per host (measured: the role's per-host step at twice the cost of
# a plain debug task at 1000 hosts). Here the entry is one dict lookup in Python, nothing is
# templated, and the task costs what a constant debug task costs.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase
from ansible.module_utils.six.moves.collections_abc import Mapping


def _entry_of(results, host, results_var):
    """The host's own entry, or a failed result saying what is missing (never a traceback)."""
    if not isinstance(results, Mapping):
        return None, ('%s is not defined as a dict keyed by inventory hostname; set it first (run_once) with the '
                      'alicloud.hbr.hbr_results_by_host filter' % results_var)
    entry = results.get(host)
    if not isinstance(entry, Mapping):
        return None, '%s has no entry for the host %s; build it over every host of the play' % (results_var, host)
    return entry, None


class ActionModule(ActionBase):
    """Reports the host's entry of a per-host results dict: its message, changed and failed."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        _valid, args = self.validate_argument_spec(argument_spec=dict(
            results_var=dict(type='str', default='backup_client_results'),
        ))
        result = super(ActionModule, self).run(tmp, task_vars)
        task_vars = task_vars or {}
        host = task_vars.get('inventory_hostname')
        results = task_vars.get(args['results_var'])
        if isinstance(results, str):  # a variable defined by a template, not a fact: resolve it once
            results = self._templar.template(results)
        entry, problem = _entry_of(results, host, args['results_var'])
        if problem:
            result.update(failed=True, changed=False, msg=problem)
            return result
        result.update(
            msg=str(entry.get('message', '')),
            instance_id=str(entry.get('instance_id') or ''),
            changed=bool(entry.get('changed')),
            failed=not entry.get('ok'),
        )
        return result
