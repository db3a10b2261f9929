# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# Outcome: what one convergence run did - the records before and after, the failures, the tasks it
# started, the instances it changed, the settings it sent and its warnings.
#
# Locking rule: the engine's writer threads (one per batch, see _concurrency.py) and the main thread
# share one Outcome. Every change goes through a method here, and each method holds the Outcome's lock,
# so no caller ever takes the lock itself. The engine reads the plain attributes only from the main
# thread, between concurrent sections.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import threading
import time


class Outcome:
    """The result of converging a set of instances; changed only through its methods."""

    def __init__(self, clock=time.time):
        self.clock = clock
        self.records = {}
        self.before = {}
        self.failures = {}
        self.task_ids = []
        self.tasks = {}
        self.changed_instances = set()
        self.settings_sent = {}
        self.warnings = []
        self._lock = threading.Lock()

    def start(self, records):
        """The records as first read: the run's ``before``."""
        with self._lock:
            self.records = dict(records)
            self.before = dict((iid, copied(record)) for iid, record in self.records.items())

    def set_record(self, instance_id, record):
        with self._lock:
            if record is None:
                self.records.pop(instance_id, None)
            else:
                self.records[instance_id] = record

    def update_records(self, fresh, instance_ids, drop_missing=False):
        """Take the fresh records of ``instance_ids``; with drop_missing, a missing one is gone."""
        with self._lock:
            for iid in instance_ids:
                if iid in fresh:
                    self.records[iid] = fresh[iid]
                elif drop_missing:
                    self.records.pop(iid, None)

    def fail(self, instance_id, code, message, stage, client_id=None):
        """Record the first failure of an instance (later ones for the same instance are noise)."""
        with self._lock:
            if instance_id not in self.failures:
                record = self.records.get(instance_id) or {}
                self.failures[instance_id] = {'instance_id': instance_id, 'client_id': client_id or
                                              record.get('client_id'), 'code': code, 'message': message,
                                              'stage': stage}

    def mark_changed(self, instance_id):
        with self._lock:
            self.changed_instances.add(instance_id)

    def add_task(self, task_id, phase, instance_ids):
        """The instances a write's task covers (those the service accepted)."""
        with self._lock:
            self.changed_instances.update(instance_ids)
            if not task_id:
                return
            task = self.tasks.setdefault(task_id, {'phase': phase, 'instances': [], 'started': self.clock()})
            task['instances'].extend(instance_ids)
            if task_id not in self.task_ids:
                self.task_ids.append(task_id)

    def settings_applied(self, instance_id, record, options):
        """A client whose settings were (or, in check mode, would be) updated to ``record``."""
        with self._lock:
            self.records[instance_id] = record
            self.changed_instances.add(instance_id)
            self.settings_sent[instance_id] = sorted(options)

    def warn(self, message):
        with self._lock:
            if message not in self.warnings:
                self.warnings.append(message)

    def task_of(self, instance_id):
        for task_id, task in self.tasks.items():
            if instance_id in task['instances']:
                return task_id
        return None

    def tasks_of(self, instance_ids):
        wanted = set(instance_ids)
        return [task_id for task_id, task in self.tasks.items() if wanted.intersection(task['instances'])]

    def failure_list(self, order):
        return [self.failures[i] for i in order if i in self.failures]

    @property
    def changed(self):
        return bool(self.changed_instances)


def copied(value):
    """A deep copy of a record (dicts and lists of plain values, as read from JSON): what
    copy.deepcopy gives, without its generic machinery (a third of an idempotent run's CPU time at
    3000 instances). Dict subclasses keep their class and attributes (ClientRecord's digest)."""
    if isinstance(value, dict):
        result = copy.copy(value) if hasattr(value, '__dict__') else dict(value)  # a subclass: its attributes too
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                result[key] = copied(item)
        return result
    if isinstance(value, list):
        return [copied(item) for item in value]
    return value
