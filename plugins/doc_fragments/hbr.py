# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alicloud.hbr contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Connection and credential options shared by every alicloud.hbr module. The argument spec
    # lives in plugins/module_utils/_module.py (hbr_argument_spec); keep the two in step.
    DOCUMENTATION = r'''
options:
  alicloud_access_key:
    description:
      - Alibaba Cloud AccessKey ID.
      - If not set, the environment variables E(ALICLOUD_ACCESS_KEY), E(ALICLOUD_ACCESS_KEY_ID) and
        E(ALIBABA_CLOUD_ACCESS_KEY_ID) are tried, in that order.
      - When no access key is given, the credential chain goes on to O(profile) and O(ecs_role_name).
    type: str
    aliases: [access_key, access_key_id]
  alicloud_secret_key:
    description:
      - Alibaba Cloud AccessKey secret. Never logged nor returned.
      - If not set, the environment variables E(ALICLOUD_SECRET_KEY), E(ALICLOUD_SECRET_ACCESS_KEY) and
        E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) are tried, in that order.
    type: str
    aliases: [secret_key, access_key_secret]
  alicloud_security_token:
    description:
      - STS security token, for temporary credentials. Never logged nor returned.
      - Access keys, secrets and tokens must be printable ASCII without surrounding whitespace; anything else fails
        before any call, naming the option but never showing the value.
      - If not set, E(ALICLOUD_SECURITY_TOKEN) then E(ALIBABA_CLOUD_SECURITY_TOKEN) are tried.
    type: str
    aliases: [security_token]
  alicloud_region:
    description:
      - The region of the HBR endpoint, for example V(cn-hangzhou).
      - If not set, E(ALICLOUD_REGION), E(ALICLOUD_REGION_ID) and E(ALIBABA_CLOUD_REGION_ID) are tried, then the
        C(region_id) of the selected CLI profile.
      - Required unless O(hbr_endpoint) is set.
    type: str
    aliases: [region, region_id]
  hbr_endpoint:
    description:
      - Explicit endpoint URL, C(scheme://host[:port]), that wins over the one derived from O(alicloud_region).
        A bare host name means HTTPS.
      - Use it for the local emulator, a proxy or a private endpoint.
      - It must not carry credentials, a path or a query; a bad endpoint fails before any call without being echoed.
      - If not set, E(ALICLOUD_HBR_ENDPOINT) is tried.
    type: str
    aliases: [endpoint]
  hbr_endpoint_type:
    description:
      - V(public) uses C(hbr.<region>.aliyuncs.com); V(vpc) uses C(hbr-vpc.<region>.aliyuncs.com), reachable
        only from inside a VPC.
      - A few regions only have the central endpoint C(hbr.aliyuncs.com), whatever this option says.
    type: str
    choices: [public, vpc]
    default: public
  signature_version:
    description:
      - V(v3) signs requests with ACS3-HMAC-SHA256, the current scheme.
      - V(v1) signs with HMAC-SHA1 (signature method 1.0), for gateways that still require it.
    type: str
    choices: [v3, v1]
    default: v3
  validate_certs:
    description:
      - Verify the endpoint's TLS certificate. Turn it off only for a test endpoint; prefer O(ca_bundle).
    type: bool
    default: true
  ca_bundle:
    description:
      - Path to a PEM bundle of CA certificates used to verify the endpoint (or a directory of them).
      - A missing, unreadable or non-PEM file fails before any call, naming O(ca_bundle).
      - If not set, E(ALICLOUD_CA_BUNDLE) then E(ALIBABA_CLOUD_CA_BUNDLE) are tried.
    type: path
  connect_timeout:
    description:
      - Seconds to wait for a TCP/TLS connection to the endpoint (1 to 600).
    type: int
    default: 10
  read_timeout:
    description:
      - Seconds to wait for an answer once a request was sent (1 to 3600).
    type: int
    default: 60
  api_retries:
    description:
      - How many times a throttled or temporarily failed call is sent again (0 to 20), with jittered,
        capped exponential backoff. Authentication and parameter errors are never retried.
      - An install, uninstall or upgrade whose outcome is unknown (dropped connection, timeout) is never
        blindly re-sent; the module reads the clients again and only re-sends for instances that still need it.
    type: int
    default: 8
  profile:
    description:
      - Name of a profile in the aliyun CLI configuration file (see O(shared_credentials_file)).
      - Used when no access key is given. Modes C(AK), C(StsToken), C(RamRoleArn) and C(EcsRamRole) are supported.
      - If not set, E(ALICLOUD_PROFILE) then E(ALIBABA_CLOUD_PROFILE) are tried; if none is set, the file's
        C(current) profile is used when the file exists.
    type: str
  shared_credentials_file:
    description:
      - Path of the aliyun CLI configuration file. Defaults to C(~/.aliyun/config.json).
      - If not set, E(ALICLOUD_SHARED_CREDENTIALS_FILE) is tried.
    type: path
  ecs_role_name:
    description:
      - Name of the RAM role attached to the ECS instance the module runs on. Its temporary credentials are read
        from the instance metadata service (IMDSv2, falling back to IMDSv1).
      - The metadata service is only contacted when this option (or an C(EcsRamRole) profile) is set.
      - If not set, E(ALICLOUD_ECS_ROLE_NAME) then E(ALIBABA_CLOUD_ECS_METADATA) are tried.
    type: str
    aliases: [role_name]
  ecs_metadata_endpoint:
    description:
      - Base URL of the ECS instance metadata service. Defaults to C(http://100.100.100.200).
      - Only useful for tests and unusual network setups. If not set, E(ALICLOUD_ECS_METADATA_ENDPOINT) is tried.
    type: str
  alicloud_assume_role_arn:
    description:
      - ARN of a RAM role to assume with STS AssumeRole, using the credentials found by the rest of the chain.
      - If not set, E(ALICLOUD_ASSUME_ROLE_ARN) then E(ALIBABA_CLOUD_ROLE_ARN) are tried.
    type: str
    aliases: [assume_role_arn]
  alicloud_assume_role_session_name:
    description:
      - Session name for AssumeRole. Defaults to C(ansible-alicloud-hbr).
      - If not set, E(ALICLOUD_ASSUME_ROLE_SESSION_NAME) then E(ALIBABA_CLOUD_ROLE_SESSION_NAME) are tried.
    type: str
    aliases: [assume_role_session_name]
  alicloud_assume_role_session_expiration:
    description:
      - Lifetime in seconds of the assumed role's credentials (900 to 43200). Defaults to 3600.
      - If not set, E(ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION) is tried.
    type: int
    aliases: [assume_role_session_expiration]
  sts_endpoint:
    description:
      - STS endpoint URL used for AssumeRole. Defaults to C(https://sts.aliyuncs.com).
      - If not set, E(ALICLOUD_STS_ENDPOINT) is tried.
    type: str
notes:
  - "Modules run where the task runs. For a fleet, run them once on the controller (C(delegate_to: localhost),
    C(run_once: true)) with a list of instance ids, or use the C(alicloud.hbr.backup_client) role, rather than
    once per ECS host."
  - Environment variables and the CLI configuration file are read on the host that runs the module.
  - Credential precedence, first match wins; options and their environment variables, then the CLI profile, then
    the ECS RAM role. O(alicloud_assume_role_arn) then applies to whichever was found.
requirements:
  - python >= 3.8
  - requests >= 2.25.0
'''

    # The cross-account options of the HBR client APIs (alicloud.hbr.hbr.cross_account).
    CROSS_ACCOUNT = r'''
options:
  cross_account_type:
    description: V(CROSS_ACCOUNT) works on the clients of another account that authorized this one.
    type: str
    choices: [SELF_ACCOUNT, CROSS_ACCOUNT]
  cross_account_user_id:
    description: Source account id, with O(cross_account_type=CROSS_ACCOUNT).
    type: int
  cross_account_role_name:
    description: RAM role created in the source account, with O(cross_account_type=CROSS_ACCOUNT).
    type: str
'''

    # The environment variables of the connection options, for plugins that read their options through Ansible's
    # configuration system rather than an argument spec (the alicloud.hbr.hbr_clients inventory). List it AFTER
    # alicloud.hbr.hbr: Ansible merges fragments option by option, so descriptions, types, aliases and defaults
    # stay documented once, there. Ansible takes the LAST variable of an env list that is set, whereas the modules'
    # env_fallback takes the FIRST: each list is therefore written in reverse order of hbr_argument_spec() so that
    # both pick the same variable (a unit test checks that they agree).
    INVENTORY = r'''
options:
  alicloud_access_key:
    env:
      - name: ALIBABA_CLOUD_ACCESS_KEY_ID
      - name: ALICLOUD_ACCESS_KEY_ID
      - name: ALICLOUD_ACCESS_KEY
  alicloud_secret_key:
    env:
      - name: ALIBABA_CLOUD_ACCESS_KEY_SECRET
      - name: ALICLOUD_SECRET_ACCESS_KEY
      - name: ALICLOUD_SECRET_KEY
  alicloud_security_token:
    env:
      - name: ALIBABA_CLOUD_SECURITY_TOKEN
      - name: ALICLOUD_SECURITY_TOKEN
  alicloud_region:
    env:
      - name: ALIBABA_CLOUD_REGION_ID
      - name: ALICLOUD_REGION_ID
      - name: ALICLOUD_REGION
  hbr_endpoint:
    env:
      - name: ALICLOUD_HBR_ENDPOINT
  ca_bundle:
    env:
      - name: ALIBABA_CLOUD_CA_BUNDLE
      - name: ALICLOUD_CA_BUNDLE
  profile:
    env:
      - name: ALIBABA_CLOUD_PROFILE
      - name: ALICLOUD_PROFILE
  shared_credentials_file:
    env:
      - name: ALICLOUD_SHARED_CREDENTIALS_FILE
  ecs_role_name:
    env:
      - name: ALIBABA_CLOUD_ECS_METADATA
      - name: ALICLOUD_ECS_ROLE_NAME
  ecs_metadata_endpoint:
    env:
      - name: ALICLOUD_ECS_METADATA_ENDPOINT
  alicloud_assume_role_arn:
    env:
      - name: ALIBABA_CLOUD_ROLE_ARN
      - name: ALICLOUD_ASSUME_ROLE_ARN
  alicloud_assume_role_session_name:
    env:
      - name: ALIBABA_CLOUD_ROLE_SESSION_NAME
      - name: ALICLOUD_ASSUME_ROLE_SESSION_NAME
  alicloud_assume_role_session_expiration:
    env:
      - name: ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION
  sts_endpoint:
    env:
      - name: ALICLOUD_STS_ENDPOINT
'''
