# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: hbr_results_by_host
short_description: Split one play-wide hbr_client result into one small result per host
version_added: 1.0.0
description:
  - Takes the registered result of ONE M(alicloud.hbr.hbr_client) call made for the whole play (C(run_once)) and
    the map from each inventory hostname to its ECS instance id, and returns one small entry per host, keyed by
    inventory hostname.
  - Built once, in one pass over the hosts with the records indexed by instance id first, so that a per-host task
    (M(alicloud.hbr.hbr_host_result)) only looks up its own entry. This is how the C(alicloud.hbr.backup_client)
    role reports per host at Ansible's own per-host cost.
  - "Each entry: C(instance_id) (empty when the host has none), C(record) (the host's client record, or an empty
    dict), C(failure) (the host's entry of the module's C(failures), or an empty dict), C(changed), C(ok) (the
    host has an instance id, no failure, and the call did not fail as a whole) and C(message), one line for the
    host's report: C(<instance id>: <status> <version>), C(<instance id>: <code> - <message>), or why the host has
    no result."
author:
  - alicloud.hbr developers (@alicloud-hbr)
positional: ids, id_vars
options:
  _input:
    description:
      - The registered result of M(alicloud.hbr.hbr_client). A skipped result or an empty dict means no call was
        made; a failed result without C(failures) means the call failed as a whole, and every host gets its message.
    type: dict
    required: true
  ids:
    description: Each inventory hostname mapped to its ECS instance id (an empty string when the host has none).
    type: dict
    required: true
  id_vars:
    description: The host variables the instance ids were read from, named in the message of a host without one.
    type: list
    elements: str
    default: []
seealso:
  - module: alicloud.hbr.hbr_host_result
  - module: alicloud.hbr.hbr_client
'''

EXAMPLES = r'''
# The whole pattern (one run_once hbr_client call registered as hbr_run, then a per-host report) is in
# the alicloud.hbr.hbr_host_result module's examples.
- name: Each host's own result, keyed by inventory hostname, built once
  ansible.builtin.set_fact:
    hbr_results: "{{ hbr_run | alicloud.hbr.hbr_results_by_host(hbr_ids, ['instance_id']) }}"
  run_once: true
  vars:
    hbr_ids: "{{ dict(ansible_play_batch | zip(ansible_play_batch | map('extract', hostvars, 'instance_id'))) }}"
'''

RETURN = r'''
_value:
  description: One entry per inventory hostname of O(ids).
  type: dict
  sample:
    web-1:
      instance_id: i-0123456789abcdef0
      record: {instance_id: i-0123456789abcdef0, status: ACTIVATED, client_version: 2.13.0}
      failure: {}
      changed: true
      ok: true
      message: "i-0123456789abcdef0: ACTIVATED 2.13.0"
'''

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.collections import is_sequence
from ansible.module_utils.six.moves.collections_abc import Mapping


def _mapping(value, name):
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise AnsibleFilterError('hbr_results_by_host: %s must be a dict, got %s' % (name, type(value).__name__))
    return value


def _by_instance(items):
    """The module's list of records (or failures) indexed by instance id; entries without one are skipped."""
    if not is_sequence(items):
        return {}
    return dict((item['instance_id'], item) for item in items
                if isinstance(item, Mapping) and item.get('instance_id'))


def _whole_call_error(run):
    """The message of a call that failed as a whole (no per-instance failures to tell apart), else ''."""
    if run.get('failed') and 'failures' not in run:
        return str(run.get('msg') or 'unknown error')
    return ''


def _message(*, host, iid, record, failure, error, id_vars):
    if not iid:
        return ("%s has none of the host variables %s; set one to the host's ECS instance id"
                % (host, ', '.join(id_vars) or '(none given)'))
    if failure:
        return '%s: %s - %s' % (iid, failure.get('code', 'Failed'), failure.get('message', ''))
    if error:
        return 'hbr_client failed for the whole play: %s' % error
    return ('%s: %s %s' % (iid, record.get('status') or 'no client', record.get('client_version') or '')).strip()


def hbr_results_by_host(run, ids, id_vars=None):
    """{inventory hostname: its entry}, in one pass over the hosts (O(hosts + records))."""
    run, ids = _mapping(run, 'the input (the registered hbr_client result)'), _mapping(ids, 'ids')
    if id_vars is not None and (isinstance(id_vars, str) or not is_sequence(id_vars)):
        raise AnsibleFilterError('hbr_results_by_host: id_vars must be a list of host variable names')
    id_vars = [str(name) for name in id_vars or []]
    records, failures = _by_instance(run.get('clients')), _by_instance(run.get('failures'))
    changed = set(run.get('changed_instance_ids') or [])
    error = _whole_call_error(run)
    results = {}
    for host, iid in ids.items():
        host, iid = str(host), str(iid or '')
        record, failure = dict(records.get(iid, {})), dict(failures.get(iid, {}))
        results[host] = {
            'instance_id': iid, 'record': record, 'failure': failure, 'changed': iid in changed,
            'ok': bool(iid) and not failure and not error,
            'message': _message(host=host, iid=iid, record=record, failure=failure, error=error, id_vars=id_vars),
        }
    return results


class FilterModule(object):
    def filters(self):
        return {'hbr_results_by_host': hbr_results_by_host}
