# -*- coding: utf-8 -*-
# The emulator's Service, in-process, behind the collection's real HbrApi (retries, paging,
# error parsing), with one fake clock for the service's tasks and the waiter's sleeps.

from __future__ import absolute_import, division, print_function

import os
import random

from ansible_collections.alicloud.hbr.plugins.module_utils import _connection, _engine, _errors, _rpc, _signing
from ansible_collections.alicloud.hbr.plugins.module_utils._credentials import Credentials


class FakeClock:
    def __init__(self, start=1800000000.0):
        self.now = start
        self.slept = []

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


class InProcessApi(_rpc.RpcClient):
    """HbrApi whose single HTTP exchange is a direct call into the emulator's Service."""

    def __init__(self, service, clock, api_version=_signing.API_VERSION, fault=None):
        super(InProcessApi, self).__init__(Credentials('k', 's'), 'http://emulated', session=object(),
                                           sleep=clock.sleep, clock=clock.time, api_version=api_version)
        self.service = service
        self.fault = fault  # callable(action, params) -> None, or raises HbrApiError (after applying, if it wants)
        self.log = []

    def _send_once(self, action, params):
        from hbr_emulator.service import ApiError, encode_json
        flat = _signing.encode_params(params)
        self.log.append((action, flat))
        try:
            body, _task = self.service.call(action, flat, self.api_version)
            status = 200
        except ApiError as exc:
            body = {'Code': exc.code, 'Message': exc.message, 'RequestId': 'R'}
            status = exc.status
            if exc.shape == 'hbr':
                body['Success'] = False
        if self.fault:
            self.fault(action, params)
        return _rpc.parse_response(action, status, encode_json(body))

    def actions(self):
        return [action for action, _flat in self.log]


# HBR_EMULATOR_PROFILE=strict runs the convergence tests with every open service behaviour on at once
# (make test runs them both ways); a scenario's own behaviour options win.
STRICT = {'record_lag_seconds': 2, 'page_size_cap': 50, 'short_page_rate': 0.2, 'partial_task_progress': 'minus_one',
          'single_instance_errors': 'call_level', 'proxy_password': 'clear'}
STRICT_DROP_RATE = 0.05


def strict():
    return os.environ.get('HBR_EMULATOR_PROFILE') == 'strict'


class DroppedAnswers:
    """A fault: the action is applied, then its answer is lost (an ambiguous failure), at a seeded rate."""

    def __init__(self, rate, then=None, seed=11):
        self.rate, self.then, self.rng = rate, then, random.Random(seed)
        self.dropped = 0

    def __call__(self, action, params):
        if self.then:
            self.then(action, params)
        if self.rng.random() < self.rate:
            self.dropped += 1
            raise _errors.HbrApiError('dropped', code='ConnectionDropped', action=action, ambiguous=True)


class DropFirst:
    """A fault: the first answer to `action` is lost after the action was applied (ambiguous)."""

    def __init__(self, action):
        self.action = action
        self.sent = []  # the parameters of every call of the action

    @property
    def dropped(self):
        return min(len(self.sent), 1)

    def __call__(self, action, params):
        if action == self.action:
            self.sent.append(params)
            if len(self.sent) == 1:
                raise _errors.HbrApiError('dropped', code='ConnectionDropped', action=action, ambiguous=True)


class Emulated:
    def __init__(self, scenario, fault=None):
        from hbr_emulator.service import Service
        self.clock = FakeClock()
        scenario = dict(scenario)
        scenario.setdefault('task_seconds', {'install': 5, 'uninstall': 3, 'upgrade': 5, 'create': 5})
        if strict():
            scenario['behaviour'] = dict(STRICT, **scenario.get('behaviour', {}))
            scenario.setdefault('faults', {'seed': 5})
            fault = DroppedAnswers(STRICT_DROP_RATE, then=fault)
        self.service = Service(scenario, clock=self.clock.time)
        self.api = InProcessApi(self.service, self.clock, fault=fault)
        self.ecs = InProcessApi(self.service, self.clock, api_version=_connection.ECS_API_VERSION)

    def context(self, **kwargs):
        kwargs.setdefault('ecs_api', self.ecs)
        kwargs.setdefault('region', 'cn-hangzhou')
        return _engine.Context(self.api, clock=self.clock.time, sleep=self.clock.sleep, **kwargs)

    def state(self):
        return self.service.snapshot()

    def writes(self):
        return [a for a in self.api.actions() if a in ('InstallBackupClients', 'UninstallBackupClients',
                                                       'UpgradeBackupClients', 'UpdateClientSettings',
                                                       'CreateClients', 'DeleteBackupClientResource', 'DeleteBackupClient',
                                                       'DeleteClient', 'UninstallClient', 'UpgradeClient')]

    def reset_log(self):
        self.api.log = []
        self.ecs.log = []
