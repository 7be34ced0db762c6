"""Keywords: whole-term counts, TF-IDF, TextRank, keyness signs, concordance, collocations, the CLI."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from expectations import TERM_COUNTS  # noqa: E402
from policytext import paths, report_from_text  # noqa: E402
from policytext.analysis import keywords as kw  # noqa: E402
from policytext.cli import main  # noqa: E402
from policytext.plotting import (plot_keyness, plot_small_multiples, plot_term_bars, plot_wordcloud,  # noqa: E402
                                 use_style)
from policytext.tokens.segmentation import tokenize  # noqa: E402


@pytest.fixture(scope="module")
def tokens(bundled, tokenizer):
    return tokenize(bundled, tokenizer=tokenizer)


@pytest.mark.parametrize("term, expected", TERM_COUNTS.items())
def test_whole_term_counts_agree_with_the_text(bundled, tokens, term, expected):
    assert bundled.text.count(term) == expected  # counted independently, on the cleaned text
    assert (tokens["token"] == term).sum() == expected  # counted as one term, never as its pieces


def test_frequencies_filter_and_share(tokens):
    freqs = kw.term_frequencies(tokens)
    assert not freqs["term"].isin(["的", "进一步", "，", "2017年"]).any()
    assert freqs["share"].sum() == pytest.approx(1.0)
    by_chapter = kw.term_frequencies(tokens, by="chapter")
    assert set(by_chapter["chapter"]) == {1, 2} and "scope" not in by_chapter.columns
    assert by_chapter["count"].sum() == freqs["count"].sum()


@pytest.mark.parametrize("by, keys", [("report", []), ("chapter", ["chapter"]), ("section", ["chapter", "section"]),
                                      ("paragraph", ["paragraph"])])
def test_every_scope_is_typed_and_sorted_numerically(tokens, by, keys):
    """Scopes are integer key columns, in report order (1.2 before 1.10), never labels parsed back."""
    for table in (kw.term_frequencies(tokens, by=by), kw.tfidf(tokens, by=by), kw.textrank(tokens, by=by)):
        assert [c for c in ("chapter", "section", "paragraph") if c in table.columns] == keys
        assert all(str(table[k].dtype) == "Int64" for k in keys)
        scopes = list(dict.fromkeys(map(tuple, table[keys].to_numpy().tolist()))) if keys else []
        assert scopes == sorted(scopes)
        ranked = kw.top_terms(table, 3, score="score" if "score" in table.columns else "count")
        assert ranked.groupby(keys).size().max() <= 3 if keys else len(ranked) == 3


def test_an_unknown_scope_is_refused(tokens):
    with pytest.raises(ValueError, match="unknown scope"):
        kw.term_frequencies(tokens, by=None)


def test_pos_filter_is_choosable(tokens):
    nouns = kw.term_frequencies(tokens, include_pos=("n",))
    assert "推进" not in set(nouns["term"]) and "推进" in set(kw.term_frequencies(tokens)["term"])



def test_policy_words_the_tagger_mistags_are_counted(tokens):
    """落实 and 健全 are tagged as adjectives (a); the content-word list keeps them, and only them."""
    assert set(tokens.loc[tokens["token"].isin(["落实", "健全"]), "pos"]) == {"a"}
    counted = set(kw.term_frequencies(tokens)["term"])
    assert {"落实", "健全"} <= counted
    from policytext.tokens.filters import content_tokens
    assert not {"落实", "健全"} & set(content_tokens(tokens, content_words=False)["token"])
    assert not {"重要", "重大"} & counted  # evaluative adjectives stay out


def _two_part_report():
    fruit = "全年苹果产量增长，苹果出口扩大，苹果品牌建设加强，苹果种植面积增加。"
    plan = "今年要发展柑橘种植，扩大柑橘出口，加强柑橘品牌建设，提高柑橘产量。"
    return report_from_text("政府工作报告\n各位代表：\n一、过去一年工作回顾\n" + fruit * 4 +
                            "\n二、今年主要任务\n" + plan * 4)


def test_keyness_signs_on_a_constructed_example(tokenizer):
    report = _two_part_report()
    t = tokenize(report, tokenizer=tokenizer)
    table = kw.keyness(t[t["chapter"] == 1], t[t["chapter"] == 2], include_pos=None).set_index("term")
    assert table.loc["苹果", "z"] > 2 and table.loc["柑橘", "z"] < -2
    assert abs(table.loc["品牌", "z"]) < 1  # used equally by both parts


def test_tfidf_prefers_concentrated_terms(tokenizer):
    t = tokenize(_two_part_report(), tokenizer=tokenizer)
    scores = kw.tfidf(t, by="chapter", include_pos=None).set_index(["chapter", "term"])["score"]
    assert scores[(1, "苹果")] > scores[(1, "品牌")]


def test_textrank_is_deterministic_and_ranks_central_terms(tokens):
    a, b = kw.textrank(tokens), kw.textrank(tokens)
    assert a.equals(b)
    assert {"建设", "企业", "发展", "项目"} <= set(a.head(10)["term"])


def test_concordance_points_at_the_raw_text(bundled, tokens):
    hits = kw.concordance(bundled, tokens, "长江大保护")
    assert len(hits) == TERM_COUNTS["长江大保护"]
    assert all(bundled.raw_text[s:e] == "长江大保护" for s, e in zip(hits["start"], hits["end"]))


def test_collocations(tokens):
    by_llr = kw.collocations(tokens, min_count=3, measure="llr")
    assert (by_llr["count"] >= 3).all() and by_llr["llr"].is_monotonic_decreasing
    assert ("市委", "市政府") in set(zip(by_llr["first"], by_llr["second"]))


def test_output_is_identical_across_runs(bundled, tokenizer):
    first = kw.tfidf(tokenize(bundled, tokenizer=tokenizer), by="section")
    second = kw.tfidf(tokenize(bundled, tokenizer=tokenizer), by="section")
    assert first.equals(second)


def test_figures_draw_without_missing_glyphs(bundled, tokens):
    freqs = kw.term_frequencies(tokens)
    paragraphs = bundled.structure.paragraphs
    first_paragraphs = tokens[tokens["paragraph"] <= tokens.loc[tokens["chapter"] == 1, "paragraph"].min() + 2]
    with matplotlib.rc_context():
        use_style()
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            for fig in (plot_wordcloud(freqs, n=60), plot_term_bars(freqs),
                        plot_keyness(kw.keyness(tokens[tokens["chapter"] == 1], tokens[tokens["chapter"] == 2])),
                        *(plot_small_multiples(kw.tfidf(tokens, by=by), paragraphs=paragraphs, n=3)
                          for by in ("report", "chapter", "section")),
                        plot_small_multiples(kw.tfidf(first_paragraphs, by="paragraph"), paragraphs=paragraphs)):
                fig.canvas.draw()
                plt.close(fig)


def test_section_panels_are_titled_with_the_section(bundled, tokens):
    fig = plot_small_multiples(kw.tfidf(tokens, by="section"), paragraphs=bundled.structure.paragraphs, n=3)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    plt.close(fig)
    sections = bundled.structure.sections
    expected = [f"{c}.{s} {t[:14]}"[:18] for c, s, t in zip(sections["chapter"], sections["section"],
                                                              sections["section_title"])]
    assert titles[0] == "1.0 2017年工作回顾"  # a chapter's text before its first section: the chapter's title
    assert [t for t in titles if not t.split()[0].endswith(".0")] == expected
    assert titles[10].startswith("1.10 ")  # after 1.9, not after 1.1


def test_keywords_cli(capsysbinary):
    code = main(["keywords", str(paths.BUNDLED_REPORT), "--top", "5", "--by", "section", "--method", "tfidf"])
    out, _ = capsysbinary.readouterr()
    assert code == 0
    df = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig")
    assert list(df.columns) == ["doc_id", "chapter", "section", "scope_title", "rank", "term", "count", "score", "method"]
    scopes = list(dict.fromkeys(zip(df["chapter"], df["section"])))
    assert df.groupby(["chapter", "section"]).size().max() == 5 and {(1, 1), (1, 10), (2, 5)} <= set(scopes)
    assert scopes == sorted(scopes)  # numerically: 1.2 before 1.10
    assert df.loc[(df["chapter"] == 2) & (df["section"] == 5), "scope_title"].iloc[0].startswith("贯彻绿色发展理念")


@pytest.mark.parametrize("method", ["count", "tfidf", "textrank"])
def test_keywords_cli_by_report_gives_one_ranking(capsysbinary, method):
    """The default scope is the report, for every method (TF-IDF used to fall back to sections)."""
    code = main(["keywords", str(paths.BUNDLED_REPORT), "--top", "7", "--method", method])
    out, _ = capsysbinary.readouterr()
    df = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig")
    assert code == 0 and len(df) == 7 and df["rank"].tolist() == list(range(1, 8))
    assert "chapter" not in df.columns and df["scope_title"].nunique() == 1


def test_occurrences_count_a_term_inside_longer_terms_too(bundled, tokenizer):
    """count is what the segmenter cut (产业 alone); occurrences what a reader's search finds (产业园 too)."""
    from policytext.analysis import keywords as kw
    from policytext.tokens.segmentation import tokenize

    freqs = kw.term_frequencies(tokenize(bundled, tokenizer=tokenizer)).set_index("term")
    assert (freqs["occurrences"] >= freqs["count"]).all()
    s = bundled.structure.sentences
    body = s[s["part"].eq("body") & s["chapter"].notna()]["text"]
    for term in ("产业", "发展", "企业"):
        assert freqs.loc[term, "occurrences"] == sum(t.count(term) for t in body), term
    assert freqs.loc["产业", "occurrences"] > 2 * freqs.loc["产业", "count"]
