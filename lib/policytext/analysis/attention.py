"""Attention over time: each theme's share of a report's words, report after report, with a bootstrap band.

A place's work reports, read year after year, show where its government turns its attention
(陈诗一 & 陈登科 2018 follow the environment words of city reports over years).  :func:`theme_series`
gives, for every report and theme, the share of the report's content tokens that are the theme's
dictionary entries — the ``share`` of :func:`~policytext.analysis.themes.score_themes` for the whole
report — with a band from the bootstrap; :func:`largest_shifts` finds, between consecutive reports of
one place, the themes whose share moved most and names the words that moved them (keyness,
Monroe, Colaresi & Quinn 2008, among the theme's matched entries).

**The band.**  A share is a ratio of counts over a report's paragraphs, and the words of a
paragraph are not independent draws (a paragraph on the environment is full of environment
words).  The band resamples whole paragraphs with replacement (Efron 1979; the cluster form of
the nonparametric bootstrap, Efron & Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 13
for the percentile interval): each of ``bootstrap`` replicates draws as many paragraphs as the
report has, sums their theme hits and content tokens, and the band is the percentile interval of
the replicated shares (``level`` 0.95: the 2.5th and 97.5th percentiles).  It measures how much
the share depends on which paragraphs the report happened to have: the sampling noise of the
text, not an error of the dictionary (a word the dictionary lacks is missed in every replicate).
The replicates are drawn from a generator seeded by ``seed`` and the report's ``doc_id``, so a
report's band does not change when other reports are added or the order changes.

**Places.**  Reports are grouped by :func:`~policytext.analysis.targets.place_key` (``level:own
name``: 呼伦贝尔市海拉尔区 and 海拉尔区 are one place), ordered by year; several reports of one
place and year stay distinct rows, ordered by ``doc_id``.

**Government terms.**  :func:`load_government_terms` reads the premiers of the State Council
(``resources/government_terms.tsv``) and :func:`load_five_year_plans` the plan periods
(``resources/five_year_plans.tsv``), both cited in their headers, for marking national series.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .. import paths
from ..text.lexicons import read_tsv
from ..tokens.filters import content_tokens
from .keywords import keyness
from .targets import place_key
from .themes import ThemeDictionary, load_dictionary, match_terms

__all__ = ["theme_series", "largest_shifts", "load_government_terms", "load_five_year_plans", "SERIES_COLUMNS",
           "SHIFT_COLUMNS", "GOVERNMENT_TERMS", "FIVE_YEAR_PLANS"]

GOVERNMENT_TERMS = paths.RESOURCES / "government_terms.tsv"
FIVE_YEAR_PLANS = paths.RESOURCES / "five_year_plans.tsv"

#: The columns of :func:`theme_series`.
SERIES_COLUMNS = ["doc_id", "year", "place", "level", "place_key", "theme", "share", "low", "high", "se", "tokens",
                  "content_tokens", "paragraphs", "terms"]
#: The columns of :func:`largest_shifts`.
SHIFT_COLUMNS = ["place_key", "place", "rank", "theme", "doc_from", "doc_to", "year_from", "year_to", "share_from",
                 "share_to", "change", "low_from", "high_from", "low_to", "high_to", "separated", "terms",
                 "term_counts"]


# --- reports and their metadata ---------------------------------------------------------------

def _facts(value) -> dict:
    """``year, place, level`` of one report's metadata in any of the forms :func:`theme_series` takes."""
    if value is None:
        return {}
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return {"year": int(value)}
    value = getattr(value, "metadata", value)  # a Report
    if isinstance(value, Mapping):
        return {k: value.get(k) for k in ("year", "place", "level")}
    return {k: getattr(value, k, None) for k in ("year", "place", "level")}


def _metadata_frame(metadata, doc_ids: list[str]) -> pd.DataFrame:
    """One row per report of ``doc_ids``: ``doc_id, year, place, level, place_key``."""
    if isinstance(metadata, pd.DataFrame):
        if "doc_id" not in metadata.columns or "year" not in metadata.columns:
            raise ValueError("a metadata table needs the columns doc_id and year (place and level are optional)")
        by_doc = {row["doc_id"]: row for row in metadata.to_dict("records")}
    elif isinstance(metadata, Mapping):
        by_doc = dict(metadata)
    elif isinstance(metadata, Iterable) and not isinstance(metadata, (str, bytes)):  # reports
        by_doc = {r.doc_id: r for r in metadata}
    else:
        raise TypeError("metadata: a mapping of doc_id to a Report, Metadata, dict or year; a table with doc_id and "
                        "year; or the reports themselves")
    missing = [d for d in doc_ids if d not in by_doc]
    if missing:
        raise ValueError(f"no metadata for {len(missing)} report(s): {', '.join(map(str, missing[:5]))}")
    rows = []
    for doc_id in doc_ids:
        facts = _facts(by_doc[doc_id])
        year, place, level = facts.get("year"), facts.get("place"), facts.get("level")
        year = None if year is None or pd.isna(year) else int(year)
        place = None if place is None or (not isinstance(place, str) and pd.isna(place)) else str(place)
        level = None if level is None or (not isinstance(level, str) and pd.isna(level)) else str(level)
        rows.append({"doc_id": doc_id, "year": year, "place": place, "level": level,
                     "place_key": place_key(place, level) or "unknown"})
    out = pd.DataFrame(rows, columns=["doc_id", "year", "place", "level", "place_key"])
    out["year"] = out["year"].astype("Int64")
    return out


# --- the series -----------------------------------------------------------------------------

def _paragraph_counts(tokens: pd.DataFrame, dictionary: ThemeDictionary, *, include_pos, stopwords: bool,
                      min_len: int) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Per body paragraph: content tokens ``(P,)`` and hits per theme ``(P, T)``; and the matches.

    The paragraphs are those with a content token or a hit, so the column sums are the report's
    numerator and denominator of :func:`~policytext.analysis.themes.score_themes` (``by="report"``).
    """
    content = content_tokens(tokens, include_pos=include_pos, stopwords=stopwords, min_len=min_len)
    per_paragraph = content.groupby("paragraph").size()
    matched = match_terms(tokens, dictionary)
    hit_paragraphs = matched["paragraph"].to_numpy(dtype=np.int64)
    paragraphs = np.union1d(per_paragraph.index.to_numpy(dtype=np.int64), hit_paragraphs)
    counts = per_paragraph.reindex(paragraphs, fill_value=0).to_numpy(dtype=float)
    hits = np.zeros((len(paragraphs), len(dictionary.categories)))
    if len(matched):
        theme_index = {c: i for i, c in enumerate(dictionary.categories)}
        np.add.at(hits, (np.searchsorted(paragraphs, hit_paragraphs), matched["theme"].map(theme_index).to_numpy()), 1)
    return counts, hits, matched


def _bootstrap(counts: np.ndarray, hits: np.ndarray, *, replicates: int, rng: np.random.Generator,
               level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Percentile band and standard error of each theme's share, paragraphs resampled with replacement.

    Vectorised: a replicate is a vector of how often each paragraph was drawn (``weights``, one row
    per replicate), so the replicated hits and content tokens are two matrix products.
    """
    n_paragraphs, n_themes = hits.shape
    if replicates <= 0 or n_paragraphs == 0 or counts.sum() == 0:
        empty = np.full(n_themes, np.nan)
        return empty, empty.copy(), empty.copy()
    draws = rng.integers(0, n_paragraphs, size=(replicates, n_paragraphs))
    flat = (np.arange(replicates)[:, None] * n_paragraphs + draws).ravel()
    weights = np.bincount(flat, minlength=replicates * n_paragraphs).reshape(replicates, n_paragraphs)
    weights = weights.astype(float)
    totals = weights @ counts
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = (weights @ hits) / totals[:, None]  # a replicate of paragraphs without content tokens: NaN
    alpha = 1 - level
    low, high = np.nanquantile(shares, [alpha / 2, 1 - alpha / 2], axis=0)
    se = np.nanstd(shares, axis=0, ddof=1)
    return low, high, se


def _rng(seed: int, doc_id: str) -> np.random.Generator:
    """A generator of its own for each report: its band does not depend on the other reports."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(str(doc_id).encode("utf-8"))]))


def theme_series(token_tables: Mapping[str, pd.DataFrame], metadata, *,
                 dictionary: ThemeDictionary | str | Path = "policy_domains", bootstrap: int = 1000,
                 seed: int = 2026, level: float = 0.95, include_pos=None, stopwords: bool = True,
                 min_len: int = 2) -> pd.DataFrame:
    """Each report's attention to each theme, with a bootstrap band: the series of a place over years.

    Args:
        token_tables: ``{doc_id: tokens}`` (:func:`~policytext.tokens.segmentation.tokenize`).
        metadata: where each report is from and when: a mapping of ``doc_id`` to its Report, its
            ``report.metadata``, a dict with ``year, place, level``, or just its year (an int); the
            reports themselves (a list of Reports); or a table with ``doc_id, year`` and optionally
            ``place, level`` (the ``reports`` table of ``policytext analyze``).
        dictionary: a shipped dictionary's name, a YAML file in cntext's schema, or a loaded one.
        bootstrap: replicates of the band (0: no band).
        seed: seed of the replicates (with each report's ``doc_id``).
        level: coverage of the band (0.95: the 2.5th to 97.5th percentile of the replicates).
        include_pos, stopwords, min_len: the content-token filter, as in
            :func:`~policytext.analysis.themes.score_themes` (every POS tag by default).

    Returns:
        One row per report and theme, by ``place_key``, ``year``, ``doc_id`` and the dictionary's
        order of themes: ``doc_id, year, place, level`` (administrative level), ``place_key``
        (:func:`~policytext.analysis.targets.place_key`; ``unknown`` when the place is not known),
        ``theme``, ``share`` (hits over content tokens of the whole report's body, as
        :func:`~policytext.analysis.themes.score_themes` with ``by="report"``), ``low, high`` (the
        percentile band), ``se`` (standard deviation of the replicates), ``tokens`` (hits),
        ``content_tokens``, ``paragraphs`` (the body paragraphs resampled) and ``terms`` (the matched
        entries with their counts, ``生态×9 环保×3``).  A report without body text has ``share``
        NaN.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must lie between 0 and 1 (a coverage such as 0.95), not {level!r}")
    dictionary = load_dictionary(dictionary)
    doc_ids = list(token_tables)
    meta = _metadata_frame(metadata, doc_ids).set_index("doc_id")
    themes_ = list(dictionary.categories)
    frames = []
    for doc_id in doc_ids:
        counts, hits, matched = _paragraph_counts(token_tables[doc_id], dictionary, include_pos=include_pos,
                                                  stopwords=stopwords, min_len=min_len)
        total = counts.sum()
        theme_hits = hits.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = theme_hits / total if total else np.full(len(themes_), np.nan)
        low, high, se = _bootstrap(counts, hits, replicates=int(bootstrap), rng=_rng(seed, doc_id), level=level)
        terms = {theme: Counter() for theme in themes_}
        for theme, term in zip(matched["theme"].tolist(), matched["term"].tolist()):
            terms[theme][term] += 1
        facts = meta.loc[doc_id]
        frames.append(pd.DataFrame({
            "doc_id": doc_id, "year": facts["year"], "place": facts["place"], "level": facts["level"],
            "place_key": facts["place_key"], "theme": themes_, "share": share, "low": low, "high": high, "se": se,
            "tokens": theme_hits.astype(int), "content_tokens": int(total), "paragraphs": len(counts),
            "terms": [" ".join(f"{t}×{n}" for t, n in sorted(terms[c].items(), key=lambda kv: (-kv[1], kv[0])))
                      for c in themes_],
        }))
    if not frames:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype("Int64")
    out["_theme"] = out["theme"].map({c: i for i, c in enumerate(themes_)})
    out = out.sort_values(["place_key", "year", "doc_id", "_theme"], kind="stable", na_position="last")
    return out.drop(columns="_theme").reset_index(drop=True)[SERIES_COLUMNS]


# --- shifts between consecutive reports ---------------------------------------------------------

def _pairs(series: pd.DataFrame, max_gap: int | None = None) -> pd.DataFrame:
    """Consecutive reports of each place (by year, then doc_id): ``place_key, place, doc_from, doc_to, year_from,
    year_to``.  Reports without a year are left out, and pairs more than ``max_gap`` years apart."""
    reports = (series[["doc_id", "year", "place", "place_key"]].drop_duplicates("doc_id")
               .dropna(subset=["year"]).sort_values(["place_key", "year", "doc_id"], kind="stable"))
    rows = []
    for key, group in reports.groupby("place_key", sort=True):
        docs, years, places = group["doc_id"].tolist(), group["year"].tolist(), group["place"].tolist()
        for i in range(1, len(docs)):
            if max_gap is not None and years[i] - years[i - 1] > max_gap:
                continue
            rows.append({"place_key": key, "place": places[i], "doc_from": docs[i - 1], "doc_to": docs[i],
                         "year_from": years[i - 1], "year_to": years[i]})
    return pd.DataFrame(rows, columns=["place_key", "place", "doc_from", "doc_to", "year_from", "year_to"])


def _term_stream(tokens: pd.DataFrame, matched: pd.DataFrame, *, include_pos, stopwords: bool,
                 min_len: int) -> pd.DataFrame:
    """The report's content tokens with every dictionary match as one token, for :func:`keyness`.

    Theme entries are matched on the text, longest first (:func:`~policytext.analysis.themes.match_terms`),
    not on the segmenter's tokens: 风险防控 is one hit even where it is cut 风险/防控.  Here the
    tokens a match covers are replaced by the entry itself, so the keyness of an entry counts
    exactly its hits, against the report's other content tokens.
    """
    content = content_tokens(tokens, include_pos=include_pos, stopwords=stopwords, min_len=min_len)
    spans = matched.drop_duplicates(["clean_start", "clean_end"]).sort_values("clean_start", kind="stable")
    starts = spans["clean_start"].to_numpy(dtype=np.int64)
    ends = spans["clean_end"].to_numpy(dtype=np.int64)
    token_start = content["clean_start"].to_numpy(dtype=np.int64)
    token_end = content["clean_end"].to_numpy(dtype=np.int64)
    covered = np.zeros(len(content), dtype=bool)
    if len(starts):  # matches do not overlap: the last one starting before a token ends is the only candidate
        k = np.searchsorted(starts, token_end, side="left") - 1
        covered = (k >= 0) & (ends[np.clip(k, 0, None)] > token_start)
    words = content["token"].to_numpy(dtype=object)[~covered].tolist() + spans["term"].tolist()
    return pd.DataFrame({"token": words, "pos": "n", "punct": False, "stopword": False, "near_mask": False,
                         "part": "body", "chapter": 1})


def _describe(table: pd.DataFrame, change: float, top_terms: int) -> tuple[str, str]:
    """``terms`` (``生态 (+3.1), 污染 (+2.4)``) and ``term_counts`` (``生态 4→19``) of the words behind a change."""
    if change > 0:
        chosen = table[table["z"] > 0].head(top_terms)
    elif change < 0:
        chosen = table[table["z"] < 0].sort_values(["z", "term"], kind="stable").head(top_terms)
    else:
        chosen = table.iloc[:0]
    terms = ", ".join(f"{t} ({z:+.1f})" for t, z in zip(chosen["term"], chosen["z"]))
    counts = ", ".join(f"{t} {b}→{a}" for t, a, b in zip(chosen["term"], chosen["count_a"], chosen["count_b"]))
    return terms, counts


def largest_shifts(series: pd.DataFrame, token_tables: Mapping[str, pd.DataFrame], *, n: int | None = 3,
                   top_terms: int = 5, max_gap: int | None = None,
                   dictionary: ThemeDictionary | str | Path = "policy_domains", include_pos=None, stopwords: bool = True,
                   min_len: int = 2) -> pd.DataFrame:
    """The largest changes of attention between consecutive reports of each place, with the words behind them.

    Args:
        series: a table of :func:`theme_series`.
        token_tables: the token tables it was computed from (``{doc_id: tokens}``).
        n: rows kept per place: its ``n`` largest changes over every pair of consecutive reports and
            every theme (``None``: all of them).
        top_terms: words named per change.
        max_gap: leave out pairs of reports more than this many years apart (``None``: every pair
            of consecutive reports, however far apart: the national corpus jumps from 1954 to 1978).
        dictionary, include_pos, stopwords, min_len: those :func:`theme_series` was given.

    A change is ``share_to − share_from`` between a report and the place's previous one (by year;
    reports of the same year by ``doc_id``).  ``separated`` says whether the two bootstrap bands do
    not overlap (a change larger than the text's own noise on both sides; NaN bands never are).
    The words are the theme's entries matched in either report, ranked by keyness of the later
    report against the earlier one (:func:`~policytext.analysis.keywords.keyness`: weighted
    log-odds with an informative Dirichlet prior, Monroe, Colaresi & Quinn 2008), counted as
    :func:`~policytext.analysis.themes.match_terms` counts them (longest entry first, on the
    text): those with z in the direction of the change, strongest first.

    Returns:
        One row per kept change, by ``place_key`` and ``rank`` (1: the largest absolute change):
        ``place_key, place, rank, theme, doc_from, doc_to, year_from, year_to, share_from, share_to,
        change, low_from, high_from, low_to, high_to, separated``, ``terms`` (``生态 (+3.1), 污染
        (+2.4)``: entry and z) and ``term_counts`` (``生态 4→19``: hits in the earlier and the later
        report).
    """
    dictionary = load_dictionary(dictionary)
    unknown = sorted(set(series["theme"]) - set(dictionary.categories))
    if unknown:
        raise ValueError(f"themes {', '.join(unknown[:5])} are not in the dictionary {dictionary.name!r}: "
                         "pass the dictionary the series was computed with")
    pairs = _pairs(series, max_gap)
    if pairs.empty:
        return pd.DataFrame(columns=SHIFT_COLUMNS)
    values = series[["doc_id", "theme", "share", "low", "high"]]
    table = (pairs.merge(values.rename(columns={"doc_id": "doc_from", "share": "share_from", "low": "low_from",
                                                "high": "high_from"}), on="doc_from")
             .merge(values.rename(columns={"doc_id": "doc_to", "share": "share_to", "low": "low_to",
                                           "high": "high_to"}), on=["doc_to", "theme"]))
    table["change"] = table["share_to"] - table["share_from"]
    table["separated"] = (table["low_to"] > table["high_from"]) | (table["high_to"] < table["low_from"])
    order = {c: i for i, c in enumerate(dictionary.categories)}
    table = table.assign(_size=-table["change"].abs(), _theme=table["theme"].map(order))
    table = table.dropna(subset=["change"]).sort_values(["place_key", "_size", "year_from", "doc_from", "_theme"],
                                                         kind="stable")
    if n is not None:
        table = table.groupby("place_key", sort=False).head(n)
    table["rank"] = table.groupby("place_key", sort=False).cumcount() + 1
    table = table.drop(columns=["_size", "_theme"]).reset_index(drop=True)

    filters = dict(include_pos=include_pos, stopwords=stopwords, min_len=min_len)
    matches: dict[str, pd.DataFrame] = {}
    streams: dict[str, pd.DataFrame] = {}
    for doc_id in set(table["doc_from"]) | set(table["doc_to"]):
        if doc_id not in token_tables:
            raise ValueError(f"no token table for report {doc_id!r} of the series")
        matches[doc_id] = match_terms(token_tables[doc_id], dictionary)
        streams[doc_id] = _term_stream(token_tables[doc_id], matches[doc_id], **filters)
    scored: dict[tuple[str, str], pd.DataFrame] = {}
    terms, counts = [], []
    for row in table.itertuples():
        pair = (row.doc_from, row.doc_to)
        if pair not in scored:
            scored[pair] = keyness(streams[row.doc_to], streams[row.doc_from], include_pos=None, stopwords=False,
                                   min_len=1)
        entries = set()
        for doc_id in pair:
            found = matches[doc_id]
            entries |= set(found.loc[found["theme"] == row.theme, "term"])
        ranked = scored[pair][scored[pair]["term"].isin(entries)]
        described = _describe(ranked, row.change, top_terms)
        terms.append(described[0])
        counts.append(described[1])
    table["terms"] = terms
    table["term_counts"] = counts
    for column in ("year_from", "year_to"):
        table[column] = table[column].astype("Int64")
    table["separated"] = table["separated"].astype(bool)
    return table[SHIFT_COLUMNS]


# --- government terms and plan periods ----------------------------------------------------------

def load_government_terms(path: str | Path = GOVERNMENT_TERMS) -> pd.DataFrame:
    """The premiers who led the central government, one row per term (``resources/government_terms.tsv``).

    Returns:
        ``premier, office`` (政务院 until 27 September 1954, then 国务院), ``start`` (first day,
        acting periods included), ``appointed`` (formal appointment), ``end`` (last day; NaT for
        the premier in office), as timestamps; ``start_year, end_year`` (``end_year`` NA in
        office); ``note``.  In date order; see the file's header for its sources and the
        transitions (one term ends the day the next starts, except the vacancy of January 1976).
    """
    rows = read_tsv(path)
    out = pd.DataFrame([(r + [""] * 6)[:6] for r in rows],
                       columns=["premier", "office", "start", "appointed", "end", "note"])
    for column in ("start", "appointed", "end"):
        out[column] = pd.to_datetime(out[column].replace("", None), format="%Y-%m-%d")
    out["start_year"] = out["start"].dt.year.astype("Int64")
    out["end_year"] = out["end"].dt.year.astype("Int64")
    return out.sort_values("start", kind="stable").reset_index(drop=True)[
        ["premier", "office", "start", "appointed", "end", "start_year", "end_year", "note"]]


def load_five_year_plans(path: str | Path = FIVE_YEAR_PLANS) -> pd.DataFrame:
    """China's five-year plans and their years (``resources/five_year_plans.tsv``).

    Returns:
        ``name`` (一五 … 十五五), ``full_name``, ``start, end`` (first and last year, inclusive),
        ``kind`` (计划, 规划, or 调整 for the readjustment of 1963-1965, which had no plan) and
        ``note``; the periods tile 1953-2030.
    """
    rows = read_tsv(path)
    out = pd.DataFrame([(r + [""] * 6)[:6] for r in rows], columns=["name", "full_name", "start", "end", "kind", "note"])
    out["start"] = out["start"].astype(int)
    out["end"] = out["end"].astype(int)
    return out.sort_values("start", kind="stable").reset_index(drop=True)
