"""Theme dictionaries grown with word2vec: the same vectors on every run (whatever PYTHONHASHSEED), candidates
that are new words and not names or numbers, examples at their raw offsets, the shipped expanded dictionary
equal to what the reviewed table gives, and no held-out report in the training."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from policytext import paths, read_report
from policytext.analysis import expansion, themes

TESTS = Path(__file__).resolve().parent

# ------------------------------------------------------------------ a small synthetic corpus

#: Two subjects whose words occur together, a place name, a word holding an entry, a word with a digit.
WATER = ["污水", "河流", "水质", "排污口", "净化", "湿地"]
ROADS = ["道路", "桥梁", "隧道", "路面", "立交", "通车"]
EXTRA_WATER = [("青山区", "ns"), ("污水厂", "n"), ("5G站", "n"), ("三千吨", "m")]


def synthetic_tables(seed: int = 7, n: int = 400) -> tuple[list[pd.DataFrame], dict[str, str]]:
    """Token tables of two made-up reports (each sentence about water or roads) and their raw texts."""
    rng = random.Random(seed)
    tables, raws = [], {}
    for doc_id in ("syn_a", "syn_b"):
        rows, raw, position = [], [], 0
        for sentence in range(1, n // 2 + 1):
            water = rng.random() < 0.5
            words = [(w, "n") for w in rng.sample(WATER if water else ROADS, 4)]
            if water:
                words.insert(rng.randrange(len(words) + 1), EXTRA_WATER[sentence % len(EXTRA_WATER)])
            for token, pos in words + [("。", "x")]:
                rows.append({"doc_id": doc_id, "part": "body", "chapter": 1, "section": 1, "paragraph": sentence,
                             "sentence": sentence, "token": token, "pos": pos, "start": position,
                             "end": position + len(token), "clean_start": position,
                             "clean_end": position + len(token), "stopword": False, "punct": token == "。",
                             "dict_term": False, "near_mask": False})
                raw.append(token)
                position += len(token)
        tables.append(pd.DataFrame(rows))
        raws[doc_id] = "".join(raw)
    return tables, raws


SYNTHETIC_DICTIONARY = themes.ThemeDictionary(
    name="syn", desc="test", refer="none", categories=("water", "roads"),
    terms={"water": ("污水", "河流"), "roads": ("道路", "桥梁")}, path="")


def fingerprint(model) -> str:
    """A digest of the vocabulary and every vector."""
    digest = hashlib.sha256("\n".join(model.wv.index_to_key).encode("utf-8"))
    digest.update(np.ascontiguousarray(model.wv.vectors).tobytes())
    return digest.hexdigest()


#: Small vectors, no sub-sampling (in a vocabulary of a dozen words every word is "frequent").
SETTINGS = {"vector_size": 16, "min_count": 3, "epochs": 10, "sample": 0}


def _train_synthetic():
    tables, _ = synthetic_tables()
    return expansion.train_vectors(tables, **SETTINGS)


@pytest.fixture(scope="module")
def synthetic():
    tables, raws = synthetic_tables()
    return expansion.train_vectors(tables, **SETTINGS), tables, raws


# ------------------------------------------------------------------ training


def test_training_is_deterministic(synthetic):
    """Same corpus and seed: the same vectors and the same nearest neighbours; the input order does not matter."""
    model, tables, _ = synthetic
    again = expansion.train_vectors(list(reversed(tables)), **SETTINGS)
    assert fingerprint(again) == fingerprint(model)
    assert model.wv.most_similar("水质", topn=3) == again.wv.most_similar("水质", topn=3)
    assert model.workers == 1 and model.seed == expansion.EXPANSION["seed"]


def test_training_does_not_depend_on_the_string_hash(synthetic):
    """Two fresh processes with different PYTHONHASHSEED train the vectors this process trained."""
    model, _, _ = synthetic
    code = ("import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import test_expansion as t; "
            "print(t.fingerprint(t._train_synthetic()))")
    prints = set()
    for hashseed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        done = subprocess.run([sys.executable, "-c", code, str(TESTS), str(paths.ROOT / "lib")], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        prints.add(done.stdout.strip().splitlines()[-1])
    assert prints == {fingerprint(model)}


def test_sentences_are_the_content_tokens_of_each_sentence(synthetic):
    _, tables, _ = synthetic
    sentences = expansion.training_sentences(tables)
    assert len(sentences) == sum(t["sentence"].nunique() for t in tables)
    flat = {w for s in sentences for w in s}
    assert "。" not in flat and "三千吨" not in flat  # punctuation and numbers (POS m) are not content tokens


# ------------------------------------------------------------------ candidates


def test_candidates_are_new_words_near_their_theme(synthetic):
    model, tables, _ = synthetic
    review = expansion.expansion_candidates(model, SYNTHETIC_DICTIONARY, tokens=tables, threshold=0.0, topn=10)
    assert list(review.columns) == expansion.REVIEW_COLUMNS
    found = dict(zip(review["term"], review["theme"]))
    assert {w: found.get(w) for w in ("水质", "隧道")} == {"水质": "water", "隧道": "roads"}
    entries = {w for c in SYNTHETIC_DICTIONARY.categories for w in SYNTHETIC_DICTIONARY.terms[c]}
    assert not set(found) & entries                   # nothing already in the dictionary
    assert "青山区" not in found                        # a place name (POS ns)
    assert "污水厂" not in found                        # holds the entry 污水: the text match finds it already
    assert "5G站" not in found and "三千吨" not in found  # a digit; a number
    assert all(len(w) >= 2 for w in found)
    assert (review["decision"] == "").all() and (review["reviewer"] == "").all()
    assert review["count"].ge(model.min_count).all()


def test_a_candidate_lists_its_nearest_seeds_and_ties_go_to_the_first_theme():
    """Hand-made vectors: 水坝 is as close to water as to roads (a tie: the theme listed first wins)."""
    from gensim.models import KeyedVectors

    words = {"污水": (1.0, 0.0), "河流": (0.9, 0.1), "道路": (0.0, 1.0), "桥梁": (0.1, 0.9),
             "水坝": (1.0, 1.0), "隧道": (0.05, 1.0)}
    kv = KeyedVectors(vector_size=2)
    kv.add_vectors(list(words), np.array(list(words.values()), dtype=np.float32))
    doc = [[(w, "n") for w in words]]
    rows, position = [], 0
    for sentence, tokens in enumerate(doc, 1):
        for token, pos in tokens:
            rows.append({"doc_id": "d", "part": "body", "chapter": 1, "sentence": sentence, "token": token, "pos": pos,
                         "start": position, "end": position + len(token), "clean_start": position,
                         "stopword": False, "punct": False, "near_mask": False})
            position += len(token)
    review = expansion.expansion_candidates(kv, SYNTHETIC_DICTIONARY, tokens=pd.DataFrame(rows), threshold=0.0,
                                            topn=5, nearest=1, min_count=1).set_index("term")
    assert review.loc["水坝", "theme"] == "water" and review.loc["水坝", "runner_up"].startswith("roads")
    assert review.loc["隧道", "theme"] == "roads" and review.loc["隧道", "nearest_seeds"].startswith("道路 ")
    assert review.loc["隧道", "similarity"] == pytest.approx(float(np.cos(np.arctan2(0.05, 1.0))), abs=1e-3)


def test_examples_point_at_the_raw_text(synthetic):
    model, tables, raws = synthetic
    review = expansion.expansion_candidates(model, SYNTHETIC_DICTIONARY, tokens=tables, threshold=0.0, topn=10)
    assert len(review)
    for row in review.itertuples():
        raw = raws[row.doc_id]
        assert raw[row.start:row.end] == row.term
        assert raw[row.sentence_start:row.sentence_end] == row.example
        assert row.sentence_start <= row.start < row.end <= row.sentence_end


# ------------------------------------------------------------------ the shipped review and dictionary


@pytest.fixture(scope="module")
def review():
    return pd.read_csv(expansion.REVIEW_FILE, encoding="utf-8", keep_default_na=False)


def test_the_review_is_complete(review):
    """Every candidate was decided, by a named reviewer, with the guide's domains only."""
    assert list(review.columns) == expansion.REVIEW_COLUMNS
    assert set(review["decision"]) == {"accept", "reject"}
    assert review["reviewer"].str.len().gt(0).all() and review["note"].str.len().gt(0).all()
    base = themes.load_dictionary("policy_domains")
    assert set(review["theme"]) <= set(base.categories)
    assert not review.duplicated("term").any()  # one theme per term
    entries = {w for c in base.categories for w in base.terms[c]}
    assert not set(review["term"]) & entries


def test_the_shipped_expanded_dictionary_is_what_the_review_gives(review):
    base = themes.load_dictionary("policy_domains")
    built = expansion.expanded_dictionary(base, review)
    assert expansion.EXPANDED_FILE.read_text(encoding="utf-8") == expansion.dictionary_yaml(built)
    shipped = themes.load_dictionary("policy_domains_expanded")
    assert "policy_domains_expanded" in themes.available_dictionaries()
    assert (shipped.name, shipped.desc, shipped.refer, shipped.categories, shipped.terms) == (
        built.name, built.desc, built.refer, built.categories, built.terms)
    accepted = review[review["decision"] == "accept"]
    for theme in base.categories:  # the original entries first, in order, then the accepted terms
        added = accepted.loc[accepted["theme"] == theme, "term"].tolist()
        assert shipped.terms[theme] == base.terms[theme] + tuple(added)
        for term in added:
            assert term in shipped.desc
    assert "coder_" in shipped.desc and "epochs=" in shipped.desc


def test_expanded_dictionary_refuses_unknown_decisions(review):
    bad = review.head(3).assign(decision="maybe")
    with pytest.raises(Exception, match="accept, reject"):
        expansion.expanded_dictionary("policy_domains", bad)


def _worksheets():
    spec = importlib.util.spec_from_file_location("worksheets", paths.ANNOTATIONS / "worksheets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_held_out_report_is_trained_on(review):
    """The training reports leave out the reports of the held-out theme labels (worksheets.HELD_OUT), and every
    example of the review comes from a training report."""
    held_out = set(_worksheets().HELD_OUT)
    labelled = set(pd.read_csv(paths.ANNOTATIONS / "themes_held_out.csv", encoding="utf-8")["doc_id"])
    assert labelled <= held_out and set(expansion.held_out_reports()) == labelled
    if not paths.CORPUS.is_dir():
        pytest.skip("corpus absent")
    trained = {p.stem for p in expansion.training_reports()}
    assert not trained & held_out
    assert trained | held_out == {p.stem for p in paths.CORPUS.glob("*.txt")}
    assert set(review["doc_id"]) <= trained


def test_the_review_examples_are_at_their_raw_offsets(review):
    if not paths.CORPUS.is_dir():
        pytest.skip("corpus absent")
    exact = 0
    for doc_id, rows in review.groupby("doc_id"):
        raw = read_report(paths.CORPUS / f"{doc_id}.txt").raw_text
        for row in rows.itertuples():
            span = raw[row.start:row.end]
            exact += span == row.term
            # a token the cleaner joined across a line break (不懈\n努力) is the term without its spaces
            assert re.sub(r"\s", "", span) == row.term, (doc_id, row.term, span)
            assert row.sentence_start <= row.start < row.end <= row.sentence_end
    assert exact >= 0.99 * len(review)


@pytest.mark.slow
@pytest.mark.corpus
def test_the_review_lists_what_the_corpus_run_gives(review):
    """Rerunning the expansion on the corpus (about 15 s) gives the candidates the review decided."""
    if not paths.CORPUS.is_dir():
        pytest.skip("corpus absent")
    _, fresh, _ = expansion.corpus_candidates()
    columns = ["theme", "term", "count", "doc_id", "start", "end"]
    assert fresh[columns].reset_index(drop=True).equals(review[columns].reset_index(drop=True))



def test_a_cached_model_is_the_model_training_gives(synthetic, tmp_path):
    """The cache returns what training gives; another setting (or corpus) trains again."""
    model, tables, _ = synthetic
    first = expansion.train_vectors(tables, **SETTINGS, cache=tmp_path)
    again = expansion.train_vectors(tables, **SETTINGS, cache=tmp_path)
    assert len(list(tmp_path.glob("word2vec-*.model"))) == 1
    assert fingerprint(first) == fingerprint(again) == fingerprint(model)
    expansion.train_vectors(tables, **{**SETTINGS, "epochs": 11}, cache=tmp_path)
    assert len(list(tmp_path.glob("word2vec-*.model"))) == 2 and not list(tmp_path.glob(".*.tmp-*"))
