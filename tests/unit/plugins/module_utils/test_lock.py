# -*- coding: utf-8 -*-
# The controller-wide write lock.

from __future__ import absolute_import, division, print_function

import os


from ansible_collections.alicloud.hbr.plugins.module_utils import _engine, _lock, _outcome


from ansible_collections.alicloud.hbr.tests.unit.plugins.module_utils.fakes import Clock  # noqa: E402


def test_write_lock_excludes_a_second_holder_and_times_out(tmp_path):
    clock = Clock()
    first = _lock.WriteLock('endpoint|key', timeout=1.0, clock=clock.time, sleep=clock.sleep,
                            directory=str(tmp_path))
    second = _lock.WriteLock('endpoint|key', timeout=1.0, clock=clock.time, sleep=clock.sleep,
                             directory=str(tmp_path))
    assert first.path == second.path
    with first.held() as got_first:
        assert got_first
        with second.held() as got_second:
            assert got_second is False, 'a second holder waits, then gives up at the timeout'
        assert clock.now >= 1.0
    with second.held() as got_second:
        assert got_second, 'free again once the first holder left'


def test_an_unusable_lock_file_never_breaks_the_run(tmp_path):
    lock = _lock.WriteLock('k', directory=str(tmp_path / 'missing-directory'))
    with lock.held() as acquired:
        assert acquired is False
    ctx = _engine.Context(None, write_lock=lock)
    outcome = _outcome.Outcome()
    with ctx.writing(outcome) as acquired:
        assert acquired is False
    assert 'could not be taken' in outcome.warnings[0]


def test_the_generation_moves_on_every_bump_and_is_replaced_whole(tmp_path):
    lock = _lock.WriteLock('endpoint|key', directory=str(tmp_path))
    other = _lock.WriteLock('endpoint|key', directory=str(tmp_path))
    assert lock.generation() is None, 'no write yet on this controller'
    first = lock.bump()
    assert first and other.generation() == first, 'every run with the same key shares it'
    second = other.bump()
    assert second != first and lock.generation() == second
    assert sorted(p.name for p in tmp_path.iterdir()) == [os.path.basename(lock.generation_path)], \
        'written through a temporary file renamed over the old one: nothing left behind'


def test_an_unusable_generation_reads_as_unknown_and_never_raises(tmp_path):
    lock = _lock.WriteLock('k', directory=str(tmp_path / 'missing-directory'))
    assert lock.generation() is None and lock.bump() is None
    blocked = _lock.WriteLock('k', directory=str(tmp_path))
    os.mkdir(blocked.generation_path)
    assert blocked.generation() is None and blocked.bump() is None


def test_a_generation_that_cannot_be_moved_is_worth_a_warning(tmp_path):
    class Stuck(_lock.WriteLock):
        def bump(self):
            return None

    lock = Stuck('k', directory=str(tmp_path))
    _lock.WriteLock('k', directory=str(tmp_path)).bump()  # another run's token, stuck in place
    outcome = _outcome.Outcome()
    assert _engine.Context(None, write_lock=lock).bump_generation(outcome) is None
    assert len(outcome.warnings) == 1 and lock.generation_path in outcome.warnings[0]
