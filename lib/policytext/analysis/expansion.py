"""Theme dictionaries grown from the corpus: word2vec neighbours of the entries, reviewed by hand.

A dictionary written from headings and ministries' portfolios misses words the reports use for the
same things (a report says 棚改 where the dictionary has 棚户区).  Word vectors trained on the reports
themselves place words that occur in the same contexts near each other (the distributional
hypothesis), so the words nearest to a domain's entries are candidates for that domain.  The
procedure follows Li, Mai, Shen & Yan (2021), "Measuring Corporate Culture Using Machine Learning",
*Review of Financial Studies* 34(7): word2vec trained on the corpus to be measured, seed words per
dimension, each candidate assigned to the one dimension it is closest to, and every candidate read by
a person before it enters the dictionary.  The vectors are skip-gram with negative sampling (Mikolov,
Chen, Corrado & Dean 2013, "Efficient Estimation of Word Representations in Vector Space",
arXiv:1301.3781; Mikolov, Sutskever, Chen, Corrado & Dean 2013, "Distributed Representations of
Words and Phrases and their Compositionality", *NeurIPS*), trained with gensim.

Three steps, each a function:

1. :func:`train_vectors`: word2vec on the content tokens of each sentence (a sentence is a
   context; the content-token filter of :mod:`policytext.tokens.filters`, so the vectors are
   learnt on the words every other analysis counts).  Deterministic: one worker thread, a fixed
   seed, and nothing that depends on Python's string hash (checked in ``tests/test_expansion.py``
   across ``PYTHONHASHSEED`` values).
2. :func:`expansion_candidates`: the review table, one row per candidate word with its theme, its
   nearest entries, its corpus count and an example sentence at raw offsets, and empty ``decision``
   and ``reviewer`` columns for the person who reads it.
3. :func:`expanded_dictionary`: the base dictionary plus the accepted candidates, in cntext's
   schema (:func:`dictionary_yaml` writes it); ``resources/themes/policy_domains_expanded.yaml`` is
   what it gives for ``data/annotations/dictionary_expansion_review.csv`` (a test holds them equal).

:func:`training_reports` names the reports the shipped expansion was trained on: the corpus
without the reports of the held-out theme labels (``data/annotations/themes_held_out.csv``, the
``HELD_OUT`` reports of ``data/annotations/worksheets.py``), so nothing of the held-out reports
shapes the dictionary that is scored on them.
"""

from __future__ import annotations

import csv
import hashlib
import re
import zlib
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .. import paths
from ..errors import PolicyTextError
from ..files import replaced
from ..text.chars import CJK
from ..tokens.filters import DEFAULT_POS, content_tokens
from .themes import NAME_TAGS, ThemeDictionary, load_dictionary

__all__ = ["EXPANSION", "REVIEW_COLUMNS", "REVIEW_FILE", "EXPANDED_FILE", "training_reports", "held_out_reports",
           "training_sentences", "stable_hash", "train_vectors", "expansion_candidates", "corpus_candidates",
           "carry_decisions", "expanded_dictionary", "dictionary_yaml"]

#: The settings of the shipped expansion (``policy_domains_expanded``): training, then candidates.
#:
#: * ``sg=1`` skip-gram: the word2vec authors' notes (code.google.com/archive/p/word2vec) give it as
#:   working well with little training data and representing rare words well, CBOW as faster and
#:   slightly better for frequent words; the corpus is small and most candidate
#:   words of a domain are rare (a training corpus of 35 reports, about 176,000 content tokens in
#:   15,900 sentences).
#: * ``vector_size=100``, ``window=5``, ``negative=5``: the defaults of word2vec and gensim;
#:   Mikolov et al. (2013b) report 5–20 negative samples for small data sets, 2–5 for large ones.
#:   A window of 5 content tokens covers a clause of a work report (stopwords already removed).
#: * ``sample=1e-3``: gensim's default sub-sampling of frequent words (Mikolov et al. 2013b
#:   sub-sample words above a frequency threshold; 1e-5 is their value for billions of words, far
#:   too aggressive for a corpus this small).
#: * ``min_count=5``: a word seen fewer than five times has no usable vector (about 4,250 words remain).
#: * ``epochs=20`` instead of 5: the corpus is small, so each word is seen few times per pass; at 5
#:   epochs the nearest neighbours of 污水 were 饮水, 农村公路, 危房 (similarities above 0.9 for
#:   nearly everything: undertrained); at 20 they are 垃圾, 厕所, 垃圾处理, 自来水; 50 changes little
#:   and takes 2.5 times as long.
#: * ``seed=2026``, one worker thread: the same vectors on every run.
#: * candidates: among the ``topn=5`` nearest words of some entry, and with a similarity of at
#:   least ``threshold=0.7`` to the theme they are assigned to (the mean cosine to the ``nearest=3``
#:   closest entries of that theme).  Chosen for the reviewer, before any score was computed: with
#:   ``topn=10`` and no threshold nearly every word of the vocabulary is somebody's neighbour (1,251
#:   candidates); ``topn=5`` and 0.7 leave about 600, which one person can read against the guide.
EXPANSION = {"vector_size": 100, "window": 5, "min_count": 5, "epochs": 20, "seed": 2026, "sg": 1,
             "negative": 5, "sample": 1e-3, "topn": 5, "threshold": 0.7, "nearest": 3}

#: The columns of the review table (:func:`expansion_candidates`).
REVIEW_COLUMNS = ["theme", "term", "similarity", "nearest_seeds", "runner_up", "count", "pos", "example", "doc_id",
                  "start", "end", "sentence_start", "sentence_end", "decision", "reviewer", "note"]

REVIEW_FILE = paths.ANNOTATIONS / "dictionary_expansion_review.csv"
EXPANDED_FILE = paths.RESOURCES / "themes" / "policy_domains_expanded.yaml"
#: The hand labels whose reports are never trained on (their ``doc_id`` column).
HELD_OUT_LABELS = (paths.ANNOTATIONS / "themes_held_out.csv", paths.ANNOTATIONS / "themes_held_out_second_coder.csv")

_WORD = re.compile(f"[{CJK}]+")


def held_out_reports(files: Iterable[Path] = HELD_OUT_LABELS) -> tuple[str, ...]:
    """The reports of the held-out theme labels (``doc_id`` of ``themes_held_out*.csv``), sorted."""
    found: set[str] = set()
    for path in files:
        if Path(path).is_file():
            with open(path, encoding="utf-8-sig", newline="") as f:
                found.update(row["doc_id"] for row in csv.DictReader(f))
    return tuple(sorted(found))


def training_reports(corpus: str | Path | None = None, *, exclude: Iterable[str] | None = None) -> list[Path]:
    """The reports of ``corpus`` (default :data:`policytext.paths.CORPUS`) that vectors are trained on.

    Every report whose ``doc_id`` (file stem) is in ``exclude`` is left out; by default the
    reports of the held-out theme labels (:func:`held_out_reports`), so the dictionary scored on
    them was never shaped by them.  The bundled report is not in the corpus folder, so it is never
    trained on either (its own held-out labels stay untouched).
    """
    corpus = Path(paths.CORPUS if corpus is None else corpus)
    excluded = set(held_out_reports() if exclude is None else exclude)
    return [p for p in sorted(corpus.glob("*.txt")) if p.stem not in excluded]


def _one_table(token_tables) -> pd.DataFrame:
    if isinstance(token_tables, pd.DataFrame):
        return token_tables
    tables = list(token_tables)
    if not tables:
        raise PolicyTextError("no token table to train on")
    return pd.concat(tables, ignore_index=True)


def _content(token_tables, include_pos, stopwords, min_len) -> pd.DataFrame:
    tokens = _one_table(token_tables)
    kept = content_tokens(tokens, include_pos=include_pos, stopwords=stopwords, min_len=min_len)
    return kept.sort_values(["doc_id", "sentence", "clean_start"], kind="stable")


def training_sentences(token_tables, *, include_pos: tuple[str, ...] | None = DEFAULT_POS, stopwords: bool = True,
                       min_len: int = 2) -> list[list[str]]:
    """The content tokens of every sentence, one list per sentence, in ``doc_id`` and sentence order.

    ``token_tables`` is one token table or several (:func:`~policytext.tokens.segmentation.tokenize`,
    each with its ``doc_id``); the order they come in does not matter.  ``include_pos``,
    ``stopwords`` and ``min_len`` are the content-token filter (:func:`~policytext.tokens.filters.content_tokens`).
    """
    kept = _content(token_tables, include_pos, stopwords, min_len)  # sorted by doc_id, sentence, position
    if kept.empty:
        return []
    doc, sentence = kept["doc_id"].to_numpy(dtype=object), kept["sentence"].to_numpy()
    starts = np.flatnonzero(np.r_[True, (doc[1:] != doc[:-1]) | (sentence[1:] != sentence[:-1])])
    return [words.tolist() for words in np.split(kept["token"].to_numpy(dtype=object), starts[1:])]


def stable_hash(text: str) -> int:
    """CRC-32 of the UTF-8 bytes: a string hash that, unlike ``hash``, is the same in every process."""
    return zlib.crc32(str(text).encode("utf-8"))


def train_vectors(token_tables, *, vector_size: int = EXPANSION["vector_size"], window: int = EXPANSION["window"],
                  min_count: int = EXPANSION["min_count"], epochs: int = EXPANSION["epochs"],
                  seed: int = EXPANSION["seed"], sg: int = EXPANSION["sg"], negative: int = EXPANSION["negative"],
                  sample: float = EXPANSION["sample"], include_pos: tuple[str, ...] | None = DEFAULT_POS,
                  stopwords: bool = True, min_len: int = 2, cache: str | Path | None = None):
    """Word2vec (gensim) trained on the content tokens of each sentence of ``token_tables``.

    Args:
        token_tables: one token table or several (:func:`~policytext.tokens.segmentation.tokenize`).
        vector_size, window, min_count, epochs, seed, sg, negative, sample: word2vec's settings;
            the defaults are those of the shipped expansion, :data:`EXPANSION` says why.
        include_pos, stopwords, min_len: the content-token filter.
        cache: a folder where the trained model is kept, named by a digest of the training sentences,
            the settings and gensim's version: the same corpus and settings load it instead of
            training again (the same model, as training is deterministic).

    The model is the same on every run with the same arguments: one worker thread (gensim's only
    deterministic setting), the seed for the initial vectors and the sampling, and a string hash
    that does not depend on ``PYTHONHASHSEED`` (:func:`stable_hash`; gensim 4 seeds the initial
    vectors from ``seed`` alone and uses ``hashfxn`` only in a deprecated helper, but the model
    keeps it, so it is fixed too).

    Returns:
        A :class:`gensim.models.Word2Vec`; ``model.wv`` holds the vectors and each word's count.
    """
    from gensim.models import Word2Vec

    import gensim

    sentences = training_sentences(token_tables, include_pos=include_pos, stopwords=stopwords, min_len=min_len)
    if not sentences:
        raise PolicyTextError("no content tokens to train word vectors on")
    settings = dict(vector_size=vector_size, window=window, min_count=min_count, epochs=epochs, seed=seed, sg=sg,
                    negative=negative, sample=sample)
    stored = None
    if cache is not None:
        digest = hashlib.sha256(repr((gensim.__version__, sorted(settings.items()))).encode())
        for sentence in sentences:
            digest.update("\x1f".join(sentence).encode("utf-8") + b"\x1e")
        stored = Path(cache) / f"word2vec-{digest.hexdigest()[:16]}.model"
        if stored.is_file():
            return Word2Vec.load(str(stored))
    model = Word2Vec(sentences, **settings, hs=0, workers=1, hashfxn=stable_hash)
    if stored is not None:
        stored.parent.mkdir(parents=True, exist_ok=True)
        with replaced(stored) as temporary:  # complete or absent: a stopped run leaves no half model
            model.save(str(temporary), separately=[])  # one file, whatever the size of its arrays
    return model


def _related(word: str, entries: list[str]) -> bool:
    """``word`` holds an entry (污水 in 城市污水: the text match finds that entry already) or is part
    of one (防控 of 风险防控: a fragment, broader than the entry)."""
    return any(e in word or word in e for e in entries)


def _occurrences(token_tables, include_pos, stopwords, min_len):
    """Every content token and, per sentence, its text and raw span (for the examples)."""
    tokens = _one_table(token_tables)
    kept = _content(tokens, include_pos, stopwords, min_len)
    return tokens, kept


def expansion_candidates(model, dictionary: ThemeDictionary | str | Path = "policy_domains", *, tokens,
                         topn: int = EXPANSION["topn"], threshold: float = EXPANSION["threshold"],
                         nearest: int = EXPANSION["nearest"], min_count: int | None = None,
                         include_pos: tuple[str, ...] | None = DEFAULT_POS, stopwords: bool = True,
                         min_len: int = 2) -> pd.DataFrame:
    """The review table: words of the model near a theme's entries and not yet in the dictionary.

    A word is a candidate when it is among the ``topn`` nearest words (cosine) of at least one entry
    of the dictionary that the model knows (an *entry in the vocabulary*, a seed), and passes the
    filters: not an entry, not holding an entry nor part of one (:func:`_related`: 城市污水 is
    already found through 污水; 防控 is a fragment of 风险防控), only Chinese characters, two or more
    of them, not mostly tagged as a name (POS ``ns``, ``nr``, ``nt``: places, people,
    organisations), seen at least ``min_count`` times (default: the model's ``min_count``); numbers
    and time words never reach the model (the content-token filter drops them).

    Its similarity to a theme is the **mean cosine to the ``nearest`` closest entries of the theme**:
    the maximum (one entry) lets a single chance neighbour decide, and the mean over all entries, or
    the cosine to their centroid (Li et al. 2021), punishes a domain for being broad (the economy's
    150 entries go from 钢铁 to 会展).  The word goes to the theme with the highest similarity, and
    is kept only if that similarity is at least ``threshold``; a tie goes to the theme listed first
    in the dictionary (``Category``).

    Args:
        model: a trained :class:`gensim.models.Word2Vec` (:func:`train_vectors`) or its ``KeyedVectors``.
        dictionary: the dictionary to grow (name, YAML file or loaded).
        tokens: the token table(s) the model was trained on: counts, POS tags and examples come from it.
        topn, threshold, nearest, min_count: as above.
        include_pos, stopwords, min_len: the content-token filter used in training.

    Returns:
        One row per candidate (:data:`REVIEW_COLUMNS`), by theme (dictionary order), then by
        similarity, highest first: ``theme``; ``term``; ``similarity`` (3 decimals);
        ``nearest_seeds`` (the ``nearest`` entries of the theme it is closest to, ``污水 0.712;…``);
        ``runner_up`` (the next theme and its similarity); ``count`` (content-token frequency in
        ``tokens``); ``pos`` (its most frequent tag); ``example`` (the first sentence holding it, in
        ``doc_id`` and sentence order, its tokens joined: the cleaned text without removed spaces
        or masks); ``doc_id``; ``start, end`` (raw offsets of the term in that sentence: ``raw[start:end]``
        is the term, unless every occurrence has a space or line break inside it in the raw file);
        ``sentence_start, sentence_end`` (the raw span of the sentence); and
        ``decision``, ``reviewer``, ``note``, empty, for the reviewer.
    """
    wv = getattr(model, "wv", model)
    dictionary = load_dictionary(dictionary)
    min_count = int(getattr(model, "min_count", 1) if min_count is None else min_count)
    entries = sorted({w for c in dictionary.categories for w in dictionary.terms[c]})
    entry_set = set(entries)
    vocab = list(wv.index_to_key)
    index = {w: i for i, w in enumerate(vocab)}
    seeds = {c: [w for w in dictionary.terms[c] if w in index] for c in dictionary.categories}
    all_seeds = sorted({w for c in dictionary.categories for w in seeds[c]}, key=index.get)
    if not all_seeds:
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    norm = wv.get_normed_vectors()
    # the topn neighbours of every seed (a seed's own row excluded), as in most_similar
    sims = norm[[index[s] for s in all_seeds]] @ norm.T
    sims[np.arange(len(all_seeds)), [index[s] for s in all_seeds]] = -np.inf
    order = np.argsort(-sims, axis=1, kind="stable")[:, :topn]
    near = sorted({int(j) for row in order for j in row}, key=int)

    full, kept = _occurrences(tokens, include_pos, stopwords, min_len)
    counts = kept["token"].value_counts().to_dict()
    tags_of: dict[str, dict[str, int]] = {}  # token -> {POS tag: count}
    for (token, tag), n in kept.groupby(["token", "pos"]).size().items():
        tags_of.setdefault(token, {})[tag] = int(n)
    rows = []
    for j in near:
        word = vocab[j]
        if (word in entry_set or len(word) < 2 or not _WORD.fullmatch(word) or _related(word, entries)
                or int(counts.get(word, 0)) < min_count):
            continue
        tags = tags_of.get(word, {})
        names = sum(n for t, n in tags.items() if str(t).startswith(NAME_TAGS))
        if tags and names * 2 >= sum(tags.values()):
            continue
        scores = []
        for c in dictionary.categories:
            if not seeds[c]:
                scores.append((-np.inf, []))
                continue
            s = norm[[index[w] for w in seeds[c]]] @ norm[j]
            top = np.argsort(-s, kind="stable")[:nearest]
            scores.append((float(np.mean(s[top])), [(seeds[c][k], float(s[k])) for k in top]))
        best = int(np.argmax([v for v, _ in scores]))  # the first of equal maxima: dictionary order
        similarity, closest = scores[best]
        if similarity < threshold:
            continue
        others = sorted(((v, k) for k, (v, _) in enumerate(scores) if k != best), key=lambda x: (-x[0], x[1]))
        runner = others[0] if others else None
        pos = sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if tags else ""
        rows.append({"theme": dictionary.categories[best], "term": word, "similarity": round(similarity, 3),
                     "nearest_seeds": "; ".join(f"{w} {v:.3f}" for w, v in closest),
                     "runner_up": f"{dictionary.categories[runner[1]]} {runner[0]:.3f}" if runner else "",
                     "count": int(counts.get(word, 0)), "pos": pos})
    if not rows:
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    table = pd.DataFrame(rows)
    table = table.merge(_examples(full, kept, set(table["term"])), on="term", how="left")
    for c in ("decision", "reviewer", "note"):
        table[c] = ""
    rank = {c: i for i, c in enumerate(dictionary.categories)}
    table = table.assign(_rank=table["theme"].map(rank))
    table = table.sort_values(["_rank", "similarity", "term"], ascending=[True, False, True], kind="stable")
    return table[REVIEW_COLUMNS].reset_index(drop=True)


def _examples(full: pd.DataFrame, kept: pd.DataFrame, terms: set[str]) -> pd.DataFrame:
    """The first occurrence of each term (``doc_id``, sentence, text order) with its sentence; an
    occurrence whose raw span is the term itself comes first (the cleaner may have removed a space or
    a line break inside a token: 不懈\n努力)."""
    found = kept[kept["token"].isin(terms)]
    exact = (found["end"] - found["start"]).to_numpy() == found["token"].str.len().to_numpy()
    found = found.assign(_inexact=~exact).sort_values(["_inexact", "doc_id", "sentence", "clean_start"], kind="stable")
    first = found.drop_duplicates("token", keep="first")
    keys = set(zip(first["doc_id"], first["sentence"]))
    inside = full[pd.MultiIndex.from_arrays([full["doc_id"], full["sentence"]]).isin(list(keys))]
    inside = inside.sort_values(["doc_id", "sentence", "clean_start"], kind="stable")
    grouped = inside.groupby(["doc_id", "sentence"], sort=False)
    text = grouped["token"].agg("".join)
    span_start, span_end = grouped["start"].min(), grouped["end"].max()
    return pd.DataFrame({
        "term": first["token"].to_numpy(),
        "example": [text[k] for k in zip(first["doc_id"], first["sentence"])],
        "doc_id": first["doc_id"].to_numpy(),
        "start": first["start"].astype(int).to_numpy(), "end": first["end"].astype(int).to_numpy(),
        "sentence_start": [int(span_start[k]) for k in zip(first["doc_id"], first["sentence"])],
        "sentence_end": [int(span_end[k]) for k in zip(first["doc_id"], first["sentence"])],
    })


def corpus_candidates(corpus: str | Path | None = None, *, dictionary: ThemeDictionary | str | Path = "policy_domains",
                      exclude: Iterable[str] | None = None, settings: dict | None = None):
    """The shipped expansion's run: read and tokenize :func:`training_reports`, train, list the candidates.

    Returns:
        ``(model, review, doc_ids)``: the model, the review table (:func:`expansion_candidates`)
        and the reports trained on.
    """
    from ..document.reading import read_report
    from ..tokens.segmentation import tokenize

    settings = {**EXPANSION, **(settings or {})}
    reports = training_reports(corpus, exclude=exclude)
    if not reports:
        raise PolicyTextError(f"no report to train on in {corpus or paths.CORPUS}")
    tables = [tokenize(read_report(p)) for p in reports]
    train = {k: settings[k] for k in ("vector_size", "window", "min_count", "epochs", "seed", "sg", "negative",
                                      "sample")}
    model = train_vectors(tables, **train)
    review = expansion_candidates(model, dictionary, tokens=tables, topn=settings["topn"],
                                  threshold=settings["threshold"], nearest=settings["nearest"])
    return model, review, [p.stem for p in reports]


def carry_decisions(fresh: pd.DataFrame, reviewed: pd.DataFrame) -> pd.DataFrame:
    """A fresh review table with the decisions of an earlier one carried over.

    A candidate of ``fresh`` keeps the ``decision``, ``reviewer`` and ``note`` of the same term under
    the same theme in ``reviewed``; a new candidate, or one that moved to another theme, stays
    empty for the reviewer.  Rerun the expansion after a change of the segmenter or the corpus, carry
    the decisions, and review only the empty rows.
    """
    old = reviewed.drop_duplicates(["theme", "term"]).set_index(["theme", "term"])
    out = fresh.copy()
    for column in ("decision", "reviewer", "note"):
        values = old[column].astype(str) if column in old.columns else pd.Series(dtype=str)
        out[column] = [values.get((t, w), "") for t, w in zip(out["theme"], out["term"])]
    return out


def _accepted(review: pd.DataFrame) -> pd.DataFrame:
    decision = review["decision"].fillna("").astype(str).str.strip().str.lower()
    unknown = sorted(set(decision) - {"", "accept", "reject"})
    if unknown:
        raise PolicyTextError(f"review decisions must be accept, reject or empty, not {', '.join(unknown)}")
    return review[decision.eq("accept")]


def expanded_dictionary(base: ThemeDictionary | str | Path, review: pd.DataFrame | str | Path, *,
                        name: str = "policy_domains_expanded", settings: dict | None = None) -> ThemeDictionary:
    """The base dictionary with the accepted candidates of a review table added to their themes.

    Args:
        base: the dictionary that was grown (name, YAML file or loaded).
        review: the review table (:func:`expansion_candidates` with ``decision`` filled in: ``accept``
            or ``reject``), or its CSV file.
        name: the new dictionary's ``Name``.
        settings: the settings the candidates were made with (default :data:`EXPANSION`), for ``Desc``.

    Each theme keeps its entries in order and gets its accepted terms after them, in the review
    table's order; ``Desc`` is the base's description followed by the terms added to each theme,
    the settings, the training reports' rule and the reviewers; ``Refer`` cites the method.
    """
    base = load_dictionary(base)
    if not isinstance(review, pd.DataFrame):
        review = pd.read_csv(review, encoding="utf-8", keep_default_na=False)
    accepted = _accepted(review)
    existing = {w for c in base.categories for w in base.terms[c]}
    unknown = sorted(set(accepted["theme"]) - set(base.categories))
    if unknown:
        raise PolicyTextError(f"review accepts terms for themes the dictionary lacks: {', '.join(unknown)}")
    added = {c: [] for c in base.categories}
    for theme, term in zip(accepted["theme"], accepted["term"]):
        term = str(term).strip()
        if term and term not in existing and term not in added[theme]:
            added[theme].append(term)
    settings = {**EXPANSION, **(settings or {})}
    reviewers = sorted({str(r).strip() for r in accepted["reviewer"] if str(r).strip()})
    listed = "; ".join(f"{c}: {' '.join(added[c])}" for c in base.categories if added[c])
    shown = ", ".join(f"{k}={v}" for k, v in settings.items())
    n = sum(len(v) for v in added.values())
    desc = (f"{base.desc.rstrip()} Expansion ({name}): the entries of {base.name} plus {n} terms found by word2vec "
            f"(policytext.analysis.expansion; skip-gram trained on the content tokens of the corpus reports outside "
            f"the held-out theme set, every candidate among the nearest words of some entry and assigned to the "
            f"theme of its closest entries; settings {shown}) and accepted by hand against "
            f"data/annotations/themes_guide.md (data/annotations/dictionary_expansion_review.csv, reviewer "
            f"{', '.join(reviewers) or 'none'}): {listed or 'none'}.")
    refer = (f"{base.refer.rstrip()} Expansion after Li, Mai, Shen & Yan (2021), Measuring Corporate Culture Using "
             "Machine Learning, Review of Financial Studies 34(7); word vectors: Mikolov et al. (2013), Efficient "
             "Estimation of Word Representations in Vector Space, arXiv:1301.3781, and Distributed Representations "
             "of Words and Phrases and their Compositionality, NeurIPS.")
    return ThemeDictionary(name=name, desc=desc, refer=refer, categories=base.categories,
                           terms={c: tuple(base.terms[c]) + tuple(added[c]) for c in base.categories},
                           path="")


def dictionary_yaml(dictionary: ThemeDictionary, *, header: str | None = None) -> str:
    """The dictionary as YAML in cntext's schema (``Name, Desc, Refer, Category, Dictionary``).

    ``header`` (default: a note that the file is generated) opens the file as ``#`` comments.
    """
    import yaml

    if header is None:
        header = ("Generated by policytext.analysis.expansion.expanded_dictionary from policy_domains.yaml and "
                  "data/annotations/dictionary_expansion_review.csv; do not edit by hand (tests/test_expansion.py "
                  "checks it equals what the function gives). cntext's YAML dictionary schema.")
    data = {"Name": dictionary.name, "Desc": dictionary.desc, "Refer": dictionary.refer,
            "Category": list(dictionary.categories),
            "Dictionary": {c: list(dictionary.terms[c]) for c in dictionary.categories}}
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)
    lines = [f"# {line}" for line in _wrap(header, 100)]
    return "\n".join(lines) + "\n" + body


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False) or [""]
