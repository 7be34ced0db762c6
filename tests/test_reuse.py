"""Text reuse: passages pasted into another report come back with their raw offsets, small edits and
changed punctuation do not break them, unrelated reports share nothing but formulas, LSH finds the
pasted pair in a folder, every run gives the same table, and the command line writes it."""

from __future__ import annotations

import io
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from policytext import paths, read_report, report_from_text
from policytext.analysis.reuse import (PAIR_COLUMNS, PASSAGE_COLUMNS, coverage_matrix, find_reuse, reuse_pairs,
                                       shared_passages, similarity_matrix, tidy_matrix)
from policytext.cli import main

CORPUS = paths.CORPUS
#: A few characters of slack at a passage's edges: its ends are its first and last Chinese character,
#: letter or digit (a closing 。 stays outside), and a neighbouring character both texts happen to
#: share may join it.
SLACK = 3
_CONTENT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff0-9A-Za-z%]")


def _content(text: str) -> str:
    return "".join(_CONTENT.findall(text)).lower()


@pytest.fixture(scope="module")
def source():
    return read_report(paths.BUNDLED_REPORT)


@pytest.fixture(scope="module")
def pasted(source):
    """Four passages of the bundled Qingshan 2018 report (a district) pasted into paragraphs of the 1954
    national report: one verbatim inside a paragraph, one with its ASCII punctuation made full width and a
    line break added, one at the start of a paragraph, one with a changed number in its middle.
    Returns the report and, per passage, the expected raw ``(a_start, a_end, b_start, b_end)``."""
    raw = source.raw_text

    def cut(opening: str, length: int) -> tuple[int, str]:
        at = raw.index(opening)
        return at, raw[at:at + length]

    pieces = [cut("紧抓招商引资", 150), cut("防洪水", 160), cut("坚定不移服务供给侧结构性改革主线", 140),
              cut("预计地区生产总值增长8%", 130)]
    ordered = sorted(pieces)
    assert all(a + len(t) <= b for (a, t), (b, _) in zip(ordered, ordered[1:]))  # four passages, none overlapping
    punctuated = pieces[1][1].replace(",", "，").replace(":", "：").replace(";", "；")
    cut_at = punctuated.index("。") + 1
    changed = pieces[3][1].replace("39亿元", "41.5亿元")
    assert changed != pieces[3][1]
    texts = [pieces[0][1], punctuated[:cut_at] + "\n" + punctuated[cut_at:], pieces[2][1], changed]
    filler = [t for t in read_report(CORPUS / "1954_national.txt").structure.paragraphs["text"] if len(t) > 80][4:16]
    parts, spans, pos = [], [], 0
    for k, paragraph in enumerate(filler):
        if k == 7:  # a passage opening a paragraph
            parts.append(texts[2] + "。")
            spans.append((pos, pos + len(texts[2])))
            pos += len(texts[2]) + 1
        parts.append(paragraph)
        pos += len(paragraph)
        if k in (1, 4, 10):  # a passage inside a paragraph, after its last sentence
            text = texts[{1: 0, 4: 1, 10: 3}[k]]
            parts.append(text)
            spans.append((pos, pos + len(text)))
            pos += len(text)
        parts.append("\n")
        pos += 1
    synthetic = "".join(parts)
    report = report_from_text(synthetic, name="pasted.txt")
    order = [0, 1, 2, 3]  # spans were recorded in text order: 0 (k=1), 1 (k=4), 2 (k=7), 3 (k=10)
    expected = [(pieces[i][0], pieces[i][0] + len(pieces[i][1]), *spans[i]) for i in order]
    for (a0, a1, b0, b1), text in zip(expected, texts):
        assert synthetic[b0:b1] == text
    return report, expected


def test_pasted_passages_come_back_with_their_offsets(source, pasted):
    report, expected = pasted
    found = shared_passages(source, report)
    assert list(found.columns) == PASSAGE_COLUMNS
    assert len(found) == len(expected), found[["a_start", "a_end", "b_start", "b_end"]]
    found = found.sort_values("b_start").reset_index(drop=True)
    for row, (a0, a1, b0, b1) in zip(found.itertuples(), expected):
        for got, want in ((row.a_start, a0), (row.a_end, a1), (row.b_start, b0), (row.b_end, b1)):
            assert abs(got - want) <= SLACK, (row, (a0, a1, b0, b1))
    assert not found["boilerplate"].any()
    assert found["a_doc"].eq(source.doc_id).all() and found["b_doc"].eq("pasted").all()


def test_a_changed_number_and_changed_punctuation_do_not_break_a_passage(source, pasted):
    report, expected = pasted
    found = shared_passages(source, report).sort_values("b_start").reset_index(drop=True)
    punctuated, changed = found.iloc[1], found.iloc[3]
    assert punctuated["similarity"] == 1.0 and "\n" in punctuated["b_text"] and "," in punctuated["a_text"]
    assert "39亿元" in changed["a_text"] and "41.5亿元" in changed["b_text"]
    assert 0.9 < changed["similarity"] < 1.0  # one passage, with the edit inside it
    assert changed["chars"] >= 100


def test_raw_offsets_give_the_passage(source, pasted):
    report, _ = pasted
    found = shared_passages(source, report)
    hebei = read_report(CORPUS / "2026_province_hebei.txt")
    shanxi = read_report(CORPUS / "2026_province_shanxi.txt")
    real = shared_passages(hebei, shanxi)
    assert len(real) >= 3
    for table, a, b in ((found, source, report), (real, hebei, shanxi)):
        for row in table.itertuples():
            assert a.raw_text[row.a_start:row.a_end] == row.a_text
            assert b.raw_text[row.b_start:row.b_end] == row.b_text
            # a passage starts and ends on a character it counts, never on punctuation or a space
            for text in (row.a_text, row.b_text):
                assert _CONTENT.match(text[0]) and _CONTENT.match(text[-1])
            assert row.chars == len(_content(row.a_text)) >= 40
            if row.similarity == 1.0:
                assert _content(row.a_text) == _content(row.b_text)


def test_each_side_says_where_it_stands(source, pasted):
    report, _ = pasted
    found = shared_passages(source, report).sort_values("a_start")
    paragraphs = source.structure.paragraphs
    for row in found.itertuples():
        home = paragraphs[(paragraphs["start"] <= row.a_start) & (row.a_start < paragraphs["end"])].iloc[0]
        assert (row.a_chapter, row.a_section, row.a_paragraph) == (home["chapter"], home["section"], home["paragraph"])
        assert row.a_chapter_title == home["chapter_title"]
    assert found["a_chapter"].dropna().isin([1, 2]).all() and found["a_chapter"].notna().all()


def test_a_passage_may_end_a_report_and_an_empty_table_keeps_its_types():
    passage = "全市坚持创新驱动发展战略，推动传统产业改造提升，全年新增高新技术企业一千家，培育壮大战略性新兴产业"
    a = report_from_text("各位代表：\n甲市。" + passage, name="a.txt")
    b = report_from_text("各位代表：\n乙市乙市。" + passage, name="b.txt")
    found = find_reuse([a, b], pairs="all")
    assert found[["a_end", "b_end"]].values.tolist() == [[len(a.raw_text), len(b.raw_text)]]
    cov = coverage_matrix(found, [a, b])
    assert 0.8 < cov.loc["b", "a"] < cov.loc["a", "b"] < 1  # b has more text of its own
    none = shared_passages(a, report_from_text("各位代表：\n今年粮食总产量稳定在一千万吨以上。", name="c.txt"))
    assert none.empty and list(none.columns) == PASSAGE_COLUMNS
    assert str(none["a_start"].dtype) == "int64" and str(none["a_chapter"].dtype) == "Int64"


def test_unrelated_reports_share_nothing_beyond_boilerplate():
    """The 1954 national report and a 2026 provincial one: seventy years and two levels apart."""
    found = shared_passages(read_report(CORPUS / "1954_national.txt"),
                            read_report(CORPUS / "2026_province_hebei.txt"))
    assert found["boilerplate"].all()


def test_the_formulas_of_the_genre_are_boilerplate():
    """Two reports sharing their opening formula and thanks (cue list formulas.txt) and one real passage:
    only the real passage is reuse."""
    shared = ("支持民营企业参与重大项目建设，完善中小微企业融资服务体系，清理拖欠企业账款，"
              "让各类经营主体放心投资、安心经营、专心创业。")
    thanks = ("在此，我代表市人民政府，向全市人民，向人大代表、政协委员，向各民主党派、工商联、无党派人士"
              "和各人民团体，向驻市部队官兵，向所有关心支持本市发展的同志们、朋友们，表示衷心的感谢！")

    def report(place: str, body: str) -> str:
        return (f"各位代表：\n现在，我代表{place}人民政府，向大会报告政府工作，请予审议，并请市政协委员和其他列席人员"
                f"提出意见。\n一、过去一年工作回顾\n{body}\n{thanks.replace('本市', place)}")

    a = report_from_text(report("甲市", "全年完成固定资产投资一千亿元，增长百分之五。" + shared), name="a.txt")
    b = report_from_text(report("乙市", shared + "新建改造城镇老旧小区三百个，新增就业八万人。"), name="b.txt")
    found = shared_passages(a, b)
    reuse = found[~found["boilerplate"]]
    assert len(reuse) == 1 and _content(reuse["a_text"].iloc[0]) == _content(shared)
    assert found["boilerplate"].sum() >= 2  # the opening request and the thanks
    assert shared_passages(a, b, formulas=None)["boilerplate"].sum() == 0


@pytest.fixture(scope="module")
def folder(source, pasted):
    names = ["1954_national", "2023_national", "2026_province_hebei", "2026_province_shanxi"]
    return [source, pasted[0], *(read_report(CORPUS / f"{n}.txt") for n in names)]


def test_lsh_finds_the_pasted_pair_among_six_reports(folder):
    pairs = reuse_pairs(folder, num_perm=128, seed=1)
    assert list(pairs.columns) == PAIR_COLUMNS
    assert ("2018_district_qingshan", "pasted") in set(zip(pairs["a_doc"], pairs["b_doc"]))
    assert (pairs["a_doc"] < pairs["b_doc"]).all() and pairs["jaccard"].between(0.3, 1).all()
    assert len(pairs) < 15  # not every pair: 1954 resembles none of them


def test_find_reuse_over_a_folder(folder, source, pasted):
    found = find_reuse(folder)
    mine = found[(found["a_doc"] == source.doc_id) & (found["b_doc"] == "pasted")]
    assert len(mine) == 4 and not mine["boilerplate"].any()
    assert found["spread"].between(0, 1).all()
    keys = ["a_doc", "b_doc", "a_start", "b_start"]
    assert found[keys].equals(found.sort_values(keys, kind="stable")[keys].reset_index(drop=True))
    everything = find_reuse(folder, pairs="all")
    assert len(everything) >= len(found)


def test_runs_agree(folder):
    """Two runs in one process (a fixed MinHash seed, stable sorts): the same tables."""
    pd.testing.assert_frame_equal(reuse_pairs(folder, seed=7), reuse_pairs(folder, seed=7))
    pd.testing.assert_frame_equal(find_reuse(folder), find_reuse(folder))


def test_coverage_is_asymmetric(folder, source, pasted):
    found = find_reuse(folder)
    cov = coverage_matrix(found, folder)
    assert list(cov.index) == list(cov.columns) == sorted(r.doc_id for r in folder)
    short, long_ = cov.loc["pasted", source.doc_id], cov.loc[source.doc_id, "pasted"]
    assert 0 < long_ < short < 1  # the four passages are a larger share of the shorter report
    assert (cov.to_numpy().diagonal() == 1).all()
    # the filler of the pasted report is 1954's text; 1954 shares nothing with the other four
    assert cov.loc["1954_national"].drop(["1954_national", "pasted"]).eq(0).all()
    assert cov.loc["pasted", "1954_national"] > 0.5
    long_form = tidy_matrix(cov, value="coverage")
    assert list(long_form.columns) == ["a_doc", "b_doc", "coverage"]
    assert len(long_form) == len(folder) * (len(folder) - 1)


def test_tfidf_similarity_matrix(tokenizer):
    from policytext.tokens.segmentation import tokenize

    texts = {
        "a": "政府工作报告\n各位代表：\n一、2025年工作回顾\n全市加快建设现代化产业体系，培育壮大战略性新兴产业，推动制造业高端化智能化绿色化发展。",
        "b": "政府工作报告\n各位代表：\n一、2025年工作回顾\n全省加快建设现代化产业体系，推动制造业高端化智能化绿色化发展，培育新兴产业。",
        "c": "政府工作报告\n各位代表：\n一、2025年工作回顾\n全区新建改造农村公路三百公里，完成农田水利设施建设，保障粮食安全和农民增收。",
    }
    tables = {k: tokenize(report_from_text(v, name=f"{k}.txt"), tokenizer=tokenizer) for k, v in texts.items()}
    sim = similarity_matrix(tables)
    assert list(sim.index) == list(sim.columns) == ["a", "b", "c"]
    assert (sim.to_numpy() == sim.to_numpy().T).all() and (sim.to_numpy().diagonal() == 1).all()
    assert sim.loc["a", "b"] > 0.3 > sim.loc["a", "c"]


def test_tfidf_cosine_equals_scikit_learn():
    """The SciPy TF-IDF of similarity_matrix is scikit-learn's TfidfVectorizer (default settings)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from policytext.analysis.reuse import _tfidf_cosine

    rng = np.random.default_rng(7)
    words = np.array([f"词{i}" for i in range(60)], dtype=object)
    docs = [rng.choice(words, size=size) for size in (0, 1, 40, 200, 200, 35)]
    matrix = TfidfVectorizer(analyzer=lambda d: d, lowercase=False).fit_transform([d.tolist() for d in docs])
    expected = (matrix @ matrix.T).toarray()
    got = _tfidf_cosine(docs)
    assert np.allclose(got, expected, rtol=0, atol=1e-12)
    assert (got == got.T).all() and (got[0] == 0).all()
    assert (_tfidf_cosine([np.array([], dtype=object)] * 2) == 0).all()


def test_plot_similarity_orders_by_clustering_and_draws_chinese():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from policytext.plotting import cluster_order, plot_similarity, use_style

    m = pd.DataFrame([[1, .1, .8, .2], [.1, 1, .15, .7], [.8, .15, 1, .1], [.2, .7, .1, 1]],
                     index=["河北", "山西", "广东", "福建"], columns=["河北", "山西", "广东", "福建"])
    order = cluster_order(m)
    assert abs(order.index("河北") - order.index("广东")) == 1 and abs(order.index("山西") - order.index("福建")) == 1
    with matplotlib.rc_context():
        use_style()
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            fig = plot_similarity(m, title="相似度")
            fig.canvas.draw()
            plt.close(fig)


# ---------------------------------------------------------------- the command line

def _run(capsysbinary, *args) -> tuple[int, bytes, str]:
    code = main(list(args))
    out, err = capsysbinary.readouterr()
    return code, out, err.decode("utf-8")


def test_cli_reuse_writes_csv(capsysbinary, tmp_path):
    a, b = CORPUS / "2026_province_hebei.txt", CORPUS / "2026_province_shanxi.txt"
    code, out, _ = _run(capsysbinary, "reuse", str(a), str(b), "--format", "csv")
    assert code == 0 and out.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig")
    assert list(table.columns) == PASSAGE_COLUMNS and len(table) >= 3
    raw = read_report(a).raw_text
    assert all(raw[s:e] == t for s, e, t in zip(table["a_start"], table["a_end"], table["a_text"]))
    target = tmp_path / "reuse.csv"
    code, _, _ = _run(capsysbinary, "reuse", str(a), str(b), "--min-chars", "60", "-o", str(target))
    assert code == 0 and pd.read_csv(target, encoding="utf-8-sig")["chars"].ge(60).all()


def test_cli_reuse_errors_are_one_line(capsysbinary, tmp_path):
    missing = tmp_path / "missing.txt"
    code, out, err = _run(capsysbinary, "reuse", str(missing), str(CORPUS / "2026_province_hebei.txt"))
    assert code == 1 and out == b"" and err.count("\n") == 1 and str(missing) in err and "Traceback" not in err
    code, _, err = _run(capsysbinary, "reuse", str(CORPUS / "2026_province_hebei.txt"))
    assert code == 1 and err.count("\n") == 1 and "two" in err
    with pytest.raises(SystemExit) as stop:
        main(["reuse", "a.txt", "b.txt", "--min-chars", "3"])
    assert stop.value.code == 2


def test_cli_reuse_over_a_folder(capsysbinary, tmp_path, source, pasted):
    (tmp_path / "qingshan.txt").write_text(source.raw_text, encoding="utf-8")
    (tmp_path / "pasted.txt").write_text(pasted[0].raw_text, encoding="utf-8")
    (tmp_path / "jilin.txt").write_bytes((CORPUS / "2026_province_jilin.txt").read_bytes())
    code, out, _ = _run(capsysbinary, "reuse", str(tmp_path), "--format", "jsonl")
    assert code == 0
    table = pd.read_json(io.BytesIO(out), lines=True)
    mine = table[(table["a_doc"] == "pasted") & (table["b_doc"] == "qingshan")]
    assert len(mine) == 4 and not mine["boilerplate"].any()
    assert (table["a_doc"] < table["b_doc"]).all()
