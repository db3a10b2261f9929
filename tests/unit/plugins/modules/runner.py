# -*- coding: utf-8 -*-
# Run a module's main() in-process, as Ansible would (arguments in, one JSON result out), with its
# HBR and ECS clients talking to the emulator's Service in-process (see emulated.py).

from __future__ import absolute_import, division, print_function

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.alicloud.hbr.plugins.module_utils._module import HbrModule

CONNECTION = {'alicloud_access_key': 'unit-ak', 'alicloud_secret_key': 'unit-secret', 'alicloud_region': 'cn-hangzhou'}


def run_module(module, args, env, monkeypatch, capsys, check_mode=False, diff=False):
    """The module's result dict (``failed`` set when it failed)."""
    monkeypatch.setattr(HbrModule, 'client', lambda self: env.api)
    monkeypatch.setattr(HbrModule, 'ecs_client', lambda self: env.ecs)
    if hasattr(module, 'context'):
        build_context = module.context

        def fake_time_context(*args):
            # The emulated service runs on a fake clock: the engine waits on the same one.
            ctx = build_context(*args)
            ctx.clock, ctx.sleep = env.clock.time, env.clock.sleep
            return ctx
        monkeypatch.setattr(module, 'context', fake_time_context)
    arguments = dict(CONNECTION, **args)
    arguments.update({'_ansible_check_mode': check_mode, '_ansible_diff': diff})
    capsys.readouterr()
    with patch_module_args(arguments):
        with pytest.raises(SystemExit):
            module.main()
    return json.loads(capsys.readouterr().out)
