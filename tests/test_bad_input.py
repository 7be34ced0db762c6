"""Hostile input to the reader and the cleaner: nothing hangs, nothing exhausts memory, nothing is
decoded wrongly without a word, nothing is lost.  Each test builds its input and reproduces a defect
found by trying bad inputs on purpose (issue 15)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from policytext import PolicyTextError, ReportError, paths, read_report, report_from_text, restore_raw
from policytext.analysis.indicators import extract_indicators
from policytext.document import reading
from policytext.document.report import safe_doc_id

BUNDLED = paths.BUNDLED_REPORT.read_text(encoding="utf-8")


def _cli(*args, env=None, timeout=120):
    """The console command in a fresh process: (exit status, stderr lines)."""
    done = subprocess.run([sys.executable, "-m", "policytext.cli", *map(str, args)], capture_output=True,
                          timeout=timeout, env={**os.environ, **(env or {})})
    return done.returncode, done.stderr.decode("utf-8", "replace").strip().splitlines()


# ------------------------------------------------------------------ unbounded reads


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_fifo_is_refused_before_it_is_opened(tmp_path):
    """Opening a FIFO blocks until a writer comes: the reader must refuse it from its type alone."""
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReportError, match="FIFO"):
        read_report(fifo)
    status, err = _cli("info", fifo, timeout=60)  # the safety timeout is not the assertion: the exit is
    assert status == 1 and len(err) == 1 and "FIFO" in err[0] and str(fifo) in err[0]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_an_endless_device_is_refused(device):
    with pytest.raises(ReportError, match="character device"):
        read_report(device)


def test_a_file_above_the_size_limit_is_refused_with_the_limit_and_how_to_raise_it(tmp_path):
    with pytest.raises(ReportError, match=r"more than the limit of .*POLICYTEXT_MAX_MB"):
        reading.read_bytes(paths.BUNDLED_REPORT, limit=10_000)
    status, err = _cli("info", paths.BUNDLED_REPORT, env={"POLICYTEXT_MAX_MB": "0.01"})
    assert status == 1 and len(err) == 1 and "POLICYTEXT_MAX_MB" in err[0]


def _docx(path: Path, member_bytes: int) -> None:
    """A Word file whose document part inflates to ``member_bytes`` (zeros compress a thousandfold)."""
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        with target.open("word/media/padding.bin", "w") as padding:
            chunk = b"\0" * 1_000_000
            for _ in range(member_bytes // len(chunk)):
                padding.write(chunk)


def test_a_word_zip_bomb_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 2_000_000)  # the bomb: 12 MB inside a file of a few KB
    bomb = tmp_path / "bomb.docx"
    _docx(bomb, 12_000_000)
    assert bomb.stat().st_size < 100_000
    with pytest.raises(ReportError, match="zip bomb"):
        read_report(bomb)


def test_a_dictionary_with_yaml_aliases_is_refused(tmp_path):
    """"Billion laughs": 700 bytes of nested aliases expand to gigabytes when built."""
    from policytext.analysis.themes import load_dictionary

    rows = ['  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh"):
        rows.append(f"  {name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    path = tmp_path / "laughs.yaml"
    path.write_text("Name: x\nDesc: x\nRefer: x\nCategory: [a]\nDictionary:\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(PolicyTextError, match="aliases"):
        load_dictionary(path)


SPACES = [" ", "\u00a0", "\u2002", "\u2003", "\u2009", "\u200b", "\u3000", "\t", "\u202f", "\u205f", "\u1680"]


@settings(max_examples=30, deadline=None)
@given(space=st.sampled_from(SPACES), run=st.integers(1, 40_000), at=st.integers(0, len(BUNDLED)))
def test_long_runs_of_every_space_are_cleaned_losslessly(space, run, at):
    """A 40 KB run of ASCII or no-break spaces inside a line took 30-96 s (a pattern tried at every
    space of the run); every pass is linear now.  `make bench` times it; here: nothing is lost."""
    raw = BUNDLED[:at] + space * run + BUNDLED[at:]
    report = report_from_text(raw)
    assert restore_raw(report.text, report.clean.audit) == raw


@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize("where", ["line end", "line start", "between paragraphs"])
def test_a_long_run_at_a_line_edge_is_linear_and_lossless(space, where):
    """Found by the fuzzer: a run of ideographic spaces just before a line break made the paragraph-
    break pattern backtrack quadratically (20 s and more for 20,000 spaces)."""
    lines = BUNDLED.split("\n")
    run = space * 40_000
    k = 10
    if where == "line end":
        lines[k] += run
    elif where == "line start":
        lines[k] = run + lines[k]
    else:
        lines[k] += run + "\u3000\u3000" + lines[k + 1]
    raw = "\n".join(lines)
    report = report_from_text(raw)
    assert restore_raw(report.text, report.clean.audit) == raw


def test_fuzzed_reports_raise_nothing_but_one_line_and_lose_nothing():
    """A small run of tests/fuzz/fuzz_reports.py (the full run: 10,000 reports, see its docstring)."""
    sys.path.insert(0, str(Path(__file__).parent / "fuzz"))
    try:
        from fuzz_reports import fuzz
    finally:
        sys.path.pop(0)
    tally = fuzz(40, seed=7)
    assert tally["FAILED"] == 0 and tally["ok"] > 0 and tally["refused"] > 0, tally


# ------------------------------------------------------------------ encodings decided by evidence


def test_utf8_cut_inside_its_last_character_is_utf8_with_the_cut_recorded(tmp_path):
    data = (BUNDLED.rstrip("\n") + "\n谢谢").encode("utf-8")[:-1]  # the last 谢 cut after two of its bytes
    path = tmp_path / "2018_district_qingshan.txt"
    path.write_bytes(data)
    report = read_report(path)
    assert report.encoding.startswith("utf-8") and "incomplete" in report.encoding
    assert report.raw_text.endswith("谢\ufffd") and "\ufffd" not in report.text
    assert restore_raw(report.text, report.clean.audit) == report.raw_text
    assert any("ends inside a character" in w for w in report.warnings)


def test_undecodable_bytes_are_removed_and_recorded():
    report = report_from_text(BUNDLED.replace("全区上下", "全区\ufffd上下", 1))
    rows = report.clean.audit[report.clean.audit["detail"] == "undecodable_bytes"]
    assert len(rows) == 1 and "\ufffd" not in report.text and "全区上下" in report.text


@pytest.mark.parametrize("utf8_lines", [1, 5, 40])
def test_part_utf8_part_gb18030_is_refused_not_misread(tmp_path, utf8_lines):
    """A UTF-8 title over a GB18030 body decodes as GB18030 without error: the title came out as
    mojibake, exit 0.  Each line's own evidence shows the mixture."""
    lines = BUNDLED.split("\n")
    path = tmp_path / "mixed.txt"
    path.write_bytes("\n".join(lines[:utf8_lines]).encode("utf-8") + b"\n" + "\n".join(lines[utf8_lines:]).encode("gb18030"))
    with pytest.raises(ReportError, match="mixed encodings|cannot be decoded"):
        read_report(path)


def test_gb18030_is_believed_only_when_it_reads_as_chinese():
    data = BUNDLED.encode("utf-8")
    misread = data.decode("gb18030", errors="replace")  # what a GB18030 decoder makes of UTF-8 bytes
    assert not reading._reads_as_chinese(misread) and reading._reads_as_chinese(BUNDLED)


def test_utf8_misread_as_gb18030_is_refused(tmp_path):
    """Bytes valid in neither UTF-8 nor as plausible GB text: a UTF-8 file with one stray byte early on."""
    data = BUNDLED.encode("utf-8")
    path = tmp_path / "stray.txt"
    path.write_bytes(data[:100] + b"\xff" + data[100:])
    with pytest.raises(ReportError):
        read_report(path)


def test_real_gbk_text_still_reads_as_gb18030(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(BUNDLED.encode("gbk"))
    assert read_report(path).raw_text == BUNDLED


# ------------------------------------------------------------------ structure without line breaks


def test_a_report_without_line_breaks_gets_its_chapters_back_and_says_so(tokenizer):
    flat = BUNDLED.replace("\n", "")
    original = report_from_text(BUNDLED, name="2018_district_qingshan.txt")
    report = report_from_text(flat, name="2018_district_qingshan.txt")
    assert restore_raw(report.text, report.clean.audit) == flat
    assert report.structure.chapters["chapter_role"].tolist() == original.structure.chapters["chapter_role"].tolist()
    a, b = extract_indicators(original, tokenizer=tokenizer), extract_indicators(report, tokenizer=tokenizer)
    assert a["status"].tolist() == b["status"].tolist() and a["year"].tolist() == b["year"].tolist()
    assert any("line breaks lost" in w for w in report.warnings)
    assert report.describe()["warnings"] and not original.describe()["warnings"]


def test_a_page_with_unclosed_tags_keeps_its_paragraphs(tmp_path):
    paragraphs = [p for p in BUNDLED.split("\n") if p.strip()]
    head = "<html><head><title>政府工作报告</title></head><body><div>"
    closed, unclosed = tmp_path / "closed.html", tmp_path / "unclosed.html"
    closed.write_text(head + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div></body></html>", encoding="utf-8")
    unclosed.write_text(head + "".join(f"<p><span>{p}" for p in paragraphs) + "</div></body></html>", encoding="utf-8")
    a, b = read_report(closed), read_report(unclosed)
    assert b.raw_text == a.raw_text and len(b.structure.chapters) == 2


# ------------------------------------------------------------------ names and other files


@pytest.mark.parametrize("name, doc_id", [("...txt", "report"), ("..txt", "report"), ("a/b.txt", "a_b"),
                                          ("2018_district_qingshan.txt", "2018_district_qingshan")])
def test_doc_ids_are_safe_folder_names(name, doc_id):
    assert safe_doc_id(name) == doc_id


def test_a_report_named_dots_only_gets_a_safe_doc_id(tmp_path):
    path = tmp_path / "...txt"
    path.write_text(BUNDLED, encoding="utf-8")
    assert read_report(path).doc_id == "report"


@pytest.mark.parametrize("damage", ["truncated", "startxref"])
def test_a_corrupt_pdf_gives_our_line_only(tmp_path, damage):
    """pypdf logs its own warnings (EOF marker not found, incorrect startxref pointer) on stderr."""
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(200, 200)
    writer.write(buffer)
    data = buffer.getvalue()
    data = data[:len(data) // 2] if damage == "truncated" else data[:data.rfind(b"startxref")] + b"startxref\n99999\n%%EOF"
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    status, err = _cli("info", path)
    assert status == 1 and len(err) == 1 and err[0].startswith("policytext: error: ") and str(path) in err[0]


def test_make_quotes_paths_with_spaces_and_quotes():
    import shlex

    report = 'my "report\'s" copy.txt'
    done = subprocess.run(["make", "-n", "run", f"REPORT={report}", "OUT=out dir"], capture_output=True,
                          text=True, cwd=paths.ROOT)
    line = next(l for l in done.stdout.splitlines() if "policybook" in l)
    args = shlex.split(line)
    assert args[args.index("--report") + 1] == report and args[args.index("--tables") + 1] == "out dir"


def test_the_command_warns_about_a_report_whose_line_breaks_were_lost(tmp_path):
    path = tmp_path / "2018_district_flat.txt"
    path.write_text(BUNDLED.replace("\n", ""), encoding="utf-8")
    status, err = _cli("info", path)
    assert status == 0 and len(err) == 1 and err[0].startswith(f"policytext: warning: {path}: line breaks lost")
    status, err = _cli("info", paths.BUNDLED_REPORT)
    assert status == 0 and err == []
