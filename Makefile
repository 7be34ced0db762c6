# policytext — the two commands of the README are `make run` and `make test`.
# Both set up .venv first (python3 -m venv, then the dependencies at the versions of constraints.txt).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
REPORT ?= data/raw/2018_district_qingshan.txt
FOLDER ?= data/raw/corpus
OUT    ?= data/processed
PIP    := $(BIN)/python -m pip --disable-pip-version-check --no-input
# lib/policybook, the run and site builder, is the project's tool: on the path, not installed
RUNPY  := PYTHONPATH=lib $(BIN)/python
# a value quoted for the shell: spaces, quotes and $ in REPORT, FOLDER or OUT pass through unchanged
quote   = '$(subst ','\'',$(1))'

.PHONY: setup run lab test check lint bench handouts clean help

help:
	@echo "make run     analyse REPORT (default: the bundled report) and compare the reports of FOLDER (default:"
	@echo "             the bundled corpus): tables in $(OUT)/, site in build/html/"
	@echo "make lab     open the notebooks in JupyterLab (kernel: Python 3 (policytext))"
	@echo "make test    run the whole test suite (import contract, unit tests, notebooks, site, corpus)"
	@echo "make check   the quick loop: import contract and unit tests (no notebooks, site or corpus runs)"
	@echo "make bench   time the library on the bundled report and the bundled corpus (data/raw/corpus)"
	@echo "make handouts  student copies of the notebooks without solutions, and the answer key (build/handouts/)"
	@echo "make setup   create $(VENV) and install the pinned dependencies (run and test do this)"
	@echo "make clean   remove generated files (build/, data/processed/, caches)"

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -c constraints.txt -e '.[plots,notebooks,test,cluster]'
	touch $@

run: setup
	$(RUNPY) -m policybook --report $(call quote,$(REPORT)) --folder $(call quote,$(FOLDER)) --tables $(call quote,$(OUT))
	@echo Tables: $(call quote,$(OUT)/) "(CSV with BOM for Excel, Parquet for pandas, R and Stata)."
	@echo "Executed notebooks: build/notebooks/   Site: build/html/index.html"

lab: setup
	$(BIN)/python -m ipykernel install --sys-prefix --name policytext --display-name "Python 3 (policytext)" >/dev/null
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

lint: setup
	PYTHONPATH=lib $(BIN)/lint-imports --no-cache

test: lint
	$(BIN)/python -m pytest

check: lint
	$(BIN)/python -m pytest -m "not slow and not corpus" -q

bench: setup
	$(RUNPY) tests/benchmarks/bench.py

handouts: setup
	$(RUNPY) -m policybook.handouts build/handouts

clean:
	rm -rf build _build data/processed .pytest_cache .hypothesis .import_linter_cache
	find . -name __pycache__ -type d -prune -not -path './$(VENV)/*' -exec rm -rf {} +
