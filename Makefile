# policytext — the two commands of the README are `make run` and `make test`.
# Both set up .venv first (python3 -m venv, then the pinned dependencies of pyproject.toml).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
REPORT ?= data/raw/2018_district_qingshan.txt
OUT    ?= data/processed
PIP    := $(BIN)/python -m pip --disable-pip-version-check --no-input

.PHONY: setup run lab test bench clean help

help:
	@echo "make run     analyse REPORT (default: the bundled report): tables in $(OUT)/, site in build/html/"
	@echo "make lab     open the notebooks in JupyterLab (kernel: Python 3 (policytext))"
	@echo "make test    run the whole test suite"
	@echo "make bench   time the library on the bundled report and ../shared/corpus"
	@echo "make setup   create $(VENV) and install the pinned dependencies (run and test do this)"
	@echo "make clean   remove generated files (build/, data/processed/, caches)"

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -e '.[plots,notebooks,test]'
	touch $@

run: setup
	$(BIN)/python -m policytext.book --report $(REPORT) --tables $(OUT)
	@echo "Tables: $(OUT)/ (CSV with BOM for Excel, Parquet for pandas, R and Stata)."
	@echo "Executed notebooks: build/notebooks/   Site: build/html/index.html"

lab: setup
	$(BIN)/python -m ipykernel install --sys-prefix --name policytext --display-name "Python 3 (policytext)" >/dev/null
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python tests/benchmarks/bench.py

clean:
	rm -rf build _build data/processed .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -not -path './$(VENV)/*' -exec rm -rf {} +
