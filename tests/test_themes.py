"""Themes: cited dictionaries, shares that add up, matched terms at their offsets, agreement with hand labels,
topics chosen by stability, co-occurrence communities."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
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


@pytest.mark.parametrize("name", ["policy_domains", "policy_domains_expanded", "new_development_concepts", "environment_attention"])
def test_shipped_dictionaries_cite_their_sources(name):
    d = themes.load_dictionary(name)
    assert d.name == name and d.desc and d.refer and d.categories
    assert all(d.terms[c] for c in d.categories)


def test_policy_domains_has_the_ten_domains_of_the_guide():
    guide = (paths.ANNOTATIONS / "themes_guide.md").read_text(encoding="utf-8")
    categories = themes.load_dictionary("policy_domains").categories
    assert len(categories) == 10 and all(f"`{c}`" in guide for c in categories)
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
    matched = themes.match_terms(tokens, themes.load_dictionary())
    clean, raw = bundled.text, bundled.raw_text
    assert len(matched) > 100
    assert all(clean[s:e] == term for term, s, e in zip(matched["term"], matched["clean_start"], matched["clean_end"]))
    assert all(s <= r for s, r in zip(matched["start"], bundled.clean.offsets.raw_spans(
        matched["clean_start"], matched["clean_end"])[0]))  # the raw span of the covered tokens holds the match


@pytest.mark.parametrize("text, term, theme", [
    ("加强风险防控体系建设", "风险防控", "reform_business"),   # split by the segmenter (风险/防控), found on the text
    ("激发市场主体活力", "市场主体", "reform_business"),        # the longer entry wins: no free hit for 市场
])
def test_every_entry_is_found_whole_and_longest_first(tokenizer, text, term, theme):
    from policytext import report_from_text
    t = tokenize(report_from_text(f"政府工作报告\n各位代表：\n一、今年主要任务\n{text}。\n"), tokenizer=tokenizer)
    matched = themes.match_terms(t)
    assert (term, theme) in set(zip(matched["term"], matched["theme"]))
    assert len(matched[matched["clean_start"] == matched.loc[matched["term"] == term, "clean_start"].iloc[0]]) == 1


def test_every_entry_of_every_shipped_dictionary_is_found(tokenizer):
    """A sentence built around each entry gets that entry back (whatever the segmenter does with it)."""
    from policytext import report_from_text
    for name in themes.available_dictionaries():
        d = themes.load_dictionary(name)
        entries = sorted({w for c in d.categories for w in d.terms[c]})
        body = "\n".join(f"我们要抓好{w}工作。" for w in entries)
        t = tokenize(report_from_text(f"政府工作报告\n各位代表：\n一、今年主要任务\n{body}\n"), tokenizer=tokenizer)
        found = set(themes.match_terms(t, d)["term"])
        longer = {w for w in entries if any(w != v and w in v and f"{w}工作" not in v for v in entries)}
        missing = [w for w in entries if w not in found and not any(w in v and v in found for v in entries if v != w)]
        assert missing == [], (name, missing[:10])


def test_agreement_with_the_hand_labels(tokens):
    """Regression guard on the bundled report's labels (eight domains of guide version 1): the measured
    agreement (notebook 04, the Methods page) may not fall."""
    d = themes.load_dictionary()
    gold = load_theme_annotations()
    assert len(gold) >= 120 and set(gold["set"]) == {"development", "held_out"}
    summary, per_theme = score_theme_labels(themes.tag_sentences(tokens, dictionary=d), gold, d.categories)
    overall = summary.set_index("set")
    assert overall.loc["all", "f1"] >= 0.80 and overall.loc["held_out", "f1"] >= 0.80
    assert overall.loc["all", "exact"] >= 0.70


def test_dominance_is_two_thirds_exactly(tokenizer):
    """2 hits beside 3 is two thirds: kept (0.67 as a float used to drop it)."""
    from policytext import report_from_text
    text = "加强生态保护，治理大气污染，改善环境质量，发展工业，扩大投资。"
    t = tokenize(report_from_text(f"政府工作报告\n各位代表：\n一、今年主要任务\n{text}\n"), tokenizer=tokenizer)
    tags = themes.tag_sentences(t, fallback=None)
    assert tags["themes"].iloc[-1] == "ecology_environment|economy_industry"
    assert themes.tag_sentences(t, dominance=1)["themes"].iloc[-1] == "ecology_environment"


def test_output_is_identical_across_runs(tokens):
    assert themes.score_themes(tokens, by="section").equals(themes.score_themes(tokens, by="section"))
    assert themes.tag_sentences(tokens).equals(themes.tag_sentences(tokens))


def test_topics_are_chosen_by_stability_and_reproducible(tokens):
    choice = topics.choose_k(tokens, ks=range(3, 6), samples=range(3))
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


def test_themes_cli_by_sentence(capsysbinary, tmp_path):
    """One row per sentence, with the labels as a list and the matched entries, so a label can be audited."""
    target = tmp_path / "sentences.parquet"
    assert main(["themes", str(paths.BUNDLED_REPORT), "--by", "sentence", "-o", str(target)]) == 0
    df = pd.read_parquet(target)
    assert list(df.columns[:9]) == ["doc_id", "chapter", "section", "paragraph", "sentence", "start", "end", "text",
                                    "themes"]
    raw = paths.BUNDLED_REPORT.read_text(encoding="utf-8")
    assert all(raw[s:e].replace("\n", "") for s, e in zip(df["start"], df["end"]))
    labelled = df[df["themes"].map(len) > 0]
    assert len(labelled) > 100 and all(set(t) <= set(themes.load_dictionary().categories) for t in labelled["themes"])
    assert (df.loc[df["source"] == "terms", "terms"].str.len() > 0).all()


def test_stability_is_greene_et_al_s_subset_agreement_and_finds_planted_topics(tokenizer):
    """Models refitted on random 80% subsets of the paragraphs are compared with the model of all of
    them (Greene, O'Callaghan & Cunningham 2014); three planted vocabularies give k = 3 the best score."""
    from policytext import report_from_text

    vocabularies = ["钢铁 工厂 企业 产量 工业 制造 设备 园区", "学校 教师 学生 教育 课程 校园 课堂 教材",
                    "河流 森林 湿地 生态 空气 湖泊 草原 物种"]
    rng = np.random.default_rng(3)
    paragraphs = []
    for i in range(36):
        words = vocabularies[i % 3].split()
        paragraphs.append("我们要加强" + "、".join(rng.choice(words, size=6, replace=True)) + "建设。")
    text = "政府工作报告\n各位代表：\n一、今年主要任务\n" + "\n".join(paragraphs) + "\n"
    t = tokenize(report_from_text(text), tokenizer=tokenizer)
    summary, table = topics.choose_k(t, ks=range(2, 6), samples=range(4), detail=True)
    assert int(summary.loc[summary["chosen"], "k"].iloc[0]) == 3
    assert set(table.columns) >= {"k", "sample", "agreement", "worst_topic"} and len(table) == 4 * 4
    assert topics.average_jaccard(list("abc"), list("abc")) == 1.0
