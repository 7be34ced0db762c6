"""Topic models of a report's paragraphs, with the number of topics chosen by stability.

Non-negative matrix factorisation (NMF, scikit-learn) of the paragraph ×
term TF-IDF matrix built from our own segmentation.  The number of topics k
is chosen by stability as Greene, O'Callaghan & Cunningham (2014, "How Many
Topics? Stability Analysis for Topic Models") define it: for each k, a
reference model is fitted on all paragraphs and further models on random
subsets of 80% of them; each subset model's topics are matched one to one
with the reference's (Hungarian algorithm) by the *average Jaccard* of their
ranked top terms (the Jaccard overlap of the top 1, 2, …, n terms, averaged),
and the k whose subset models agree best with the reference is kept (ties:
fewer topics).  Each subset draw and each fit has its own seed, so the whole
table is reproducible.

One district report has about 80 paragraphs: topics are few, broad and
less stable than on a corpus; read them as a description of this report,
not as themes that generalise.  LDA is not offered: on a few dozen short
documents its topics change more from seed to seed than NMF's and add no
reading that NMF does not give.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..tokens.filters import DEFAULT_POS, content_tokens
from ..tokens.scopes import add_scope

__all__ = ["TopicModel", "paragraph_documents", "fit_topics", "average_jaccard", "topic_stability", "choose_k"]


def paragraph_documents(tokens: pd.DataFrame, *, min_tokens: int = 5, include_pos=DEFAULT_POS,
                        stopwords: bool = True, min_len: int = 2) -> pd.DataFrame:
    """One row per body paragraph with at least ``min_tokens`` content tokens:
    ``paragraph, chapter, section, tokens`` (a list of the content tokens)."""
    content = content_tokens(tokens, include_pos=include_pos, stopwords=stopwords, min_len=min_len)
    docs = content.groupby("paragraph", sort=True).agg(chapter=("chapter", "first"), section=("section", "first"),
                                                        tokens=("token", list)).reset_index()
    return docs[docs["tokens"].str.len() >= min_tokens].reset_index(drop=True)


def _matrix(docs: pd.DataFrame, min_df: int):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=lambda d: d, min_df=min_df, sublinear_tf=True)
    return vectorizer.fit_transform(docs["tokens"]), np.array(vectorizer.get_feature_names_out())


@dataclass(frozen=True)
class TopicModel:
    """A fitted NMF model: top terms per topic and paragraph-topic weights."""

    k: int
    seed: int
    terms: pd.DataFrame          # topic, rank, term, weight
    weights: pd.DataFrame        # paragraph, chapter, section, topic_0 … topic_{k-1}
    components: np.ndarray
    vocabulary: np.ndarray

    def top_terms(self, n: int = 10) -> pd.DataFrame:
        """One row per topic: ``topic, top_terms`` (its ``n`` best terms joined by spaces)."""
        top = self.terms[self.terms["rank"] <= n]
        return top.groupby("topic")["term"].agg(" ".join).rename("top_terms").reset_index()

    def by_section(self) -> pd.DataFrame:
        """Mean topic weight of the paragraphs of each section: rows indexed by ``chapter, section``
        (section 0: the chapter's text before its first section), in report order."""
        w = add_scope(self.weights, "section")
        return w.drop(columns=["paragraph"]).groupby(["chapter", "section"], sort=True).mean()


def fit_topics(tokens: pd.DataFrame, k: int, *, seed: int = 0, min_df: int = 2, top: int = 15,
               docs: pd.DataFrame | None = None) -> TopicModel:
    """Fit NMF with ``k`` topics on the paragraphs' TF-IDF (``seed`` fixes the run)."""
    from sklearn.decomposition import NMF

    docs = paragraph_documents(tokens) if docs is None else docs
    matrix, vocabulary = _matrix(docs, min_df)
    model = NMF(n_components=k, init="random", random_state=seed, max_iter=1000)
    doc_topic = model.fit_transform(matrix)
    rows = []
    for t, comp in enumerate(model.components_):
        order = np.argsort(-comp, kind="stable")[:top]
        rows.extend({"topic": t, "rank": r + 1, "term": vocabulary[i], "weight": float(comp[i])}
                    for r, i in enumerate(order))
    weights = docs[["paragraph", "chapter", "section"]].copy()
    for t in range(k):
        weights[f"topic_{t}"] = doc_topic[:, t]
    return TopicModel(k, seed, pd.DataFrame(rows), weights, model.components_, vocabulary)


def _ranked(model: TopicModel, n: int) -> list[list[str]]:
    """The ``n`` heaviest terms of each topic, heaviest first."""
    return [model.vocabulary[np.argsort(-comp, kind="stable")[:n]].tolist() for comp in model.components]


def average_jaccard(a: list[str], b: list[str]) -> float:
    """Greene et al.'s agreement of two ranked term lists: the Jaccard overlap of their top d terms,
    averaged over d = 1 … n (agreement at the top counts more than at the tail).

    >>> average_jaccard(["a", "b"], ["a", "c"])
    0.6666666666666666
    """
    n = min(len(a), len(b))
    return float(np.mean([len(set(a[:d]) & set(b[:d])) / len(set(a[:d]) | set(b[:d])) for d in range(1, n + 1)]))


def _agreement(a: TopicModel, b: TopicModel, n: int) -> np.ndarray:
    """Average Jaccard of matched topics (Hungarian matching of the two models' ranked top-``n`` lists)."""
    from scipy.optimize import linear_sum_assignment

    ra, rb = _ranked(a, n), _ranked(b, n)
    sim = np.array([[average_jaccard(x, y) for y in rb] for x in ra])
    rows, cols = linear_sum_assignment(-sim)
    return sim[rows, cols]


def topic_stability(tokens: pd.DataFrame, k: int, *, samples=range(5), share: float = 0.8,
                    n: int = 10) -> pd.DataFrame:
    """How far models fitted on random subsets of the paragraphs agree with the model of all of them.

    Returns:
        One row per subset (``sample``: the seed of its draw and fit): ``k, sample``, ``agreement``
        (mean average-Jaccard of the matched topics) and ``worst_topic`` (the lowest of a matched pair).
    """
    docs = paragraph_documents(tokens)
    reference = fit_topics(tokens, k, seed=0, docs=docs)
    size = min(len(docs), max(k + 1, round(share * len(docs))))
    rows = []
    for s in samples:
        pick = np.sort(np.random.default_rng(s).choice(len(docs), size=size, replace=False))
        model = fit_topics(tokens, k, seed=s, docs=docs.iloc[pick].reset_index(drop=True))
        agreement = _agreement(reference, model, n)
        rows.append({"k": k, "sample": s, "agreement": float(agreement.mean()), "worst_topic": float(agreement.min())})
    return pd.DataFrame(rows)


def choose_k(tokens: pd.DataFrame, *, ks=range(3, 11), samples=range(5), share: float = 0.8, n: int = 10,
             detail: bool = False):
    """Stability of each candidate k (mean agreement of the subset models with the reference); the best
    is marked ``chosen``.

    With ``detail=True`` also returns the agreement of every subset model (the stability check).
    """
    table = pd.concat([topic_stability(tokens, k, samples=samples, share=share, n=n) for k in ks], ignore_index=True)
    summary = table.groupby("k").agg(stability=("agreement", "mean"), worst=("worst_topic", "min")).reset_index()
    best = summary.sort_values(["stability", "k"], ascending=[False, True], kind="stable").iloc[0]["k"]
    summary["chosen"] = summary["k"] == best
    return (summary, table) if detail else summary
