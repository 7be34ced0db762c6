"""Shared fixtures: the bundled report, the development corpus (optional), the tokenizer."""

from __future__ import annotations

from pathlib import Path

import pytest

from policytext import paths, read_report

CORPUS_REASON = (f"development corpus not found at {paths.CORPUS} "
                 "(it lives in ../shared/corpus beside the checkout; set POLICYTEXT_CORPUS to point elsewhere)")


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
    from policytext.segmentation import get_tokenizer

    return get_tokenizer()
