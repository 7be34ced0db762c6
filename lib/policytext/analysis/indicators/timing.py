"""When a figure is about: one calendar year, or a period of several years.

A report delivered in year Y reviews Y-1 (and, every fifth year, the five years of a plan) and sets
targets for Y (and, in a plan year, for the plan's five years).  Which of these a figure belongs to
is read at three levels, each more specific than the last:

* the **chapter** heading: a year it names (``2025年工作回顾``), a plan period (``“十四五”时期工作回顾``,
  ``过去五年工作回顾``, ``“十五五”时期主要目标``), or neither (the review is of Y-1, the tasks of Y);
* the **paragraph**: a chapter that mixes the past year and the plan period switches frame where a
  paragraph opens with a period cue (``回望“十四五”``, ``这五年``, ``过去五年``) or a year cue
  (``过去一年``, ``2025年，``); a plan chapter looks back on the past year where a paragraph opens
  with ``过去一年`` (``resources/cues/period_openers.txt``, ``looks_back.txt``, ``looks_ahead.txt``);
* the **clause** of the figure: a year written for it wins (``2017年，…``, ``财政收入2017年达到``,
  ``截至2017年底``, ``到2030年``); ``比2012年增长…`` is a change over a period; ``年均``, ``累计``,
  ``五年来`` make a total or an average of the period; in a period frame, a level reached
  (``达到``, ``增至``, ``突破``) is the figure of the period's last year, and in ``从A增加到B`` A is the
  year before the period starts.

Five-year plans are numbered from the first (1953–1957) and the second (1958–1962); after the
adjustment years 1963–1965, the N-th plan (N ≥ 3) covers 1951+5N to 1955+5N (``十四五`` = 2021–2025,
``九五`` = 1996–2000, ``十五`` = 2001–2005).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ...text.lexicons import cue_pattern
from ...text.numerals import small_number

__all__ = ["Frame", "plan_period", "chapter_frame", "next_frame", "figure_time"]

_PLAN = re.compile(r"(?<![\d一二三四五六七八九十])“?((?:十[一二三四五六七八九]?|[六七八九]))五”?(?=规划|计划|时期|期间|以来|末|初|期|”|开局|收官|的|，|。|、|$)")
_PLAN_ORDINAL = re.compile(r"第([一二三四五六七八九十]{1,3})个五年(?:规划|计划)")
_FIVE_YEARS_PAST = re.compile(r"过去五年|五年来|这五年|近五年|今年以来的五年|本届政府")
_FIVE_YEARS_AHEAD = re.compile(r"今后五年|未来五年")
_PLAN_FIRST_YEAR = re.compile(r"开局|开好局|起好步|起步之年|第一年|首年")  # “十五五”开好局: the plan's first year
_PLAN_LAST_YEAR = re.compile(r"收官|收好官|决胜之年|最后一年")  # 确保“十三五”圆满收官: its last year
_PERIOD_OPENER = re.compile("^" + cue_pattern("period_openers"))
_LOOKS_BACK = re.compile("^" + cue_pattern("looks_back"))
_LOOKS_AHEAD = re.compile("^" + cue_pattern("looks_ahead"))
_ADDRESS = re.compile("^" + cue_pattern("salutations") + "[，,！!：:]")
_YEAR = re.compile(r"((?:19|20)\d{2})年(?![的以起代])")
_OWN_YEAR = re.compile(r"((?:19|20)\d{2})年(?:底|末)?的$")
_BASE_YEAR = re.compile(r"(?:比|较|同)((?:19|20)\d{2})年(?:底|末)?[^，；。]{0,6}$|(?:是|为|相当于)((?:19|20)\d{2})年(?:底|末)?的$")
_YEAR_GOVERNS = re.compile(r"(?:截至|截止|到|至|在|于)$")
_LAST_YEAR = re.compile(r"(?<![比较同与由从])(?:去年|上年)")  # 由上年18亿元增加到95亿元: the base
_LAST_YEAR_END = re.compile(r"(?<![比较同与])(?:去年|上年)(?:底|末|年底|年末)")
_FROM_LAST_YEAR = re.compile(r"(?:从|由)(?:上年|去年)(?:的)?$")
_SPAN = re.compile(r"((?:19|20)\d{2})[—－\-~～至到]((?:19|20)\d{2})年")
_PERIOD_WORDS = re.compile(r"年均|年平均|平均每年|每年平均|累计|五年来|过去五年|这五年|五年间|期间|时期|以来")
_REACHED = re.compile(r"(?:达到|覆盖|增至|增加到|增长到|提高到|提高至|提升到|提升至|升至|上升到|上升至|跃升至|跃升到|降至|降到|"
                      r"下降到|下降至|减少到|减少至|扩大到|扩大至|突破|达|超过|总量|规模|余额|总额)$")
_FROM = re.compile(r"(?:从|由)[^，；。从由]{0,20}$")
_TO_AFTER = re.compile(r"^[^，；。]{0,12}?(?:增加|增长|提高|提升|上升|跃升|下降|减少|降低|扩大|缩小|升|降|增)?(?:到|至)")
_STABLE = re.compile(r"(?:稳定在|保持在|稳定|保持|始终|连续)[^，；。]{0,8}$")
_AVERAGE = re.compile(r"年均|年平均|平均每年|每年平均")
_CHANGE_VERB = re.compile(r"(?:增长|下降|降低|减少|增加|节约|节省|减轻|压减|削减|提高|提升)(?![到至值率额量])")
_NAMED_YEAR = re.compile(r"((?:19|20)\d{2})年")
_FIVE_YEARS = re.compile(r"五年")
_COMPARED_WITH = re.compile(r"(?:是|为|相当于|比|较)$")
_COMPARED_BY = re.compile(r"[比较同与]$")
_TO_END = re.compile(r"(?:到|至)$")
_UNTIL_END = re.compile(r"(?:截至|截止|到|至)$")
_BASE_PLAN = re.compile(r"(?:比|较|同)“?[^，；。比较同]{0,8}五”?(?:时期|期间|期末)?[^，；。]{0,6}$")
_LAST_N_YEARS = re.compile(r"连续([两三四五六七八九十]{1,3}|\d{1,2})年|([两三四五六七八九十]|\d{1,2})年(?:来|间|中|里|时间|累计|内)")
_THIS_YEAR = re.compile(r"(?<![比较同与])今年(?!以来)")
_NEXT_YEAR = re.compile(r"(?<![比较同与])明年")


class Frame(NamedTuple):
    """The time a passage speaks about: one year, or a period ``(start, end)``."""

    year: int | None
    period: tuple[int, int] | None


def plan_period(text: str) -> tuple[int, int] | None:
    """The years of the five-year plan ``text`` names (``“十四五”时期`` → (2021, 2025)), else None.

    >>> plan_period("“十四五”时期工作回顾"), plan_period("九五计划"), plan_period("第十个五年计划")
    ((2021, 2025), (1996, 2000), (2001, 2005))
    """
    m = _PLAN.search(text)
    n = small_number(m.group(1)) if m else None
    if n is None:
        m = _PLAN_ORDINAL.search(text)
        n = small_number(m.group(1)) if m else None
    if n is None or not 1 <= n <= 20:
        return None
    start = {1: 1953, 2: 1958}.get(n, 1951 + 5 * n)
    return start, start + 4


def _period_of(text: str, role: str | None, report_year: int | None) -> tuple[int, int] | None:
    """A period a heading or an opening names: a plan, five past years, five years ahead, a span."""
    span = _SPAN.search(text)
    if span:
        return int(span.group(1)), int(span.group(2))
    plan = plan_period(text)
    if plan:
        return plan
    if report_year is None:
        return None
    if _FIVE_YEARS_AHEAD.search(text):
        return report_year, report_year + 4
    if _FIVE_YEARS_PAST.search(text) or (role == "review" and _FIVE_YEARS.search(text)):
        return report_year - 5, report_year - 1
    return None


def chapter_frame(title: str | None, role: str | None, report_year: int | None) -> Frame:
    """The frame a chapter heading sets: the year it names, else a period it names (a plan's first or
    last year where the heading says so: 推动“十五五”开好局), else the reviewed year (review) or the
    new year (tasks)."""
    title = title or ""
    named = _NAMED_YEAR.search(title)
    if named and not _SPAN.search(title):
        return Frame(int(named.group(1)), None)
    period = _period_of(title, role, report_year)
    if period and plan_period(title):
        if _PLAN_FIRST_YEAR.search(title):
            return Frame(period[0], None)
        if _PLAN_LAST_YEAR.search(title):
            return Frame(period[1], None)
    if period:
        return Frame(None, period)
    if report_year is None:
        return Frame(None, None)
    return Frame({"review": report_year - 1, "tasks": report_year}.get(role or ""), None)


def next_frame(frame: Frame, text: str, *, chapter: Frame, role: str | None, report_year: int | None,
               opens_paragraph: bool) -> Frame:
    """The frame after a sentence: a sentence that opens with a period cue (回望“十四五”, 这五年 …) or a
    year cue (过去一年, 2025年，…) switches it; a paragraph opening without a cue returns to the
    chapter's frame when the previous paragraph had switched to the past year inside a plan chapter."""
    text = _ADDRESS.sub("", text, count=1)  # 各位代表，刚刚过去的2015年，…: the cue follows the address
    if _PERIOD_OPENER.match(text):
        period = _period_of(text, "review" if role != "tasks" else "tasks", report_year) or chapter.period
        if period is None and report_year:
            period = (report_year - 5, report_year - 1)
        return Frame(None, period)
    if report_year is not None:
        if _LOOKS_BACK.match(text) or re.match(rf"{report_year - 1}年[，,是]", text):
            return Frame(report_year - 1, None)
        if role == "tasks" and (_LOOKS_AHEAD.match(text) or text.startswith(f"{report_year}年")):
            if chapter.period and re.match(rf"(?:今年|{report_year}年)", text):
                return Frame(report_year, None)  # 今年…/2026年是…开局之年 inside a plan chapter: this year
            return chapter
    return frame


def figure_time(sentence: str, pos: int, end: int, local: int, frame: Frame, *, role: str | None,
                report_year: int | None, written_before: bool = False) -> tuple[int | None, int | None, int | None]:
    """``(year, period_start, period_end)`` of the figure at ``pos:end`` of ``sentence``.

    ``local`` is where the figure's own phrase starts (after the figure before it in the clause);
    ``frame`` is the passage's frame (:func:`next_frame`).  ``written_before``: the report was written
    before its year began (its review gives estimates, 预计), so its 明年 is the report's own year.
    """
    before = sentence[:pos]
    clause_start = max(before.rfind(c) for c in "，；。！？：") + 1
    clause = before[clause_start:]
    frame_end = frame.year or (frame.period[1] if frame.period else None)
    if frame_end is None and report_year:
        frame_end = report_year - 1
    base = _BASE_YEAR.search(before)
    if base and base.start() >= clause_start:  # 比2012年增长65.5%: a change since that year
        return None, int(base.group(1) or base.group(2)), frame_end
    base = _BASE_PLAN.search(before)
    if base and base.start() >= clause_start and plan_period(base.group()) and frame_end:
        return None, plan_period(base.group())[0], frame_end  # 较“十三五”时期增长148%: both periods
    own = _OWN_YEAR.search(before)  # 由2010年的162.4亿元增加到2015年的287.9亿元
    if own and not _COMPARED_WITH.search(before, 0, own.start()):
        return int(own.group(1)), None, None
    span = _SPAN.search(clause)
    if span:
        return None, int(span.group(1)), int(span.group(2))
    years = [m for m in _YEAR.finditer(before)
             if m.start() == _clause_start(before, m.start()) or _YEAR_GOVERNS.search(before, 0, m.start())
             or (m.start() >= max(local, clause_start) and not _COMPARED_BY.search(before, 0, m.start()))]
    previous = 1 if _FROM_LAST_YEAR.search(before[max(local, clause_start):]) else 0  # 由上年46亿元增加到…
    if years and years[-1].start() >= clause_start:  # a year in the figure's own clause
        return int(years[-1].group(1)) - previous, None, None
    if report_year is not None and not frame.period:
        ahead = [m for m in (_THIS_YEAR.search(clause), _NEXT_YEAR.search(clause)) if m]
        if ahead:  # 明年将安排200亿元; 今年拟从去年超收收入中安排…: a time opening the clause governs it
            nearest = min(ahead, key=lambda m: m.start()) if min(m.start() for m in ahead) == 0 else \
                max(ahead, key=lambda m: m.start())
            if nearest.start() == 0 or not _LAST_YEAR.search(clause, nearest.end()):
                ahead_by = 0 if nearest.group() == "今年" else 0 if written_before else 1
                return report_year + ahead_by - previous, None, None
    last_n = _LAST_N_YEARS.search(clause)
    n = small_number(last_n.group(1) or last_n.group(2)) if last_n else None
    if n and frame_end and 2 <= n <= 80:
        return None, frame_end - n + 1, frame_end  # 连续三年累计投入: the last three years
    period = frame.period
    if _PERIOD_WORDS.search(clause) or _FIVE_YEARS.search(clause):  # 年均, 累计, 五年来: the period's, even
        period = _period_of(clause, role, report_year) or period or (  # after a year opening the sentence
            (report_year - 5, report_year - 1) if report_year and role != "tasks" else None)
        if period and (_AVERAGE.search(clause) or not _REACHED.search(before[max(local, clause_start):].rstrip("近约超逾"))):
            return None, period[0], period[1]
    if years:
        return int(years[-1].group(1)) - previous, None, None
    if period is not None:
        phrase = before[max(local, clause_start):]
        if _FROM.search(phrase) and _TO_AFTER.match(sentence[end:]):
            return period[0] - 1, None, None  # 从A增加到B: A is the year before the period
        if _STABLE.search(phrase):
            return None, period[0], period[1]
        if _CHANGE_VERB.search(phrase):
            return None, period[0], period[1]  # 降低费用负担超过4000亿元: a change over the period
        if _REACHED.search(phrase.rstrip("近约超逾")) or _TO_END.search(phrase):
            return period[1], None, None  # a level reached: the period's last year
        return None, period[0], period[1]
    if report_year is not None and _LAST_YEAR_END.search(clause):  # 去年底: a time point, seen from delivery
        return report_year - 1, None, None
    last = _LAST_YEAR.search(clause)
    if report_year is not None and last:
        # 去年底/去年，… opening the clause speaks from the day of delivery (Y-1); inside a review's
        # clause (超过去年全年…) it is the year before the one reviewed
        opening = last.start() == 0 or _UNTIL_END.search(clause, 0, last.start())
        return (report_year - 1 if role == "tasks" or opening else report_year - 2), None, None
    return (frame.year - previous if frame.year is not None else None), None, None


def _clause_start(text: str, pos: int) -> int:
    i = pos - 1
    while i >= 0 and text[i] not in "，；：。！？,;:、":
        i -= 1
    return i + 1
