"""Headline figures: the main results of the past year and the main targets of the new year."""

from __future__ import annotations

import pandas as pd

from .context import TARGET_LIST
from .lexicon import headline_indicators

__all__ = ["mark_headlines"]


def mark_headlines(df: pd.DataFrame, report_year: int | None) -> pd.Series:
    """Mark the main results of the past year and the main targets of the new year."""
    flags = pd.Series(False, index=df.index)
    if df.empty:
        return flags
    headline = headline_indicators()
    is_headline = df["indicator"].isin(headline) & df["kind"].isin(["level", "growth", "share", "count"])
    distinct = df[is_headline].groupby("sentence")["indicator"].nunique()
    listing = set(distinct[distinct >= 2].index)
    announces = set(df.loc[df["sentence_text"].str.contains(TARGET_LIST), "sentence"])
    candidates: dict[tuple, list[tuple[int, bool]]] = {}
    columns = ["status", "chapter_role", "sentence", "year", "indicator", "kind"]
    rows = df.loc[is_headline, columns]
    for i, status, role, sentence, year, indicator, kind in zip(rows.index, *(rows[c].tolist() for c in columns)):
        year = None if pd.isna(year) else year
        if status in ("actual", "estimate") and role == "review":
            side, expected = "result", (report_year - 1 if report_year else None)
            eligible = sentence in listing
        elif status == "target" and (report_year is None or year == report_year):
            side, expected = "target", report_year
            eligible = sentence in listing or sentence in announces
        else:
            continue
        if eligible:
            on_time = expected is not None and year == expected
            candidates.setdefault((side, indicator, kind), []).append((i, on_time))
    for rows in candidates.values():  # the first mention of the expected year, else the first mention
        chosen = next((i for i, on_time in rows if on_time), rows[0][0])
        flags[chosen] = True
    return flags
