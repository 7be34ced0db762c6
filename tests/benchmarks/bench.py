"""`make bench`: speed and memory of policytext beside a bare jieba script, and of `make run`.

Every line is a whole command (process start, imports and dictionary loads included: what a user
waits for), the median of several runs unless said otherwise, measured side by side in one run:

* baseline: a bare script that reads every report and calls ``jieba.lcut`` (what peers do);
* ``policytext structure`` and ``policytext tokens`` on the bundled report and the corpus;
* ``policytext analyze`` cold and cached on the bundled report, on the bundled corpus ``data/raw/corpus`` (2.4 MB)
  and on a 20 MB corpus made by repeating it, with 1 and 2 workers (and on a Dask LocalCluster of 2,
  ``--cluster local:2``, when dask.distributed is installed);
* indicator extraction warm (after the tokenizer is built), and ``make run``;
* text reuse over the bundled corpus: MinHash LSH candidates and their alignment, every pair aligned, and
  every pair of the 2026 provincial reports with the latest national one;
* hostile inputs: one 10 MB report (peak memory) and 40 KB runs of spaces inside a line.

Peak memory is the largest resident set of the command or any of its workers (GNU time, %M).
Targets (issue 18, 2 cores): analyze with the default tables at least 4× the bare script's throughput
on the 20 MB corpus (the ratio of one run, "vs bare"), cached ≤ 10% of cold, peak ≤ 1 GB, ``make run``
under 30 s after set-up.

    python tests/benchmarks/bench.py [--runs N] [--quick]
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from policytext import paths

BARE_JIEBA = """
import sys, jieba, logging
jieba.setLogLevel(logging.WARNING)
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        jieba.lcut(f.read())
"""


def _run(cmd: list[str], runs: int = 1, setup=None) -> tuple[float, float]:
    """Median wall seconds and peak RSS (MB) of a command and its workers (GNU time's %M)."""
    times, peak = [], 0.0
    timer = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    for _ in range(runs):
        if setup:
            setup()
        start = time.perf_counter()
        done = subprocess.run(timer + cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - start)
        last = done.stderr.strip().splitlines()[-1:] if timer else []
        if last and last[0].isdigit():
            peak = max(peak, int(last[0]) / 1024)
    return statistics.median(times), peak


def _row(task, label, mb, seconds, peak, baseline=None):
    ratio = f"{baseline / seconds:9.2f}×" if baseline else " " * 10
    print(f"{task:38} {label:24} {mb:6.2f} {seconds:8.2f} {mb / seconds:7.2f} {ratio} {peak:8.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median reported)")
    parser.add_argument("--quick", action="store_true", help="skip the 20 MB corpus and make run")
    args = parser.parse_args()

    exe = Path(sys.executable).with_name("policytext")
    cli = [str(exe)]
    corpus = sorted(paths.CORPUS.glob("*.txt")) if paths.CORPUS.is_dir() else []
    work = Path(tempfile.mkdtemp(prefix="policytext-bench-"))
    inputs = {"bundled report": [paths.BUNDLED_REPORT]}
    if corpus:
        inputs[f"corpus ({len(corpus)} reports)"] = corpus
        if not args.quick:
            big = work / "corpus20"
            big.mkdir()
            size, copy = 0, 0
            while size < 20e6:
                for f in corpus:
                    target = big / f"{copy:02d}_{f.name}"
                    # each copy differs (trailing line breaks, which cleaning drops): analyze reads
                    # identical files once, and the benchmark must not be that shortcut
                    target.write_bytes(f.read_bytes() + b"\n" * (copy + 1))
                    size += f.stat().st_size
                copy += 1
            inputs[f"20 MB corpus ({len(list(big.iterdir()))} files)"] = sorted(big.iterdir())
    else:
        print(f"(corpus not found at {paths.CORPUS}: corpus rows skipped)")

    print(f"policytext benchmark — whole commands, start-up included; median of {args.runs} runs "
          "(20 MB rows: 1 run)\n")
    header = f"{'task':38} {'input':24} {'MB':>6} {'wall s':>8} {'MB/s':>7} {'vs bare':>10} {'peak MB':>8}"
    print(header)
    print("-" * len(header))
    for label, files in inputs.items():
        mb = sum(f.stat().st_size for f in files) / 1e6
        runs = 1 if label.startswith("20 MB") else args.runs
        base, peak = _run([sys.executable, "-c", BARE_JIEBA, *map(str, files)], runs)
        _row("bare jieba.lcut (baseline)", label, mb, base, peak)
        if not label.startswith("20 MB"):
            for name in ("structure", "tokens"):
                s, p = _run(cli + [name, *map(str, files), "--format", "csv"], runs)
                _row(f"policytext {name}", label, mb, s, p, base)
        out = work / f"out-{len(files)}"
        folder = [str(files[0].parent)] if len(files) > 1 else [str(files[0])]
        for tables in ("default", "all"):
            for jobs in ((1, 2) if len(files) > 1 else (1,)):
                cmd = cli + ["analyze", *folder, "--out", str(out), "--jobs", str(jobs), "--no-progress",
                             *(["--tables", "all"] if tables == "all" else [])]
                cold, p = _run(cmd, runs, setup=lambda out=out: shutil.rmtree(out, ignore_errors=True))
                _row(f"analyze, {tables} tables, cold, {jobs} worker(s)", label, mb, cold, p, base)
            cached, p = _run(cmd, runs)
            _row(f"analyze, {tables} tables, cached rerun", label, mb, cached, p, base)
            print(f"{'':38} cached / cold = {cached / cold:.0%}")
        if len(files) > 1 and importlib.util.find_spec("distributed"):  # the extra policytext[cluster]
            cmd = cli + ["analyze", *folder, "--out", str(out), "--cluster", "local:2", "--no-progress"]
            s, p = _run(cmd, runs, setup=lambda out=out: shutil.rmtree(out, ignore_errors=True))
            _row("policytext analyze --cluster local:2", label, mb, s, p, base)

    print()
    _bench_extraction(corpus)
    if corpus:
        print()
        _bench_reuse(corpus)
    if corpus and not args.quick:
        print()
        _bench_hostile(corpus, work, cli)
    if not args.quick:
        print()
        _bench_make_run()
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _bench_make_run() -> None:
    """``make run`` twice: the first computes what earlier runs did not leave (the folder's tables, the
    word vectors, the generated pages), the second is a rerun on an unchanged library; each step's time
    is what the run itself reports on standard error."""
    notebooks = len(list(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")))
    for label in ("make run", "make run, again"):
        start = time.perf_counter()
        done = subprocess.run(["make", "run"], check=False, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        steps = [line.removeprefix("ran ") for line in done.stderr.splitlines() if line.startswith("ran ")]
        site = [line.split(":")[0] for line in done.stderr.splitlines() if line.startswith("site built in")]
        print(f"{label} ({notebooks} notebooks, analyze and the site, set-up done): {seconds:.1f} s "
              f"(goal: under 30 s){'' if done.returncode == 0 else ' FAILED'}")
        for step in steps + site:
            print(f"    {step}")


def _bench_extraction(corpus: list[Path]) -> None:
    """Indicator extraction in one process, after import and the tokenizer build (warm)."""
    from policytext import read_report
    from policytext.analysis.indicators import extract_indicators
    from policytext.tokens.segmentation import get_tokenizer

    started = time.perf_counter()
    tokenizer = get_tokenizer()
    build = time.perf_counter() - started
    bundled = read_report(paths.BUNDLED_REPORT)
    _ = bundled.structure  # parsed once; extraction is what is timed
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        extract_indicators(bundled, tokenizer=tokenizer)
        runs.append(time.perf_counter() - started)
    print(f"indicator extraction, bundled report: {statistics.median(runs):.2f} s "
          f"(tokenizer built once before: {build:.1f} s)")
    if corpus:
        reports = [read_report(f) for f in corpus]
        for r in reports:
            _ = r.structure
        mb = sum(len(r.raw_text.encode("utf-8")) for r in reports) / 1e6
        started = time.perf_counter()
        mentions = sum(len(extract_indicators(r, tokenizer=tokenizer)) for r in reports)
        seconds = time.perf_counter() - started
        print(f"indicator extraction, corpus: {mentions} quantities in {seconds:.1f} s = {mb / seconds:.2f} MB/s")


def _bench_reuse(corpus: list[Path]) -> None:
    """Text reuse in one process (reports read and parsed before): MinHash LSH candidates and their
    alignment over the whole bundled corpus, against aligning every pair; and every pair of the 2026
    provincial reports with the latest national one (goal: seconds, not minutes)."""
    from policytext import read_report
    from policytext.analysis.reuse import find_reuse, reuse_pairs

    started = time.perf_counter()
    reports = [read_report(f) for f in corpus]
    for r in reports:
        _ = r.structure
    prepared = time.perf_counter() - started
    mb = sum(len(r.raw_text.encode("utf-8")) for r in reports) / 1e6
    import datasketch  # noqa: F401  (its import, about a second with scipy, is not the method's time)

    started = time.perf_counter()
    pairs = reuse_pairs(reports)
    lsh = time.perf_counter() - started
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        passages = find_reuse(reports)
        runs.append(time.perf_counter() - started)
    started = time.perf_counter()
    every = find_reuse(reports, pairs="all")
    brute = time.perf_counter() - started
    n = len(reports)
    print(f"text reuse, corpus ({n} reports, {mb:.1f} MB; read and parsed first in {prepared:.1f} s):")
    print(f"  LSH candidates alone: {len(pairs)} of {n * (n - 1) // 2} pairs in {lsh:.2f} s")
    print(f"  LSH + alignment of the candidates: {len(passages)} passages "
          f"({int(passages['boilerplate'].sum())} boilerplate) in {statistics.median(runs):.2f} s (median of 3)")
    print(f"  every pair aligned: {len(every)} passages in {brute:.2f} s")
    latest = max((r for r in reports if r.metadata.level == "national"), key=lambda r: r.metadata.year or 0,
                 default=None)
    provinces = [r for r in reports if r.doc_id.startswith("2026_province_")] + ([latest] if latest else [])
    if len(provinces) > 2:
        started = time.perf_counter()
        found = find_reuse(provinces, pairs="all")
        seconds = time.perf_counter() - started
        m = len(provinces)
        print(f"  2026 provinces + {latest.doc_id if latest else 'no national report'}: every pair "
              f"({m * (m - 1) // 2}) aligned in {seconds:.2f} s, {len(found)} passages "
              f"({int(found['boilerplate'].sum())} boilerplate)")


def _bench_hostile(corpus: list[Path], work: Path, cli: list[str]) -> None:
    """Inputs built to hurt (issue 15): one 10 MB report (goal: peak under 1 GB), and 40 KB runs of
    spaces inside a line (goal: linear time; a quadratic pass took 30-96 s)."""
    from policytext import report_from_text

    big = work / "one_10MB_report.txt"
    text, i = paths.BUNDLED_REPORT.read_text(encoding="utf-8"), 0
    while len(text.encode("utf-8")) < 10e6:
        text += "\n" + corpus[i % len(corpus)].read_text(encoding="utf-8")
        i += 1
    big.write_text(text, encoding="utf-8")
    seconds, peak = _run(cli + ["analyze", str(big), "--out", str(work / "out-big"), "--jobs", "1", "--no-progress"])
    print(f"policytext analyze, one 10 MB report: {seconds:.1f} s, peak {peak:.0f} MB (goal: under 1 GB)")
    base = paths.BUNDLED_REPORT.read_text(encoding="utf-8")
    for name, space in (("ASCII", " "), ("no-break", "\u00a0"), ("ideographic", "\u3000")):
        started = time.perf_counter()
        report_from_text(base[:3000] + "经济" + space * 40_000 + "发展" + base[3000:]).structure.sentences
        print(f"clean and parse the bundled report with a 40 KB run of {name} spaces in a line: "
              f"{time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
