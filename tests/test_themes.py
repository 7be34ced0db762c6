"""Themes: cited dictionaries, shares that add up, matched terms at their offsets, agreement with hand labels,
topics chosen by stability, co-occurrence communities."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from policytext import PolicyTextError, paths  # noqa: E402
from policytext.analysis import themes, topics  # noqa: E402
from policytext.cli import main  # noqa: E402
from policytext.analysis.cooccurrence import cooccurrence, cooccurrence_graph  # noqa: E402
from policytext.analysis.evaluation import load_theme_annotations, score_theme_labels  # noqa: E402
from policytext.plotting import plot_heatmap, plot_network, plot_theme_shift, shares_matrix, use_style  # noqa: E402
from policytext.tokens.segmentation import tokenize  # noqa: E402


@pytest.fixture(scope="module")
def tokens(bundled, tokenizer):
    return tokenize(bundled, tokenizer=tokenizer)


@pytest.mark.parametrize("name", ["policy_domains", "new_development_concepts", "environment_attention"])
def test_shipped_dictionaries_cite_their_sources(name):
    d = themes.load_dictionary(name)
    assert d.name == name and d.desc and d.refer and d.categories
    assert all(d.terms[c] for c in d.categories)


def test_policy_domains_has_the_eight_domains():
    assert len(themes.load_dictionary("policy_domains").categories) == 8
    assert themes.load_dictionary("new_development_concepts").categories == (
        "innovation", "coordination", "green", "openness", "sharing")


def test_a_cntext_yaml_dictionary_loads(tmp_path, tokens):
    path = tmp_path / "mine.yaml"
    path.write_text("Name: mine\nDesc: test\nRefer: none\nCategory:\n  - water\n"
                    "Dictionary:\n  water:\n    - 污水\n    - 供水\n", encoding="utf-8")
    d = themes.load_dictionary(path)
    scores = themes.score_themes(tokens, dictionary=d, by="report")
    assert list(scores["theme"]) == ["water"] and scores["tokens"].iloc[0] > 0


def test_a_broken_dictionary_is_a_one_line_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("Name: bad\nwords: [a, b]\n", encoding="utf-8")
    with pytest.raises(PolicyTextError, match="Dictionary"):
        themes.load_dictionary(path)


def test_shares_per_scope_add_up(tokens):
    by_chapter = themes.score_themes(tokens, by="chapter")
    report = themes.score_themes(tokens, by="report")
    summed = by_chapter.groupby("theme")["tokens"].sum()
    assert summed.to_dict() == report.set_index("theme")["tokens"].to_dict()
    assert by_chapter.groupby("chapter")["content_tokens"].first().sum() == report["content_tokens"].iloc[0]
    assert ((by_chapter["share"] - by_chapter["tokens"] / by_chapter["content_tokens"]).abs() < 1e-12).all()
    assert (by_chapter["sentences"] <= by_chapter["n_sentences"]).all()
    for row in report.itertuples():  # the provenance column sums to the count
        assert sum(int(part.split("×")[1]) for part in row.terms.split()) == row.tokens


def test_every_matched_term_is_at_its_offset(bundled, tokens):
    matched = themes.match_tokens(tokens, themes.load_dictionary())
    raw = bundled.raw_text
    assert all(term in raw[s:e] for term, s, e in zip(matched["term"], matched["start"], matched["end"]))


def test_agreement_with_the_hand_labels(tokens):
    d = themes.load_dictionary()
    gold = load_theme_annotations()
    assert len(gold) >= 120 and set(gold["set"]) == {"development", "held_out"}
    summary, per_theme = score_theme_labels(themes.tag_sentences(tokens, dictionary=d, dominance=0.67), gold,
                                            d.categories)
    overall = summary.set_index("set")
    assert overall.loc["all", "f1"] >= 0.85 and overall.loc["held_out", "f1"] >= 0.85
    assert overall.loc["all", "exact"] >= 0.75
    assert (per_theme["recall"] > 0.5).all()


def test_output_is_identical_across_runs(tokens):
    assert themes.score_themes(tokens, by="section").equals(themes.score_themes(tokens, by="section"))
    assert themes.tag_sentences(tokens).equals(themes.tag_sentences(tokens))


def test_topics_are_chosen_by_stability_and_reproducible(tokens):
    choice = topics.choose_k(tokens, ks=range(3, 6), seeds=range(3))
    assert choice["chosen"].sum() == 1 and choice["stability"].between(0, 1).all()
    k = int(choice.loc[choice["chosen"], "k"].iloc[0])
    a, b = topics.fit_topics(tokens, k, seed=0), topics.fit_topics(tokens, k, seed=0)
    assert a.terms.equals(b.terms)
    assert a.by_section().shape[1] == k


def test_cooccurrence_network_has_communities(tokens):
    pairs = cooccurrence(tokens, n=40)
    assert (pairs["jaccard"].between(0, 1)).all() and pairs["jaccard"].is_monotonic_decreasing
    graph = cooccurrence_graph(pairs, min_sentences=3)
    assert graph.number_of_nodes() > 10
    assert len({d["community"] for _, d in graph.nodes(data=True)}) >= 2


def test_section_heatmap_rows_are_labelled_with_their_titles(bundled, tokens):
    matrix = shares_matrix(themes.score_themes(tokens, by="section"), bundled.structure.paragraphs)
    assert list(matrix.columns) == list(themes.load_dictionary().categories)
    sections = bundled.structure.sections
    assert matrix.index[0] == "1.0 2017年工作回顾"
    assert list(matrix.index[1:3]) == [f"{c}.{s} {t[:14]}" for c, s, t in sections.head(2)[
        ["chapter", "section", "section_title"]].itertuples(index=False)]
    assert matrix.index[10].startswith("1.10 ")  # after 1.9, not after 1.1


def test_figures_draw_without_missing_glyphs(bundled, tokens):
    shares = themes.score_themes(tokens, by="chapter")
    by_section = themes.score_themes(tokens, by="section")
    with matplotlib.rc_context():
        use_style()
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            for fig in (plot_heatmap(shares_matrix(shares)),
                        plot_heatmap(shares_matrix(by_section, bundled.structure.paragraphs)),
                        plot_heatmap(shares_matrix(themes.score_themes(tokens, by="report"))),
                        plot_theme_shift(shares, a=1, b=2),
                        plot_theme_shift(by_section, a=(1, 1), b=(2, 5)),
                        plot_network(cooccurrence_graph(cooccurrence(tokens)))):
                fig.canvas.draw()
                plt.close(fig)


def test_themes_cli(capsysbinary):
    code = main(["themes", str(paths.BUNDLED_REPORT), "--by", "section"])
    out, _ = capsysbinary.readouterr()
    df = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig")
    assert code == 0 and {"theme", "chapter", "section", "scope_title", "tokens", "share", "terms"} <= set(df.columns)
    section = df[(df["chapter"] == 2) & (df["section"] == 5)]
    assert section["scope_title"].iloc[0].startswith("贯彻绿色发展理念")
    green = section.set_index("theme")["share"]
    assert green.idxmax() == "ecology_environment"
