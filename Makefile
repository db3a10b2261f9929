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
SANITY_PYTHONS ?= 3.11
SANITY_EXTRA_PYTHONS ?= 3.8 3.9 3.10 3.12 3.13
PYTHONS_DIR := $(BUILD)/pythons
export ANSIBLE_COLLECTIONS_PATH := $(COLL_PARENT)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv collection units emulator-tests integration system-tests browser sanity sanity-bootstrap python-links lint \
        changelog-lint docs-check \
        test demo bench soak clean

help:
	@echo "make demo   - start the emulator, protect a demo fleet twice, write the report"
	@echo "make test   - everything CI runs: units, emulator suite, integration, sanity, lint"
	@echo "make bench  - fleet-scale benchmarks against the emulator (writes benchmarks/RESULTS.md)"

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

emulator-tests: venv
	cd emulator && $(BIN)/python -m pytest -q -p no:cacheprovider tests

# Headless Chromium for the report test (Debian's package; the test fails without it).
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "installing Debian's chromium for the report test"; \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

system-tests: collection venv browser
	cd $(COLL) && $(BIN)/python -m pytest -q -p no:cacheprovider tests/system

integration: collection venv
	@if [ -d $(COLL)/tests/integration/targets ] && ls $(COLL)/tests/integration/targets | grep -q .; then \
	  cd $(COLL) && $(BIN)/python tests/integration/run.py; \
	else echo "no integration targets yet"; fi

# ansible-test --venv fetches a pip bootstrap script from a host outside the package registries;
# tests/utils/get_pip_bootstrap.py does the same job with ensurepip + PyPI.
sanity-bootstrap: venv
	@ver=$$($(BIN)/python tests/utils/pip_version.py); dest=$$HOME/.ansible/test/cache/get_pip_$${ver//./_}.py; \
	  if [ ! -s "$$dest" ]; then mkdir -p $$(dirname $$dest); cp tests/utils/get_pip_bootstrap.py $$dest; \
	  echo "installed pip bootstrap stand-in at $$dest"; fi

# Links to real interpreters (pyenv shims do not survive ansible-test's clean environment).
python-links:
	@mkdir -p $(PYTHONS_DIR); for v in $(SANITY_EXTRA_PYTHONS); do \
	  p=$$(ls -d $$HOME/.pyenv/versions/$$v.*/bin/python$$v 2>/dev/null | sort -V | tail -1); \
	  if [ -z "$$p" ] && command -v python$$v >/dev/null 2>&1; then p=$$(python$$v -c 'import sys; print(sys.executable)' 2>/dev/null); fi; \
	  if [ -n "$$p" ]; then ln -sfn "$$p" $(PYTHONS_DIR)/python$$v; else rm -f $(PYTHONS_DIR)/python$$v; fi; done

sanity: collection venv sanity-bootstrap python-links
	cd $(COLL) && for py in $(SANITY_PYTHONS); do \
	  $(BIN)/ansible-test sanity --venv --python $$py --color no || exit 1; done
	cd $(COLL) && for py in $(SANITY_EXTRA_PYTHONS); do \
	  if [ -x $(PYTHONS_DIR)/python$$py ]; then \
	    PATH=$(PYTHONS_DIR):$$PATH $(BIN)/ansible-test sanity --venv --python $$py --test compile --test import \
	      --color no || exit 1; \
	  else echo "sanity: no Python $$py on this machine, compile/import skipped for it"; fi; done
	@test -z "$$(ls $(COLL)/tests/sanity/ignore-*.txt 2>/dev/null)" || { echo "sanity ignore files are not allowed"; exit 1; }

lint: collection venv
	cd $(COLL) && $(BIN)/ansible-lint --offline --profile production

changelog-lint: collection venv
	cd $(COLL) && $(BIN)/antsibull-changelog lint

docs-check: collection
	@for m in $$(ls $(COLL)/plugins/modules/*.py 2>/dev/null | xargs -n1 basename | sed 's/\.py$$//'); do \
	  $(BIN)/ansible-doc -t module alicloud.hbr.$$m >/dev/null || exit 1; echo "ansible-doc alicloud.hbr.$$m: ok"; done

test: units emulator-tests integration system-tests sanity lint changelog-lint docs-check
	@echo "make test: all checks passed"

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
