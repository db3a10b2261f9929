# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# The controller-wide write lock: concurrent runs on one controller never both install.
#
# The rule: a run holds the lock only while it re-reads the clients it is about to act on and sends
# its writes, never while it waits for tasks; an unusable lock (not writable, held too long) only
# costs a warning, never the run. Runs on different controllers are not covered (see the AWX guide).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import hashlib
import os
import tempfile
import time

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # pragma: no cover - not a POSIX controller
    HAS_FCNTL = False


class WriteLock:
    """A lock file shared by every run on this controller that talks to the same endpoint with the
    same key. Held only while a run re-reads the clients it is about to act on and sends its writes
    (never while waiting), so that two concurrent runs over overlapping instances cannot both see
    "no client" and both install: the second one sees the first one's task and waits for it."""

    def __init__(self, key, timeout=120.0, clock=time.time, sleep=time.sleep, directory=None):
        digest = hashlib.sha256(key.encode('utf-8')).hexdigest()[:20]
        user = getattr(os, 'getuid', lambda: 'user')()
        self.path = os.path.join(directory or tempfile.gettempdir(), 'alicloud-hbr-%s-%s.lock' % (user, digest))
        self.timeout = timeout
        self.clock = clock
        self.sleep = sleep

    @contextlib.contextmanager
    def held(self):
        """Yields True while the lock is held, False when it could not be had (never raises)."""
        try:
            handle = open(self.path, 'a')
        except (IOError, OSError):
            yield False  # an unusable lock file must not break the run
            return
        acquired = False
        try:
            deadline = self.clock() + self.timeout
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    acquired = True
                    break
                except (IOError, OSError):
                    if self.clock() >= deadline:
                        break  # a stuck holder must not block the fleet; proceed unlocked
                    self.sleep(0.05)
            yield acquired
        finally:
            if acquired:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()
