"""The context of a figure: its clause, its kind and direction, the year it is about, its status.

The cue words come from ``resources/cues/`` (``change_up``, ``change_down``, ``estimate``,
``target``, ``target_list``, ``looks_back``, ``looks_ahead``); the patterns here put them together.
"""

from __future__ import annotations

import re

from ...text.lexicons import cue_pattern
from ...text.numbers import Candidate

__all__ = ["CLAUSE_END", "PHRASE_END", "clause_start", "kind_of", "last_change", "status_of",
           "CHANGE", "TARGET_LIST", "CONJUNCTION_ONLY"]

CLAUSE_END = "，；：。！？,;:、"
#: Where a figure's phrase may start: a clause without 、, which joins the items of one phrase.
PHRASE_END = "，；：。！？,;:"
_ESTIMATE = re.compile(cue_pattern("estimate"))
_TARGET = re.compile(cue_pattern("target"))
TARGET_LIST = re.compile(cue_pattern("target_list"))
_UP = cue_pattern("change_up")
_DOWN = cue_pattern("change_down")
CHANGE = re.compile(rf"(?P<up>{_UP})|(?P<down>{_DOWN})")
_CHANGE_TO = re.compile(rf"(?:(?P<up>{_UP})|(?P<down>{_DOWN}))(?:至|到|为)$")
_CHANGE_BY = re.compile(rf"(?<!新)(?:(?P<up>{_UP})|(?P<down>{_DOWN}))(?:了)?(?:约|近|超过|逾)?$")  # 新增: an amount added, not a change
_DONE = re.compile(r"完成|实现|达到|累计|已|了")
_MULTIPLE = re.compile(r"(?:的|增长|增加|提高|达到|是)$")
CONJUNCTION_ONLY = re.compile(r"^(?:和|与|及|以及|、|，|分别|和分别)?$")


def clause_start(text: str, pos: int, delimiters: str = CLAUSE_END) -> int:
    """Where the clause holding ``pos`` starts (after the last of ``delimiters`` before it)."""
    i = pos - 1
    while i >= 0 and text[i] not in delimiters:
        i -= 1
    return i + 1


def kind_of(c: Candidate, pre: str, scope: str) -> tuple[str, str]:
    """``(kind, direction)`` of a quantity from its unit and the words before it."""
    to = _CHANGE_TO.search(pre)
    by = _CHANGE_BY.search(pre)
    if c.form == "rank":
        return "rank", ""
    if c.form == "fraction":
        return "share", ""
    if c.form == "multiple":  # 翻一番
        return "multiple", "up"
    if c.form == "ratio":  # 2.3：1, 比值由2.5缩小至2.4
        return "ratio", last_change(scope)
    unit_kind = c.unit_kind
    if to:
        kind = {"percent": "share", "count": "count"}.get(unit_kind, "level")
        return kind, "up" if to.group("up") else "down"
    if unit_kind == "points":
        change = last_change(scope)
        return "growth", change or "up"
    if unit_kind in ("percent", "ratio"):
        change = last_change(scope)
        if change or (unit_kind == "ratio" and _MULTIPLE.search(pre)):
            return "growth", change or "up"
        return ("share" if unit_kind == "percent" else "other"), ""
    if by:
        return "growth", "up" if by.group("up") else "down"
    if unit_kind in ("count", "magnitude"):  # 13家; a bare 1509万 counts people (amounts carry a unit)
        return "count", ""
    return "level", ""


def last_change(scope: str) -> str:
    found = [m for m in CHANGE.finditer(scope) if not scope[:m.start()].endswith(("不", "未", "没有"))]
    if not found:
        return ""
    return "up" if found[-1].group("up") else "down"


def status_of(sentence: str, pos: int, role: str | None, part: str, year: int | None, report_year: int | None) -> str:
    scope = sentence[clause_start(sentence, pos, "；。！？"):pos]
    if _ESTIMATE.search(scope):
        return "estimate"
    if role == "tasks":
        return "actual" if year is not None and report_year and year < report_year else "target"
    if role == "review":
        return "actual"
    if _TARGET.search(sentence[:pos]):
        return "target"
    if part == "body" and _DONE.search(sentence, 0, pos):
        return "actual"
    return "other"
