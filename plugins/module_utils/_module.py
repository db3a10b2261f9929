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
#
# Secrets: every no_log option value, and every secret the credential chain reads (a profile, the
# ECS RAM role, AssumeRole), is registered with AnsibleModule's no_log_values in each encoding a
# message could carry it in (_signing.secret_forms): raw, URL-encoded, JSON- and repr-escaped.
# Ansible masks those in the result, the warnings and the invocation; the RPC client masks them
# in its errors too.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ._connection import build_client, build_ecs_client, hbr_argument_spec, region_of, validate_connection_params
from ._errors import HbrApiError, HbrConfigError
from ._rpc import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ._signing import redact, secret_forms
from ._validation import validate_option_types


class HbrModule:
    """The AnsibleModule of one run and its HBR connection."""

    def __init__(self, argument_spec=None, **kwargs):
        spec = hbr_argument_spec()
        spec.update(argument_spec or {})
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.secrets = set()
        self.secret_forms = set()
        for name in sorted(spec):
            if spec[name].get('no_log'):
                self.register_secret(self.params.get(name))
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self._client = None
        try:
            validate_option_types(spec, self.params)
            validate_connection_params(self.params)
        except HbrConfigError as exc:
            self.fail_config(exc)

    def register_secret(self, value):
        """Mask ``value`` in every encoding in whatever the module returns or warns (through warn())."""
        if value is None or value == '' or isinstance(value, bool):
            return
        forms = secret_forms(value)
        self.secrets.add(str(value))
        self.secret_forms.update(forms)
        self.module.no_log_values.update(forms)

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
                self._client = build_client(self.params, on_secret=self.register_secret, secrets=self.secrets)
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
        # Masked here: ansible-core 2.19 keeps warnings as structured summaries that its no_log
        # masking of the result does not reach.
        self.module.warn(redact(str(message), self.secret_forms))
