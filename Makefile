# One command each on a fresh machine: `make demo` (JupyterLab on the quickstart with sample data; sets up
# only the package and JupyterLab) and `make test` (every test suite; sets up everything the tests need).
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup setup-demo test demo

setup:
	bash scripts/setup.sh test

setup-demo:
	bash scripts/setup.sh demo

test: setup
	node --test js/test/
	cd js && npm run --silent check
	$(VENV)/bin/mypy
	$(PY) -m pytest -q tests notebooks --nbval-lax --durations=15

demo: setup-demo
	$(VENV)/bin/journey-widgets demo
