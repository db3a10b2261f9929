# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# HbrModule: AnsibleModule plus the connection (composed, not subclassed, as amazon.aws does):
# the guarded `requests` check, the clients built once per run, and the two ways to fail
# (a configuration problem naming its option, an API error with its code and request id).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ._connection import build_client, build_ecs_client, hbr_argument_spec, region_of
from ._errors import HbrApiError, HbrConfigError
from ._rpc import HAS_REQUESTS, REQUESTS_IMPORT_ERROR


class HbrModule:
    """The AnsibleModule of one run and its HBR connection."""

    def __init__(self, argument_spec=None, **kwargs):
        spec = hbr_argument_spec()
        spec.update(argument_spec or {})
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self._client = None

    @property
    def params(self):
        return self.module.params

    @property
    def check_mode(self):
        return self.module.check_mode

    @property
    def diff_mode(self):
        return bool(getattr(self.module, '_diff', False))

    def client(self):
        """The HBR client for this run (one requests.Session); fails the task on bad config."""
        if self._client is None:
            try:
                self._client = build_client(self.params)
            except HbrConfigError as exc:
                self.fail_config(exc)
        return self._client

    def ecs_client(self):
        """The ECS client for the instance precheck (same credentials and session)."""
        try:
            return build_ecs_client(self.params, self.client())
        except HbrConfigError as exc:
            self.fail_config(exc)

    def region(self):
        return region_of(self.params)

    def fail_config(self, error):
        """Fail on a local configuration or credential problem, naming the option to fix."""
        self.module.fail_json(msg=error.message, option=error.option)

    def fail_api(self, error, msg=None, **result):
        """Fail with the API error's code, message, request id and action (no traceback: the
        error says everything, and exception text is not for users)."""
        details = error.to_dict() if isinstance(error, HbrApiError) else {'message': str(error)}
        text = str(error)
        result.update(details)
        result['msg'] = '%s: %s' % (msg, text) if msg else text
        if isinstance(error, HbrApiError):
            result.setdefault('error', details)
        self.module.fail_json(**result)

    def exit_json(self, **result):
        self.module.exit_json(**result)

    def fail_json(self, **result):
        self.module.fail_json(**result)

    def warn(self, message):
        self.module.warn(message)
