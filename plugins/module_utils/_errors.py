# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the alicloud.hbr collection. This file is not a public API: it may change or
# disappear in any release without notice. Do not import it from other collections.
#
# The error model: one base class, and the two ways a run fails as a whole. Per-instance
# problems are not exceptions: the engine records them as failures (see _outcome.py).

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class HbrError(Exception):
    """Base of every error this collection raises on purpose; message never holds a secret."""

    def __init__(self, message):
        super(HbrError, self).__init__(message)
        self.message = message

    def replace_message(self, message):
        """Set the text (used to mask secrets the text may echo, before anyone formats it)."""
        self.message = message
        self.args = (message,)
        return self


class HbrConfigError(HbrError, ValueError):
    """Bad local configuration, found before any network call. Names the option to fix."""

    def __init__(self, option, message):
        super(HbrConfigError, self).__init__(message)
        self.option = option


class CredentialError(HbrConfigError):
    """No usable credential, or a credential source that failed. Never carries a secret."""

    def __init__(self, message, option=None):
        super(CredentialError, self).__init__(option, message)


class HbrApiError(HbrError):
    """A failed call, from the gateway, the service, or the connection itself.

    ``ambiguous`` is true when the request may have been applied by the service although no
    answer came back (dropped connection, read timeout, internal error on a write).
    """

    def __init__(self, message, *, code=None, request_id=None, http_status=None, action=None,
                 retry_after=None, ambiguous=False, recommend=None):
        super(HbrApiError, self).__init__(message)
        self.code = code
        self.request_id = request_id
        self.http_status = http_status
        self.action = action
        self.retry_after = retry_after
        self.ambiguous = ambiguous
        self.recommend = recommend

    def to_dict(self):
        return {
            'code': self.code,
            'message': self.message,
            'request_id': self.request_id,
            'http_status': self.http_status,
            'action': self.action,
        }

    def __str__(self):
        parts = ['%s failed' % (self.action or 'HBR call')]
        if self.code:
            parts.append('code %s' % self.code)
        if self.http_status:
            parts.append('HTTP %s' % self.http_status)
        text = '%s: %s' % (', '.join(parts), self.message)
        if self.request_id:
            text += ' (request id %s)' % self.request_id
        return text
