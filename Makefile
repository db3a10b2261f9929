# alicloud.hbr: the two commands are `make demo` and `make test` (see README.md).
# Everything runs in a virtualenv this Makefile creates; a fresh machine needs only
# Python 3, git and make.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV ?= $(CURDIR)/.venv
BIN := $(VENV)/bin
BUILD := $(CURDIR)/.build
COLL_PARENT := $(BUILD)/collections
COLL := $(COLL_PARENT)/ansible_collections/alicloud/hbr
# ansible-test sanity: every test on the controller Python, then compile and import (the tests
# that depend on the Python version) on each other Python the modules support, when installed.
PYTHONS_DIR := $(BUILD)/pythons
# The supported ansible-core range, each core in its own venv under .build/ with the Python it runs on
# (core:python). 2.19 is the main .venv's core: `integration` runs every target and `system-tests`
# every system test on it. The others run the targets that cover the three modules
# (MATRIX_TARGETS) and the playbook tests (the two roles through the ready playbooks).
CORE_MATRIX ?= 2.17:3.11 2.18:3.11 2.20:3.12
MATRIX_TARGETS ?= hbr_client hbr_client_info hbr_client_resources
# Sanity runs on the newest supported core, every test on its controller Python, then compile and
# import on each other Python the modules support (tests/config.yml), when installed. 2.20 no longer
# tests Python 3.8, which the modules still support: 3.8 runs with the main venv's ansible-test.
NEWEST_CORE ?= 2.20
NEWEST_PYTHON ?= 3.12
SANITY_EXTRA_PYTHONS ?= 3.9 3.10 3.11 3.13
SANITY_OLD_PYTHONS ?= 3.8
# What `make test` skipped or could not run on this machine; printed loudly at the end.
NOTES := $(BUILD)/test-notes.txt
DOCS := $(BUILD)/docs
export ANSIBLE_COLLECTIONS_PATH := $(COLL_PARENT)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv collection units emulator-tests integration system-tests browser sanity sanity-bootstrap python-links lint \
        changelog-lint docs-check docs docs-strict core-venvs matrix notes-reset \
        test demo bench soak clean

help:
	@echo "make demo   - start the emulator, protect a demo fleet twice, write the report"
	@echo "make test   - everything CI runs: units, emulator suite, integration, sanity, lint"
	@echo "make bench  - fleet-scale benchmarks against the emulator (writes benchmarks/RESULTS.md)"
	@echo "make docs   - the antsibull-docs site, in .build/docs/html/ (index.html)"
	@echo "make collection - .venv/ plus the checkout as .build/collections/ansible_collections/alicloud/hbr"

# Two stamps: what the demo needs (ansible-core, requests, the emulator), then the test tools.
$(BIN)/.runtime: requirements.txt emulator/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt 'ansible-core>=2.19.0,<2.20'
	$(BIN)/python -m pip install --quiet -e ./emulator
	touch $@

$(BIN)/.installed: $(BIN)/.runtime test-requirements.txt
	$(BIN)/python -m pip install --quiet -r test-requirements.txt
	touch $@

venv: $(BIN)/.installed

# ansible-test and the collection loader need the tree under ansible_collections/alicloud/hbr:
# copy what git tracks (and untracked, not ignored files) there.
collection: $(BIN)/.runtime
	rm -rf $(COLL)
	mkdir -p $(COLL)
	git ls-files -z --cached --others --exclude-standard \
	  | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C $(COLL)
	@# its own git repository: ansible-test lists files with git, and .build/ is ignored here
	cd $(COLL) && git init -q && git add -A

units: collection venv
	cd $(COLL) && $(BIN)/python -m pytest -q -p no:cacheprovider tests/unit
	@echo "== the convergence and module tests again under the strict emulator profile (every open behaviour at once)"
	cd $(COLL) && HBR_EMULATOR_PROFILE=strict $(BIN)/python -m pytest -q -p no:cacheprovider \
	  tests/unit/plugins/module_utils/test_engine.py tests/unit/plugins/module_utils/test_writes.py \
	  tests/unit/plugins/module_utils/test_waiting.py tests/unit/plugins/modules

emulator-tests: venv
	cd emulator && $(BIN)/python -m pytest -q -p no:cacheprovider tests

# Headless Chromium for the report test: installed with apt-get when missing. Without root (and
# outside CI, which runs as root and must run the test), the test is skipped and `make test` says so.
browser:
	@if command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then echo "installing Debian's chromium for the report test"; \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif [ -n "$${CI:-}" ]; then echo "CI: Chromium is missing and installing it needs root" >&2; exit 1; \
	else mkdir -p $(BUILD); \
	  echo "SKIPPED the report's Chromium rendering test: Chromium is missing and installing it needs root." \
	    "Install it with: sudo apt-get install chromium" | tee -a $(NOTES); fi

# HBR_SKIP_BROWSER=1 only where `browser` could not install Chromium (non-root, not CI).
system-tests: collection venv browser
	cd $(COLL) && if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && [ -z "$${CI:-}" ]; then \
	  export HBR_SKIP_BROWSER=1; fi; $(BIN)/python -m pytest -q -p no:cacheprovider -rs tests/system

# Every target under the default emulator, then the fleet targets under the strict profile: record lag,
# capped and short pages, Progress -1, call-level errors, clear proxy passwords, late Cloud Assistant and
# 5 % dropped answers, all at once (tests/integration/run.py).
STRICT_TARGETS ?= hbr_client hbr_client_fleet hbr_client_info hbr_client_resources hbr_client_purge hbr_client_orphans \
  hbr_client_hana inventory_hbr_clients
integration: collection venv
	cd $(COLL) && $(BIN)/python tests/integration/run.py
	@echo "== the fleet targets under the strict emulator profile"
	cd $(COLL) && $(BIN)/python tests/integration/run.py --profile strict $(STRICT_TARGETS)

# The newest installed Python X.Y ($(1), a shell word): pyenv's real binaries (shims do not survive
# ansible-test's clean environment), else pythonX.Y on PATH; sets p, empty when there is none.
FIND_PYTHON = p=$$( (ls -d $$HOME/.pyenv/versions/$(1).*/bin/python$(1) 2>/dev/null || true) | sort -V | tail -1); \
  if [ -z "$$p" ] && command -v python$(1) >/dev/null 2>&1; then \
    p=$$(python$(1) -c 'import sys; print(sys.executable)' 2>/dev/null || true); fi

# One venv per core of CORE_MATRIX, with what tests/integration/run.py needs next to ansible-test:
# requests, the emulator and that ansible-core (plus pytest for the playbook tests).
core-venvs: $(BIN)/.runtime
	@for pair in $(CORE_MATRIX); do core=$${pair%%:*}; py=$${pair##*:}; venv=$(BUILD)/core-$$core; \
	  if [ -f $$venv/.installed ] && [ $$venv/.installed -nt requirements.txt ]; then continue; fi; \
	  $(call FIND_PYTHON,$$py); \
	  if [ -z "$$p" ]; then echo "SKIPPED ansible-core $$core: no Python $$py on this machine (pyenv install $$py, or apt-get install python$$py)" \
	    | tee -a $(NOTES); continue; fi; \
	  echo "creating $$venv (ansible-core $$core on $$p)"; rm -rf $$venv; $$p -m venv $$venv; \
	  $$venv/bin/python -m pip install --quiet -r requirements.txt "ansible-core~=$$core.0" 'pytest>=7.0' -e ./emulator; \
	  touch $$venv/.installed; done

# The supported range: each other core runs the module targets and the playbook tests.
matrix: collection core-venvs
	@for pair in $(CORE_MATRIX); do core=$${pair%%:*}; venv=$(BUILD)/core-$$core; \
	  [ -f $$venv/.installed ] || continue; echo "== ansible-core $$core: $(MATRIX_TARGETS) and the playbook tests"; \
	  start=$$(date +%s); \
	  (cd $(COLL) && $$venv/bin/python tests/integration/run.py $(MATRIX_TARGETS)) || exit 1; \
	  (cd $(COLL) && HBR_SKIP_BROWSER=1 $$venv/bin/python -m pytest -q -p no:cacheprovider tests/system/test_playbooks.py \
	    -k 'not chromium') || exit 1; \
	  echo "ansible-core $$core: passed in $$(( $$(date +%s) - start )) s"; done

# ansible-test --venv fetches a pip bootstrap script from a host outside the package registries;
# tests/utils/get_pip_bootstrap.py does the same job with ensurepip + PyPI (one per pip version).
sanity-bootstrap: venv core-venvs
	@for python in $(BIN)/python $(BUILD)/core-$(NEWEST_CORE)/bin/python; do [ -x $$python ] || continue; \
	  ver=$$($$python tests/utils/pip_version.py); dest=$$HOME/.ansible/test/cache/get_pip_$${ver//./_}.py; \
	  if [ ! -s "$$dest" ]; then mkdir -p $$(dirname $$dest); cp tests/utils/get_pip_bootstrap.py $$dest; \
	  echo "installed pip bootstrap stand-in at $$dest"; fi; done

# Links to real interpreters (pyenv shims do not survive ansible-test's clean environment).
python-links:
	@mkdir -p $(PYTHONS_DIR); for v in $(NEWEST_PYTHON) $(SANITY_EXTRA_PYTHONS) $(SANITY_OLD_PYTHONS); do \
	  $(call FIND_PYTHON,$$v); \
	  if [ -n "$$p" ]; then ln -sfn "$$p" $(PYTHONS_DIR)/python$$v; else rm -f $(PYTHONS_DIR)/python$$v; fi; done

# Sanity on the newest core; without its Python, on the main venv's core, and `make test` says so.
sanity: collection venv core-venvs sanity-bootstrap python-links
	@newest=$(BUILD)/core-$(NEWEST_CORE)/bin/ansible-test; main=$(NEWEST_PYTHON); \
	if [ ! -x $$newest ]; then newest=$(BIN)/ansible-test; main=$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	  echo "SANITY NOT ON ansible-core $(NEWEST_CORE) (no Python $(NEWEST_PYTHON)): ran on the main venv's core, Python $$main" \
	    | tee -a $(NOTES); fi; \
	cd $(COLL) && PATH=$(PYTHONS_DIR):$$PATH $$newest sanity --venv --python $$main --color no || exit 1; \
	for py in $(SANITY_EXTRA_PYTHONS) $(SANITY_OLD_PYTHONS); do [ $$py = $$main ] && continue; \
	  test=$$newest; case " $(SANITY_OLD_PYTHONS) " in *" $$py "*) test=$(BIN)/ansible-test;; esac; \
	  if [ -x $(PYTHONS_DIR)/python$$py ]; then \
	    PATH=$(PYTHONS_DIR):$$PATH $$test sanity --venv --python $$py --test compile --test import --color no || exit 1; \
	  else echo "sanity: no Python $$py on this machine, compile/import skipped for it" | tee -a $(NOTES); fi; done
	@test -z "$$(ls $(COLL)/tests/sanity/ignore-*.txt 2>/dev/null)" || { echo "sanity ignore files are not allowed"; exit 1; }

lint: collection venv
	cd $(COLL) && $(BIN)/ansible-lint --offline --profile production

changelog-lint: collection venv
	cd $(COLL) && $(BIN)/antsibull-changelog lint

# ansible-doc renders every plugin (modules, and the inventory plugin and any other type once added).
docs-check: collection
	@for dir in $$(ls -d $(COLL)/plugins/*/ | grep -v -e module_utils -e doc_fragments -e action); do type=$$(basename $$dir); \
	  for p in $$(ls $$dir*.py 2>/dev/null | xargs -rn1 basename | grep -v '^__init__' | sed 's/\.py$$//'); do \
	    $(BIN)/ansible-doc -t $${type%s} alicloud.hbr.$$p >/dev/null || exit 1; echo "ansible-doc -t $${type%s} alicloud.hbr.$$p: ok"; done; done

# Labels of the Ansible docs that antsibull-docs' pages link to (configuration settings and their
# environment variables, common return values, ansible.builtin plugins). The build is offline: a local
# intersphinx inventory maps them to their docs.ansible.com pages instead of downloading the published one.
define ANSIBLE_DOCS_INVENTORY
import json, os, subprocess, sys, zlib
import ansible, yaml
labels = [('ansible_configuration_settings', 'reference_appendices/config.html', 'Ansible Configuration Settings'),
          ('common_return_values', 'reference_appendices/common_return_values.html', 'Return Values'),
          ('action_plugins', 'plugins/action.html', 'Action plugins')]
with open(os.path.join(os.path.dirname(ansible.__file__), 'config', 'base.yml')) as handle:
    settings = yaml.safe_load(handle)
envvars = sorted(set(env['name'] for setting in settings.values() for env in setting.get('env') or []))
for kind in ('module', 'inventory', 'cache', 'lookup', 'filter', 'test', 'callback', 'connection', 'become', 'vars'):
    found = json.loads(subprocess.check_output([sys.argv[2], '-t', kind, '--list', '--json', 'ansible.builtin']))
    labels += [('ansible_collections.%s_%s' % (name, kind), 'collections/%s_%s.html' % (name.replace('.', '/'), kind), name)
               for name in sorted(found)]
body = ''.join('%s std:label -1 %s %s\n' % label for label in labels)
body += ''.join('%s std:envvar 1 reference_appendices/config.html#envvar-%s -\n' % (name, name) for name in envvars)
with open(sys.argv[1], 'wb') as handle:
    handle.write(b'# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n'
                 b'# The remainder of this file is compressed using zlib.\n' + zlib.compress(body.encode()))
endef
export ANSIBLE_DOCS_INVENTORY

# The docs site: antsibull-docs' documented way (sphinx-init, then its build steps), offline.
# Plugin pages come from the installed collection, so every plugin added later appears by itself;
# the guides are docs/docsite/ (extra-docs.yml, links.yml, rst/). `docs-strict`: warnings are errors.
# antsibull-docs runs ansible-doc and ansible-galaxy: the venv's, first on PATH.
docs: collection venv
	rm -rf $(DOCS) && mkdir -p -m 700 $(DOCS)/src
	PATH=$(BIN):$$PATH $(BIN)/antsibull-docs sphinx-init --use-current --lenient --squash-hierarchy --fail-on-error \
	  --title 'alicloud.hbr' --project alicloud.hbr --dest-dir $(DOCS)/src alicloud.hbr >/dev/null
	$(BIN)/python -c "$$ANSIBLE_DOCS_INVENTORY" $(DOCS)/src/ansible_devel.inv $(BIN)/ansible-doc
	printf '\n# make docs: offline, the Ansible labels from a local inventory, nothing downloaded.\n%s\n' \
	  "intersphinx_mapping = {'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', '../ansible_devel.inv')}" \
	  >> $(DOCS)/src/conf.py
	cd $(DOCS)/src && mkdir -p rst && chmod og-w rst && PATH=$(BIN):$$PATH $(BIN)/antsibull-docs --config-file antsibull-docs.cfg collection \
	  --cleanup everything --fail-on-error --use-current --squash-hierarchy --dest-dir rst alicloud.hbr >/dev/null
	$(BIN)/sphinx-build -q -b html -c $(DOCS)/src $(SPHINX_OPTS) $(DOCS)/src/rst $(DOCS)/html
	@echo "docs: $(DOCS)/html/index.html"

docs-strict: collection venv
	cd $(COLL) && PATH=$(BIN):$$PATH $(BIN)/antsibull-docs lint-collection-docs --plugin-docs .
	$(MAKE) --no-print-directory docs SPHINX_OPTS='-W --keep-going'

notes-reset:
	@mkdir -p $(BUILD) && rm -f $(NOTES)

test: notes-reset units emulator-tests integration matrix system-tests sanity lint changelog-lint docs-check docs-strict
	@if [ -s $(NOTES) ]; then echo; echo '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!'; \
	  echo '!!! make test passed, but NOT EVERYTHING RAN on this machine:'; sed 's/^/!!!   /' $(NOTES); \
	  echo '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!'; \
	else echo "make test: all checks passed"; fi

demo: collection
	$(BIN)/python demo/run_demo.py

# Benchmarks (scripts, not timed tests): writes benchmarks/RESULTS.md. Run on an idle machine.
bench: collection venv
	mkdir -p $(BUILD)/bench
	cd benchmarks && $(BIN)/python fleet.py --sizes 100,1000,3000 --peer-size 200 --output $(BUILD)/bench/fleet.md
	cd benchmarks && { $(BIN)/python emulator_throughput.py --requests 2000 --client raw; echo; \
	  $(BIN)/python emulator_throughput.py --requests 2000 --client requests; } > $(BUILD)/bench/throughput.md
	$(BIN)/python benchmarks/write_results.py $(BUILD)/bench/fleet.md $(BUILD)/bench/throughput.md
	@echo "wrote benchmarks/RESULTS.md"

# The fault test, longer and harsher (2,000 instances, 40 % throttling, 10 % errors and drops).
soak: collection venv
	cd $(COLL) && HBR_SOAK=1 $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/system/test_reliability.py -k faults

clean:
	rm -rf $(BUILD) $(VENV)
