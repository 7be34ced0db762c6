"""The policytext command: tables Excel and pandas read back, one-line errors with non-zero exits."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from expectations import CHAPTERS, MASKED_SPANS
from policytext import paths
from policytext import cli
from policytext.cli import main
from policytext.options import DEFAULT_TABLES

REPORT = str(paths.BUNDLED_REPORT)


def _run(capsysbinary, *args) -> tuple[int, bytes, str]:
    code = main(list(args))
    out, err = capsysbinary.readouterr()
    return code, out, err.decode("utf-8")


def test_structure_csv_has_bom_and_the_promised_columns(capsysbinary):
    code, out, _ = _run(capsysbinary, "structure", REPORT, "--format", "csv")
    assert code == 0 and out.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig")
    for col in ("part", "chapter", "chapter_title", "chapter_role", "section", "section_title", "paragraph",
                "lead", "start", "end", "text"):
        assert col in df.columns
    assert list(df.dropna(subset=["chapter"]).drop_duplicates("chapter")["chapter_title"]) == [c[0] for c in CHAPTERS]


def test_jsonl_keeps_real_characters(capsysbinary):
    code, out, _ = _run(capsysbinary, "clean", REPORT, "--audit", "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.decode("utf-8").splitlines()]
    assert "侯卫东官场笔记" in out.decode("utf-8")  # not \\u escapes
    assert sum(r["reason"] == "masked" for r in rows) == MASKED_SPANS


def test_clean_prints_text(capsysbinary):
    code, out, _ = _run(capsysbinary, "clean", REPORT)
    assert code == 0 and out.decode("utf-8").startswith("政府工作报告\n各位代表：\n")


def test_tokens_to_file(tmp_path, capsysbinary):
    target = tmp_path / "tokens.parquet"
    code, _, _ = _run(capsysbinary, "tokens", REPORT, "--content-only", "-o", str(target))
    assert code == 0
    df = pd.read_parquet(target)
    assert not df["stopword"].any() and "一般公共预算收入" in set(df["token"])


def test_analyze_writes_every_table(tmp_path, capsysbinary):
    code, _, _ = _run(capsysbinary, "analyze", REPORT, "--out", str(tmp_path), "--no-progress", "--tables", "all")
    assert code == 0
    for name in ("reports", "audit", "paragraphs", "sentences", "tokens", "keywords", "indicators", "targets",
                 "themes"):
        assert (tmp_path / f"{name}.csv").exists() and any((tmp_path / "parquet" / name).glob("*.parquet"))
    assert pd.read_csv(tmp_path / "failures.csv", encoding="utf-8-sig").empty
    tokens = pd.read_parquet(tmp_path / "parquet" / "tokens")
    assert {"doc_id", "year", "place", "level"} <= set(tokens.columns) and tokens["year"].eq(2018).all()


def test_analyze_writes_the_tokens_only_when_asked_and_the_same_tables_either_way(tmp_path, capsysbinary):
    """Default tables: all but tokens.  A rerun asking for all is served by recomputing what the cache
    lacks; every table common to both runs is the same, byte for byte; a later default run removes the
    tokens an earlier run wrote, so the folder never shows a stale table."""
    out = tmp_path / "out"
    assert _run(capsysbinary, "analyze", REPORT, "--out", str(out), "--no-progress")[0] == 0
    default = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    assert "tokens.csv" not in default and not (out / "parquet" / "tokens").exists()
    assert set(default) == {f"{t}.csv" for t in DEFAULT_TABLES} | {"failures.csv"}
    assert _run(capsysbinary, "analyze", REPORT, "--out", str(out), "--no-progress", "--tables", "all")[0] == 0
    everything = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    assert "tokens.csv" in everything and all(everything[n] == data for n, data in default.items())
    assert _run(capsysbinary, "analyze", REPORT, "--out", str(out), "--no-progress", "--tables", "indicators")[0] == 0
    assert sorted(p.name for p in out.glob("*.csv")) == ["failures.csv", "indicators.csv", "reports.csv"]
    assert sorted(p.name for p in (out / "parquet").iterdir()) == ["indicators", "reports"]
    assert (out / "indicators.csv").read_bytes() == default["indicators.csv"]
    with pytest.raises(SystemExit) as stopped:
        main(["analyze", REPORT, "--out", str(out), "--tables", "tokenz"])
    assert stopped.value.code == 2 and "unknown table 'tokenz'" in capsysbinary.readouterr().err.decode("utf-8")


def test_analyze_with_no_report_analysed_writes_only_the_failures(tmp_path, capsysbinary):
    code, _, err = _run(capsysbinary, "analyze", str(tmp_path / "missing"), "--out", str(tmp_path / "out"),
                        "--no-progress")
    assert code == 1 and "no tables written" in err
    assert sorted(p.name for p in (tmp_path / "out").glob("*.csv")) == ["failures.csv"]
    assert not (tmp_path / "out" / "parquet").exists() or not any((tmp_path / "out" / "parquet").iterdir())
    assert "no such file" in pd.read_csv(tmp_path / "out" / "failures.csv", encoding="utf-8-sig")["reason"][0]


def test_reuse_of_a_missing_file_says_so(tmp_path, capsysbinary):
    code, _, err = _run(capsysbinary, "reuse", str(tmp_path / "missing.txt"))
    assert code == 1 and "missing.txt: no such file or folder" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("name, content, problem", [
    ("missing.txt", None, "no such file"),
    ("", None, "directory"),
    ("empty.txt", b"", "empty"),
    ("en.txt", b"No Chinese here at all, only English words.", "no Chinese"),
])
def test_bad_input_one_line_nonzero(tmp_path, capsysbinary, name, content, problem):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = _run(capsysbinary, "structure", str(path))
    assert code != 0 and out == b""
    assert err.count("\n") == 1 and str(path) in err and problem in err and "Traceback" not in err


def test_analyze_isolates_failures(tmp_path, capsysbinary):
    bad = tmp_path / "in" / "bad.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"")
    good = tmp_path / "in" / "good.txt"
    good.write_bytes(paths.BUNDLED_REPORT.read_bytes())
    code, _, err = _run(capsysbinary, "analyze", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                        "--no-progress", "--jobs", "2")
    assert code == 1 and "bad.txt" in err
    assert len(pd.read_csv(tmp_path / "out" / "reports.csv", encoding="utf-8-sig")) == 1
    failures = pd.read_csv(tmp_path / "out" / "failures.csv", encoding="utf-8-sig")
    assert len(failures) == 1 and "empty" in failures["reason"].iloc[0]


PLAIN_REPORT = """2016年某县政府工作报告
各位代表：
现在，我代表县人民政府向大会报告工作，请予审议。
一、2015年工作回顾
全县完成地区生产总值120亿元，增长7.5%；新增就业5200人。
二、2016年工作安排
地区生产总值增长7%左右。推进工业园区建设，办好民生实事。
各位代表，让我们团结一心，为完成全年目标任务而努力奋斗！
"""


def test_analyze_parquet_tables_read_whole(tmp_path, capsysbinary):
    """A column empty in one report (no sections, no date) and filled in another still reads as one table."""
    from policytext.options import TABLES

    src = tmp_path / "in"
    src.mkdir()
    (src / "a_plain.txt").write_text(PLAIN_REPORT, encoding="utf-8")  # first: its empty columns typed null
    (src / "b.txt").write_bytes(paths.BUNDLED_REPORT.read_bytes())
    code, _, _ = _run(capsysbinary, "analyze", str(src), "--out", str(tmp_path / "out"), "--no-progress",
                      "--tables", "all")
    assert code == 0
    for name in TABLES:
        whole = pd.read_parquet(tmp_path / "out" / "parquet" / name)
        csv = pd.read_csv(tmp_path / "out" / f"{name}.csv", encoding="utf-8-sig")
        assert len(whole) == len(csv), name
    sentences = pd.read_parquet(tmp_path / "out" / "parquet" / "sentences")
    assert sentences.groupby("doc_id", sort=False)["section_title"].count().tolist()[0] == 0  # the plain report's


def test_analyze_reads_identical_files_once(tmp_path, capsysbinary):
    """Two copies of a report are analysed once and both listed; copies of a bad file both fail."""
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "b.txt"):
        (src / name).write_bytes(paths.BUNDLED_REPORT.read_bytes())
        (src / f"bad_{name}").write_bytes(b"")
    code, _, err = _run(capsysbinary, "analyze", str(src), "--out", str(tmp_path / "out"), "--no-progress",
                        "--jobs", "2")
    assert code == 1 and "analysed 2 of 4 report(s) (0 from the cache, 2 identical to another file)" in err
    reports = pd.read_csv(tmp_path / "out" / "reports.csv", encoding="utf-8-sig")
    assert reports["path"].tolist() == [str(src / "a.txt"), str(src / "b.txt")]
    failures = pd.read_csv(tmp_path / "out" / "failures.csv", encoding="utf-8-sig")
    assert failures["path"].tolist() == [str(src / "bad_a.txt"), str(src / "bad_b.txt")]
    assert "same content as" in failures["reason"].iloc[1] and "empty" in failures["reason"].iloc[1]


def test_analyze_caches_by_content(tmp_path, capsysbinary):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(paths.BUNDLED_REPORT.read_bytes())
    args = ["analyze", str(src), "--out", str(tmp_path / "out"), "--no-progress", "--jobs", "1"]
    assert _run(capsysbinary, *args)[0] == 0
    first = (tmp_path / "out" / "indicators.csv").read_bytes()
    code, _, err = _run(capsysbinary, *args)
    assert code == 0 and "1 from the cache" in err
    assert (tmp_path / "out" / "indicators.csv").read_bytes() == first
    code, _, err = _run(capsysbinary, *args, "--force")
    assert "0 from the cache" in err
    moved = tmp_path / "moved"
    moved.mkdir()
    (moved / "a.txt").write_bytes(paths.BUNDLED_REPORT.read_bytes())  # same content, another place
    code, _, err = _run(capsysbinary, "analyze", str(moved), "--out", str(tmp_path / "out"), "--no-progress")
    reports = pd.read_csv(tmp_path / "out" / "reports.csv", encoding="utf-8-sig")
    assert "1 from the cache" in err and reports["path"].tolist() == [str(moved / "a.txt")]


def test_rerun_on_unchanged_reports_does_not_import_pandas(tmp_path):
    """An unchanged corpus is answered from the manifest: no pandas, no tokenizer (a fresh process)."""
    out = tmp_path / "out"
    args = [str(paths.BUNDLED_REPORT), "--out", str(out), "--no-progress", "--jobs", "1"]
    assert cli.main(["analyze", *args]) == 0
    probe = ("import sys; from policytext import cli; code = cli.main(['analyze', *sys.argv[1:]]); "
             "print(code, 'pandas' in sys.modules, 'rjieba' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True)
    assert done.stdout.split() == ["0", "False", "False"], done.stderr
    assert "1 from the cache" in done.stderr


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_every_format_is_offered_and_written(tmp_path, capsysbinary, fmt):
    """The CLI's --format choices are policytext.options.FORMATS, and each is written."""
    from policytext.options import FORMATS

    assert fmt in FORMATS and len(FORMATS) == 3
    target = tmp_path / f"audit.{fmt}"
    code, _, _ = _run(capsysbinary, "clean", REPORT, "--audit", "--format", fmt, "-o", str(target))
    assert code == 0 and target.stat().st_size > 1000


def test_an_unknown_format_is_a_usage_error(capsysbinary):
    with pytest.raises(SystemExit) as exit_:
        main(["clean", REPORT, "--audit", "--format", "xml"])
    assert exit_.value.code == 2 and "invalid choice: 'xml'" in capsysbinary.readouterr()[1].decode()


def test_console_script_exit_status_and_help(tmp_path):
    exe = [sys.executable, "-m", "policytext.cli"]
    done = subprocess.run(exe + ["tokens", str(tmp_path / "nope.txt")], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.strip().endswith("nope.txt: no such file") and done.stdout == ""
    helped = subprocess.run(exe + ["structure", "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "--format" in helped.stdout and "examples:" in helped.stdout


def test_csv_reads_back_as_written():
    """Booleans, missing values, empty strings, commas, quotes and line breaks survive a round trip."""
    from policytext.corpus.export import table_bytes

    df = pd.DataFrame({"text": ["a,b", 'say "hi"', "two\nlines", "", None], "flag": [True, False, True, False, True],
                       "n": pd.array([1, None, 3, 4, 5], dtype="Int64"), "x": [0.1, 2.5, None, 1e20, -3.0]})
    back = pd.read_csv(io.BytesIO(table_bytes(df, "csv")), encoding="utf-8-sig", keep_default_na=False,
                       na_values={"n": [""], "x": [""]})
    assert back["text"].tolist() == ["a,b", 'say "hi"', "two\nlines", "", ""]
    assert back["flag"].tolist() == df["flag"].tolist()
    assert back["n"].astype("Int64").equals(df["n"]) and back["x"].equals(df["x"])


def test_tables_arrow_cannot_type_are_written_as_text():
    """Lists and mixed Python values (a researcher's own table) do not stop an export."""
    from policytext.corpus.export import table_bytes

    df = pd.DataFrame({"members": [["发展", "建设"], []], "mixed": [1, "two"], "n": [1, 2]})
    back = pd.read_csv(io.BytesIO(table_bytes(df, "csv")), encoding="utf-8-sig")
    assert back["members"].fillna("").tolist() == ["发展|建设", ""] and back["mixed"].tolist() == ["1", "two"]
    parquet = pd.read_parquet(io.BytesIO(table_bytes(df, "parquet")))
    assert parquet["mixed"].tolist() == ["1", "two"] and parquet["n"].tolist() == [1, 2]


def test_save_tables_writes_csv_and_parquet_and_lists_them(tmp_path):
    from policytext.corpus.export import save_tables

    terms = pd.DataFrame({"term": ["发展", "建设"], "count": [3, 2]})
    saved = save_tables("doc", folder=tmp_path, terms=terms, empty=terms.iloc[:0])
    assert saved[["table", "rows", "columns"]].values.tolist() == [["terms", 2, 2], ["empty", 0, 2]]
    # BOM for Excel; text quoted, numbers not (Arrow's CSV writer)
    assert (tmp_path / "doc" / "terms.csv").read_bytes() == '\ufeff"term","count"\n"发展",3\n"建设",2\n'.encode()
    assert pd.read_parquet(tmp_path / "doc" / "terms.parquet").equals(terms)
    assert saved["file"].str.startswith(str(tmp_path)).all()  # outside the project: the full path


def test_cache_key_changes_with_the_library(tmp_path, monkeypatch):
    """A changed rule or lexicon must not reuse tables computed by the old code."""
    from policytext.corpus import analyze

    report = tmp_path / "a.txt"
    report.write_bytes(paths.BUNDLED_REPORT.read_bytes())
    before = analyze.cache_key(report, "rjieba")
    assert analyze.cache_key(report, "jieba") != before  # and with the backend
    monkeypatch.setattr(analyze, "library_fingerprint", lambda: "changed")
    assert analyze.cache_key(report, "rjieba") != before


@pytest.mark.slow
def test_analyze_writes_the_same_bytes_in_any_process(tmp_path):
    """Determinism across processes: two runs with different hash seeds (set and dict order, jieba's
    internals) write byte-identical tables."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "2018_district_qingshan.txt").write_bytes(paths.BUNDLED_REPORT.read_bytes())
    (src / "2016_county_plain.txt").write_text(PLAIN_REPORT, encoding="utf-8")
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        done = subprocess.run([sys.executable, "-m", "policytext.cli", "analyze", str(src), "--out", str(out),
                               "--no-progress", "--jobs", "2", "--tables", "all"], capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        outputs.append(out)
    from policytext.options import TABLES

    for name in TABLES:
        assert (outputs[0] / f"{name}.csv").read_bytes() == (outputs[1] / f"{name}.csv").read_bytes(), name
