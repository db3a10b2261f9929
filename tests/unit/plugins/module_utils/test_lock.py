# -*- coding: utf-8 -*-
# The controller-wide write lock.

from __future__ import absolute_import, division, print_function


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
