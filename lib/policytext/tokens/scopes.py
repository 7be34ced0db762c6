"""Scopes: the units an analysis is computed per (report, chapter, section, paragraph), as typed columns.

A scoped table keys its rows by integer columns, never by a label to be parsed back: ``by="report"``
adds none, ``"chapter"`` adds ``chapter``, ``"section"`` adds ``chapter, section`` (section 0 is the
text of a chapter before its first section, or a chapter without sections), ``"paragraph"`` adds
``paragraph``.  :func:`label_scopes` names scopes for display (``2.5 发展规划逐步完善``).
"""

from __future__ import annotations

import pandas as pd

from ..options import SCOPES

__all__ = ["SCOPES", "SCOPE_COLUMNS", "scope_columns", "scope_columns_of", "add_scope", "label_scopes",
           "scope_titles"]

#: Every column a scope may use, in key order.
SCOPE_COLUMNS = ("chapter", "section", "paragraph")
_COLUMNS = {"report": [], "chapter": ["chapter"], "section": ["chapter", "section"], "paragraph": ["paragraph"]}


def scope_columns(by: str) -> list[str]:
    """The key columns of scope ``by`` (``report``, ``chapter``, ``section`` or ``paragraph``).

    >>> scope_columns("section"), scope_columns("report")
    (['chapter', 'section'], [])
    """
    if by not in _COLUMNS:
        raise ValueError(f"unknown scope {by!r}: use one of {', '.join(SCOPES)}")
    return list(_COLUMNS[by])


def scope_columns_of(table: pd.DataFrame) -> list[str]:
    """The scope columns a scoped table has (its key), in key order."""
    return [c for c in SCOPE_COLUMNS if c in table.columns]


def add_scope(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    """``rows`` (tokens, sentences …) with the key columns of scope ``by`` as integers (``Int64``)."""
    columns = scope_columns(by)
    out = rows.assign(**{c: rows[c].astype("Int64") for c in columns})
    if by == "section":
        out["section"] = out["section"].fillna(0)
    return out


def scope_titles(paragraphs: pd.DataFrame, by: str, *, report_title: str | None = None) -> pd.DataFrame:
    """One row per scope of a report: its key columns and ``scope_title`` (the heading it has).

    ``paragraphs`` is the report's paragraph table (``report.structure.paragraphs``).  A section 0
    takes its chapter's title; a paragraph its lead, else its section's or chapter's title.
    """
    columns = scope_columns(by)
    if by == "report":
        return pd.DataFrame({"scope_title": [report_title]})
    body = add_scope(paragraphs[paragraphs["chapter"].notna()], by)
    chapter_title = body["chapter_title"].where(body["chapter_title"].notna(), None)
    if by == "chapter":
        title = chapter_title
    elif by == "section":
        title = body["section_title"].where(body["section"] > 0, chapter_title)
    else:
        title = body["lead"].fillna(body["section_title"]).fillna(chapter_title)
    out = body[columns].assign(scope_title=title).drop_duplicates(columns)
    return out.sort_values(columns, kind="stable").reset_index(drop=True)


def label_scopes(table: pd.DataFrame, paragraphs: pd.DataFrame | None = None, *, width: int = 14) -> pd.Series:
    """A display label for each row's scope: ``2.5 发展规划逐步完善``, ``3 2018年主要任务``, ``¶17 …``.

    The number is the scope's key (chapter, chapter.section, ¶paragraph); the title, cut to
    ``width`` characters, comes from the report's ``paragraphs`` when given.  A table without
    scope columns (one report) is labelled ``report``.
    """
    columns = scope_columns_of(table)
    if not columns:
        return pd.Series("report", index=table.index)
    by = "paragraph" if "paragraph" in columns else "section" if "section" in columns else "chapter"
    key = table[columns].astype("Int64").astype("string").fillna("–")
    number = key["paragraph"].radd("¶") if by == "paragraph" else key[columns].agg(".".join, axis=1)
    if paragraphs is None:
        return number.rename("scope_label")
    titles = scope_titles(paragraphs, by)
    merged = table[columns].astype("Int64").merge(titles, on=columns, how="left")
    title = merged["scope_title"].fillna("").astype(str).str.slice(0, width).to_numpy()
    return (number + pd.Series([f" {t}" if t else "" for t in title], index=table.index)).rename("scope_label")
