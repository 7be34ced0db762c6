"""Fuzz the reader and the analyses with generated reports: nothing may raise but a one-line
ReportError, and nothing may be lost (the raw text is rebuilt exactly from the cleaned text and its
audit; every quantity's raw span holds its figure).

Each report is a mutation of real paragraphs (the bundled report and the development corpus):
long runs of every kind of space, deleted and duplicated spans, lost line breaks, control and
replacement characters, stray markup, random numbers and units, and the file's bytes in UTF-8,
GB18030, UTF-16 with a BOM, mixed encodings, cut short, or as a web page.  The same seed gives the
same reports.

    .venv/bin/python tests/fuzz/fuzz_reports.py --count 10000 --seed 2026 --jobs 2

A failing input is saved to ``build/fuzz/`` with the exception, and the run exits 1.
``tests/test_bad_input.py`` runs a small count of it on every ``make test``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SPACES = " \u00a0\u2002\u2003\u2009\u200b\u3000\t\u202f\u205f\u1680\ufeff"
NOISE = ["\x00", "\x07", "\x1b", "\ufffd", "\ue000", "<p>", "</span>", "&nbsp;", "**", "【", "】", "\r", "\r\n",
         "一、", "（三）", "第二部分", "各位代表：", "2017年", "增长", "%", "亿元", "分别", "、", "和"]
UNITS = ["%", "亿元", "万人", "个百分点", "家", "倍", "公里", "万吨", "", "元/人"]


def _paragraphs() -> list[str]:
    root = Path(__file__).resolve().parents[2]
    files = [root / "data/raw/2018_district_qingshan.txt", *sorted((root / "data/raw/corpus").glob("*.txt"))]
    out = []
    for f in files:
        out.extend(p for p in f.read_text(encoding="utf-8").split("\n") if p.strip())
    return out


def make_report(rng: random.Random, paragraphs: list[str]) -> tuple[str, bytes]:
    """A generated report: its file suffix and bytes."""
    start = rng.randrange(len(paragraphs))
    text = "\n".join(paragraphs[start:start + rng.randint(3, 60)])
    if rng.random() < 0.5:
        text = "2019年某区政府工作报告\n各位代表：\n一、2018年工作回顾\n" + text + "\n二、2019年主要任务\n" + \
               "\n".join(rng.sample(paragraphs, 5))
    for _ in range(rng.randint(0, 12)):
        op, at = rng.random(), rng.randint(0, len(text))
        if op < 0.2:
            text = text[:at] + rng.choice(SPACES) * rng.choice([1, 2, 50, 2000, 20000]) + text[at:]
        elif op < 0.35:
            text = text[:at] + text[at + rng.randint(1, 200):]
        elif op < 0.5:
            b = rng.randint(0, len(text))
            text = text[:at] + text[min(at, b):max(at, b)][:3000] + text[at:]
        elif op < 0.7:
            text = text[:at] + rng.choice(NOISE) * rng.randint(1, 5) + text[at:]
        elif op < 0.85:
            number = rng.choice([str(rng.randint(0, 10**9)), f"{rng.random() * 100:.2f}", "１２．５", "三分之二", "两万亿"])
            text = text[:at] + number + rng.choice(UNITS) + text[at:]
        elif op < 0.92:
            text = text.replace("\n", "")
        else:
            text = text[:at] + chr(rng.randint(0x20, 0x2FFFF)) * rng.randint(1, 30) + text[at:]
    form = rng.random()
    if form < 0.55:
        return ".txt", text.encode("utf-8", "surrogatepass")
    if form < 0.65:
        return ".txt", text.encode("gb18030", "replace")
    if form < 0.72:
        return ".txt", text.encode("utf-16", "surrogatepass")  # a lone surrogate stays: invalid UTF-16
    if form < 0.8:
        half = len(text) // 2
        return ".txt", text[:half].encode("utf-8", "replace") + text[half:].encode("gb18030", "replace")
    if form < 0.88:
        data = text.encode("utf-8", "replace")
        return ".txt", data[:rng.randint(0, len(data))]
    page = "".join(f"<p{'>' if rng.random() < 0.7 else '><span>'}{p}" + ("</p>" if rng.random() < 0.5 else "")
                   for p in text.split("\n"))
    return ".html", f"<html><head><title>政府工作报告</title></head><body>{page}</body></html>".encode("utf-8", "replace")


def check(path: Path) -> str:
    """``ok``, ``refused`` (a one-line ReportError) or raises on a failure of the library."""
    from policytext import ReportError, extract_indicators, read_report, restore_raw, tokenize
    from policytext.analysis.themes import tag_sentences

    try:
        report = read_report(path)
    except ReportError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc), f"not one line naming the file: {exc!r}"
        return "refused"
    assert restore_raw(report.text, report.clean.audit) == report.raw_text, "the raw text is not restored"
    tokens = tokenize(report)
    for row in tokens.itertuples():
        assert report.raw_text[row.start:row.end].replace("\r", "") != "" or row.token == "", "empty raw token span"
    indicators = extract_indicators(report)
    for row in indicators.itertuples():
        assert row.number_text and row.end > row.start, "a quantity without its span"
    tag_sentences(tokens)
    report.describe()
    return "ok"


def run_one(args: tuple[int, int, str]) -> tuple[int, str, str]:
    seed, index, folder = args
    rng = random.Random(f"{seed}-{index}")
    suffix, data = make_report(rng, _paragraphs_cached())
    path = Path(folder) / f"fuzz_{index:05d}{suffix}"
    path.write_bytes(data)
    try:
        return index, check(path), ""
    except Exception as exc:  # noqa: BLE001 (any exception is a finding)
        return index, "FAILED", "".join(traceback.format_exception_only(type(exc), exc)).strip()
    finally:
        path.unlink(missing_ok=True)


_CACHE: list[str] = []


def _paragraphs_cached() -> list[str]:
    if not _CACHE:
        _CACHE.extend(_paragraphs())
    return _CACHE


def fuzz(count: int, seed: int, jobs: int = 1, *, save: Path | None = None) -> dict[str, int]:
    """Generate and check ``count`` reports; returns the number ``ok``, ``refused`` and ``FAILED``."""
    tally = {"ok": 0, "refused": 0, "FAILED": 0}
    with tempfile.TemporaryDirectory() as folder:
        work = [(seed, i, folder) for i in range(count)]
        results = map(run_one, work) if jobs == 1 else ProcessPoolExecutor(jobs).map(run_one, work, chunksize=20)
        for n, (index, outcome, error) in enumerate(results, start=1):
            tally[outcome] += 1
            if n % 1000 == 0 and count >= 1000:
                print(f"fuzz: {n} of {count} reports checked, {tally['FAILED']} failures", file=sys.stderr, flush=True)
            if outcome == "FAILED":
                print(f"report {index} (seed {seed}): {error}", file=sys.stderr)
                if save is not None:
                    save.mkdir(parents=True, exist_ok=True)
                    suffix, data = make_report(random.Random(f"{seed}-{index}"), _paragraphs_cached())
                    (save / f"fuzz_{seed}_{index:05d}{suffix}").write_bytes(data)
                    (save / f"fuzz_{seed}_{index:05d}.error.txt").write_text(error, encoding="utf-8")
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[2]
    tally = fuzz(args.count, args.seed, args.jobs, save=root / "build" / "fuzz")
    print(f"fuzz: {args.count} reports, seed {args.seed}: {tally['ok']} analysed, {tally['refused']} refused "
          f"with one line, {tally['FAILED']} failures")
    return 1 if tally["FAILED"] else 0


if __name__ == "__main__":
    sys.exit(main())
