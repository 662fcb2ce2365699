# Two commands set everything up on a fresh machine with Python 3.11 and pip:
#   make demo   -> builds .venv, installs the package (a wheel, not editable), runs the demo
#   make test   -> builds .venv, installs the package with its test extras, runs the test suite
PYTHON ?= python3
VENV ?= .venv
OUT ?= out/demo
PIP := $(VENV)/bin/python -m pip --disable-pip-version-check -q

.PHONY: demo test bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

demo: $(VENV)/bin/python
	$(PIP) install .
	$(VENV)/bin/siting demo --out $(OUT) --overwrite

# pytest runs from the venv's entry point with --import-mode=importlib, so the tests
# import the installed wheel (catalogs and sample data included), not the source tree.
test: $(VENV)/bin/python
	$(PIP) install ".[test]"
	$(VENV)/bin/pytest

bench: $(VENV)/bin/python
	$(PIP) install ".[test]"
	mkdir -p out/bench
	for f in tests/bench/bench_*.py; do $(VENV)/bin/python $$f --json out/bench/$$(basename $$f .py).json || exit 1; done

clean:
	rm -rf $(VENV) build out *.egg-info
