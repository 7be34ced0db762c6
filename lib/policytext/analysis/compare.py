"""Comparing reports: attention to themes across reports, distinctive terms of each report.

Inputs are the token tables of several reports (``{doc_id: tokens}``, from
:func:`~policytext.tokens.segmentation.tokenize`); with a single report the units of
comparison are its chapters instead, so every function still says something.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tokens.filters import DEFAULT_POS
from ..tokens.filters import content_tokens
from .keywords import KEYNESS_PRIOR_WEIGHT, counts_on_terms, keyness_table
from .themes import score_themes

__all__ = ["units_of_comparison", "theme_attention", "distinctive_terms"]


def units_of_comparison(token_tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The reports themselves, or the chapters of the only report (``doc_id · chapter N``)."""
    if len(token_tables) != 1:
        return dict(token_tables)
    (doc_id, tokens), = token_tables.items()
    chapters = tokens["chapter"].dropna().unique()
    return {f"{doc_id} · chapter {int(c)}": tokens[tokens["chapter"] == c] for c in sorted(chapters)}


def theme_attention(units: dict[str, pd.DataFrame], *, dictionary="policy_domains") -> pd.DataFrame:
    """Share of each unit's content words per theme: rows are units, columns themes."""
    rows = {}
    for name, tokens in units.items():
        scores = score_themes(tokens, dictionary=dictionary, by="report")
        rows[name] = scores.set_index("theme")["share"]
    return pd.DataFrame(rows).T


def distinctive_terms(units: dict[str, pd.DataFrame], *, n: int = 8, include_pos=DEFAULT_POS, stopwords: bool = True,
                      min_len: int = 2) -> pd.DataFrame:
    """For each unit, the terms most distinctive of it against all other units together.

    Keyness is the weighted log-odds ratio with an informative Dirichlet prior
    (Monroe, Colaresi & Quinn 2008), one unit against the rest.
    Columns: ``unit, rank, term, count, z``.
    """
    rows = []
    names = list(units)
    counts = [content_tokens(units[name], include_pos=include_pos, stopwords=stopwords,
                             min_len=min_len)["token"].value_counts() for name in names]
    terms = np.unique(np.concatenate([np.asarray(c.index, dtype=object) for c in counts] or [[]]))
    matrix = np.vstack([counts_on_terms(terms, c) for c in counts] or [np.zeros(0)])
    total = matrix.sum(axis=0)
    for name, mine in zip(names, matrix):
        rest = total - mine  # the other units' counts: all of them, less this one's
        table = keyness_table(terms, mine, rest, total * KEYNESS_PRIOR_WEIGHT, 1).head(n)
        for rank, row in enumerate(table.itertuples(), start=1):
            rows.append({"unit": name, "rank": rank, "term": row.term, "count": row.count_a, "z": row.z})
    return pd.DataFrame(rows, columns=["unit", "rank", "term", "count", "z"])
