"""The report object every analysis starts from, and its one constructor."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .cleaning import LONG_LINE, CleanText, clean_text
from .metadata import Metadata, extract_metadata
from .structure import Structure, parse_structure

__all__ = ["Report", "make_report", "report_from_text", "safe_doc_id"]


@dataclass(frozen=True, eq=False)
class Report:
    """A report as read from disk: raw text, cleaned text with audit, metadata, and its outline.

    ``raw_text`` is the file's text exactly as decoded (line endings
    untouched); every offset the library reports (``start``/``end``) indexes
    into it.  ``clean`` holds the cleaned text, its audit and the offset map.
    Build one with :func:`~policytext.document.reading.read_report` (a file) or
    :func:`report_from_text` (a string).
    """

    path: Path
    raw_text: str
    encoding: str
    source_format: str
    sha256: str
    clean: CleanText = field(repr=False)
    metadata: Metadata

    @property
    def doc_id(self) -> str:
        """A short identifier: the file name without its extension, as a safe name (:func:`safe_doc_id`)."""
        return safe_doc_id(self.path.name)

    @property
    def text(self) -> str:
        """The cleaned text (one paragraph per line)."""
        return self.clean.text

    @cached_property
    def structure(self) -> Structure:
        """The parsed outline (computed once, on first use)."""
        return parse_structure(self.clean, doc_id=self.doc_id)

    def context(self, start: int, end: int, *, width: int = 12) -> str:
        """The raw text around ``start:end`` with the span in brackets, line breaks shown as ⏎.

        >>> report_from_text("各位代表：\\n进一步降低企业制度**易成本。").context(15, 17, width=6)
        '降低企业制度【**】易成本。'
        """
        raw = self.raw_text
        left = raw[max(start - width, 0):start]
        right = raw[end:end + width]
        return f"{left}【{raw[start:end]}】{right}".replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")

    @cached_property
    def warnings(self) -> tuple[str, ...]:
        """What makes this report's tables less reliable than usual, one sentence each (empty when
        nothing does): lost line breaks, bytes that could not be decoded, no chapters found."""
        out = []
        edits = self.clean.edits
        inferred = sum(e.detail == "inferred_at_heading" for e in edits)
        longest = max(map(len, self.clean.text.split("\n")), default=0)
        if inferred or longest > LONG_LINE:
            out.append(f"line breaks lost: {inferred} paragraph breaks inferred at headings, longest paragraph "
                       f"{longest} characters; chapters, sections and statuses may be wrong")
        if "incomplete" in self.encoding:
            out.append("the file ends inside a character: its last bytes could not be decoded")
        if any(e.detail == "undecodable_bytes" for e in edits):
            out.append("undecodable bytes removed (see the audit)")
        if self.structure.chapters.empty:
            out.append("no chapters found: review and plan are not told apart, so statuses and years are unreliable")
        return tuple(out)

    def describe(self) -> dict:
        """One row of facts about the report, for a table of reports (``warnings``: :attr:`warnings`
        joined by ``; ``, empty when there are none)."""
        return {
            "doc_id": self.doc_id,
            "path": str(self.path),
            "format": self.source_format,
            "encoding": self.encoding,
            "sha256": self.sha256,
            "raw_chars": len(self.raw_text),
            "clean_chars": len(self.clean.text),
            **self.metadata.as_dict(),
            "warnings": "; ".join(self.warnings),
        }


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_doc_id(file_name: str) -> str:
    """The file name without its extension, made safe as a folder name on every system: path
    separators and control characters become ``_``, and a name of dots only (``...txt`` → ``..``) or an
    empty one becomes ``report``.  Writers can therefore put a report's tables under ``<folder>/<doc_id>/``.

    >>> safe_doc_id("2018_district_qingshan.txt"), safe_doc_id("...txt"), safe_doc_id("a/b.txt")
    ('2018_district_qingshan', 'report', 'a_b')
    """
    stem = Path(_UNSAFE.sub("_", file_name)).stem.strip(" ")
    return "report" if not stem.strip(".") else stem


def make_report(raw_text: str, *, path: str | Path, encoding: str, source_format: str, sha256: str) -> Report:
    """A :class:`Report` from its raw text: cleaned (with the audit) and its metadata read.

    The one constructor: :func:`~policytext.document.reading.read_report` calls it with what it
    learnt from the file, :func:`report_from_text` with a string.
    """
    clean = clean_text(raw_text)
    path = Path(path)
    return Report(path=path, raw_text=raw_text, encoding=encoding, source_format=source_format, sha256=sha256,
                  clean=clean, metadata=extract_metadata(clean.text, file_name=path.name))


def report_from_text(text: str, *, name: str = "text.txt") -> Report:
    """Build a :class:`Report` from a string (for examples and tests).

    >>> r = report_from_text("政府工作报告\\n各位代表：\\n一、2017年工作回顾\\n2017年，全区经济企稳向好。")
    >>> r.metadata.year
    2018
    """
    return make_report(text, path=name, encoding="str", source_format="text",
                       sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
