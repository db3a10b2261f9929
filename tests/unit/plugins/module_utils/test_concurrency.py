# -*- coding: utf-8 -*-
# Batches and the bounded pool: order kept, never more in flight than allowed.

from __future__ import absolute_import, division, print_function

import threading
import time

from ansible_collections.alicloud.hbr.plugins.module_utils import _concurrency


def test_chunks_cover_everything_in_order():
    assert _concurrency.chunks(range(7), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert _concurrency.chunks([], 20) == []


def test_results_keep_the_order_and_concurrency_is_capped():
    lock = threading.Lock()
    state = {'now': 0, 'peak': 0}

    def work(item):
        with lock:
            state['now'] += 1
            state['peak'] = max(state['peak'], state['now'])
        time.sleep(0.01)
        with lock:
            state['now'] -= 1
        return item * 2

    assert _concurrency.run_concurrently(work, list(range(20)), 4) == [n * 2 for n in range(20)]
    assert 1 < state['peak'] <= 4
    assert _concurrency.run_concurrently(work, [5], 4) == [10]
