"""policytext: mining Chinese government work reports (政府工作报告).

The library is layered, bottom to top, and the folders show the layers (``lint-imports`` checks
that no module imports from a layer above its own; the contracts are in ``pyproject.toml``):

* ``errors``, ``paths``, ``options``: foundations (no third-party import);
* :mod:`policytext.text`: characters, numerals, the number grammar, lexicons and cue lists, rewriting;
* :mod:`policytext.document`: reading a file, cleaning with an audit, metadata, structure;
* :mod:`policytext.tokens`: segmentation, the content-token filter, scopes;
* :mod:`policytext.analysis`: keywords, themes, topics, co-occurrence, indicators, targets, comparison;
* :mod:`policytext.corpus`: corpus runs and the table writers;
* :mod:`policytext.plotting` and :mod:`policytext.cli`: figures and the command line.

The short public API below loads its module on first use (lazy loading, as the Scientific Python
SPEC 1 recommends): ``import policytext`` stays cheap, so the command line answers a rerun on an
unchanged corpus without importing pandas.
"""

from importlib import import_module

from .errors import PolicyTextError, ReportError
from .options import __version__

_LAZY = {
    "read_report": "document.reading",
    "Report": "document.report", "report_from_text": "document.report",
    "clean_text": "document.cleaning", "CleanText": "document.cleaning",
    "restore_raw": "text.rewrite",
    "extract_metadata": "document.metadata", "Metadata": "document.metadata",
    "segment": "tokens.segmentation", "tokenize": "tokens.segmentation",
    "extract_indicators": "analysis.indicators",
    "score_themes": "analysis.themes", "load_dictionary": "analysis.themes",
    "term_frequencies": "analysis.keywords",
    "compare_targets": "analysis.targets",
}

__all__ = ["PolicyTextError", "ReportError", "__version__", *sorted(_LAZY)]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'policytext' has no attribute {name!r}")
    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value  # loaded once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
