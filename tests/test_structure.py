"""parse_structure: the bundled report's outline, general cues on constructed reports, the corpus."""

from __future__ import annotations

import pandas as pd
import pytest

from expectations import CHAPTERS
from policytext import paths, report_from_text
from policytext.document.structure import PARAGRAPH_COLUMNS, chapter_role

# ------------------------------------------------------------------ the bundled report


def test_bundled_chapters(bundled):
    ch = bundled.structure.chapters
    assert list(zip(ch["chapter_title"], ch["chapter_role"], ch["sections"])) == CHAPTERS


@pytest.mark.parametrize("chapter, section, title", [
    (1, 1, "“一区三城”建设全面启动"),
    (1, 4, "“三旧”改造克难突破"),
    (1, 10, "社会治理创新不断深化"),
    (2, 1, "紧抓两区融合契机，全面推动区域一体化发展"),
    (2, 5, "贯彻绿色发展理念，强力推动生态治理和建设"),
    (2, 7, "强化为民服务理念，推动政府治理能力现代化"),
])
def test_bundled_section_titles(bundled, chapter, section, title):
    p = bundled.structure.paragraphs
    rows = p[(p["chapter"] == chapter) & (p["section"] == section)]
    assert rows["section_title"].iloc[0] == title
    assert rows["kind"].iloc[0] == "section"


def test_bundled_bullets_and_parts(bundled):
    p = bundled.structure.paragraphs
    bullets = p[p["bullet"]]
    assert list(bullets["lead"]) == ["经济社会发展企稳向好", "区域增长后劲不断增强", "拼搏赶超氛围日益浓厚",
                                     "统筹协调发展格局初步形成"]
    assert set(bullets["chapter"]) == {1}
    assert list(p.loc[p["part"] == "front_matter", "text"]) == ["政府工作报告", "各位代表："]
    closing = p[p["part"] == "closing"]
    assert len(closing) == 1 and closing["text"].iloc[0].startswith("各位代表、同志们")
    assert p.loc[p["text"].str.startswith("根据会议安排"), "chapter"].isna().all()  # preamble is not chapter 一


@pytest.mark.parametrize("opening, lead", [
    ("发展规划逐步完善。", "发展规划逐步完善"),
    ("全力服务驻区大企业转型升级。", "全力服务驻区大企业转型升级"),
    ("“四水共治”全面推进。", "“四水共治”全面推进"),
    ("创新筹融资方式实现土地增值。", "创新筹融资方式实现土地增值"),
    ("2017年，是贯彻落实", None),
    ("今年以来，我们主要做了以下工作：", None),
])
def test_bundled_leads(bundled, opening, lead):
    p = bundled.structure.paragraphs
    row = p[p["text"].str.startswith(opening)].iloc[0]
    assert (row["lead"] if isinstance(row["lead"], str) else None) == lead


def test_bundled_colon_leads_are_sentences(bundled):
    s = bundled.structure.sentences
    leads = set(s.loc[s["is_lead"], "text"])
    assert {"防洪水：", "排涝水：", "发展规划逐步完善。"} <= leads


def test_offsets_point_at_the_raw_text(bundled):
    raw = bundled.raw_text
    for table in (bundled.structure.paragraphs, bundled.structure.sentences):
        for row in table.itertuples():
            span = raw[row.start:row.end]
            rebuilt = bundled.clean.text[row.clean_start:row.clean_end]
            assert span.replace(",", "，").replace(";", "；").replace(":", "：")[:2] == rebuilt[:2] \
                or span.startswith(("(", "——", "—— ")), (row.start, span[:20], rebuilt[:20])


def test_paragraph_columns(bundled):
    assert list(bundled.structure.paragraphs.columns) == PARAGRAPH_COLUMNS


# ------------------------------------------------------------------ general cues


def _report(*lines, sep="\n"):
    return report_from_text(sep.join(lines))


PARA = "全年经济运行稳中有进，主要指标好于预期，各项事业取得新进展，人民生活持续改善。"
PLAN = "今年要坚持稳中求进，确保完成全年目标任务，力争实现更高水平发展。"


def test_no_line_breaks_paragraphs_split_on_ideographic_spaces():
    text = "\u3000\u3000".join(["2000年政府工作报告", "各位代表：", "一、1999年国内工作回顾", PARA,
                               "二、关于外交工作", PLAN, "各位代表！让我们共同奋斗！"])
    s = report_from_text(text).structure
    assert list(s.chapters["chapter_title"]) == ["1999年国内工作回顾", "关于外交工作"]
    assert list(s.chapters["chapter_role"]) == ["review", "other"]


@pytest.mark.parametrize("open_, close", [("(", ")"), ("（", "）")])
def test_sections_with_half_and_full_width_brackets(open_, close):
    s = _report("政府工作报告", "各位代表：", "一、过去一年工作回顾", f"{open_}一{close}经济平稳增长。{PARA}",
                f"{open_}二{close}改革不断深化。{PARA}", "二、今年主要任务", f"{open_}一{close}扩大内需。{PLAN}").structure
    assert list(s.chapters["sections"]) == [2, 1]
    p = s.paragraphs
    assert list(p.loc[p["kind"] == "section", "section_title"]) == ["经济平稳增长", "改革不断深化", "扩大内需"]


def test_chapters_without_numerals():
    s = _report("2026年某省政府工作报告", "各位代表：", "“十四五”时期工作回顾", PARA, PARA,
                "2026年重点工作", "（一）放大促消费扩投资政策效应", PLAN, "（二）加快建设现代化产业体系", PLAN,
                "各位代表！让我们更加紧密团结，奋力谱写新篇章！").structure
    assert list(s.chapters["chapter_title"]) == ["“十四五”时期工作回顾", "2026年重点工作"]
    assert list(s.chapters["chapter_role"]) == ["review", "tasks"]
    assert list(s.chapters["sections"]) == [0, 2]


def test_appendix_numbered_like_chapters_after_the_closing():
    s = _report("政府工作报告", "各位代表：", "一、2025年工作回顾", PARA, "二、2026年工作安排", PLAN,
                "各位代表！让我们奋力谱写新篇章！", "附件", "2026年十件民生实事",
                "一、提高城乡低保标准。", "二、新建养老床位。", "名词解释", "1.“五统一”：指统一市场基础制度。").structure
    assert len(s.chapters) == 2
    parts = s.paragraphs.groupby("part", sort=False).size().to_dict()
    assert parts == {"front_matter": 2, "body": 4, "closing": 1, "appendix": 6}


def test_national_closing_is_the_last_address():
    s = _report("政府工作报告", "各位代表：", "一、过去一年工作回顾", PARA, "二、今年工作", PLAN,
                "各位代表！", "我们要坚持一国两制方针，保持香港、澳门长期繁荣稳定，推进祖国和平统一。",
                "各位代表！", "让我们紧密团结在党中央周围，为全面建设社会主义现代化国家而努力奋斗！").structure
    p = s.paragraphs
    assert list(p.loc[p["part"] == "closing", "text"]) == ["各位代表！", "让我们紧密团结在党中央周围，为全面建设社会主义现代化国家而努力奋斗！"]


def test_numbered_items_under_unnumbered_chapters_are_sections():
    """Older national reports title their chapters without numerals and number the items under them."""
    r = report_from_text("政府工作报告\n各位代表：\n过去一年的回顾\n" + "去年国民经济持续发展，人民生活有所改善。" * 5 +
                         "\n一、坚持改革开放，经济体制改革取得新进展。" + "具体内容。" * 10 +
                         "\n二、农业生产稳定增长，粮食产量创历史新高。" + "具体内容。" * 10 +
                         "\n今年的主要任务\n一、加强农业基础地位，稳定发展粮食生产。" + "具体内容。" * 10 +
                         "\n二、深化企业改革，搞活国营大中型企业。" + "具体内容。" * 10 + "\n")
    sections = r.structure.sections
    assert list(zip(sections["chapter"], sections["section"])) == [(1, 1), (1, 2), (2, 1), (2, 2)]
    assert list(sections["section_title"]) == ["坚持改革开放，经济体制改革取得新进展", "农业生产稳定增长，粮食产量创历史新高",
                                              "加强农业基础地位，稳定发展粮食生产", "深化企业改革，搞活国营大中型企业"]
    assert list(r.structure.chapters["chapter_title"]) == ["过去一年的回顾", "今年的主要任务"]


def test_report_without_headings_is_one_chapter():
    s = _report("政府工作报告", "各位代表：", PARA, PARA, PLAN).structure
    assert len(s.chapters) == 1


@pytest.mark.parametrize("title, role", [
    ("2017年工作回顾", "review"), ("过去五年工作回顾", "review"), ("“十四五”时期和2025年工作回顾", "review"),
    ("2018年主要任务", "tasks"), ("2014年工作安排", "tasks"), ("2026年重点工作", "tasks"),
    ("对今年政府工作的建议", "tasks"), ("“十五五”时期主要目标任务", "tasks"),
    ("加强政府自身建设", "other"), ("关于外交工作", "other"),
])
def test_chapter_roles_from_headings(title, role):
    assert chapter_role(title) == role


# ------------------------------------------------------------------ the corpus


@pytest.mark.corpus
def test_corpus_reports_parse_with_chapters(corpus):
    rows = []
    for doc_id, report in corpus.items():
        s = report.structure
        parts = s.parts.set_index("part")["n_chars"]
        chapters = s.chapters
        assert len(chapters) >= 1, doc_id
        assert parts.get("body", 0) > 0.8 * len(report.text), doc_id  # no preface or appendix swallowed the body
        assert parts.get("front_matter", 0) < 200, doc_id
        rows.append({"doc_id": doc_id, "chapters": len(chapters),
                     "sections": " ".join(map(str, chapters["sections"])),
                     "roles": " ".join(chapters["chapter_role"]),
                     **{f"{p}_chars": int(parts.get(p, 0)) for p in ("front_matter", "body", "closing", "appendix")},
                     "titles": " | ".join(t if isinstance(t, str) else "" for t in chapters["chapter_title"])})
    out = paths.BUILD / "checks" / "corpus_structure.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(out, index=False, encoding="utf-8-sig")  # for reading by hand


@pytest.mark.corpus
def test_corpus_appendices_and_closings(corpus):
    for doc_id in ("2010_national", "2012_national", "2026_province_guangdong", "2026_province_hainan",
                   "2026_province_jiangxi", "2026_province_neimenggu"):
        parts = set(corpus[doc_id].structure.paragraphs["part"])
        assert "appendix" in parts, doc_id
    for doc_id, report in corpus.items():
        closing = report.structure.paragraphs.query("part == 'closing'")
        assert 1 <= len(closing) <= 12, doc_id
        assert closing["text"].iloc[0].startswith(("各位代表", "同志们")), doc_id
