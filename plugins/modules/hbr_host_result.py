#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Documentation only: the work is done on the controller by plugins/action/hbr_host_result.py.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: hbr_host_result
short_description: Report one host's own result of a play-wide Cloud Backup (HBR) call
version_added: 1.0.0
description:
  - The per-host step of a play that makes ONE M(alicloud.hbr.hbr_client) call for all its hosts (C(run_once)) -
    each host reports its own entry of a dict keyed by inventory hostname (built once with the
    P(alicloud.hbr.hbr_results_by_host#filter) filter), so that the play recap, the callbacks and AWX's host
    summaries show per host whether its client changed and which hosts failed, with the HBR error code.
  - The host is C(changed) when its instance changed, C(failed) when the entry is not C(ok) (the instance failed,
    the call failed as a whole, or the host has no instance id). The message is the entry's one-line report.
  - Costs what a constant M(ansible.builtin.debug) task costs per host - one dict lookup on the controller, nothing
    templated - so it adds no more than Ansible's own per-host floor to a play over thousands of hosts.
  - Runs on the controller; never contacts the host. The C(alicloud.hbr.backup_client) role uses it.
author:
  - alicloud.hbr developers (@alicloud-hbr)
options:
  results_var:
    description:
      - Name of the variable (a fact set with C(run_once), the same on every host) that maps each inventory
        hostname to its entry. The variable is read by name, not templated per host.
    type: str
    default: backup_client_results
attributes:
  action:
    support: full
    description: Runs on the controller as an action plugin; the host is never contacted.
  async:
    support: none
    description: Nothing to run in the background.
  check_mode:
    support: full
    description: Reports the entry, which in check mode holds the predicted outcome.
  diff_mode:
    support: none
    description: The diff is shown by the play-wide M(alicloud.hbr.hbr_client) task.
  platform:
    support: full
    platforms: all
    description: Any controller.
notes:
  - Fails the host, with a message saying what to do, when the variable is not a dict or has no entry for the host.
seealso:
  - module: alicloud.hbr.hbr_client
  - plugin: alicloud.hbr.hbr_results_by_host
    plugin_type: filter
'''

EXAMPLES = r'''
- name: One batched call for the whole play
  alicloud.hbr.hbr_client:
    instance_ids: "{{ ansible_play_batch | map('extract', hostvars, 'instance_id') | list }}"
  run_once: true
  delegate_to: localhost
  register: hbr_run
  ignore_errors: true

- name: Each host's own result, built once
  ansible.builtin.set_fact:
    hbr_results: "{{ hbr_run | alicloud.hbr.hbr_results_by_host(hbr_ids) }}"
  run_once: true
  vars:
    hbr_ids: "{{ dict(ansible_play_batch | zip(ansible_play_batch | map('extract', hostvars, 'instance_id'))) }}"

- name: Report each host; changed and failed per host
  alicloud.hbr.hbr_host_result:
    results_var: hbr_results
'''

RETURN = r'''
msg:
  description: "The host's one-line report, for example C(i-0123456789abcdef0: ACTIVATED 2.13.0), or the instance's error
    code and message."
  returned: always
  type: str
  sample: "i-0123456789abcdef0: ACTIVATED 2.13.0"
instance_id:
  description: The host's ECS instance id; empty when the host has none.
  returned: success
  type: str
  sample: i-0123456789abcdef0
'''
