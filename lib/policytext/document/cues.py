"""The cues the document layer reads a report by, compiled once from the cue lists in ``resources/cues/``.

One home for each rule the cleaner, the structure parser and the metadata reader share: how a
report addresses the congress, what counts as a line of report text, and what a chapter heading
says about the chapter (review, tasks, other).
"""

from __future__ import annotations

import re

from ..text.chars import CJK, TERMINATORS
from ..text.lexicons import cue_pattern, cue_words

__all__ = ["OPENS_WITH_SALUTATION", "ENDS_WITH_SALUTATION", "ADDRESS", "APPENDIX_HEADING", "SPEAKER",
           "is_report_text", "heading_role", "role_from_text"]

_SALUTATIONS = "(?:" + "|".join(map(re.escape, sorted(cue_words("salutations")))) + ")"
#: A paragraph that opens with a salutation (各位代表：, 各位代表！现在…).
OPENS_WITH_SALUTATION = re.compile(f"^{_SALUTATIONS}")
#: A line that ends with a salutation, alone or after the date line (各位代表：).
ENDS_WITH_SALUTATION = re.compile(f"{_SALUTATIONS}[，,、：:！!]?$")
#: Where a report addresses the congress: a line opening with a salutation, or one followed by punctuation.
ADDRESS = re.compile(f"^{_SALUTATIONS}|{_SALUTATIONS}[，,：:！!]")
#: A line that opens an appendix (附件, 注释, 名词解释 …).
APPENDIX_HEADING = re.compile("^" + cue_pattern("appendix_headings"))
_TITLES = "|".join(map(re.escape, sorted(cue_words("speaker_titles"), key=lambda t: (-len(t), t))))
#: The speaker's name after the title of the head of government (国务院总理 李克强).
SPEAKER = re.compile(rf"(?:{_TITLES})([{CJK}]{{2,4}}?)(?:各位代表.*)?$")

_SENTENCE_END = re.compile(f"[{TERMINATORS}]")
_REVIEW = re.compile(cue_pattern("heading_review"))
_OTHER = re.compile(cue_pattern("heading_other"))
_TASKS = re.compile(cue_pattern("heading_tasks"))
_REVIEW_MARKERS = re.compile(cue_pattern("review_markers"))
_PLAN_MARKERS = re.compile(cue_pattern("plan_markers"))


def is_report_text(line: str) -> bool:
    """A line of running report text: at least 40 characters with a sentence end (not page furniture)."""
    return len(line) >= 40 and bool(_SENTENCE_END.search(line))


def heading_role(title: str | None) -> str | None:
    """``review``, ``other`` or ``tasks`` from the words of a chapter heading (in that order), else None.

    >>> heading_role("2017年工作回顾"), heading_role("加强政府自身建设"), heading_role("2018年主要任务")
    ('review', 'other', 'tasks')
    """
    title = title or ""
    if _REVIEW.search(title):
        return "review"
    if _OTHER.search(title):
        return "other"
    if _TASKS.search(title):
        return "tasks"
    return None


def role_from_text(text: str) -> str:
    """``review``, ``tasks`` or ``other`` from a chapter's text: the ratio of review to plan markers."""
    if len(text) < 200:
        return "other"
    ratio = len(_REVIEW_MARKERS.findall(text)) / (len(_PLAN_MARKERS.findall(text)) + 1)
    if ratio >= 2.5:
        return "review"
    if ratio <= 1.0:
        return "tasks"
    return "other"
