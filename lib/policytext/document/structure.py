"""The outline of a report: parts, chapters, sections, paragraphs, sentences.

:func:`parse_structure` reads the cleaned text (one paragraph per line) and
returns tidy tables with provenance.  Every row carries the raw character
offsets ``start``/``end`` of its text, so any result traces back to the file.

How a report is divided, and the cues used (general across reports, never a
list of one report's headings):

* **front matter**: title, date line, speaker, page remains, up to and
  including a short salutation line (``各位代表：``).
* **chapters**: numbered from 1; a long un-headed stretch before chapter 一
  (at least 500 characters and 15% of the body) is chapter 0.  Chapters are lines numbered ``一、`` ``二、`` … (or ``第一部分``) that look
  like headings (short, or not ending a sentence), accepted only in sequence;
  a list that restarts at ``一、`` ends the chapters (appendix items after the
  closing are numbered that way).  Reports without numbered chapters use
  stand-alone short lines with no closing punctuation (``2026年重点工作``).  A
  report with neither is one chapter.
* **sections**: paragraphs opening with ``（一）``/``(一)``, in sequence within
  a chapter; the title is the opening phrase up to the first full stop.  Where the chapters are
  unnumbered titles, items numbered ``一、``, ``二、`` … in sequence under a chapter are its sections
  (unless the chapter has ``（一）`` sections of its own).
* **closing**: the last salutation paragraph (``各位代表！``…) in the last
  chapter after which no heading follows and at most a few paragraphs remain.
* **appendix**: glossaries and annexes after the closing, opened by a line
  such as ``附件``, ``注释``, ``名词解释``.
* **chapter role**: ``review`` (…工作回顾), ``tasks`` (…主要任务, …工作安排,
  …重点工作) or ``other`` (政府自身建设, 外交 …), from the heading, or when the
  heading says nothing about it, from the chapter's verbs (了/完成 vs 要/将/力争).
* **lead**: a paragraph's opening heading phrase (``发展规划逐步完善。``,
  ``防洪水：``) when it is short, has no comma and more text follows; a
  section's title; or a stand-alone heading phrase (kind ``subheading``,
  ``一是推动经济运行稳中向好。``) followed by a longer paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..text.chars import CLOSERS, TERMINATORS, Line, split_lines
from ..text.numerals import CN_DIGITS, small_number
from .cues import (APPENDIX_HEADING, ENDS_WITH_SALUTATION, OPENS_WITH_SALUTATION, heading_role, is_report_text,
                   role_from_text)

if TYPE_CHECKING:
    from .cleaning import CleanText

__all__ = ["Structure", "parse_structure", "PARAGRAPH_COLUMNS", "SENTENCE_COLUMNS", "chapter_role"]

PARTS = ("front_matter", "body", "closing", "appendix")
PARAGRAPH_COLUMNS = ["doc_id", "part", "chapter", "chapter_title", "chapter_role", "section", "section_title",
                     "paragraph", "kind", "bullet", "lead", "start", "end", "clean_start", "clean_end",
                     "n_chars", "text"]
SENTENCE_COLUMNS = ["doc_id", "part", "chapter", "chapter_title", "chapter_role", "section", "section_title",
                    "paragraph", "sentence", "sentence_in_paragraph", "is_lead", "start", "end",
                    "clean_start", "clean_end", "n_chars", "text"]

_NUMBERED = re.compile(rf"^(?:第([{CN_DIGITS}]{{1,3}})(?:部分|章)[、：:\s]*|([{CN_DIGITS}]{{1,3}})[、．.](?![是要])\s*)(.+)$")
_SECTION = re.compile(rf"^[（(〔]([{CN_DIGITS}]{{1,3}})[）)〕]\s*(.*)$")
_BULLET = re.compile(r"^(——|－－|--|—)\s*")
_END_PUNCT = re.compile(f"[{TERMINATORS}；：，、]$")
_SENTENCE = re.compile(f"[^{TERMINATORS}]*(?:[{TERMINATORS}]+[{CLOSERS}]*|$)")
_LEAD = re.compile(r"^([^，。：；！？,;:!?]{2,30}?)([。：！；:])")
_SUBLEAD = re.compile(r"(?<=[。；])([^，。：；！？]{2,10}：)")


#: Closings are short: the salutation paragraph and at most this many after it.
MAX_CLOSING_PARAGRAPHS = 12
#: Longest lead phrase ending in a colon (longer ones introduce a list).
MAX_COLON_LEAD = 12
#: Text before chapter 一 becomes chapter 0 when it is at least this long (and 15% of the body).
MIN_PREAMBLE_CHARS = 500


@dataclass(frozen=True, eq=False)
class Structure:
    """A report's outline as tidy tables (one row per paragraph / sentence)."""

    paragraphs: pd.DataFrame
    sentences: pd.DataFrame

    @property
    def chapters(self) -> pd.DataFrame:
        """One row per chapter.

        Returns:
            ``chapter`` (number), ``chapter_title``, ``chapter_role`` (review, tasks, …), ``sections``,
            ``paragraphs``, ``n_chars`` and the raw span ``start, end``.
        """
        body = self.paragraphs[self.paragraphs["chapter"].notna()]
        if body.empty:
            return pd.DataFrame(columns=["chapter", "chapter_title", "chapter_role", "sections",
                                         "paragraphs", "n_chars", "start", "end"])
        grouped = body.groupby("chapter", sort=True)
        return pd.DataFrame({
            "chapter_title": grouped["chapter_title"].first(),
            "chapter_role": grouped["chapter_role"].first(),
            "sections": grouped["section"].nunique(),
            "paragraphs": grouped.size(),
            "n_chars": grouped["n_chars"].sum(),
            "start": grouped["start"].min(),
            "end": grouped["end"].max(),
        }).reset_index()

    @property
    def sections(self) -> pd.DataFrame:
        """One row per section (section 0: a chapter's text before its first section).

        Returns:
            ``chapter, chapter_title, chapter_role, section, section_title, paragraphs, n_chars``,
            ``leads`` (the lead phrases of its paragraphs, ` / `-joined) and the raw span ``start, end``.
        """
        body = self.paragraphs[self.paragraphs["section"].notna()]
        columns = ["chapter", "chapter_title", "chapter_role", "section", "section_title", "paragraphs",
                   "n_chars", "leads", "start", "end"]
        if body.empty:
            return pd.DataFrame(columns=columns)
        grouped = body.groupby(["chapter", "section"], sort=True)
        out = grouped.agg(chapter_title=("chapter_title", "first"), chapter_role=("chapter_role", "first"),
                          section_title=("section_title", "first"), paragraphs=("paragraph", "size"),
                          n_chars=("n_chars", "sum"), start=("start", "min"), end=("end", "max"))
        leads = body[body["kind"] != "section"].dropna(subset=["lead"]).groupby(["chapter", "section"])["lead"]
        out["leads"] = leads.agg(" / ".join)
        return out.reset_index()[columns]

    @property
    def parts(self) -> pd.DataFrame:
        """Characters and paragraphs per part: ``part`` (front matter, body, closing, appendix),
        ``paragraphs, n_chars``."""
        grouped = self.paragraphs.groupby("part", sort=False)
        out = pd.DataFrame({"paragraphs": grouped.size(), "n_chars": grouped["n_chars"].sum()})
        return out.reindex([p for p in PARTS if p in out.index]).reset_index()

    def outline(self) -> str:
        """The headings as indented text, for a quick look."""
        lines = []
        for row in self.paragraphs.itertuples():
            if row.kind == "heading":
                lines.append(f"{row.chapter}. {row.chapter_title}  [{row.chapter_role}]")
            elif row.kind == "section":
                lines.append(f"    ({row.section}) {row.section_title}")
        return "\n".join(lines)


def chapter_role(title: str | None, text: str = "") -> str:
    """``review``, ``tasks`` or ``other`` for a chapter heading (and its text when the heading is silent).

    The heading's words decide (``resources/cues/heading_*.txt``); a heading that names no role is
    read from the chapter's tense markers (:func:`~policytext.document.cues.role_from_text`).

    >>> chapter_role("2017年工作回顾"), chapter_role("2018年主要任务"), chapter_role("加强政府自身建设")
    ('review', 'tasks', 'other')
    """
    return heading_role(title) or role_from_text(text)


def _body_start(lines: list[Line]) -> int:
    """Index of the first body line (after title, date line and salutation)."""
    for line in lines[:40]:
        if ENDS_WITH_SALUTATION.search(line.text) and len(line.text) <= 40:
            return line.index + 1
        if OPENS_WITH_SALUTATION.match(line.text):
            return line.index
    for line in lines:  # no salutation: the body opens at the first full paragraph
        if is_report_text(line.text):
            return line.index
    return 0


def _heading_like(text: str, limit: int = 60) -> bool:
    return len(text) <= limit and (not re.search(f"[{TERMINATORS}；]$", text) or len(text) <= 25)


def _numbered_chapters(lines: list[Line], start: int, stop: int) -> list[tuple[int, str]]:
    chapters: list[tuple[int, str]] = []
    for line in lines[start:stop]:
        m = _NUMBERED.match(line.text)
        if not m or not _heading_like(line.text):
            continue
        number = small_number(m.group(1) or m.group(2))
        if number == len(chapters) + 1:
            chapters.append((line.index, m.group(3).strip()))
        elif number == 1 and chapters:
            break  # a list restarting at 一、 is not the chapter sequence
    return chapters


def _bare_chapters(lines: list[Line], start: int, stop: int) -> list[tuple[int, str]]:
    out = []
    for line in lines[start:stop - 1]:
        t = line.text
        if (4 <= len(t) <= 40 and not _END_PUNCT.search(t) and not _SECTION.match(t)
                and not _BULLET.match(t) and not OPENS_WITH_SALUTATION.match(t) and not re.match(r"\d+[.、．]", t)
                and not _NUMBERED.match(t)):
            out.append((line.index, t))
    return out


def _preamble_chapters(lines: list[Line], body_start: int, numbered: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Un-numbered chapter headings before chapter 一 (a review placed ahead of numbered task chapters).

    Some reports open with un-numbered parts (``“十四五”时期发展成就和2025年工作回顾``) and number
    only the chapters of the new year's work.  When the text before ``一、`` is long and holds
    stand-alone headings that name a review or a plan, those headings open chapters too.
    """
    first = numbered[0][0]
    preamble = sum(len(l.text) for l in lines[body_start:first])
    body = sum(len(l.text) for l in lines[body_start:])
    if preamble < 0.15 * body:
        return []
    return [(i, t) for i, t in _bare_chapters(lines, body_start, first + 1)
            if heading_role(t) in ("review", "tasks")]


def _appendix_start(lines: list[Line], start: int) -> int:
    for line in lines[start:]:
        if APPENDIX_HEADING.match(line.text) and len(line.text) <= 40:
            return line.index
    return len(lines)


def _closing_start(lines: list[Line], first: int, stop: int, headings: set[int]) -> int | None:
    """The salutation paragraph that opens the closing, searched in lines ``first:stop``.

    National reports address 各位代表！ several times in their last chapter
    (before Hong Kong and Taiwan, before foreign policy); the closing is the
    last such address, with no heading after it and only a few paragraphs.
    """
    last_heading = max((h for h in headings if h < stop), default=first - 1)
    for line in reversed(lines[max(first, last_heading + 1):stop]):
        if OPENS_WITH_SALUTATION.match(line.text):
            return line.index if stop - line.index <= MAX_CLOSING_PARAGRAPHS + 1 else None
    return None


def _sentences(text: str) -> list[tuple[int, int, bool]]:
    """Sentence spans ``(start, end, is_lead)`` within one paragraph.

    Sentences end at 。！？ (with any closing quote).  A lead phrase
    (``发展规划逐步完善。``) and a short colon-led phrase inside the paragraph
    (``防洪水：``) are sentences of their own, marked ``is_lead``.
    """
    cuts = {0, len(text)}
    cuts.update(m.end() for m in _SENTENCE.finditer(text))
    leads = set()
    lead_end = _lead_end(text)
    if lead_end:
        cuts.add(lead_end)
        leads.add((0, lead_end))
    for m in _SUBLEAD.finditer(text):
        cuts.update((m.start(), m.end()))
        leads.add((m.start(), m.end()))
    ordered = sorted(cuts)
    return [(a, b, (a, b) in leads) for a, b in zip(ordered, ordered[1:]) if b > a]


def _strip_marker(text: str) -> tuple[str, int]:
    """``text`` without a leading ``（一）``/``——``/``一、`` marker, and the marker's length."""
    for pattern in (_SECTION, _BULLET):
        m = pattern.match(text)
        if m:
            cut = m.start(2) if pattern is _SECTION else m.end()
            return text[cut:], cut
    return text, 0


def _is_subheading(text: str, lines: list[Line], i: int) -> bool:
    """A stand-alone heading phrase (``一是推动经济运行稳中向好。``) followed by a longer paragraph."""
    return (4 <= len(text) <= 30 and not re.search("[，,；]", text) and not OPENS_WITH_SALUTATION.match(text)
            and bool(re.search("[\u4e00-\u9fff]", text)) and i + 1 < len(lines)
            and len(lines[i + 1].text) > 2 * len(text) and not re.search("[！？]$", text))


def _lead_end(text: str) -> int | None:
    """End (after its punctuation) of the paragraph's opening heading phrase, if it has one.

    A phrase ending in a colon is a lead only when short (``防洪水：``, ``红钢城商务城：``); a
    longer one introduces a list (``2018年全区经济社会发展主要目标安排为：``).
    """
    body, offset = _strip_marker(text)
    m = _LEAD.match(body)
    if m and len(body) - m.end() >= 10 and (m.group(2) not in "：:" or len(m.group(1)) <= MAX_COLON_LEAD):
        return offset + m.end()
    return None


def _lead(text: str) -> str | None:
    end = _lead_end(text)
    if end is None:
        return None
    return _strip_marker(text[:end])[0].rstrip("。：！；:").strip()


def _section_title(rest: str) -> str:
    m = re.match(f"[^{TERMINATORS}：；]{{1,80}}", rest)
    return (m.group() if m else rest[:80]).strip()


def parse_structure(clean: "CleanText", *, doc_id: str) -> Structure:
    """Parse a cleaned report text into paragraph and sentence tables.

    ``clean`` is the cleaned text with its offset map (``report.clean``; a
    :class:`~policytext.document.report.Report` parses itself on first use of
    ``report.structure``).  Offsets ``start``/``end`` are in the raw text;
    ``clean_start``/``clean_end`` in the cleaned text.

    Returns:
        A :class:`Structure`: ``paragraphs`` (columns :data:`PARAGRAPH_COLUMNS`: ``part``,
        integer ``chapter``/``section`` (missing outside chapters / before a chapter's first
        section), titles, ``chapter_role``, ``paragraph``, ``kind``, ``lead``, offsets, ``text``) and
        ``sentences`` (:data:`SENTENCE_COLUMNS`, the same with ``sentence`` and ``is_lead``).
    """
    lines = split_lines(clean.text) if clean.text else []
    body_start = _body_start(lines)
    appendix = _appendix_start(lines, body_start + 1)
    chapters = _numbered_chapters(lines, body_start, appendix)
    bare = not chapters  # chapters are unnumbered titles: their numbered items (一、…) are sections
    if not chapters:
        chapters = _bare_chapters(lines, body_start, appendix)
    else:
        chapters = _preamble_chapters(lines, body_start, chapters) + chapters
    heading_at = dict(chapters)
    section_lines = {l.index for l in lines[body_start:appendix] if _SECTION.match(l.text)}
    first_chapter = chapters[0][0] if chapters else body_start
    closing = _closing_start(lines, first_chapter, appendix, set(heading_at) | section_lines)
    body_end = closing if closing is not None else appendix

    # chapter texts (for the role fallback) and roles
    spans = [(idx, title) for idx, title in chapters]
    bounds = [idx for idx, _ in spans] + [body_end]
    roles = {}
    for k, (idx, title) in enumerate(spans):
        text = "".join(l.text for l in lines[idx + 1:bounds[k + 1]])
        roles[idx] = chapter_role(title, text)
    implicit = not chapters  # a report without headings is one chapter
    implicit_role = chapter_role(None, "".join(l.text for l in lines[body_start:body_end])) if implicit else None
    # a long un-headed stretch before chapter 一 (2002: "首先报告2001年的工作。") is chapter 0
    preamble = "".join(l.text for l in lines[body_start:first_chapter]) if chapters else ""
    body_chars = sum(len(l.text) for l in lines[body_start:body_end])
    long_preamble = len(preamble) >= MIN_PREAMBLE_CHARS and len(preamble) > 0.15 * body_chars
    preamble_role = chapter_role(None, preamble) if long_preamble else None

    rows = []
    chapter = 0 if preamble_role else None
    section = 0
    role = preamble_role
    chapter_title = section_title = None
    bracketed = _chapters_with_bracketed_sections(lines, chapters, body_end, section_lines) if bare else set()
    for line in lines:
        i, text = line.index, line.text
        if i < body_start:
            part = "front_matter"
        elif i >= appendix:
            part = "appendix"
        elif i >= body_end:
            part = "closing"
        else:
            part = "body"
        kind = "paragraph"
        if part == "body":
            if i in heading_at:
                chapter, chapter_title, role = (chapter or 0) + 1, heading_at[i], roles[i]
                section, section_title = 0, None
                kind = "heading"
            elif implicit and chapter is None:
                chapter, chapter_title, role = 1, None, implicit_role
            m = _SECTION.match(text)
            item = _NUMBERED.match(text) if bare and not m and chapter not in bracketed else None
            if (m or item) and chapter is not None and kind != "heading":
                number = small_number(m.group(1) if m else (item.group(1) or item.group(2)))
                if number == section + 1:
                    section, section_title = number, _section_title(m.group(2) if m else item.group(3))
                    kind = "section"
            if kind == "paragraph" and _BULLET.match(text):
                kind = "bullet"
            elif kind == "paragraph" and _is_subheading(text, lines, i):
                kind = "subheading"
        in_chapter = part == "body" and chapter is not None
        rows.append({
            "part": part,
            "chapter": chapter if in_chapter else None,
            "chapter_title": chapter_title if in_chapter else None,
            "chapter_role": role if in_chapter else None,
            "section": section if in_chapter and section else None,
            "section_title": section_title if in_chapter and section else None,
            "paragraph": i + 1,
            "kind": kind,
            "bullet": kind == "bullet",
            "lead": (section_title if kind == "section" else text.rstrip("。：") if kind == "subheading"
                     else _lead(text))
                    if part == "body" and kind != "heading" else None,
            "clean_start": line.start,
            "clean_end": line.end,
            "n_chars": len(text),
            "text": text,
        })
    paragraphs = _frame(rows, clean, doc_id, PARAGRAPH_COLUMNS)

    sentence_rows = []
    number = 0
    for row in rows:
        for k, (s, e, is_lead) in enumerate(_sentences(row["text"]), start=1):
            number += 1
            text = row["text"][s:e]
            sentence_rows.append({
                **{c: row[c] for c in ("part", "chapter", "chapter_title", "chapter_role", "section",
                                       "section_title", "paragraph")},
                "sentence": number,
                "sentence_in_paragraph": k,
                "is_lead": bool(is_lead and row["kind"] != "heading" and row["part"] == "body"),
                "clean_start": row["clean_start"] + s,
                "clean_end": row["clean_start"] + e,
                "n_chars": len(text),
                "text": text,
            })
    sentences = _frame(sentence_rows, clean, doc_id, SENTENCE_COLUMNS)
    return Structure(paragraphs=paragraphs, sentences=sentences)


def _chapters_with_bracketed_sections(lines: list[Line], chapters: list[tuple[int, str]], end: int,
                                      section_lines: set[int]) -> set[int]:
    """The chapters (numbered from 1) that have sections written （一）: their 一、 items are lists, not sections."""
    starts = [idx for idx, _ in chapters] + [end]
    return {k + 1 for k in range(len(chapters)) if any(starts[k] < i < starts[k + 1] for i in section_lines)}


def _frame(rows: list[dict], clean, doc_id: str, columns: list[str]) -> pd.DataFrame:
    """The table of ``rows`` with the columns ``columns``: ``doc_id``, the raw ``start, end`` of each
    row's cleaned span (an empty span stays as it is) and integer ``chapter, section``; built once, in
    column order."""
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=columns)
    starts = df["clean_start"].to_numpy(dtype=np.int64)
    ends = df["clean_end"].to_numpy(dtype=np.int64)
    nonempty = ends > starts
    raw_start, raw_end = starts.copy(), ends.copy()
    if nonempty.any():
        raw_start[nonempty], raw_end[nonempty] = clean.offsets.raw_spans(starts[nonempty], ends[nonempty])
    made = {"doc_id": np.full(len(df), doc_id, dtype=object), "start": raw_start, "end": raw_end,
            "chapter": df["chapter"].astype("Int64"), "section": df["section"].astype("Int64")}
    return pd.DataFrame({c: made[c] if c in made else df[c] for c in columns})
