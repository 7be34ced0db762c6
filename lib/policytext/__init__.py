"""policytext: mining Chinese government work reports (政府工作报告).

Reading and cleaning → structure and segmentation → analyses → CLI and
notebooks.  Each layer imports only from the layers below it.

The names below load their module on first use (PEP 562), so that ``import
policytext`` does not import pandas: the command line answers a rerun on an
unchanged corpus without it.
"""

from importlib import import_module

from .errors import PolicyTextError, ReportError

__version__ = "0.1.0"

_LAZY = {
    "CleanText": "cleaning", "clean_text": "cleaning", "restore_raw": "cleaning",
    "Report": "document", "report_from_text": "document",
    "Metadata": "metadata", "extract_metadata": "metadata",
    "read_report": "reading",
}

__all__ = [
    "CleanText", "Metadata", "PolicyTextError", "Report", "ReportError",
    "clean_text", "extract_metadata", "read_report", "report_from_text", "restore_raw",
    "__version__",
]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'policytext' has no attribute {name!r}")
    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value  # loaded once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
