#!/usr/bin/env bash
# The hbr_clients inventory against the emulator the harness started: 500 clients, one paged read,
# exact groups, a cached listing with no call, a bad option named with no call, and the upgrade
# playbook driven by the hbr_outdated group. The steps and assertions are in playbooks/test.yml.
set -eu
ansible-playbook playbooks/test.yml -i localhost, -c local -e "ansible_python_interpreter=$(command -v python)" \
  -e @../../integration_config.yml "$@"
