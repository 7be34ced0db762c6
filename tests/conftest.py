"""Shared fixtures: the bundled report, the development corpus (optional), the tokenizer, executed notebooks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policytext import paths, read_report

CORPUS_REASON = (f"development corpus not found at {paths.CORPUS} "
                 "(it is bundled in data/raw/corpus; POLICYTEXT_CORPUS points elsewhere)")


def corpus_files() -> list[Path]:
    """The corpus reports, sorted; empty when the corpus is absent."""
    return sorted(paths.CORPUS.glob("*.txt")) if paths.CORPUS.is_dir() else []


@pytest.fixture(scope="session")
def bundled():
    return read_report(paths.BUNDLED_REPORT)


@pytest.fixture(scope="session")
def corpus():
    files = corpus_files()
    if not files:
        pytest.skip(CORPUS_REASON)
    return {f.stem: read_report(f) for f in files}


@pytest.fixture(scope="session")
def tokenizer():
    from policytext.tokens.segmentation import get_tokenizer

    return get_tokenizer()


def _execute_notebooks(report: Path, out: Path) -> list[Path]:
    """Execute every notebook on ``report`` into ``out`` as the run does (two at a time); the executed copies."""
    from policybook.notebooks import execute_all, notebooks

    execute_all(report, out, jobs=2)
    return notebooks(out)


@pytest.fixture(scope="session")
def execute_notebooks():
    """``execute_notebooks(report, out)``: every notebook executed on ``report``."""
    return _execute_notebooks


@pytest.fixture(scope="session")
def processed(tmp_path_factory):
    """Derived tables of the notebooks go to a temporary folder, not data/processed."""
    folder = tmp_path_factory.mktemp("processed")
    old = os.environ.get("POLICYTEXT_PROCESSED")
    os.environ["POLICYTEXT_PROCESSED"] = str(folder)  # the kernels inherit it
    yield folder
    if old is None:
        del os.environ["POLICYTEXT_PROCESSED"]
    else:
        os.environ["POLICYTEXT_PROCESSED"] = old


@pytest.fixture(scope="session")
def executed_bundled(tmp_path_factory, processed):
    """Every notebook executed once on the bundled report (shared by the notebook and site tests)."""
    return _execute_notebooks(paths.BUNDLED_REPORT, tmp_path_factory.mktemp("executed"))
