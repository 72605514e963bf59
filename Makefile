# The two commands a newcomer needs: `make demo` and `make test`. Everything installs itself.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOT ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := mock/node_modules/.installed
SDKS ?=
URL ?=
PORTS ?=
PORT_OFFSET ?=

export PYTHONPATH := $(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install lint-spec lint generate check-generated check-release release-notes diff docs mock demo test unit contract bench clean

help:
	@echo "make demo             start the mocks, run the MyRVM quickstart against them, stop them"
	@echo "make test             lint, drift check, unit, Prism-backed and schemathesis tests"
	@echo "make install          .venv with the pinned Python tools, and the pinned Node tools (npm ci)"
	@echo "make lint-spec        lint every spec in openapi/, or SPEC=openapi/x.yaml (file#/json/pointer: [rule] ... (line N))"
	@echo "make generate         regenerate sdk/ from openapi/ (SDKS='myrvm' for one)"
	@echo "make check-generated  fail if sdk/ differs from a fresh generation"
	@echo "make diff [BASE=ref]  per API: spec changes (breaking or not) and SDK public API changes since BASE"
	@echo "make release-notes    record the SDK versions bumped in generator/sdks.toml: changelog + API snapshot"
	@echo "make docs             API reference of every SDK as HTML under .tmp/docs/<sdk>/"
	@echo "make mock             serve every spec with Prism on its fixed port until Ctrl-C"
	@echo "make contract URL=... schemathesis against any server (SPEC=, ARGS=, MOCK=1, ALLOW_AUTH_REFUSALS=1; README)"
	@echo "make bench            performance: our SDK against raw httpx/urllib3/aiohttp and other generators on nginx"
	@echo "make clean            remove .venv, node_modules and scratch files"

install: $(VENV_STAMP) $(NODE_STAMP)

$(VENV_STAMP): pyproject.toml
	@command -v $(PYTHON_BOOT) >/dev/null || { echo "install: $(PYTHON_BOOT) not found: install Python 3.11+"; exit 1; }
	@$(PYTHON_BOOT) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "install: Python 3.11+ needed, found $$($(PYTHON_BOOT) --version)"; exit 1; }
	$(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check pip==26.3
	$(PY) -m pip install --quiet --disable-pip-version-check --group dev
	@touch $@

$(NODE_STAMP): mock/package.json mock/package-lock.json
	@command -v node >/dev/null || { echo "install: node not found: install Node.js 18 or newer"; exit 1; }
	@command -v npm >/dev/null || { echo "install: npm not found: install npm (it ships with Node.js)"; exit 1; }
	cd mock && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint-spec: install
	$(PY) -m generator.spec_check $(SPEC)

# The applications in tests/typing/ (one per SDK) and the examples are checked as a downstream team would check
# its own code: mypy --strict and pyright strict (pinned in mock/package.json), the SDKs found on the path.
TYPED_SDKS := sdk/myrvm:sdk/xoohoox:sdk/cloudconnexa:sdk/tiktrue

lint: install
	$(PY) -m ruff check generator mock tests
	@# The runtime's wing order (generator/runtime/README.md, contracts in pyproject.toml); the runtime is the
	@# package `runtime` with generator/ on the path, as its tests import it.
	PYTHONPATH=$(CURDIR)/generator $(VENV)/bin/lint-imports
	$(PY) -m mypy --strict generator/runtime
	$(PY) -m mypy --strict $$($(PY) -m generator.registry)
	MYPYPATH=$(TYPED_SDKS) $(PY) -m mypy --strict tests/typing openapi/examples/*/*.py
	mock/node_modules/.bin/pyright -p tests/typing --pythonpath $(PY)
	@# pyright --verifytypes on each SDK: 100 % and no ambiguous or partially unknown symbol (issue #16)
	$(PY) -m generator.type_completeness

generate: install
	$(PY) -m generator.build $(SDKS)

check-generated: install
	$(PY) -m generator.check_generated

check-release: install
	$(PY) -m generator.release check

release-notes: install
	$(PY) -m generator.build $(SDKS)
	$(PY) -m generator.release notes $(SDKS)

diff: install
	$(PY) -m generator.release diff $(if $(BASE),--base $(BASE),) $(SDKS)

docs: install
	$(PY) -m generator.docs $(SDKS)

mock: install
	$(PY) -m mock.serve $(SDKS) $(if $(PORTS),--ports '$(PORTS)',) $(if $(PORT_OFFSET),--port-offset '$(PORT_OFFSET)',) $(if $(STATELESS),--stateless,) $(if $(PERIODIC_EVENTS),--periodic-events,)

demo: install
	$(PY) -m mock.demo

unit: install
	$(PY) -m pytest tests -m "not prism and not corpus" -q

# The second run is the httpx2 pass (an SDK may declare `http = "httpx2"`): the runtime's tests, and the
# TikTrue SDK generated for httpx2 against Prism and under mypy --strict (tests/http_library.py). It leaves
# out what does not touch the HTTP library and costs most: the WebSocket tests (the websockets library),
# the kill -9 outbox test (SQLite durability) and the two peak-RSS probes of a download (memory, measured
# in a child process; the download's behaviour tests stay).
# Schemathesis drives the mock with its own HTTP client, not the SDK's, so it runs in the first pass only.
# The checks run two at a time and the httpx2 pass runs beside the first one (its log is printed after it):
# on CI's 2 cores the first pass often waits on Prism and subprocesses, and CI must stay under 15 minutes.
HTTPX2_SKIPS := not websocket and not kill_9 and not peak_rss and not rss_probe and not schemathesis
test: install lint-spec
	$(MAKE) --no-print-directory -j2 --output-sync=target lint check-generated check-release
	@mkdir -p .tmp
	@SDK_TEST_HTTP=httpx2 $(PY) -m pytest -p tests.http_library tests/runtime tests/sdk/test_tiktrue_prism.py -q \
		-k "$(HTTPX2_SKIPS)" > .tmp/httpx2-pass.log 2>&1 & second=$$!; \
	$(PY) -m pytest tests -q; first=$$?; \
	wait $$second; status=$$?; \
	echo "httpx2 pass (SDK_TEST_HTTP=httpx2, run beside the first pass):"; cat .tmp/httpx2-pass.log; \
	test $$first -eq 0 && test $$status -eq 0

# make itself exits 2 whenever a recipe fails, so the runner's own code (1 contract failures, 2 usage or
# setup error) is printed here; CI that needs it calls `.venv/bin/python -m tests.contract.run` (README).
contract: install
	@test -n "$(URL)" || { echo "contract: give the server's base URL: make contract URL=https://api.example.com"; exit 2; }
	@$(PY) -m tests.contract.run --url "$(URL)" $(if $(SPEC),--spec $(SPEC),) $(if $(filter 1,$(MOCK)),--mock,) \
	  $(if $(filter 1,$(ALLOW_AUTH_REFUSALS)),--allow-auth-refusals,) $(ARGS) \
	  || { code=$$?; echo "contract: runner exit code $$code (make reports every failure as 2)" >&2; exit $$code; }

clean:
	rm -rf $(VENV) mock/node_modules .tmp .pytest_cache .mypy_cache .ruff_cache .hypothesis

bench: install
	$(PY) -m tests.bench.run
