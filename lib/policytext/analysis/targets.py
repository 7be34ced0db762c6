"""Targets against results: a panel of every headline target beside what was achieved.

For each headline target of a report delivered in year Y (``status == "target"``, ``year == Y``,
``headline``) the panel gives one row per place × indicator × kind × target year:

* the target (value, upper bound of a range, qualifier 左右/以上/以内, raw offsets in its report);
* the result of the same indicator for Y-1 stated in the same report (what the target builds on);
* the result for Y: from the next year's report of the same place, else from any later report of it
  that states a figure for Y (a five-year review often does), with its raw offsets; and whether the
  target was ``met``.

**Places** are matched by a key read from each report's metadata: the place's own name without the
higher units written before it (呼伦贝尔市海拉尔区 and 海拉尔区 are both 海拉尔区), with its level
(``place_key``: ``district:海拉尔区``); ``places`` lists the names the reports used, and
``place_match`` says how they were matched (``same name``, ``name within a longer name``).

**Met**: a target is met when the result reaches it — at least the target where more is better
(``floor`` in ``resources/indicators.tsv``: growth, income), at most the upper bound where less is
better (``ceiling``: prices, unemployment).  A target to *cut* something (单位GDP能耗下降3%, a
decrease written as the target) is met by a cut at least as large, whatever the indicator's type.
A target of ``5%左右`` is read as 5%: "about" gives no tolerance, as in the growth-target literature
that codes targets as stated.
"""

from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from .indicators import extract_indicators, load_indicators

__all__ = ["compare_targets", "place_key", "TARGET_COLUMNS"]

TARGET_COLUMNS = [
    "place_key", "place", "places", "place_match", "level", "indicator", "kind", "direction", "target_year",
    "target_doc", "target_text", "target_start", "target_end", "target_value", "target_value_max",
    "target_qualifier", "unit", "previous_result_text", "previous_result_value", "previous_result_status",
    "result_doc", "result_text", "result_start", "result_end", "result_value", "result_status", "result_direction",
    "met", "gap", "target_type",
]

# higher units written before a place's own name: 湖北省武汉市青山区 → 青山区, 呼伦贝尔市海拉尔区 → 海拉尔区
_HIGHER = re.compile(r"^(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区|市|自治州|州|盟|地区))+(?=[\u4e00-\u9fff]{2,}(?:区|县|旗|市)$)")


def place_key(place: str | None, level: str | None) -> str | None:
    """The key that matches a place across its reports: ``level:own name``.

    >>> place_key("呼伦贝尔市海拉尔区", "district"), place_key("海拉尔区", "district"), place_key("全国", "national")
    ('district:海拉尔区', 'district:海拉尔区', 'national:全国')
    """
    if not place:
        return None
    return f"{level or 'unknown'}:{_HIGHER.sub('', place)}"


#: The columns of an indicator table that a target's row reads.
_TARGET_FIELDS = ["indicator", "kind", "unit", "direction", "year", "number_text", "start", "end", "value", "value_max",
                  "qualifier"]


class _Results:
    """A report's actual and estimated figures, headline figures first, indexed by ``(indicator, kind, unit)``.

    Indexed once per report, so that looking up each target's result does not filter the whole table.
    """

    def __init__(self, doc_id: str, table: pd.DataFrame):
        self.doc_id = doc_id
        rows = table.loc[table["status"].isin(["actual", "estimate"]) & table["indicator"].notna(),
                         ["indicator", "kind", "unit", "year", "headline", "number_text", "value", "status", "start",
                          "end", "direction"]]
        rows = rows.sort_values("headline", ascending=False, kind="stable")
        self.where: dict[tuple, list[dict]] = {}
        for row in rows.to_dict("records"):
            self.where.setdefault((row["indicator"], row["kind"], row["unit"]), []).append(row)

    def pick(self, indicator: str, kind: str, unit: str, year) -> dict | None:
        """The result for ``indicator`` in ``year``: a headline figure first, else any actual or estimate."""
        for row in self.where.get((indicator, kind, unit), ()):
            if year is None or pd.isna(year) or (not pd.isna(row["year"]) and row["year"] == year):
                return row
        return None


def _met(target_type: str, direction: str, value: float, value_max, result: float, result_direction: str) -> bool:
    if direction == "down":  # a cut: met by a cut at least as large
        return bool(result_direction == "down" and result >= value)
    if target_type == "ceiling":
        return bool(result <= (value_max if pd.notna(value_max) else value))
    return bool(result >= value)


def compare_targets(reports, *, tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The target panel of one report or several (see the module docstring).

    ``reports`` are :class:`~policytext.document.report.Report` objects; ``tables`` may hold their
    indicator tables by ``doc_id`` (computed when missing).

    Returns:
        One row per place, indicator, kind and target year, with the columns :data:`TARGET_COLUMNS`,
        sorted by place key, target year and indicator.
    """
    reports = list(reports)
    tables = dict(tables or {})
    for r in reports:
        if r.doc_id not in tables:
            tables[r.doc_id] = extract_indicators(r)
    types = {i.canonical: i.target for i in load_indicators()}
    keys = {r.doc_id: place_key(r.metadata.place, r.metadata.level) for r in reports}
    names: dict[str, list[str]] = {}
    for r in reports:
        names.setdefault(keys[r.doc_id], [])
        if r.metadata.place and r.metadata.place not in names[keys[r.doc_id]]:
            names[keys[r.doc_id]].append(r.metadata.place)
    later_reports: dict[str, list] = {}
    for r in sorted((r for r in reports if r.metadata.year), key=lambda r: r.metadata.year):
        later_reports.setdefault(keys[r.doc_id], []).append(r)
    results = {r.doc_id: _Results(r.doc_id, tables[r.doc_id]) for r in reports}
    rows = []
    for r in reports:
        df, year, key = tables[r.doc_id], r.metadata.year, keys[r.doc_id]
        targets = df.loc[df["headline"] & df["status"].eq("target"), _TARGET_FIELDS]  # the columns read below
        if targets.empty:
            continue
        candidates = [results[x.doc_id] for x in later_reports.get(key, []) if year and x.metadata.year > year]
        for t in targets.itertuples():
            previous = results[r.doc_id].pick(t.indicator, t.kind, t.unit, (year - 1) if year else None)
            outcome = None
            for later in candidates:
                outcome = later.pick(t.indicator, t.kind, t.unit, year)
                if outcome is not None:
                    result_doc = later.doc_id
                    break
            target_type = types.get(t.indicator, "floor")
            direction = t.direction if isinstance(t.direction, str) else ""
            met = (_met(target_type, direction, t.value, t.value_max, outcome["value"], outcome["direction"] or "")
                   if outcome is not None else None)
            place_names = names.get(key, [])
            rows.append({
                "place_key": key, "place": r.metadata.place, "places": "|".join(place_names),
                "place_match": "same name" if len(place_names) <= 1 else "name within a longer name",
                "level": r.metadata.level, "indicator": t.indicator, "kind": t.kind, "direction": direction,
                "target_year": t.year, "target_doc": r.doc_id, "target_text": t.number_text,
                "target_start": t.start, "target_end": t.end, "target_value": t.value,
                "target_value_max": t.value_max, "target_qualifier": t.qualifier, "unit": t.unit,
                "previous_result_text": previous["number_text"] if previous is not None else None,
                "previous_result_value": previous["value"] if previous is not None else None,
                "previous_result_status": previous["status"] if previous is not None else None,
                "result_doc": result_doc if outcome is not None else None,
                "result_text": outcome["number_text"] if outcome is not None else None,
                "result_start": outcome["start"] if outcome is not None else None,
                "result_end": outcome["end"] if outcome is not None else None,
                "result_value": outcome["value"] if outcome is not None else None,
                "result_status": outcome["status"] if outcome is not None else None,
                "result_direction": (outcome["direction"] or None) if outcome is not None else None,
                "met": met,
                "gap": round(outcome["value"] - t.value, 6) if outcome is not None else None,
                "target_type": target_type,
            })
    out = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    out["met"] = out["met"].astype("boolean")
    for col in ("target_year", "target_start", "target_end", "result_start", "result_end"):
        out[col] = out[col].astype("Int64")
    out = out.sort_values(["place_key", "target_year", "indicator", "kind"], kind="stable")
    return out.drop_duplicates(["place_key", "indicator", "kind", "target_year"]).reset_index(drop=True)
