"""Lossless text rewriting: edits that always know where they came from.

The cleaner changes a report in several passes (line endings, then page
furniture, then character widths).  Each pass sees the text as the previous
pass left it, but every change must be recorded against the *raw* text so
that

* any span of the cleaned text maps back to the exact span of the raw text,
* the raw text can be rebuilt from the cleaned text plus the audit.

:class:`Rewriter` keeps the text as a list of pieces.  A piece is either an
unchanged stretch of the raw text or an edit (raw span, replacement, reason).
When a later pass edits text that overlaps an earlier edit, the two are merged
into one audit row covering both raw spans, so audit rows never overlap and
rebuilding the raw text is a simple splice.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Iterable, NamedTuple

import numpy as np

__all__ = ["Edit", "Rewriter", "OffsetMap", "restore_raw", "AUDIT_COLUMNS"]

#: The columns of an audit table, in order: the fields of :class:`Edit`.
AUDIT_COLUMNS = ["raw_start", "raw_end", "clean_start", "clean_end", "original", "replacement", "reason", "detail",
                 "action"]


class Edit(NamedTuple):
    """One audit row: the raw span ``raw_start:raw_end`` became ``replacement``.

    ``clean_start:clean_end`` is where the replacement sits in the cleaned
    text.  ``action`` is ``"replace"`` or ``"delete"`` for changes and
    ``"flag"`` for spans that are reported but left as they are (masked
    characters), in which case ``original == replacement``.
    """

    raw_start: int
    raw_end: int
    clean_start: int
    clean_end: int
    original: str
    replacement: str
    reason: str
    detail: str
    action: str


class _Piece(NamedTuple):
    raw_start: int
    raw_end: int
    text: str
    reason: str | None  # None: an unchanged stretch of the raw text
    detail: str


class _Proposed(NamedTuple):
    start: int
    end: int
    replacement: str
    reason: str
    detail: str


class Rewriter:
    """Apply successive passes of edits to a text, keeping a lossless audit."""

    def __init__(self, raw: str):
        self.raw = raw
        self._pieces: list[_Piece] = [_Piece(0, len(raw), raw, None, "")] if raw else []
        self._text: str | None = raw

    @property
    def text(self) -> str:
        """The text as the passes so far have left it."""
        if self._text is None:
            self._text = "".join(p.text for p in self._pieces)
        return self._text

    def apply(self, edits: Iterable[tuple[int, int, str, str, str]]) -> None:
        """Apply one pass of edits given in coordinates of the current :attr:`text`.

        ``edits`` are ``(start, end, replacement, reason, detail)`` with
        ``start < end``; they must not overlap each other.  An edit that
        overlaps an earlier pass's edit absorbs it (one audit row covering both
        raw spans); edits of this pass that touch the same earlier edit are
        merged with it into one row, which keeps the reason of the first.
        """
        proposed = sorted((_Proposed(*e) for e in edits), key=lambda e: e.start)
        if not proposed:
            return
        for e in proposed:
            if e.end <= e.start:
                raise ValueError(f"empty edit at {e.start}; insertions are not supported")
        for prev, nxt in zip(proposed, proposed[1:]):
            if nxt.start < prev.end:
                raise ValueError(f"overlapping edits at {prev.start}:{prev.end} and {nxt.start}:{nxt.end}")
        text = self.text
        if proposed[-1].end > len(text):
            e = proposed[-1]
            raise ValueError(f"edit {e.start}:{e.end} lies beyond the end of the text")
        pieces = list(self._pieces)
        spans, pos = [], 0  # span of every piece in current-text coordinates
        for p in pieces:
            spans.append([pos, pos + len(p.text)])
            pos += len(p.text)
        groups = self._groups(proposed, pieces, spans)
        out: list[_Piece] = []
        k = 0
        for start, end, members in groups:
            while spans[k][1] <= start:  # pieces wholly before the group (and deletions at its start)
                out.append(pieces[k])
                k += 1
            p, (c0, _) = pieces[k], spans[k]
            if p.reason is None and c0 < start:  # keep the head of an unchanged piece
                out.append(_Piece(p.raw_start, p.raw_start + start - c0, p.text[:start - c0], None, ""))
            raw_start = p.raw_start + (start - c0 if p.reason is None else 0)
            while spans[k][1] < end or spans[k][0] == spans[k][1]:  # pieces inside the group
                k += 1
            p, (c0, c1) = pieces[k], spans[k]
            if p.reason is None:
                raw_end = p.raw_start + end - c0
                if end < c1:  # keep the tail of an unchanged piece for what follows
                    pieces[k] = _Piece(raw_end, p.raw_end, p.text[end - c0:], None, "")
                    spans[k] = [end, c1]
                else:
                    k += 1
            else:  # an earlier edit ends the group
                raw_end = p.raw_end
                k += 1
            parts, cut = [], start
            for e in members:
                parts += [text[cut:e.start], e.replacement]
                cut = e.end
            parts.append(text[cut:end])
            out.append(_Piece(raw_start, raw_end, "".join(parts), members[0].reason, members[0].detail))
        out.extend(pieces[k:])
        self._pieces = out
        self._text = None

    @staticmethod
    def _groups(proposed: list[_Proposed], pieces: list[_Piece], spans: list[list[int]]):
        """Spans ``[start, end)`` of the text each edit replaces, widened to the earlier edits it
        overlaps, merged where they overlap; with the edits of each, in order."""
        starts = [c0 for c0, _ in spans]
        groups: list[tuple[int, int, list[_Proposed]]] = []
        for e in proposed:
            start, end = e.start, e.end
            k = max(bisect.bisect_left(starts, e.start) - 1, 0)
            while k < len(pieces) and starts[k] < e.end:
                c0, c1 = spans[k]
                if pieces[k].reason is not None and (c0 < e.end and e.start < c1 if c1 > c0 else e.start < c0):
                    start, end = min(start, c0), max(end, c1)
                k += 1
            if groups and start < groups[-1][1]:
                first, last, members = groups.pop()
                groups.append((min(first, start), max(last, end), members + [e]))
            else:
                groups.append((start, end, [e]))
        return groups

    def edits(self) -> list[Edit]:
        """The audit rows so far, in raw order."""
        rows: list[Edit] = []
        clean = 0
        for p in self._pieces:
            n = len(p.text)
            if p.reason is not None:
                original = self.raw[p.raw_start:p.raw_end]
                rows.append(Edit(p.raw_start, p.raw_end, clean, clean + n, original, p.text,
                                 p.reason, p.detail, "replace" if n else "delete"))
            clean += n
        return rows

    def offset_map(self) -> "OffsetMap":
        """Map every character of the current text to its raw span."""
        starts, ends = [], []
        for p in self._pieces:
            n = len(p.text)
            if not n:
                continue
            if p.reason is None or n == p.raw_end - p.raw_start:
                s = np.arange(p.raw_start, p.raw_start + n, dtype=np.int64)
                starts.append(s)
                ends.append(s + 1)
            else:  # a replacement of different length: every character covers the whole raw span
                starts.append(np.full(n, p.raw_start, dtype=np.int64))
                ends.append(np.full(n, p.raw_end, dtype=np.int64))
        empty = np.zeros(0, dtype=np.int64)
        return OffsetMap(
            np.concatenate(starts) if starts else empty,
            np.concatenate(ends) if ends else empty,
            len(self.raw),
        )


@dataclass(frozen=True)
class OffsetMap:
    """Character-level map from cleaned-text positions to raw-text spans.

    ``starts[i]:ends[i]`` is the raw span that produced cleaned character
    ``i``.  A cleaned span ``a:b`` maps to ``starts[a]:ends[b-1]``, which
    never includes text the cleaner removed at either edge.
    """

    starts: np.ndarray
    ends: np.ndarray
    raw_length: int

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``(start, end)`` of the cleaned span ``start:end``."""
        n = len(self.starts)
        if not 0 <= start <= end <= n:
            raise IndexError(f"span {start}:{end} outside cleaned text of length {n}")
        if start == end:
            pos = int(self.starts[start]) if start < n else self.raw_length
            return pos, pos
        return int(self.starts[start]), int(self.ends[end - 1])

    def raw_spans(self, starts, ends) -> tuple[np.ndarray, np.ndarray]:
        """Vectorised :meth:`raw_span` for arrays of non-empty spans."""
        starts = np.asarray(starts, dtype=np.int64)
        ends = np.asarray(ends, dtype=np.int64)
        if len(starts) and (ends <= starts).any():
            raise ValueError("raw_spans() needs non-empty spans")
        return self.starts[starts], self.ends[ends - 1]


def restore_raw(clean_text: str, audit) -> str:
    """Rebuild the raw text from the cleaned text and its audit.

    ``audit`` is the audit table (``report.clean.audit``, or the table read back from its CSV or
    Parquet file) or its rows as :class:`Edit` values (``report.clean.edits``).  Flag rows
    (``action == "flag"``) change nothing and are skipped.

    >>> rw = Rewriter("各位代表:\\r\\n增长8%")
    >>> rw.apply([(4, 5, "：", "width", "ascii_punct"), (5, 6, "", "line_ending", "CRLF")])
    >>> rw.text, restore_raw(rw.text, rw.edits())
    ('各位代表：\\n增长8%', '各位代表:\\r\\n增长8%')
    """
    if hasattr(audit, "itertuples"):  # a table: its columns by name, whatever their order
        audit = (Edit(*row) for row in audit[AUDIT_COLUMNS].itertuples(index=False, name=None))
    parts, pos = [], 0
    for e in sorted((e for e in audit if e.action != "flag"), key=lambda e: (e.raw_start, e.raw_end)):
        parts.append(clean_text[pos:int(e.clean_start)])
        parts.append(e.original)
        pos = int(e.clean_end)
    parts.append(clean_text[pos:])
    return "".join(parts)
