"""A supervised baseline beside the theme dictionary: sentences labelled by a trained classifier.

One-vs-rest logistic regression (scikit-learn) over each sentence's content tokens weighted by
TF-IDF, trained on hand-labelled sentences; optionally with the dictionary's hit counts per theme as
extra features (``use_dictionary=True``), so the classifier can learn where the dictionary is right.
A theme is given when its predicted probability is at least ``threshold``.

It is a *baseline*: with a few hundred labelled sentences a classifier learns the words of the
reports it was trained on, so it is evaluated with reports held out (:func:`evaluate_by_report`
trains on every report but one and labels the one left out), never on sentences of its own reports.
The dictionary stays the default labeller where it is as good (it is transparent and citable: a
label names the entries behind it); the Methods page and notebook 04 compare the two.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .themes import ThemeDictionary, load_dictionary, match_terms

__all__ = ["ThemeClassifier", "sentence_examples", "train_theme_classifier", "evaluate_by_report"]


def sentence_examples(tokens: pd.DataFrame, *, dictionary: ThemeDictionary | str = "policy_domains") -> pd.DataFrame:
    """The features of each sentence with content tokens (headings included).

    Args:
        tokens: a token table of one report (:func:`policytext.tokens.segmentation.tokenize`).
        dictionary: the theme dictionary whose hits become features.

    Returns:
        One row per sentence: ``doc_id, sentence``, ``tokens`` (its content tokens, a list) and
        ``hits`` (the dictionary's hits per theme, a list in the dictionary's order).
    """
    from ..tokens.filters import content_tokens

    dictionary = load_dictionary(dictionary)
    content = content_tokens(tokens, include_pos=None)
    words = content.groupby("sentence")["token"].agg(list)
    matched = match_terms(tokens, dictionary)
    counts = {key: int(n) for key, n in matched.groupby(["sentence", "theme"]).size().items()}
    rows = []
    doc_id = tokens["doc_id"].iloc[0] if len(tokens) else ""
    for sentence, toks in words.items():
        hits = [counts.get((sentence, c), 0) for c in dictionary.categories]
        rows.append({"doc_id": doc_id, "sentence": sentence, "tokens": toks, "hits": hits})
    return pd.DataFrame(rows, columns=["doc_id", "sentence", "tokens", "hits"])


@dataclass
class ThemeClassifier:
    """A trained classifier: its vectoriser, one model per theme, and the themes it knows."""

    categories: tuple[str, ...]
    vectorizer: object
    model: object
    known: np.ndarray  # themes seen in training
    use_dictionary: bool
    threshold: float

    def _features(self, examples: pd.DataFrame):
        from scipy.sparse import csr_matrix, hstack

        x = self.vectorizer.transform(examples["tokens"])
        if self.use_dictionary:
            x = hstack([x, csr_matrix(np.array(examples["hits"].tolist(), dtype=float))]).tocsr()
        return x

    def predict(self, examples: pd.DataFrame) -> list[list[str]]:
        """The themes of each example (a list of labels, possibly empty)."""
        if examples.empty:
            return []
        prob = np.zeros((len(examples), len(self.categories)))
        prob[:, self.known] = self.model.predict_proba(self._features(examples))
        return [[c for k, c in enumerate(self.categories) if prob[i, k] >= self.threshold] for i in range(len(examples))]


def train_theme_classifier(examples: pd.DataFrame, labels, categories, *, use_dictionary: bool = True,
                           threshold: float = 0.5, c: float = 4.0) -> ThemeClassifier:
    """Fit one-vs-rest logistic regression on ``examples`` (:func:`sentence_examples`) and their
    ``labels`` (a set or list of themes per example), balanced class weights, a fixed solver."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    categories = tuple(categories)
    y = np.array([[c_ in set(lab) for c_ in categories] for lab in labels], dtype=int)
    known = np.flatnonzero(y.sum(axis=0) > 0)
    vectorizer = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True)
    x = vectorizer.fit_transform(examples["tokens"])
    if use_dictionary:
        x = hstack([x, csr_matrix(np.array(examples["hits"].tolist(), dtype=float))]).tocsr()
    model = OneVsRestClassifier(LogisticRegression(C=c, max_iter=2000, class_weight="balanced"))
    model.fit(x, y[:, known])
    return ThemeClassifier(categories, vectorizer, model, known, use_dictionary, threshold)


def evaluate_by_report(examples: pd.DataFrame, labels, categories, **options) -> list[list[str]]:
    """Leave-one-report-out predictions: each report's examples labelled by a classifier trained on
    the examples of every other report (``examples`` need a ``doc_id`` column)."""
    labels = list(labels)
    predicted: list[list[str]] = [[] for _ in range(len(examples))]
    positions = np.arange(len(examples))
    for doc_id in sorted(examples["doc_id"].unique()):
        test = (examples["doc_id"] == doc_id).to_numpy()
        model = train_theme_classifier(examples[~test], [labels[i] for i in positions[~test]], categories, **options)
        for i, themes in zip(positions[test], model.predict(examples[test])):
            predicted[i] = themes
    return predicted
