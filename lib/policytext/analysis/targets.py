"""Targets against results: the new year's headline targets beside what was achieved.

For each headline target of a report delivered in year Y (``status ==
"target"``, ``year == Y``) the table gives

* the result of the same indicator for year Y-1 stated in the same report
  (what the target builds on), and
* when a report of the same place delivered in Y+1 is among the inputs, the
  result for year Y it states, and whether the target was met.

A target is *met* when the result reaches it: at least the lower bound for
indicators where more is better (growth, income; ``floor`` in
``resources/indicators.tsv``), at most the upper bound where less is better
(prices, unemployment; ``ceiling``).  A target of ``5%左右`` is read as 5%:
"about" gives no tolerance, as in the growth-target literature that codes
targets as stated.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from .indicators import extract_indicators, load_indicators

__all__ = ["compare_targets", "TARGET_COLUMNS"]

TARGET_COLUMNS = [
    "place", "indicator", "kind", "target_year", "target_doc", "target_text", "target_value", "target_value_max",
    "target_qualifier", "unit", "previous_result_text", "previous_result_value", "previous_result_status",
    "result_doc", "result_text", "result_value", "result_status", "met", "gap", "target_type",
]


def _headline(df: pd.DataFrame, status: Iterable[str]) -> pd.DataFrame:
    return df[df["headline"] & df["status"].isin(list(status))]


class _Results:
    """A report's actual and estimated figures, headline figures first, indexed by ``(indicator, kind, unit)``.

    Indexed once per report, so that looking up each target's result does not filter the whole table.
    """

    def __init__(self, table: pd.DataFrame):
        rows = table.loc[table["status"].isin(["actual", "estimate"]) & table["indicator"].notna(),
                         ["indicator", "kind", "unit", "year", "headline", "number_text", "value", "status"]]
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


def _met(target_type: str, value: float, value_max, result: float) -> bool:
    if target_type == "ceiling":
        return bool(result <= (value_max if pd.notna(value_max) else value))
    return bool(result >= value)


def compare_targets(reports, *, tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Target-versus-result table for one report or several reports of the same places.

    ``reports`` are :class:`~policytext.document.report.Report` objects; ``tables``
    may hold their indicator tables by ``doc_id`` (computed when missing).
    """
    reports = list(reports)
    tables = dict(tables or {})
    for r in reports:
        if r.doc_id not in tables:
            tables[r.doc_id] = extract_indicators(r)
    types = {i.canonical: i.target for i in load_indicators()}
    by_place_year = {(r.metadata.place, r.metadata.year): r for r in reports if r.metadata.year}
    rows = []
    for r in reports:
        df = tables[r.doc_id]
        year = r.metadata.year
        targets = _headline(df, ("target",))
        if targets.empty:
            continue
        results_here = _Results(df)
        later = by_place_year.get((r.metadata.place, year + 1)) if year else None
        results_later = _Results(tables[later.doc_id]) if later is not None else None
        for t in targets.itertuples():
            previous = results_here.pick(t.indicator, t.kind, t.unit, (year - 1) if year else None)
            outcome = results_later.pick(t.indicator, t.kind, t.unit, year) if results_later is not None else None
            target_type = types.get(t.indicator, "floor")
            met = _met(target_type, t.value, t.value_max, outcome["value"]) if outcome is not None else None
            rows.append({
                "place": r.metadata.place, "indicator": t.indicator, "kind": t.kind, "target_year": t.year,
                "target_doc": r.doc_id, "target_text": t.number_text, "target_value": t.value,
                "target_value_max": t.value_max, "target_qualifier": t.qualifier, "unit": t.unit,
                "previous_result_text": previous["number_text"] if previous is not None else None,
                "previous_result_value": previous["value"] if previous is not None else None,
                "previous_result_status": previous["status"] if previous is not None else None,
                "result_doc": later.doc_id if outcome is not None else None,
                "result_text": outcome["number_text"] if outcome is not None else None,
                "result_value": outcome["value"] if outcome is not None else None,
                "result_status": outcome["status"] if outcome is not None else None,
                "met": met,
                "gap": round(outcome["value"] - t.value, 6) if outcome is not None else None,
                "target_type": target_type,
            })
    out = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    out["met"] = out["met"].astype("boolean")
    out["target_year"] = out["target_year"].astype("Int64")
    return out.sort_values(["place", "target_year", "indicator", "kind"], kind="stable").reset_index(drop=True)
