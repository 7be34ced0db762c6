"""The context of a figure: its clause, its kind and direction, the year it is about, its status.

The cue words come from ``resources/cues/`` (``change_up``, ``change_down``, ``estimate``,
``target``, ``target_list``, ``looks_back``, ``looks_ahead``); the patterns here put them together.
"""

from __future__ import annotations

import re

from ...text.lexicons import cue_pattern
from ...text.numbers import Candidate

__all__ = ["CLAUSE_END", "PHRASE_END", "clause_start", "kind_of", "last_change", "year_of", "chapter_year", "status_of",
           "CHANGE", "TARGET_LIST", "LOOKS_BACK", "LOOKS_AHEAD", "CONJUNCTION_ONLY"]

CLAUSE_END = "，；：。！？,;:、"
#: Where a figure's phrase may start: a clause without 、, which joins the items of one phrase.
PHRASE_END = "，；：。！？,;:"
_ESTIMATE = re.compile(cue_pattern("estimate"))
_TARGET = re.compile(cue_pattern("target"))
TARGET_LIST = re.compile(cue_pattern("target_list"))
_PERIOD = re.compile(r"五年来|过去五年|今后五年|年均|“十.五”(?:时期|期间)|十.五(?:时期|期间)|\d{4}[—－-]\d{4}年")
_YEAR = re.compile(r"((?:19|20)\d{2})年(?![的以起])")
LOOKS_BACK = re.compile("^" + cue_pattern("looks_back"))
LOOKS_AHEAD = re.compile("^" + cue_pattern("looks_ahead"))
_OWN_YEAR = re.compile(r"((?:19|20)\d{2})年(?:底|末)?的$")
_LAST_YEAR = re.compile(r"(?<![比较同与])(?:去年|上年)")
_UP = cue_pattern("change_up")
_DOWN = cue_pattern("change_down")
CHANGE = re.compile(rf"(?P<up>{_UP})|(?P<down>{_DOWN})")
_CHANGE_TO = re.compile(rf"(?:(?P<up>{_UP})|(?P<down>{_DOWN}))(?:至|到|为)$")
_CHANGE_BY = re.compile(rf"(?<!新)(?:(?P<up>{_UP})|(?P<down>{_DOWN}))(?:了)?(?:约|近|超过|逾)?$")  # 新增: an amount added, not a change
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
    if unit_kind == "count":
        return "count", ""
    return "level", ""


def last_change(scope: str) -> str:
    found = [m for m in CHANGE.finditer(scope) if not scope[:m.start()].endswith(("不", "未", "没有"))]
    if not found:
        return ""
    return "up" if found[-1].group("up") else "down"


def year_of(sentence: str, pos: int, role: str | None, report_year: int | None,
          chapter_title: str | None = None) -> int | None:
    """The year a figure refers to: a year opening one of the clauses before it (2017年，… / 截至2017年底),
    else the chapter's year; none for five-year periods."""
    before = sentence[:pos]
    base = re.search(r"比((?:19|20)\d{2})年[^，；。]{0,4}(?:增长|增加|提高|下降|减少)$", before)
    if base:  # 比2002年增长65.5%: a change over several years, not one year's
        return None
    own = _OWN_YEAR.search(before)  # 由2010年的162.4亿元增加到2015年的287.9亿元
    if own and not re.search(r"(?:是|为|相当于|比)$", before[:own.start()]):
        return int(own.group(1))
    years = [m for m in _YEAR.finditer(before)
             if m.start() == clause_start(before, m.start()) or re.search(r"(?:截至|截止|到|至|在)$", before[:m.start()])]
    if years:
        return int(years[-1].group(1))
    if _PERIOD.search(before) or report_year is None:
        return None
    clause = before[clause_start(before, len(before), "；。！？"):]
    if _LAST_YEAR.search(clause):
        return report_year - 1 if role == "tasks" else report_year - 2
    return chapter_year(chapter_title, role, report_year)


def chapter_year(title: str | None, role: str | None, report_year: int) -> int | None:
    """The year a chapter speaks about: one its heading names (2025年工作回顾), none for a five-year
    period (过去五年工作回顾, “十五五”时期主要目标任务), else the year before delivery for a review and
    the year of delivery for tasks."""
    title = title or ""
    named = re.search(r"((?:19|20)\d{2})年", title)
    if named:
        return int(named.group(1))
    if re.search(r"五年|十.五|时期|今后|以来", title):
        return None
    return {"review": report_year - 1, "tasks": report_year}.get(role or "")


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
    if part == "body" and re.search(r"完成|实现|达到|累计|已|了", sentence[:pos]):
        return "actual"
    return "other"
