"""Evaluation on the multi-report annotations: the indicator and theme scores the Methods page shows,
the supervised baseline beside the theme dictionary, and agreement between coders."""

from __future__ import annotations

import pandas as pd
import pytest

from policytext.analysis import classify
from policytext.analysis import evaluation as ev
from policytext.analysis.themes import load_dictionary

CATEGORIES = ("a", "b", "c")


def _examples(rows):
    return pd.DataFrame([{"doc_id": d, "sentence": i, "tokens": t, "hits": [0, 0, 0]}
                         for i, (d, t) in enumerate(rows)])


def test_the_classifier_learns_words_and_predicts_label_sets():
    rows = [("r1", ["工业", "投资"]), ("r1", ["工业", "企业"]), ("r2", ["生态", "污染"]), ("r2", ["污染", "治理"]),
            ("r3", ["工业", "污染"]), ("r3", ["投资", "企业"])]
    labels = [{"a"}, {"a"}, {"b"}, {"b"}, {"a", "b"}, {"a"}]
    model = classify.train_theme_classifier(_examples(rows), labels, CATEGORIES, use_dictionary=False)
    predicted = model.predict(_examples([("x", ["工业", "投资"]), ("x", ["污染", "治理"])]))
    assert predicted == [["a"], ["b"]]
    assert model.predict(_examples([])) == []


def test_a_report_left_out_is_never_labelled_from_its_own_sentences():
    """Theme ``c`` occurs only in report r3: trained without r3, the classifier cannot give it there."""
    rows = [("r1", ["工业"]), ("r1", ["投资"]), ("r2", ["生态"]), ("r2", ["工业"]), ("r3", ["安全"]), ("r3", ["安全"])]
    labels = [{"a"}, {"a"}, {"b"}, {"a"}, {"c"}, {"c"}]
    predicted = classify.evaluate_by_report(_examples(rows), labels, CATEGORIES, use_dictionary=False)
    assert all("c" not in p for p in predicted)
    trained_on_all = classify.train_theme_classifier(_examples(rows), labels, CATEGORIES, use_dictionary=False)
    assert "c" in trained_on_all.predict(_examples([("r3", ["安全"])]))[0]


def test_the_dictionary_hits_are_features(tokenizer):
    from policytext import report_from_text
    from policytext.tokens.segmentation import tokenize

    text = "政府工作报告\n各位代表：\n一、今年主要任务\n加强生态环境保护，治理大气污染。\n扩大有效投资。\n"
    examples = classify.sentence_examples(tokenize(report_from_text(text), tokenizer=tokenizer))
    categories = load_dictionary().categories
    assert all(len(h) == len(categories) for h in examples["hits"])
    ecology, economy = categories.index("ecology_environment"), categories.index("economy_industry")
    assert examples["hits"].iloc[-2][ecology] >= 2 and examples["hits"].iloc[-1][ecology] == 0
    assert examples["tokens"].iloc[-1] == ["扩大", "投资"] and examples["hits"].iloc[-1][economy] == 1


def test_bootstrap_intervals_hold_the_point_estimate_and_are_seeded():
    pairs = [({"a"}, {"a"}), ({"a", "b"}, {"a"}), (set(), {"b"}), ({"c"}, {"c"})] * 10
    point = ev._micro(pairs)
    first, second = ev._bootstrap(pairs, n=200), ev._bootstrap(pairs, n=200)
    assert first == second
    assert first["exact_low"] <= point["exact"] <= first["exact_high"]
    assert first["f1_low"] <= point["f1"] <= first["f1_high"]


@pytest.mark.corpus
def test_theme_label_scores_cover_every_labelled_sentence(corpus):
    scores = ev.theme_label_scores(bootstrap=100)
    gold = ev.load_multi_theme_annotations()
    overall = scores[scores["level"] == "all"].set_index(["labeller", "set"])
    for name, count in gold["set"].value_counts().items():
        assert overall.loc[("dictionary", name), "sentences"] == count
        assert overall.loc[("classifier", name), "sentences"] == count
    assert ((scores["exact_low"] <= scores["exact"]) & (scores["exact"] <= scores["exact_high"])).all()
    # Regression guards on the measured numbers (data/annotations/README.md): the dictionary may not fall
    # below what it scored when it was frozen.
    assert overall.loc[("dictionary", "development"), "f1"] >= 0.75
    if ("dictionary", "held_out") in overall.index:
        assert overall.loc[("dictionary", "held_out"), "f1"] >= 0.70


@pytest.mark.corpus
def test_indicator_scores_on_other_reports_do_not_fall(corpus):
    """Regression guards on the multi-report indicator scores (measured; see data/annotations/README.md)."""
    development = ev.multi_report_scores("development")["quantities"].set_index("level").loc["all"]
    assert development["precision"] >= 0.98 and development["recall"] >= 0.93 and development["value"] == 1.0
    for name, floor in (("held_out", {"precision": 0.95, "recall": 0.95, "headline_recall": 0.9, "year": 0.93}),
                        ("held_out_2", {"precision": 0.95, "recall": 0.98, "headline_recall": 0.87, "year": 0.87})):
        held = ev.multi_report_scores(name)
        quantities = held["quantities"].set_index("level").loc["all"]
        headlines = held["headlines"].set_index(["level", "side"]).loc[("all", "both sides")]
        assert quantities["precision"] >= floor["precision"] and quantities["recall"] >= floor["recall"], name
        assert quantities["value"] == 1.0 and quantities["year"] >= floor["year"], name
        assert headlines["precision"] >= 0.93 and headlines["recall"] >= floor["headline_recall"], name


def test_coders_agree_on_the_theme_samples():
    categories = load_dictionary().categories
    for first, second in (("themes.csv", "themes_second_coder.csv"),
                          ("themes_held_out.csv", "themes_held_out_second_coder.csv")):
        a, b = (pd.read_csv(ev.paths.ANNOTATIONS / f, encoding="utf-8", keep_default_na=False) for f in (first, second))
        agreement = ev.theme_agreement(a, b, categories).set_index("domain")
        assert agreement.loc["all (agreement: exact set; kappa: pooled over domains)", "sentences"] == len(b)
        assert agreement.loc["all (agreement: exact set; kappa: pooled over domains)", "kappa"] >= 0.9


@pytest.mark.slow
def test_cached_theme_labels_are_the_labels(tmp_path):
    """The cache gives back the table labelling gives; another setting is labelled afresh."""
    from policytext.analysis.evaluation import theme_label_predictions

    fresh = theme_label_predictions(cache=tmp_path)
    [stored] = tmp_path.glob("theme-labels-*.parquet")
    assert theme_label_predictions(cache=tmp_path).equals(fresh)
    theme_label_predictions(cache=tmp_path, use_dictionary=False)
    assert len(list(tmp_path.glob("theme-labels-*.parquet"))) == 2 and not list(tmp_path.glob(".*.tmp-*"))
    # the file of an earlier library version: replaced by this version's, the other setting's kept
    earlier = stored.with_name(stored.name.rsplit("-", 1)[0] + "-0000000000000000.parquet")
    stored.rename(earlier)
    assert theme_label_predictions(cache=tmp_path).equals(fresh)
    assert stored.is_file() and not earlier.exists() and len(list(tmp_path.glob("theme-labels-*.parquet"))) == 2
