"""Behaviour options: where the service's documentation leaves a choice open, the emulator can
take either side (scenario key ``behaviour``, ``PUT /_emulator/behaviour``). The defaults keep the
emulator's original behaviour; see README.md, "Behaviour options"."""

import numbers
import random
import threading

DEFAULTS = {
    'record_lag_seconds': 0,            # the record keeps its previous Status this long after a write
    'page_size_cap': 99,                # DescribeBackupClients returns at most this many per page
    'short_page_rate': 0.0,             # share of pages that come back short (TotalCount stays true)
    'partial_task_progress': 'per_item',  # or minus_one: Progress -1 as soon as any item failed
    'single_instance_errors': 'in_statuses',  # or call_level: HTTP 400 with the per-instance code
    'proxy_password': 'masked',         # or clear
    'delete_quiet_seconds': 0,          # DeleteBackupClient/DeleteClient refused within this long of a heartbeat
}
CHOICES = {'partial_task_progress': ('per_item', 'minus_one'),
           'single_instance_errors': ('in_statuses', 'call_level'),
           'proxy_password': ('masked', 'clear')}


def _number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check(key, value):
    """A message saying why ``value`` does not fit option ``key``, or None."""
    if key in CHOICES:
        return None if value in CHOICES[key] else 'use one of %s' % ', '.join(CHOICES[key])
    if key == 'page_size_cap':
        ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 99
        return None if ok else 'use a whole number from 1 to 99'
    if key == 'short_page_rate':
        return None if _number(value) and 0 <= value <= 1 else 'use a number from 0 to 1'
    return None if _number(value) and value >= 0 else 'use a number of seconds >= 0'


def validate(config):
    """The full option set (defaults filled in), or ValueError naming the bad option."""
    if not isinstance(config, dict):
        raise ValueError('behaviour: must be a JSON object')
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise ValueError('behaviour: unknown option %s (known: %s)' % (', '.join(unknown), ', '.join(sorted(DEFAULTS))))
    for key, value in config.items():
        why = _check(key, value)
        if why:
            raise ValueError('behaviour.%s: %r is not valid, %s' % (key, value, why))
    return dict(DEFAULTS, **config)


class Behaviour:
    """The current options, and the seeded generator that decides which pages come back short."""

    def __init__(self, config=None, seed=None):
        self.lock = threading.Lock()
        self.options = validate(config or {})
        self.rng = random.Random(seed)

    def configure(self, config):
        options = validate(config)
        with self.lock:
            self.options = options
        return options

    def reseed(self, seed):
        with self.lock:
            self.rng = random.Random(seed)

    def __getitem__(self, key):
        return self.options[key]

    def short_page_length(self, length):
        """How many of ``length`` clients this page returns (fewer with ``short_page_rate``)."""
        rate = float(self.options['short_page_rate'])
        if not rate or length == 0:
            return length
        with self.lock:
            if self.rng.random() >= rate:
                return length
            return self.rng.randint(0, length - 1)
