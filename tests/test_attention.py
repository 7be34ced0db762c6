"""Attention over time: shares with bootstrap bands, the largest shifts and their words, government terms."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from policytext import report_from_text, tokenize
from policytext.analysis import attention, themes
from policytext.analysis.attention import (SERIES_COLUMNS, SHIFT_COLUMNS, largest_shifts, load_five_year_plans,
                                           load_government_terms, theme_series)

# Words the policy-domain dictionary does not hold (each is one token, none a stopword), and words of two
# domains.
FILLER = "苹果 桌子 铅笔 窗户 衣服 眼镜 钟表 雨伞 书包 椅子 杯子 鞋子 帽子 梳子 镜子".split()
ECOLOGY = "生态 环保 污染 空气 大气 水质".split()
AGRICULTURE = "农业 粮食 耕地 畜牧 渔业 林业 农机 种业".split()
PLANTED = ["污水", "垃圾", "长江大保护"]  # ecology words that only the later report uses
WORDS = 12  # words per paragraph


def _report_text(seed: int, *, ecology: float, agriculture: float, planted: float = 0.0, paragraphs: int = 60):
    """A report whose words are exactly ``ecology`` (and ``planted``, ``agriculture``) of all its generated words,
    spread unevenly over its paragraphs (so the bootstrap has something to resample)."""
    rng = np.random.default_rng(seed)
    total = paragraphs * WORDS
    kinds = (["eco"] * round(ecology * total) + ["new"] * round(planted * total)
             + ["agri"] * round(agriculture * total))
    kinds += ["fill"] * (total - len(kinds))
    kinds = rng.permutation(np.array(kinds, dtype=object))
    pools = {"eco": ECOLOGY, "new": PLANTED, "agri": AGRICULTURE, "fill": FILLER}
    words = [pools[k][rng.integers(len(pools[k]))] for k in kinds]
    body = "\n".join("、".join(words[i:i + WORDS]) + "。" for i in range(0, total, WORDS))
    return f"政府工作报告\n各位代表：\n一、今年主要任务\n{body}\n"


@pytest.fixture(scope="module")
def planted(tokenizer):
    """Four years of one place: ecology at 10%, 15%, 15%, then 15% + 15% of new words; agriculture at 8%, 8%,
    12%, then 4%."""
    plan = {2018: (0.10, 0.0, 0.08), 2019: (0.15, 0.0, 0.08), 2020: (0.15, 0.0, 0.12), 2021: (0.15, 0.15, 0.04)}
    tables, meta = {}, {}
    for year, (ecology, new, agriculture) in plan.items():
        report = report_from_text(_report_text(year, ecology=ecology, agriculture=agriculture, planted=new),
                                  name=f"test_{year}.txt")
        tables[report.doc_id] = tokenize(report, tokenizer=tokenizer)
        meta[report.doc_id] = {"year": year, "place": "湖北省武汉市测试区", "level": "district"}
    truth = {year: {"ecology_environment": e + n, "agriculture_rural": a} for year, (e, n, a) in plan.items()}
    return tables, meta, truth


@pytest.fixture(scope="module")
def planted_series(planted):
    tables, meta, _ = planted
    return theme_series(tables, meta)


def test_shares_and_bands_contain_the_planted_proportions(planted, planted_series):
    tables, _, truth = planted
    series = planted_series
    assert list(series.columns) == SERIES_COLUMNS
    assert len(series) == len(tables) * len(themes.load_dictionary().categories)
    assert series["place_key"].unique().tolist() == ["district:测试区"]
    assert series["year"].drop_duplicates().tolist() == [2018, 2019, 2020, 2021]
    for year, shares in truth.items():
        rows = series[series["year"] == year].set_index("theme")
        for theme, p in shares.items():
            share, low, high = rows.loc[theme, ["share", "low", "high"]]
            # the heading's three words (今年 主要 任务) are the only content tokens not generated
            assert share == pytest.approx(p, rel=0.01), (year, theme)
            assert low < p < high and high - low < 0.1, (year, theme, low, high)
        untouched = rows.drop(index=list(shares))
        assert (untouched["share"] == 0).all() and (untouched["low"] == 0).all() and (untouched["high"] == 0).all()
    # the same share as score_themes gives the whole report
    for doc_id, tokens in tables.items():
        expected = themes.score_themes(tokens, by="report").set_index("theme")[["share", "tokens", "content_tokens"]]
        got = series[series["doc_id"] == doc_id].set_index("theme")[["share", "tokens", "content_tokens"]]
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_the_bootstrap_is_reproducible_and_each_report_has_its_own_draws(planted, planted_series):
    tables, meta, _ = planted
    assert theme_series(tables, meta).equals(planted_series)
    other = theme_series(tables, meta, seed=7)
    assert not np.allclose(other["low"], planted_series["low"])
    # a report's band does not depend on which other reports come with it
    one = next(iter(tables))
    alone = theme_series({one: tables[one]}, meta)
    pd.testing.assert_frame_equal(alone, planted_series[planted_series["doc_id"] == one].reset_index(drop=True))
    wider = theme_series({one: tables[one]}, meta, level=0.99).set_index("theme")
    narrower = alone.set_index("theme")
    hit = narrower["tokens"] > 0
    assert (wider.loc[hit, "high"] - wider.loc[hit, "low"] > narrower.loc[hit, "high"] - narrower.loc[hit, "low"]).all()
    none = theme_series({one: tables[one]}, meta, bootstrap=0)
    assert none["low"].isna().all() and none["share"].equals(alone["share"])


def test_paragraph_bootstrap_covers_the_truth_about_as_often_as_it_says():
    """Simulated reports of 100 paragraphs whose theme words cluster in some paragraphs (as real ones do):
    the 95% band holds the true share in about 95% of them (measured: 94%; 91% with 30 paragraphs)."""
    rng = np.random.default_rng(2026)
    covered = 0
    for i in range(200):
        sizes = rng.integers(20, 120, 100).astype(float)
        hits = rng.binomial(sizes.astype(int), rng.beta(0.5, 9.5, 100)).astype(float)[:, None]  # mean share 0.05
        low, high, _ = attention._bootstrap(sizes, hits, replicates=1000, rng=np.random.default_rng(i), level=0.95)
        covered += bool(low[0] <= 0.05 <= high[0])
    assert 0.88 <= covered / 200 <= 0.99


def test_the_planted_shift_is_the_largest_and_named_by_the_planted_words(planted, planted_series):
    tables, _, _ = planted
    shifts = largest_shifts(planted_series, tables, n=3, top_terms=3)
    assert list(shifts.columns) == SHIFT_COLUMNS
    top = shifts.iloc[0]
    assert (top["theme"], top["year_from"], top["year_to"], top["rank"]) == ("ecology_environment", 2020, 2021, 1)
    assert top["change"] == pytest.approx(0.15, abs=0.01) and top["separated"]
    named = [t.split(" (")[0] for t in top["terms"].split(", ")]
    assert sorted(named) == sorted(PLANTED), top["terms"]
    assert all(float(t.split("(")[1].rstrip(")")) > 1.96 for t in top["terms"].split(", "))
    assert "长江大保护 0→" in top["term_counts"]
    # the second: agriculture falling from 12% to 4%, named by its words with negative z
    second = shifts.iloc[1]
    assert (second["theme"], second["year_from"], second["year_to"]) == ("agriculture_rural", 2020, 2021)
    assert second["change"] == pytest.approx(-0.08, abs=0.01) and second["separated"]
    assert {t.split(" (")[0] for t in second["terms"].split(", ")} <= set(AGRICULTURE)
    assert all(float(t.split("(")[1].rstrip(")")) < 0 for t in second["terms"].split(", "))
    # the third: ecology from 10% to 15%, a smaller rise, named by the old words
    third = shifts.iloc[2]
    assert (third["theme"], third["year_from"], third["year_to"]) == ("ecology_environment", 2018, 2019)
    assert {t.split(" (")[0] for t in third["terms"].split(", ")} <= set(ECOLOGY)
    every = largest_shifts(planted_series, tables, n=None)
    assert len(every) == 3 * 10 and every["rank"].tolist() == list(range(1, 31))
    assert largest_shifts(planted_series, tables, n=2, max_gap=0).empty


def test_an_entry_the_segmenter_cuts_is_counted_whole_in_the_shift(tokenizer):
    """生物多样性 is cut 生物/多样性 by the segmenter; the share counts it as one hit of the entry (matched on the
    text), and so does the keyness that names the shift."""
    texts = {2020: "、".join(FILLER) + "。", 2021: "、".join(FILLER[:9] + ["生物多样性"] * 6) + "。"}
    tables = {}
    for year, body in texts.items():
        report = report_from_text(f"政府工作报告\n各位代表：\n一、今年主要任务\n{body}\n{body}\n", name=f"cut_{year}.txt")
        tables[report.doc_id] = tokenize(report, tokenizer=tokenizer)
    assert "生物多样性" not in set(tables["cut_2021"]["token"])
    series = theme_series(tables, {"cut_2020": 2020, "cut_2021": 2021}, bootstrap=100)
    assert series.set_index(["doc_id", "theme"]).loc[("cut_2021", "ecology_environment"), "tokens"] == 12
    top = largest_shifts(series, tables, n=1).iloc[0]
    assert top["theme"] == "ecology_environment" and top["terms"].startswith("生物多样性 (+")
    assert top["term_counts"] == "生物多样性 0→12"


def test_reports_of_one_year_and_places_without_a_name_stay_distinct(planted):
    tables, meta, _ = planted
    years = {doc_id: m["year"] for doc_id, m in meta.items()}
    first = next(iter(tables))
    years_twice = {**years, "copy": years[first]}
    series = theme_series({**tables, "copy": tables[first]}, years_twice, bootstrap=50)
    assert series["place_key"].unique().tolist() == ["unknown"]
    assert series["doc_id"].nunique() == 5
    shifts = largest_shifts(series, {**tables, "copy": tables[first]}, n=None)
    same_year = shifts[shifts["year_from"] == shifts["year_to"]]
    assert len(same_year) == 10 and (same_year["change"] == 0).all()
    with pytest.raises(ValueError, match="no metadata"):
        theme_series(tables, {first: 2018})
    # the metadata as a table (the reports table of policytext analyze) gives the same series
    table = pd.DataFrame([{"doc_id": d, **m} for d, m in meta.items()])
    assert theme_series(tables, table, bootstrap=50).equals(theme_series(tables, meta, bootstrap=50))


def test_government_terms_cover_1954_to_2026_with_documented_transitions():
    terms = load_government_terms()
    assert terms["premier"].drop_duplicates().tolist() == ["周恩来", "华国锋", "赵紫阳", "李鹏", "朱镕基", "温家宝",
                                                           "李克强", "李强"]
    state_council = terms[terms["office"] == "国务院"]
    assert [tuple(r) for r in state_council[["premier", "start_year", "end_year"]].fillna(0).to_numpy()] == [
        ("周恩来", 1954, 1976), ("华国锋", 1976, 1980), ("赵紫阳", 1980, 1987), ("李鹏", 1987, 1998),
        ("朱镕基", 1998, 2003), ("温家宝", 2003, 2013), ("李克强", 2013, 2023), ("李强", 2023, 0)]
    assert terms.loc[terms["premier"] == "李鹏", "appointed"].dt.year.tolist() == [1988]  # acting from 1987
    # each term ends the day the next starts, except the vacancy after Zhou Enlai's death, which the file documents
    for previous, following in zip(terms.iloc[:-1].itertuples(), terms.iloc[1:].itertuples()):
        gap = (following.start - previous.end).days
        assert gap >= 0, (previous.premier, following.premier)  # no overlap
        assert gap == 0 or (following.premier == "华国锋" and gap == 25 and "vacant" in following.note)
    assert terms["end"].isna().tolist() == [False] * (len(terms) - 1) + [True]
    in_office = {year: set(terms.loc[(terms["start_year"] <= year) & (terms["end_year"].fillna(9999) >= year),
                                     "premier"]) for year in range(1954, 2027)}
    assert all(in_office[year] for year in in_office)  # no year without a premier
    transitions = {year for year, names in in_office.items() if len(names) > 1}
    assert transitions == {1976, 1980, 1987, 1998, 2003, 2013, 2023}


def test_five_year_plans_tile_1953_to_2030():
    plans = load_five_year_plans()
    assert plans["start"].iloc[0] == 1953 and plans["end"].iloc[-1] == 2030
    assert (plans["start"].iloc[1:].to_numpy() == plans["end"].iloc[:-1].to_numpy() + 1).all()
    assert (plans["end"] - plans["start"] == 4).sum() == len(plans) - 1  # every plan five years; the readjustment three
    assert plans.set_index("name").loc[["一五", "十四五", "十五五"], ["start", "end"]].values.tolist() == [
        [1953, 1957], [2021, 2025], [2026, 2030]]
    assert plans.loc[plans["kind"] == "调整", ["start", "end"]].values.tolist() == [[1963, 1965]]


def test_attention_figure_draws_every_theme_with_the_premiers_named(planted_series):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from policytext.plotting import plot_attention_series, use_style

    national = planted_series.assign(level="national", place="全国", place_key="national:全国")
    with matplotlib.rc_context():
        use_style()
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # a missing glyph fails
            fig = plot_attention_series(national, plans=load_five_year_plans(), ncols=4)
            fig.canvas.draw()
        drawn = [ax for ax in fig.axes if ax.axison]
        assert [ax.get_title() for ax in drawn] == list(dict.fromkeys(national["theme"]))
        texts = {t.get_text() for ax in drawn for t in ax.texts}
        assert "李克强" in texts and "温家宝" not in texts  # only the terms the years 2017-2022 touch
        plt.close(fig)
        local = plot_attention_series(planted_series, themes=["ecology_environment"], sharey=False)
        assert not [t for ax in local.axes for t in ax.texts]  # a district gets no premiers
        plt.close(local)


@pytest.fixture(scope="module")
def corpus_series(corpus, tokenizer):
    """The bundled national reports and Hailar District's, tokenized once."""
    chosen = {d: r for d, r in corpus.items() if r.metadata.level == "national" or "hailar" in d}
    tables = {d: tokenize(r, tokenizer=tokenizer) for d, r in chosen.items()}
    return tables, chosen, theme_series(tables, chosen, bootstrap=200)


@pytest.mark.corpus
def test_bundled_national_and_hailar_series(corpus_series):
    tables, reports, series = corpus_series
    n_themes = len(themes.load_dictionary().categories)
    national = series[series["level"] == "national"]
    assert national["doc_id"].nunique() == sum(r.metadata.level == "national" for r in reports.values()) == 19
    assert len(national) == 19 * n_themes and not national.duplicated(["doc_id", "theme"]).any()
    assert national["year"].is_monotonic_increasing
    assert ((series["low"] <= series["share"]) & (series["share"] <= series["high"])).all()
    assert set(series["place_key"]) == {"national:全国", "district:海拉尔区"}
    # every bundled national report falls in the term of the premier its date line or signature names
    terms = load_government_terms()
    for r in reports.values():
        if r.metadata.level == "national" and r.metadata.speaker and r.metadata.date:
            date = pd.Timestamp(r.metadata.date)
            holder = terms[(terms["start"] <= date) & (terms["end"].isna() | (terms["end"] > date))]
            assert holder["premier"].tolist() == [r.metadata.speaker], r.doc_id
    shifts = largest_shifts(series, tables, n=3)
    hailar = shifts[shifts["place_key"] == "district:海拉尔区"]
    assert len(hailar) == 3 and (hailar["year_to"] - hailar["year_from"] == 1).all()
    assert (shifts["terms"] != "").all()
