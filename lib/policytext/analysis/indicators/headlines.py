"""Headline figures: the main results of the reviewed year and the main targets of the new year.

The definition (``data/annotations/indicators_guide.md`` §3, the indicators marked ``headline`` in
``resources/indicators.tsv``): a figure of a headline indicator whose subject *names* that
indicator (全省地区生产总值, 规上工业增加值增速; not 先进制造业增加值占规上工业增加值比重, which only
mentions it), and which is

* a **result**: an actual or estimated figure of the reviewed year (Y-1 for a report delivered in
  Y) in the review (a review chapter, or a passage of a plan chapter that looks back); or
* a **target**: a target for Y stated in the targets passage — a sentence announcing the main
  targets (主要预期目标, ``resources/cues/target_list.txt``) and the rest of its paragraph, a clause
  that states a plan figure (预期目标为, 预定, 计划, 安排, 拟), or a national fiscal or monetary
  figure (赤字, 赤字率, 广义货币, 社会融资规模) wherever the plan states it.

One headline per side, indicator and kind: the first such figure.  A figure may stand alone in its
sentence; shares count only for indicators that are rates (城镇化率, 研发投入强度 …), so that a
completion rate (完成年计划的118.2%) is not the indicator itself.
"""

from __future__ import annotations

import re

import pandas as pd

from .context import TARGET_LIST
from .lexicon import headline_indicators, names_indicator

__all__ = ["mark_headlines", "targets_announced", "FISCAL_AND_MONETARY"]

#: National targets a plan states outside its list of main targets (in the fiscal and monetary policy paragraphs).
FISCAL_AND_MONETARY = frozenset({"财政赤字", "财政赤字率", "广义货币", "社会融资规模"})
_PLAN_CUE = re.compile(r"(?:预期目标|增长目标|调控目标|目标为|目标是|预定|计划|安排|拟)[^，；。]{0,16}$")
_RATES = re.compile(r"(?:率|强度|比重|价格)$")
_COMPLETION = re.compile(r"(?:计划|目标|任务)的$")
_MILESTONE = re.compile(r"[^，；。]{1,12}?[、，](?:达到|达)[0-9]")
_KINDS = ("level", "growth", "share", "count")


def targets_announced(sentences: pd.DataFrame) -> dict[int, int]:
    """For each paragraph that announces the main targets, the number of its announcing sentence
    (``sentences``: the report's sentence table; a lead such as 主要预期目标是： is a sentence of its own)."""
    announcing = sentences[sentences["text"].str.contains(TARGET_LIST)]
    return announcing.groupby("paragraph")["sentence"].min().to_dict()


def mark_headlines(df: pd.DataFrame, report_year: int | None, offsets: pd.Series,
                   announced: dict[int, int]) -> pd.Series:
    """``True`` for the headline figures of an indicator table (see the module docstring).

    ``offsets`` is where each figure starts in its ``sentence_text``; ``announced`` the paragraphs
    that announce the main targets (:func:`targets_announced`).
    """
    flags = pd.Series(False, index=df.index)
    if df.empty:
        return flags
    headline = headline_indicators()
    chosen: set[tuple] = set()
    columns = ["status", "chapter_role", "part", "paragraph", "sentence", "year", "indicator", "kind", "subject",
               "sentence_text"]
    for i, status, role, part, paragraph, sentence, year, indicator, kind, subject, text, offset in zip(
            df.index, *(df[c].tolist() for c in columns), offsets.tolist()):
        if part != "body" or indicator not in headline or kind not in _KINDS or not names_indicator(subject, indicator):
            continue
        if kind == "share" and not _RATES.search(indicator) or _COMPLETION.search(text[:offset]):
            continue  # a share of a level (占比), a completion rate (完成年计划的118.2%)
        if _MILESTONE.match(text[offset:]) and "突破" in text[max(offset - 3, 0):offset]:
            continue  # 突破3万亿元、达3.6万亿元: the milestone passed, not the level
        year = None if pd.isna(year) else int(year)
        if status in ("actual", "estimate") and role == "review":
            side = "result"
            if report_year is not None and year != report_year - 1:
                continue
        elif status == "target":
            side = "target"
            if report_year is not None and year != report_year:
                continue
            in_passage = sentence >= announced.get(paragraph, sentence + 1)
            if not (in_passage or _PLAN_CUE.search(text[:offset]) or indicator in FISCAL_AND_MONETARY):
                continue
        else:
            continue
        key = (side, indicator, kind)
        if key not in chosen:
            chosen.add(key)
            flags.loc[i] = True
    return flags
