"""`make bench`: wall time of the policytext commands beside a bare jieba script, and of `make run`.

Each line is the median of several runs of a whole command (process start,
imports and jieba's dictionary load included: what a user waits for), on
the bundled report and, when present, on the development corpus
(../shared/corpus, 42 reports).  Prints a table; asserts nothing.

    python tests/benchmarks/bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
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


def _time(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _bench_extraction(corpus: list[Path]) -> None:
    """Indicator extraction in one process, after import and the tokenizer build (warm)."""
    from policytext import read_report
    from policytext.indicators import extract_indicators
    from policytext.segmentation import get_tokenizer

    started = time.perf_counter()
    tokenizer = get_tokenizer()
    build = time.perf_counter() - started
    bundled = read_report(paths.BUNDLED_REPORT)
    bundled.structure  # parsed once; extraction is what is timed
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
            r.structure
        mb = sum(len(r.raw_text.encode("utf-8")) for r in reports) / 1e6
        started = time.perf_counter()
        mentions = sum(len(extract_indicators(r, tokenizer=tokenizer)) for r in reports)
        seconds = time.perf_counter() - started
        print(f"indicator extraction, corpus: {mentions} quantities in {seconds:.1f} s = {mb / seconds:.2f} MB/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median reported)")
    args = parser.parse_args()

    cli = [str(Path(sys.executable).with_name("policytext"))]
    inputs = {"bundled report": [paths.BUNDLED_REPORT]}
    corpus = sorted(paths.CORPUS.glob("*.txt")) if paths.CORPUS.is_dir() else []
    if corpus:
        inputs[f"corpus ({len(corpus)} reports)"] = corpus
    else:
        print(f"(corpus not found at {paths.CORPUS}: corpus rows skipped)")

    tasks = {
        "bare jieba.lcut (baseline)": lambda files: [sys.executable, "-c", BARE_JIEBA, *files],
        "policytext structure": lambda files: cli + ["structure", *files, "--format", "csv"],
        "policytext tokens": lambda files: cli + ["tokens", *files, "--format", "csv"],
    }
    print(f"policytext benchmark — median of {args.runs} runs, whole commands (start-up included)\n")
    header = f"{'task':30} {'input':22} {'MB':>6} {'wall s':>8} {'MB/s':>7} {'× baseline':>10}"
    print(header)
    print("-" * len(header))
    for label, files in inputs.items():
        mb = sum(f.stat().st_size for f in files) / 1e6
        baseline = None
        for name, build in tasks.items():
            seconds = _time(build([str(f) for f in files]), args.runs)
            baseline = baseline or seconds
            print(f"{name:30} {label:22} {mb:6.2f} {seconds:8.2f} {mb / seconds:7.2f} {seconds / baseline:10.2f}")
    print()
    _bench_extraction(corpus)
    print()
    started = time.perf_counter()
    subprocess.run(["make", "run"], cwd=paths.ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    print(f"make run (set-up done; analyze + {len(list(paths.NOTEBOOKS.glob('[0-9][0-9]-*.ipynb')))} notebooks "
          f"executed + site built): {seconds:.1f} s  (goal: under 30 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
