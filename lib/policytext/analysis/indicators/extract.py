"""Indicator extraction: every quantity a report states, one row per mention, with provenance.

:func:`extract_indicators` runs the number grammar of :mod:`policytext.numbers`
over every sentence, then reads each quantity's context:

* ``subject``: the thing measured, a short noun phrase from the clause.  For a
  count the noun after the classifier (``13家企业`` → 企业); otherwise the noun
  run before the number, without reporting verbs and scope words
  (``完成一般公共预算收入39亿元`` → 一般公共预算收入).  A number with no noun
  of its own (``，增长20%``, ``6个9人``) takes the subject of the number before
  it in the sentence.  Nouns are found with the policy tokenizer's POS tags.
* ``indicator``: the canonical name of a known economic indicator
  (``resources/indicators.tsv``: 社零总额 → 社会消费品零售总额).
* ``kind``: ``level`` (amounts), ``count`` (classifiers), ``growth`` (a change:
  ``增长8%``, ``提高3个百分点``, ``减少1386万人``, ``是…的7.5倍``), ``share``
  (a rate or proportion: ``签约率超过80%``, ``三分之二``), ``rank`` (``排名第一``).
* ``direction``: ``up``/``down`` for changes and for levels reached by a change
  (``提升至12.5万吨``); empty otherwise.
* ``status``: ``estimate`` (预计 in the clause), ``target`` (a tasks chapter,
  or 力争/确保/目标/预期 before the number), ``actual`` (a review chapter, or a
  paragraph of the plan chapter that looks back: 过去一年，…), ``other``.
* ``year``: the year the figure refers to: the year written right before it
  (由2010年的162.4亿元), or a year opening one of its clauses (2017年，…); else
  the chapter's year (one its heading names; review: the year before
  delivery; tasks: the year of delivery); none for five-year periods and for
  changes over several years (比2002年增长65.5%).
* ``headline``: the main results of the past year and the main targets of the
  new one: headline indicators (see the resource) in sentences that list at
  least two of them, or in the sentence announcing the year's main targets;
  the first mention of each indicator and kind.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from ...text.numbers import Candidate, scan_numbers
from .context import CONJUNCTION_ONLY, PHRASE_END, clause_start, kind_of, status_of
from .headlines import mark_headlines, targets_announced
from .lexicon import canonical_indicator
from .lists import pair_respectively
from .subjects import subject_of, trim_subject
from .timing import Frame, chapter_frame, figure_time, next_frame

if TYPE_CHECKING:
    from ...document.report import Report
    from ...tokens.segmentation import PolicyTokenizer

__all__ = ["extract_indicators", "INDICATOR_COLUMNS"]

INDICATOR_COLUMNS = [
    "doc_id", "start", "end", "number_text", "value", "value_max", "unit", "value_base", "base_unit", "approx",
    "qualifier", "direction", "subject", "indicator", "kind", "status", "year", "period_start", "period_end",
    "headline", "doubt", "part", "chapter",
    "chapter_role", "section", "paragraph", "sentence", "clean_start", "clean_end", "sentence_text",
]


_RANK_OVER_PERIOD = re.compile(r"年均|平均|累计|增速|增幅|稳定|保持|始终|连续")  # over the period, not at its end
_ESTIMATED = re.compile(r"预计[^。；，]{0,30}\d")


class _Row(NamedTuple):
    candidate: Candidate
    subject: str
    kind: str
    direction: str
    status: str
    year: int | None
    period_start: int | None
    period_end: int | None
    doubt: bool = False



def _sentence_rows(text: str, tokenizer: "PolicyTokenizer", role: str | None, part: str,
                   report_year: int | None, frame: Frame, written_before: bool = False) -> list[_Row]:
    rows: list[_Row] = []
    for c in (c for c in scan_numbers(text) if c.accepted):
        clause = clause_start(text, c.start)
        previous = rows[-1] if rows else None
        # the figure's own phrase: from the clause start (a list joined by 、 is one phrase: 教育、卫生…的支出)
        # or from the figure before it in the same clause, whichever is later
        phrase_start = clause_start(text, c.start, PHRASE_END)
        local = max(phrase_start, previous.candidate.end if previous and previous.candidate.end > phrase_start
                    else phrase_start)
        pre_text = text[local:c.start].lstrip("、和及与")
        first_qualifier = c.qualifier.split("|")[0]
        if first_qualifier and pre_text.endswith(first_qualifier):
            pre_text = pre_text[:len(pre_text) - len(first_qualifier)]
        kind, direction = kind_of(c, pre_text, text[clause:c.start])
        if previous and CONJUNCTION_ONLY.match(pre_text.strip()) and kind in ("share", "other", "level", "count") \
                and previous.kind == "growth" and c.unit_kind == previous.candidate.unit_kind:
            kind, direction = previous.kind, previous.direction  # 分别增长10.4%和7.4%
        subject = subject_of(text, c, pre_text, kind, previous, tokenizer)
        if previous and CONJUNCTION_ONLY.match(pre_text.strip()):  # 分别增至214对和69家: one time for both
            year, period_start, period_end = previous.year, previous.period_start, previous.period_end
        else:
            year, period_start, period_end = figure_time(text, c.start, c.end, local, frame, role=role,
                                                         report_year=report_year, written_before=written_before)
        if kind in ("rank", "share") and period_end is not None and year is None and not _RANK_OVER_PERIOD.search(
                text[clause_start(text, c.start):c.start]) and not direction:
            year, period_start, period_end = period_end, None, None  # a rank or a rate is a state at the period's end
        status = status_of(text, c.start, role, part, year if year is not None else period_end, report_year)
        rows.append(_Row(c, trim_subject(subject), kind, direction, status, year, period_start, period_end))
    if "分别" in text and len(rows) > 1:  # A、B分别增长x、y: pair the members with the figures
        pairing = pair_respectively(text, [(r.candidate.start, r.candidate.end) for r in rows],
                                    [r.subject for r in rows], tokenizer)
        rows = [r._replace(subject=trim_subject(pairing.subjects.get(i, r.subject)), doubt=i in pairing.doubtful)
                for i, r in enumerate(rows)]
    return rows


# ------------------------------------------------------------------ the report


class _Sentence(NamedTuple):  # the columns of the sentence table that extraction reads
    part: str
    chapter: object
    chapter_role: object
    chapter_title: object
    section: object
    paragraph: int
    sentence: int
    text: str
    clean_start: int


def extract_indicators(doc: "Report", *, tokenizer: "PolicyTokenizer | None" = None,
                       include_appendix: bool = False) -> pd.DataFrame:
    """One row per quantity the report states (see the module docstring for the columns).

    Args:
        doc: the report (:func:`~policytext.document.reading.read_report`).
        tokenizer: the segmenter for subjects (the default one when omitted).
        include_appendix: also read the annexes and glossaries after the closing (part
            ``appendix``: 注释, 名词解释, 附件 …), whose numbers explain terms rather than report
            results; left out by default.

    Returns:
        A table with the columns :data:`INDICATOR_COLUMNS`.  ``start``/``end`` are offsets in the
        raw text (line endings untouched), spanning the number with its unit;
        ``raw_text[start:end]`` is the figure as printed (before width normalisation).
    """
    from ...tokens.segmentation import get_tokenizer

    tokenizer = tokenizer or get_tokenizer()
    report_year = doc.metadata.year
    sentences = doc.structure.sentences
    # a review that estimates its year's figures (预计地区生产总值增长8%) was written before the report's year
    written_before = bool(sentences.loc[sentences["chapter_role"].eq("review"), "text"].str.contains(_ESTIMATED).any())
    records = []
    chapter, paragraph, frame = object(), None, Frame(None, None)
    for s in map(_Sentence._make, zip(*(sentences[c].tolist() for c in _Sentence._fields))):  # lists: fast to iterate
        if s.part == "front_matter" or (s.part == "appendix" and not include_appendix):
            continue
        role = s.chapter_role if isinstance(s.chapter_role, str) else None
        key = None if pd.isna(s.chapter) else int(s.chapter)
        if key != chapter:
            chapter = key
            chapter_time = frame = chapter_frame(s.chapter_title if isinstance(s.chapter_title, str) else None, role,
                                                 report_year)
        opens = s.paragraph != paragraph
        if opens and role == "tasks" and frame != chapter_time and frame.year is not None:
            frame = chapter_time  # a plan chapter looks back on the past year for one paragraph at most
        paragraph = s.paragraph
        frame = next_frame(frame, s.text, chapter=chapter_time, role=role, report_year=report_year,
                           opens_paragraph=opens)
        if role == "tasks" and report_year and frame.year is not None and frame.year < report_year:
            role = "review"  # 过去一年，我们…: the plan chapter looks back; its figures are results
        for r in _sentence_rows(s.text, tokenizer, role, s.part, report_year, frame, written_before):
            c = r.candidate
            indicator = canonical_indicator(r.subject) if r.subject else None
            if indicator is None and r.kind == "growth" and r.subject:
                indicator = canonical_indicator(r.subject + "增长")  # 经济增长8.8%: the subject is 经济
            records.append({
                "number_text": c.number_text, "value": c.value, "value_max": c.value_max, "unit": c.unit,
                "value_base": c.value_base, "base_unit": c.base_unit, "approx": c.approx,
                "qualifier": c.qualifier, "direction": r.direction, "subject": r.subject,
                "indicator": indicator, "kind": r.kind, "status": r.status, "year": r.year,
                "period_start": r.period_start, "period_end": r.period_end, "doubt": r.doubt,
                "part": s.part, "chapter": s.chapter, "chapter_role": role, "section": s.section,
                "paragraph": s.paragraph, "sentence": s.sentence,
                "clean_start": s.clean_start + c.start, "clean_end": s.clean_start + c.end,
                "sentence_text": s.text, "_offset": c.start,
            })
    df = pd.DataFrame.from_records(records, columns=[c for c in INDICATOR_COLUMNS
                                                     if c not in ("doc_id", "start", "end", "headline")] + ["_offset"])
    df["doubt"] = df["doubt"].astype(bool)
    df.insert(0, "doc_id", doc.doc_id)
    if len(df):
        starts, ends = doc.clean.offsets.raw_spans(df["clean_start"].to_numpy(np.int64),
                                                   df["clean_end"].to_numpy(np.int64))
    else:
        starts = ends = np.zeros(0, dtype=np.int64)
    df.insert(1, "start", starts)
    df.insert(2, "end", ends)
    # the figure as printed in the file (full-width digits stay full width): raw[start:end] == number_text
    df["number_text"] = [doc.raw_text[a:b] for a, b in zip(starts, ends)]
    df["headline"] = mark_headlines(df, report_year, df["_offset"], targets_announced(sentences))
    for col in ("year", "period_start", "period_end", "chapter", "section"):
        df[col] = df[col].astype("Int64")
    return df[INDICATOR_COLUMNS]
