"""The names the command line and the library share: version, formats, backends, scopes, file kinds, tables.

One home for each list, in a module with no third-party import, so that ``policytext`` builds its
argument parser and answers a rerun on an unchanged corpus without importing pandas.
"""

from __future__ import annotations

__all__ = ["__version__", "FORMATS", "BACKENDS", "DEFAULT_BACKEND", "SCOPES", "TEXT_SUFFIXES", "HTML_SUFFIXES",
           "REPORT_SUFFIXES", "FOLDER_SUFFIXES", "TABLES", "DEFAULT_TABLES"]

__version__ = "0.1.0"

#: Table formats: CSV (UTF-8 with a byte-order mark), JSON Lines, Parquet.
FORMATS = ("csv", "jsonl", "parquet")

#: Segmentation engines: rjieba (jieba-rs, the Rust port; the default) and jieba (the pure-Python reference).
BACKENDS = ("rjieba", "jieba")
DEFAULT_BACKEND = "rjieba"

#: The units an analysis can be computed per, largest first (see :mod:`policytext.tokens.scopes`).
SCOPES = ("report", "chapter", "section", "paragraph")

#: File kinds :func:`~policytext.document.reading.read_report` reads, by suffix.
TEXT_SUFFIXES = (".txt", ".text", ".md", "")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
REPORT_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + (".docx", ".pdf")
#: The files of a folder that ``policytext analyze`` reads (no extension-less or Markdown files).
FOLDER_SUFFIXES = tuple(s for s in REPORT_SUFFIXES if s not in ("", ".md"))

#: The tables ``policytext analyze`` writes for every report, in this order.
TABLES = ("reports", "audit", "paragraphs", "sentences", "tokens", "keywords", "indicators", "targets", "themes")
#: The tables written unless others are asked for: all but ``tokens`` (about 18 times the size of the text,
#: and rebuilt by ``tokenize`` in a second when a notebook needs it), what a researcher opens first.
DEFAULT_TABLES = tuple(t for t in TABLES if t != "tokens")
