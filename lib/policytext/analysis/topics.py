"""Topic models of a report's paragraphs, with the number of topics chosen by stability.

Non-negative matrix factorisation (NMF, scikit-learn) of the paragraph ×
term TF-IDF matrix built from our own segmentation.  The number of topics k
is chosen by stability across random seeds (Greene, O'Callaghan &
Cunningham 2014, "How Many Topics? Stability Analysis for Topic Models"):
for each k the model is fitted with several seeds, topics of two runs are
matched one to one (Hungarian algorithm) by the Jaccard overlap of their top
terms, and the k whose topics agree best across seeds is kept (ties: fewer
topics).  NMF starts from a random initialisation (``init="random"``), so a
seed matters and stability is informative; a fixed seed makes every run
identical.

One district report has about 80 paragraphs: topics are few, broad and
less stable than on a corpus; read them as a description of this report,
not as themes that generalise.  LDA is not offered: on a few dozen short
documents its topics change more from seed to seed than NMF's and add no
reading that NMF does not give.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from ..tokens.filters import DEFAULT_POS, content_tokens
from ..tokens.scopes import add_scope

__all__ = ["TopicModel", "paragraph_documents", "fit_topics", "topic_stability", "choose_k"]


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


def _top_sets(model: TopicModel, n: int) -> list[set[str]]:
    """The ``n`` heaviest terms of each topic (the order of ``model.terms``, read from the weights)."""
    return [set(model.vocabulary[np.argsort(-comp, kind="stable")[:n]].tolist()) for comp in model.components]


def _agreement(a: TopicModel, b: TopicModel, n: int) -> np.ndarray:
    """Jaccard overlap of matched topics (Hungarian matching on top-``n`` term sets)."""
    from scipy.optimize import linear_sum_assignment

    sa, sb = _top_sets(a, n), _top_sets(b, n)
    sim = np.array([[len(x & y) / len(x | y) for y in sb] for x in sa])
    rows, cols = linear_sum_assignment(-sim)
    return sim[rows, cols]


def topic_stability(tokens: pd.DataFrame, k: int, *, seeds=range(5), n: int = 10) -> pd.DataFrame:
    """How much topics change across seeds.

    Returns:
        One row per pair of runs: ``k, seed_a, seed_b``, ``agreement`` (mean Jaccard overlap of the
        matched topics' top-``n`` term sets) and ``worst_topic`` (the lowest overlap of a matched pair).
    """
    docs = paragraph_documents(tokens)
    models = [fit_topics(tokens, k, seed=s, docs=docs) for s in seeds]
    rows = []
    for a, b in combinations(models, 2):
        agreement = _agreement(a, b, n)
        rows.append({"k": k, "seed_a": a.seed, "seed_b": b.seed, "agreement": float(agreement.mean()),
                     "worst_topic": float(agreement.min())})
    return pd.DataFrame(rows)


def choose_k(tokens: pd.DataFrame, *, ks=range(3, 11), seeds=range(5), n: int = 10, detail: bool = False):
    """Stability of each candidate k (mean agreement across seed pairs); the best is marked ``chosen``.

    With ``detail=True`` also returns the agreement of every pair of runs (the stability check).
    """
    table = pd.concat([topic_stability(tokens, k, seeds=seeds, n=n) for k in ks], ignore_index=True)
    summary = table.groupby("k").agg(stability=("agreement", "mean"), worst=("worst_topic", "min")).reset_index()
    best = summary.sort_values(["stability", "k"], ascending=[False, True], kind="stable").iloc[0]["k"]
    summary["chosen"] = summary["k"] == best
    return (summary, table) if detail else summary
