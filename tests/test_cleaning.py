"""The cleaner: what it removes and normalises, and that nothing is ever lost."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from expectations import MASKED_SPANS, SPAM
from policytext import clean_text, restore_raw
from policytext.text.rewrite import Rewriter


def _assert_lossless(raw: str):
    c = clean_text(raw)
    assert restore_raw(c.text, c.edits) == raw
    for e in c.edits:
        assert raw[e.raw_start:e.raw_end] == e.original
        assert c.text[e.clean_start:e.clean_end] == e.replacement
    assert len(c.offsets.starts) == len(c.text)
    return c


# ------------------------------------------------------------------ the bundled report

def test_bundled_audit_counts(bundled):
    audit = bundled.clean.audit
    assert audit.loc[audit["reason"] == "spam", "original"].value_counts().to_dict() == SPAM
    masked = audit[audit["reason"] == "masked"]
    assert len(masked) == MASKED_SPANS
    assert (masked["action"] == "flag").all() and (masked["original"] == masked["replacement"]).all()
    footer = audit[audit["reason"] == "boilerplate"]
    assert len(footer) == 1 and "较新一篇" in footer["original"].iloc[0]
    assert "侯卫东" not in bundled.text and "较旧一篇" not in bundled.text
    assert "制度**易成本" in bundled.text  # masks stay; the cleaner does not guess the word


def test_bundled_restores_exactly(bundled):
    assert restore_raw(bundled.text, bundled.clean.audit) == bundled.raw_text
    assert restore_raw(bundled.text, bundled.clean.edits) == bundled.raw_text


def test_bundled_width_is_normalised(bundled):
    assert "2017年，预计地区生产总值增长8%" in bundled.text
    assert "增长20%；固定资产投资128亿元" in bundled.text
    assert "（一）“一区三城”建设全面启动" in bundled.text
    assert "," not in bundled.text.replace("1,0", "")  # no ASCII commas left in Chinese text


# ------------------------------------------------------------------ rules, on general examples

@pytest.mark.parametrize("raw, expected", [
    ("2017年,预计增长20%;固定资产投资", "2017年，预计增长20%；固定资产投资"),
    ("各位代表:\n现在", "各位代表：\n现在"),
    ("(一)服务企业成效明显", "（一）服务企业成效明显"),
    ("国内生产总值(GDP)增长", "国内生产总值（GDP）增长"),
    ("新增就业１１２００人，增长１１．５％", "新增就业11200人，增长11.5%"),
    ("政 府 工 作 报 告", "政府工作报告"),
    ("全省 100 个县（市、区）", "全省100个县（市、区）"),
    ("1 9 9 8 年3 月5 日", "1998年3月5日"),
    ("收入1,000亿元，时间10:30", "收入1,000亿元，时间10:30"),
    ("Public domain", "Public domain"),
    ("提升至7.6万元［1］。", "提升至7.6万元。"),
])
def test_character_rules(raw, expected):
    assert _assert_lossless(raw).text == expected


@pytest.mark.parametrize("raw, expected", [
    ("第一段。\r\n\r\n第二段。\r\n", "第一段。\n第二段。"),
    ("第一段。\r第二段。", "第一段。\n第二段。"),
    ("\u3000\u3000第一段。\u3000\u3000第二段。\u3000\u3000第三段。", "第一段。\n第二段。\n第三段。"),
    ("标题\t\t——2018年3月5日在会议上", "标题\n——2018年3月5日在会议上"),
    ("  缩进的段落。  \n\n\n下一段。", "缩进的段落。\n下一段。"),
])
def test_layout_rules(raw, expected):
    assert _assert_lossless(raw).text == expected


REPORT = "政府工作报告\n各位代表：\n" + "".join(
    f"第{i}段说明经济社会发展取得新进展，全年完成各项目标任务，人民生活持续改善。\n" for i in range(1, 7)) + \
    "各位代表，让我们团结起来，为实现今年目标而努力奋斗！\n"


def test_page_chrome_before_the_report_is_removed():
    chrome = "下载\n打印\n全屏\n收藏\n【字号：\n加大\n还原\n减小\n】\n来源：某某日报\n时间：2026-02-10\n"
    c = _assert_lossless(chrome + REPORT)
    assert c.text.startswith("政府工作报告\n各位代表：")
    assert set(c.audit.loc[c.audit.reason == "boilerplate", "detail"]) == {"toolbar", "page_meta"}


def test_navigation_related_links_and_licence_after_the_closing_are_removed():
    tail = ("较旧一篇:2018年某某区政府工作报告较新一篇:2018年某某区政府工作报告\n相关报道：\n某某省政府工作报告全文\n"
            "本作品是中华人民共和国的\n法律\n、\n法规\n，属于\n公有领域\n。\nPublic domain\n")
    c = _assert_lossless(REPORT + tail)
    assert c.text.endswith("努力奋斗！")


def test_photo_caption_is_removed_but_not_a_sentence_about_reporters():
    caption = "省长作政府工作报告。 某某日报记者 李森 摄\n"
    body = "第九段：组织新闻记者深入基层采访报道，讲好发展故事，全年刊发稿件一千余篇，反响良好。\n"
    c = _assert_lossless(caption + REPORT + body)
    assert "李森" not in c.text and "组织新闻记者深入基层" in c.text


def test_spam_fragment_repeated_after_paragraphs_is_removed_everywhere():
    paras = [f"第{i}项工作稳步推进，全年完成投资{i}亿元，各项任务顺利完成。" for i in range(1, 6)]
    paras[1] += "某某修仙传奇"
    paras[3] += "某某修仙传奇"
    c = _assert_lossless("政府工作报告\n各位代表：\n" + "\n".join(paras) + "\n各位代表，让我们共同奋斗！")
    assert "修仙" not in c.text
    assert list(c.audit.loc[c.audit.reason == "spam", "original"]) == ["某某修仙传奇"] * 2


def test_a_single_unpunctuated_ending_is_not_spam():
    text = "政府工作报告\n各位代表：\n全年完成投资10亿元，各项任务顺利完成。详见附表\n下一段的内容也很充实，各项工作全面推进。"
    c = _assert_lossless(text)
    assert "详见附表" in c.text


def test_masks_are_flagged_not_changed():
    c = _assert_lossless("进一步降低企业制度**易成本，*推进改革。")
    flags = c.audit[c.audit.reason == "masked"]
    assert list(flags["original"]) == ["**", "*"]
    assert c.text == "进一步降低企业制度**易成本，*推进改革。"


def test_every_cleaned_span_maps_to_its_raw_span():
    raw = "  各位代表:\r\n\r\n2017年,完成收入３９亿元;增长20%。侯卫东官场笔记\r\n"
    c = _assert_lossless(raw)
    start = c.text.index("完成")
    rs, re_ = c.raw_span(start, start + 2)
    assert raw[rs:re_] == "完成"
    num = c.text.index("39亿元")
    rs, re_ = c.raw_span(num, num + 4)
    assert raw[rs:re_] == "３９亿元"


# ------------------------------------------------------------------ properties

ALPHABET = st.sampled_from(list("政府工作报告各位代表发展建设一二三（）()“”。，,;:；：！!？?、*＊ \u3000\t\n\r\xa0"
                                "0123456789０１２３%％.．年月日亿元万ABCab'［］[]—"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=200))
def test_cleaning_never_loses_anything(raw):
    _assert_lossless(raw)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_cleaning_any_unicode_is_lossless(raw):
    _assert_lossless(raw)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdef\n", min_size=1, max_size=40), st.data())
def test_rewriter_composes_overlapping_passes(raw, data):
    rw = Rewriter(raw)
    for _ in range(3):
        text = rw.text
        if not text:
            break
        cuts = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=6))))
        edits = [(a, b, data.draw(st.sampled_from(["", "X", "YZ"])), "test", "")
                 for a, b in zip(cuts[::2], cuts[1::2]) if b > a]
        rw.apply(edits)
    assert restore_raw(rw.text, rw.edits()) == raw


def test_two_edits_of_one_pass_inside_one_earlier_edit_merge_into_one_row():
    """Found by the property above: a pass whose two edits both fall inside an earlier edit."""
    rw = Rewriter("aab")
    rw.apply([(0, 1, "YZ", "first", "")])           # aab -> YZab
    rw.apply([(0, 1, "YZ", "second", "")])          # YZab -> YZZab (merged with the first edit)
    rw.apply([(0, 1, "", "third", ""), (2, 3, "", "third", "")])  # delete Y and the second Z
    assert rw.text == "Zab"
    [row] = rw.edits()
    assert (row.raw_start, row.raw_end, row.original, row.replacement, row.reason) == (0, 1, "a", "Z", "third")
    assert restore_raw(rw.text, rw.edits()) == "aab"


@pytest.mark.corpus
def test_every_corpus_report_cleans_losslessly(corpus):
    for doc_id, report in corpus.items():
        assert restore_raw(report.text, report.clean.audit) == report.raw_text, doc_id
        for e in report.clean.edits:
            assert report.raw_text[e.raw_start:e.raw_end] == e.original, doc_id
