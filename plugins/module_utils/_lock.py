# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# The controller-wide write lock, and the write generation kept beside it: concurrent runs on one
# controller never both install.
#
# The rule: a run notes the generation before its first read. It holds the lock only while it
# sends its writes, never while it waits for tasks; under the lock, an unchanged generation means
# no other run on this controller wrote since that read, so it writes at once; a changed (or
# unreadable) one means it first re-reads, under the lock, the clients it is about to act on. After
# writing, still holding the lock, it bumps the generation (a new random token). An unusable lock
# or generation (not writable, held too long) only costs a re-read or a warning, never the run.
# Runs on different controllers are not covered (see the AWX guide).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import hashlib
import os
import tempfile
import time

GENERATION_BYTES = 16  # a random token: another run's token never equals ours by chance

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # pragma: no cover - not a POSIX controller
    HAS_FCNTL = False


class WriteLock:
    """A lock file shared by every run on this controller that talks to the same endpoint with the
    same key, and its write generation (a sibling file). Held only while a run sends its writes
    (never while waiting); a run that finds the generation moved since its read re-reads the clients
    it is about to act on first, so that two concurrent runs over overlapping instances cannot both
    see "no client" and both install: the second one sees the first one's task and waits for it."""

    def __init__(self, key, timeout=120.0, clock=time.time, sleep=time.sleep, directory=None):
        digest = hashlib.sha256(key.encode('utf-8')).hexdigest()[:20]
        user = getattr(os, 'getuid', lambda: 'user')()
        base = os.path.join(directory or tempfile.gettempdir(), 'alicloud-hbr-%s-%s' % (user, digest))
        self.path = base + '.lock'
        self.generation_path = base + '.generation'
        self.timeout = timeout
        self.clock = clock
        self.sleep = sleep

    def generation(self):
        """The current write generation, or None when there is none or it cannot be read. None
        equals no noted generation, so whoever gets it re-reads (the safe direction)."""
        try:
            with open(self.generation_path) as handle:
                token = handle.read(4 * GENERATION_BYTES).strip()
        except (IOError, OSError, ValueError):
            return None
        return token or None

    def bump(self):
        """A new generation after a run wrote (under the lock). Returns it, or None when it could not
        be written. Written to a temporary file renamed over the old one, so that a reader outside
        the lock sees the old token or the new one, never a torn mix; where renaming is not possible
        the file is rewritten in place (a reader may then see it empty or cut short: never equal
        to an old token, so it re-reads). Never raises."""
        token = os.urandom(GENERATION_BYTES).hex()
        directory, name = os.path.split(self.generation_path)
        try:
            handle, temporary = tempfile.mkstemp(prefix=name + '.', dir=directory)
        except (IOError, OSError):
            return self._rewrite(token)
        try:
            with os.fdopen(handle, 'w') as stream:
                stream.write(token)
            os.replace(temporary, self.generation_path)
            return token
        except (IOError, OSError):
            _remove(temporary)
            return self._rewrite(token)

    def _rewrite(self, token):
        """In place, an existing file only (none at all reads as None, which is safe), never through a
        symbolic link someone else planted."""
        try:
            handle = os.open(self.generation_path, os.O_WRONLY | os.O_TRUNC | getattr(os, 'O_NOFOLLOW', 0))
        except (IOError, OSError):
            return None
        try:
            with os.fdopen(handle, 'w') as stream:
                stream.write(token)
            return token
        except (IOError, OSError):
            return None

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


def _remove(path):
    try:
        os.remove(path)
    except (IOError, OSError):
        pass
