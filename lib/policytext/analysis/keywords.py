"""Keywords: frequencies, TF-IDF, TextRank, keyness, concordance and collocations, with provenance.

Everything starts from the token table of :func:`~policytext.tokens.segmentation.tokenize`
(one row per token, with chapter/section/paragraph/sentence and raw offsets),
so a dictionary term is always counted as one term, never as its pieces, and
every count traces back to the sentences it came from.  Every function takes the content-token
filter as keyword arguments (``include_pos``, ``stopwords``, ``min_len``; see
:func:`~policytext.tokens.filters.content_tokens`) and a scope ``by`` where it computes per scope
(:mod:`policytext.tokens.scopes`).

Methods and their sources:

* term frequency, document frequency over paragraphs, TF-IDF with the IDF
  computed from the report's own paragraphs (``log(N / df)``, smoothed), or
  from a reference corpus when one is given (:func:`idf_from_tables`);
* TextRank (Mihalcea & Tarau 2004, "TextRank: Bringing Order into Texts"):
  PageRank over a co-occurrence graph of the filtered tokens (window 5,
  damping 0.85), computed here on our own segmentation rather than with
  jieba.analyse, which re-segments with jieba's global dictionary;
* keyness: the weighted log-odds ratio with an informative Dirichlet prior
  (Monroe, Colaresi & Quinn 2008, "Fightin' Words", *Political Analysis*
  16(4)), with z-scores;
* collocations: adjacent content-word bigrams scored by PMI or Dunning's
  log-likelihood ratio (Dunning 1993), with a minimum count.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd

from ..tokens.filters import DEFAULT_POS, content_tokens, joined_text
from ..tokens.scopes import add_scope, scope_columns, scope_columns_of

__all__ = ["term_frequencies", "occurrences", "document_frequency", "tfidf", "idf_from_tables", "textrank",
           "keyness", "keyness_of_counts", "keyness_table", "counts_on_terms", "concordance", "collocations",
           "top_terms", "KEYNESS_PRIOR_WEIGHT"]


def _filtered(tokens: pd.DataFrame, include_pos, stopwords: bool, min_len: int) -> pd.DataFrame:
    return content_tokens(tokens, include_pos=include_pos, stopwords=stopwords, min_len=min_len)


def _sort(table: pd.DataFrame, score: str) -> pd.DataFrame:
    """Rows by scope (numerically), best ``score`` first, ties by term: the same order on every run."""
    keys = scope_columns_of(table)
    return table.sort_values(keys + [score, "term"], ascending=[True] * len(keys) + [False, True],
                             kind="stable").reset_index(drop=True)


def term_frequencies(tokens: pd.DataFrame, *, by: str = "report", include_pos=DEFAULT_POS, stopwords: bool = True,
                     min_len: int = 2, with_occurrences: bool = True) -> pd.DataFrame:
    """Counts of each term per scope.

    Args:
        tokens: a token table (:func:`~policytext.tokens.segmentation.tokenize`).
        by: ``report``, ``chapter``, ``section`` or ``paragraph`` (see :mod:`policytext.tokens.scopes`).
        include_pos, stopwords, min_len: the content-token filter
            (:func:`~policytext.tokens.filters.content_tokens`).
        with_occurrences: add ``occurrences`` (a search of the scope's text for every term: leave it
            out when only the top terms will be kept, and add it to them with :func:`occurrences`).

    Returns:
        One row per scope and term: the scope's key columns (none for ``report``), ``term``,
        ``count`` (tokens: the term as the segmenter cut it), ``share`` (of the scope's counted
        tokens) and ``occurrences`` (the term in the scope's text, inside longer terms too: 产业 in
        产业园 and 文化产业, which ``count`` does not see), by scope and count.
    """
    keys = scope_columns(by)
    content = add_scope(_filtered(tokens, include_pos, stopwords, min_len), by)
    counts = content.groupby(keys + ["token"], dropna=False).size().rename("count").reset_index()
    counts = counts.rename(columns={"token": "term"})
    totals = counts.groupby(keys, dropna=False)["count"].transform("sum") if keys else counts["count"].sum()
    counts["share"] = counts["count"] / totals
    if with_occurrences:
        counts["occurrences"] = occurrences(tokens, counts, by=by)
    return _sort(counts, "count")


def occurrences(tokens: pd.DataFrame, table: pd.DataFrame, *, by: str = "report") -> list[int]:
    """How often each ``term`` of ``table`` (with the scope's key columns) occurs in its scope's body
    text, wherever it stands: inside a longer word as well as alone.  The text is rebuilt from the
    tokens, so it is the text the counts come from; a removed mask or a sentence end is a break no
    term crosses.  A reader counting a word with the search box of an editor gets this number."""
    keys = scope_columns(by)
    body = add_scope(tokens[tokens["part"].eq("body") & tokens["chapter"].notna()], by)
    texts: dict[tuple, str] = {}
    for key, group in (body.groupby(keys, dropna=False, sort=False) if keys else [((), body)]):
        texts[key if isinstance(key, tuple) else (key,)] = joined_text(group)[0]
    scope_of = (zip(*(table[k].tolist() for k in keys)) if keys else (() for _ in range(len(table))))
    return [texts.get(tuple(k), "").count(term) for k, term in zip(scope_of, table["term"].tolist())]


def top_terms(freqs: pd.DataFrame, n: int = 20, *, score: str = "count") -> pd.DataFrame:
    """The ``n`` best terms of each scope of a scored table, with their ``rank`` (ties broken by term)."""
    keys = scope_columns_of(freqs)
    ranked = _sort(freqs, score)
    if not keys:
        return ranked.head(n).assign(rank=np.arange(1, min(n, len(ranked)) + 1))
    ranked = ranked.groupby(keys, sort=True, dropna=False).head(n).copy()
    ranked["rank"] = ranked.groupby(keys, dropna=False).cumcount() + 1
    return ranked.reset_index(drop=True)


def document_frequency(tokens: pd.DataFrame, *, unit: str = "paragraph", include_pos=DEFAULT_POS,
                       stopwords: bool = True, min_len: int = 2) -> pd.DataFrame:
    """In how many paragraphs (or sentences) each term occurs: ``term, df, units, df_share``."""
    content = _filtered(tokens, include_pos, stopwords, min_len)
    df = content.drop_duplicates([unit, "token"]).groupby("token").size().rename("df")
    units = content[unit].nunique()
    out = df.reset_index().rename(columns={"token": "term"})
    out["units"] = units
    out["df_share"] = out["df"] / max(units, 1)
    return out.sort_values(["df", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


def idf_from_tables(token_tables, *, unit: str = "paragraph", include_pos=DEFAULT_POS, stopwords: bool = True,
                    min_len: int = 2) -> pd.Series:
    """IDF of each term over the paragraphs of a reference corpus (several token tables)."""
    frames = [_filtered(t, include_pos, stopwords, min_len)[["doc_id", unit, "token"]] for t in token_tables]
    content = pd.concat(frames, ignore_index=True)
    n = content[["doc_id", unit]].drop_duplicates().shape[0]
    df = content.drop_duplicates(["doc_id", unit, "token"]).groupby("token").size()
    return np.log((1 + n) / (1 + df)) + 1


def tfidf(tokens: pd.DataFrame, *, by: str = "section", idf: pd.Series | None = None, include_pos=DEFAULT_POS,
          stopwords: bool = True, min_len: int = 2) -> pd.DataFrame:
    """TF-IDF of each term per scope.

    ``tf`` is the term's share of the scope's counted tokens; the IDF comes
    from the report's own paragraphs (``log((1+N)/(1+df)) + 1``) unless a
    reference ``idf`` (:func:`idf_from_tables`) is given; terms missing from
    a reference get the largest IDF it has.

    Returns:
        One row per scope and term: the scope's key columns, ``term, count, tf, idf, score``.
    """
    filters = dict(include_pos=include_pos, stopwords=stopwords, min_len=min_len)
    freqs = term_frequencies(tokens, by=by, **filters)
    if idf is None:
        idf = idf_from_tables([tokens], **filters)
    freqs["tf"] = freqs["share"]
    freqs["idf"] = freqs["term"].map(idf).fillna(idf.max() if len(idf) else 1.0)
    freqs["score"] = freqs["tf"] * freqs["idf"]
    return _sort(freqs.drop(columns=["share"]), "score")


def textrank(tokens: pd.DataFrame, *, by: str = "report", window: int = 5, damping: float = 0.85,
             iterations: int = 100, tol: float = 1e-8, include_pos=DEFAULT_POS, stopwords: bool = True,
             min_len: int = 2) -> pd.DataFrame:
    """TextRank scores per scope (Mihalcea & Tarau 2004).

    Terms are linked when they occur within ``window`` tokens of each other in
    the same sentence (after filtering); scores are PageRank over that
    undirected weighted graph, computed by power iteration (deterministic).

    Returns:
        One row per scope and term: the scope's key columns, ``term, count, score``.
    """
    keys = scope_columns(by)
    content = add_scope(_filtered(tokens, include_pos, stopwords, min_len), by)
    groups = content.groupby(keys, sort=True, dropna=False) if keys else [((), content)]
    rows = []
    for scope, group in groups:
        terms = sorted(group["token"].unique())
        index = {t: i for i, t in enumerate(terms)}
        weights = np.zeros((len(terms), len(terms)))
        for _, sentence in group.groupby("sentence", sort=True):
            ids = [index[t] for t in sentence["token"]]
            for i, a in enumerate(ids):
                for b in ids[i + 1:i + window]:
                    if a != b:
                        weights[a, b] += 1
                        weights[b, a] += 1
        out_weight = weights.sum(axis=1)
        out_weight[out_weight == 0] = 1
        transition = weights / out_weight[:, None]
        score = np.full(len(terms), 1.0 / max(len(terms), 1))
        for _ in range(iterations):
            new = (1 - damping) / len(terms) + damping * transition.T @ score
            if np.abs(new - score).sum() < tol:
                score = new
                break
            score = new
        counts = group["token"].value_counts()
        key = dict(zip(keys, scope if isinstance(scope, tuple) else (scope,)))
        rows.append(pd.DataFrame({**key, "term": terms, "count": [int(counts[t]) for t in terms], "score": score}))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=keys + ["term", "count", "score"])
    for c in keys:
        out[c] = out[c].astype("Int64")
    return _sort(out, "score")


#: Weight of the pooled counts used as the prior of :func:`keyness` when no background corpus is given.
KEYNESS_PRIOR_WEIGHT = 0.1


def keyness(tokens_a: pd.DataFrame, tokens_b: pd.DataFrame, *, prior: pd.Series | None = None,
            prior_weight: float = KEYNESS_PRIOR_WEIGHT, min_count: int = 1, include_pos=DEFAULT_POS,
            stopwords: bool = True, min_len: int = 2) -> pd.DataFrame:
    """Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008).

    For each term w with counts y_a, y_b in the two parts (sizes n_a, n_b) and
    prior counts α_w (by default ``prior_weight`` × the pooled counts of both
    parts; pass ``prior`` to use a background corpus), with α0 = Σ α_w:

        δ_w = log((y_a+α_w)/(n_a+α0−y_a−α_w)) − log((y_b+α_w)/(n_b+α0−y_b−α_w))
        σ²_w ≈ 1/(y_a+α_w) + 1/(y_b+α_w),   z_w = δ_w / σ_w

    Positive z: the term is distinctive of part A; negative: of part B.
    Returns ``term, count_a, count_b, delta, z`` sorted by z.
    """
    a = _filtered(tokens_a, include_pos, stopwords, min_len)["token"].value_counts()
    b = _filtered(tokens_b, include_pos, stopwords, min_len)["token"].value_counts()
    return keyness_of_counts(a, b, prior=prior, prior_weight=prior_weight, min_count=min_count)


def keyness_of_counts(a: pd.Series, b: pd.Series, *, prior: pd.Series | None = None,
                      prior_weight: float = KEYNESS_PRIOR_WEIGHT, min_count: int = 1) -> pd.DataFrame:
    """:func:`keyness` from the two parts' term counts (``term -> count``, counts above zero): for many
    comparisons of one part against the rest, count once and subtract."""
    terms = np.union1d(np.asarray(a.index, dtype=object), np.asarray(b.index, dtype=object))  # sorted
    y_a, y_b = (counts_on_terms(terms, counts) for counts in (a, b))
    alpha = counts_on_terms(terms, prior.fillna(0)) if prior is not None else (y_a + y_b) * prior_weight
    return keyness_table(terms, y_a, y_b, alpha, min_count)


def counts_on_terms(terms: np.ndarray, counts: pd.Series) -> np.ndarray:
    """``counts`` (``term -> count``) laid on the sorted array ``terms`` as floats, 0 where a term has none."""
    out = np.zeros(len(terms))
    if len(counts):
        keys = np.asarray(counts.index, dtype=object)
        where = np.searchsorted(terms, keys)
        found = where < len(terms)
        found[found] = terms[where[found]] == keys[found]
        out[where[found]] = np.asarray(counts.values, dtype=float)[found]
    return out


def keyness_table(terms: np.ndarray, y_a: np.ndarray, y_b: np.ndarray, alpha: np.ndarray,
                  min_count: int) -> pd.DataFrame:
    """The weighted log-odds table of :func:`keyness` from counts and prior counts on one term array."""
    alpha = np.where(alpha > 0, alpha, 0.01)
    a0, n_a, n_b = alpha.sum(), y_a.sum(), y_b.sum()
    delta = np.log((y_a + alpha) / (n_a + a0 - y_a - alpha)) - np.log((y_b + alpha) / (n_b + a0 - y_b - alpha))
    variance = 1 / (y_a + alpha) + 1 / (y_b + alpha)
    out = pd.DataFrame({"term": terms, "count_a": y_a.astype(int), "count_b": y_b.astype(int),
                        "delta": delta, "z": delta / np.sqrt(variance)})
    out = out[(out["count_a"] + out["count_b"]) >= min_count]
    return out.sort_values(["z", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


def concordance(doc, tokens: pd.DataFrame, term: str, *, width: int = 15) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``term`` as a token, with its sentence's neighbourhood.

    Columns: ``left, term, right`` (cleaned text), ``chapter, section, paragraph,
    sentence`` and the raw offsets ``start, end``.
    """
    hits = tokens[tokens["token"] == term]
    text = doc.clean.text
    rows = []
    for row in hits.itertuples():
        left = text[max(row.clean_start - width, 0):row.clean_start].split("\n")[-1]
        right = text[row.clean_end:row.clean_end + width].split("\n")[0]
        rows.append({"left": left, "term": term, "right": right, "chapter": row.chapter, "section": row.section,
                     "paragraph": row.paragraph, "sentence": row.sentence, "start": row.start, "end": row.end})
    return pd.DataFrame(rows, columns=["left", "term", "right", "chapter", "section", "paragraph", "sentence",
                                       "start", "end"])


def collocations(tokens: pd.DataFrame, *, min_count: int = 3, measure: str = "pmi", include_pos=DEFAULT_POS,
                 stopwords: bool = True, min_len: int = 2) -> pd.DataFrame:
    """Adjacent content-word bigrams within sentences, scored by ``pmi`` or ``llr`` (log-likelihood ratio).

    Adjacency is in the filtered token stream (stopwords and punctuation
    removed), within one sentence.  Returns ``first, second, count, pmi, llr``
    for bigrams seen at least ``min_count`` times, sorted by ``measure``.
    """
    content = _filtered(tokens, include_pos, stopwords, min_len)
    pairs: Counter = Counter()
    unigrams = content["token"].value_counts()
    for _, sentence in content.groupby("sentence", sort=True):
        words = list(sentence["token"])
        pairs.update(zip(words, words[1:]))
    n_pairs = sum(pairs.values())
    n_words = len(content)
    first_counts: Counter = Counter()
    second_counts: Counter = Counter()
    for (x, y), c in pairs.items():
        first_counts[x] += c
        second_counts[y] += c
    rows = []
    for (x, y), c in pairs.items():
        if c < min_count:
            continue
        pmi = math.log2((c / n_pairs) / ((unigrams[x] / n_words) * (unigrams[y] / n_words)))
        rows.append({"first": x, "second": y, "count": c, "pmi": pmi,
                     "llr": _llr(c, first_counts[x] - c, second_counts[y] - c, n_pairs - first_counts[x]
                                 - second_counts[y] + c)})
    out = pd.DataFrame(rows, columns=["first", "second", "count", "pmi", "llr"])
    return out.sort_values([measure, "first", "second"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def _llr(k11: float, k12: float, k21: float, k22: float) -> float:
    """Dunning's log-likelihood ratio (G²) for a 2×2 contingency table."""
    def h(*ks):
        total = sum(ks)
        return sum(k * math.log(k / total) for k in ks if k > 0)

    return 2 * (h(k11, k12, k21, k22) - h(k11 + k12, k21 + k22) - h(k11 + k21, k12 + k22))
