"""read_report: encodings, line endings, web pages, metadata, and a clear error for every bad input."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings, strategies as st

from policytext import ReportError, read_report, restore_raw
from policytext.document.reading import decode_bytes

SAMPLE = ("2018年青山区政府工作报告\n——2018年1月5日在青山区第十四届人民代表大会第二次会议上\n各位代表：\n"
          "根据会议安排，我代表区人民政府向大会报告工作，请予审议。\n一、2017年工作回顾\n"
          "2017年，全区经济企稳向好，完成一般公共预算收入39亿元，增长20%。\n"
          "二、2018年主要任务\n2018年全区地区生产总值增长5%，固定资产投资增长10%。\n"
          "各位代表，让我们团结起来，为建设新青山而努力奋斗！\n")


@pytest.mark.parametrize("encoding, expected, prefix", [
    ("utf-8", "utf-8", b""),
    ("utf-8", "utf-8-sig", codecs.BOM_UTF8),
    ("gb18030", "gb18030", b""),
    ("gbk", "gb18030", b""),
    ("utf-16-le", "utf-16", codecs.BOM_UTF16_LE),
    ("utf-16-be", "utf-16", codecs.BOM_UTF16_BE),
])
def test_encodings_decode_to_the_same_text(tmp_path, encoding, expected, prefix):
    path = tmp_path / "report.txt"
    path.write_bytes(prefix + SAMPLE.encode(encoding))
    report = read_report(path)
    assert report.encoding == expected
    assert report.raw_text == SAMPLE
    assert report.metadata.year == 2018


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings_are_kept_raw_and_offsets_point_into_them(tmp_path, newline):
    path = tmp_path / "report.txt"
    path.write_bytes(SAMPLE.replace("\n", newline).encode("utf-8"))
    report = read_report(path)
    assert report.raw_text == SAMPLE.replace("\n", newline)  # line endings untouched
    assert "\r" not in report.text
    paras = report.structure.paragraphs
    for row in paras.itertuples():
        raw = report.raw_text[row.start:row.end]
        assert "\r" not in raw and "\n" not in raw
        assert raw.replace(",", "，") == row.text
    assert restore_raw(report.text, report.clean.audit) == report.raw_text


def test_web_page_is_reduced_to_its_article(tmp_path):
    body = "".join(f"<p>{line}</p>\n" for line in SAMPLE.splitlines()[1:])
    html = (f'<!DOCTYPE html><html><head><meta charset="gb2312"><title>2018年青山区政府工作报告</title></head>'
            f'<body><div class="nav"><a href="/">首页</a> &gt; 政务公开</div>'
            f'<div class="toolbar">【字号：大 中 小】【打印本页】【关闭窗口】</div>'
            f'<div class="article"><h1>2018年青山区政府工作报告</h1>\n{body}</div>'
            f'<div class="footer">上一篇：2018年武昌区政府工作报告 下一篇：2018年洪山区政府工作报告</div>'
            f'</body></html>')
    path = tmp_path / "report.html"
    path.write_bytes(html.encode("gb18030"))
    report = read_report(path)
    assert report.source_format == "html"
    assert report.encoding == "gb18030"
    assert "<p>" not in report.raw_text and "打印本页" not in report.text
    assert "完成一般公共预算收入39亿元" in report.text
    assert report.metadata.year == 2018 and report.metadata.level == "district"
    assert list(report.structure.chapters["chapter_title"]) == ["2017年工作回顾", "2018年主要任务"]


def _one_line_error(path, *fragments):
    with pytest.raises(ReportError) as info:
        read_report(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    for fragment in fragments:
        assert fragment in message
    return message


def test_missing_file(tmp_path):
    _one_line_error(tmp_path / "nope.txt", "no such file")


def test_directory(tmp_path):
    _one_line_error(tmp_path, "directory")


@pytest.mark.parametrize("content, problem", [
    (b"", "empty"),
    (b"   \n\t\r\n\xe3\x80\x80  ", "white space"),
    (bytes(range(256)) * 20, "binary"),
    (b"report \x80\xff text " * 50, "cannot be decoded"),
    ("This is English text about the government's work in 2017, with no Chinese at all.".encode(), "no Chinese"),
    ("Plenty of English and only a few Chinese words: 政府 工作 报告 and 发展.".encode() * 3, "no Chinese"),
])
def test_bad_input_names_file_and_problem(tmp_path, content, problem):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    _one_line_error(path, problem)


def test_unsupported_format_is_named(tmp_path):
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    _one_line_error(path, "Word 97-2003")


def test_word_file(tmp_path):
    from docx import Document

    document = Document()
    for line in SAMPLE.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "report.docx"
    document.save(path)
    report = read_report(path)
    assert report.source_format == "docx" and report.raw_text.splitlines() == SAMPLE.splitlines()
    assert list(report.structure.chapters["chapter_title"]) == ["2017年工作回顾", "2018年主要任务"]


def test_broken_word_file(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    _one_line_error(path, "Word")


def _pdf(path, lines, *, text=True):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from policytext.plotting import use_style

    with matplotlib.rc_context():
        use_style()
        fig = plt.figure(figsize=(8.27, 11.7))
        if text:
            for i, line in enumerate(lines):
                fig.text(0.05, 0.95 - i * 0.06, line, fontsize=9)
        else:  # a "scan": an image of the page, no text layer
            fig.figimage([[0.2, 0.8], [0.8, 0.2]], resize=False)
        fig.savefig(path)
        plt.close(fig)


def test_text_pdf(tmp_path):
    path = tmp_path / "report.pdf"
    _pdf(path, SAMPLE.splitlines())
    report = read_report(path)
    assert report.source_format == "pdf"
    assert "完成一般公共预算收入39亿元" in report.text
    assert report.metadata.year == 2018


def test_scanned_pdf_is_refused(tmp_path):
    path = tmp_path / "scan.pdf"
    _pdf(path, [], text=False)
    _one_line_error(path, "no text layer")


def test_page_furniture_alone_is_not_a_report(tmp_path):
    path = tmp_path / "chrome.txt"
    path.write_text("下载\n打印\n全屏\n收藏\n【字号：\n加大\n还原\n减小\n】\n相关报道：\n" * 3, encoding="utf-8")
    _one_line_error(path)


def test_decode_prefers_bom_and_rejects_nul():
    assert decode_bytes(codecs.BOM_UTF8 + "政府".encode()) == ("政府", "utf-8-sig")
    with pytest.raises(ReportError, match="NUL"):
        decode_bytes("2018 政府工作报告".encode("utf-16-le"))  # UTF-16 without a BOM is ambiguous


def test_bundled_metadata(bundled):
    m = bundled.metadata
    assert (m.year, m.level, m.place) == (2018, "district", "青山区")
    assert m.year_source == "chapter heading"


@pytest.mark.corpus
def test_corpus_metadata_matches_file_names(corpus):
    for doc_id, report in corpus.items():
        year, level = doc_id.split("_")[:2]
        assert report.metadata.year == int(year), doc_id
        expected = {"national": "national", "province": "provincial", "district": "district"}[level]
        assert report.metadata.level == expected, doc_id


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=60)
       | st.text(alphabet=st.characters(min_codepoint=0x3300, max_codepoint=0xFB00), max_size=60))
def test_han_count_matches_the_character_class(text):
    """count_han (NumPy over UTF-16 units) counts exactly the characters the CJK class matches."""
    from policytext.text.chars import CJK_RE, count_han

    assert count_han(text) == len(CJK_RE.findall(text))
