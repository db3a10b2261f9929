# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# Concurrency helpers: batches, and a bounded thread pool that keeps the order of its results.
# Threads only ever share an Outcome (whose methods hold its lock) and the requests.Session.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor


def chunks(values, size):
    values = list(values)
    return [values[i:i + size] for i in range(0, len(values), size)]


def run_concurrently(function, items, concurrency):
    """``[function(item) for item in items]`` with at most ``concurrency`` in flight, in order."""
    if len(items) <= 1 or concurrency <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(concurrency, len(items))) as pool:
        return list(pool.map(function, items))
