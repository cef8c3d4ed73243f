# One command each on a fresh machine: `make demo` (JupyterLab on the quickstart with sample data)
# and `make test` (every test suite). Both set the machine up first.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup test demo

setup:
	bash scripts/setup.sh

test: setup
	node --test js/test/
	cd js && npm run --silent check
	$(PY) -m pytest -q tests notebooks --nbval-lax

demo: setup
	$(VENV)/bin/journey-widgets demo
