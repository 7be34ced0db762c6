"""The one-command run: execute every notebook on a report, then build the static site.

``make run`` calls ``python -m policytext.book``, which

1. executes ``notebooks/NN-*.ipynb`` in order with papermill, injecting the
   report path into each notebook's ``parameters`` cell, and writes the
   executed copies to ``build/notebooks/`` (the notebooks write their derived
   tables to ``data/processed/<report>/``);
2. assembles a Jupyter Book 1 source in ``build/book/`` (the committed
   ``notebooks/_config.yml`` and the landing page ``notebooks/index.md``, a table of contents
   generated from the notebooks found, the executed notebooks);
3. builds it offline into ``build/html/`` (``index.html`` is the landing page).

The book does not execute notebooks again: step 1 just did, on this run, so
what the site shows is what this code produced from this report.  A notebook
that raises fails the run, naming the notebook and the error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import paths
from .errors import PolicyTextError

__all__ = ["notebooks", "execute_notebook", "execute_all", "build_site", "main"]

#: Files of notebooks/ that the book needs besides the notebooks.
BOOK_FILES = ("_config.yml", "index.md")


def notebooks(folder: Path = paths.NOTEBOOKS) -> list[Path]:
    """The collection's notebooks, ``NN-slug.ipynb``, in order."""
    return sorted(folder.glob("[0-9][0-9]-*.ipynb"))


def execute_notebook(source: Path, target: Path, *, report: Path, kernel: str = "python3") -> float:
    """Execute one notebook with ``REPORT`` set to ``report``; return the seconds it took."""
    import papermill

    started = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(str(source), str(target), parameters={"REPORT": str(report)},
                                   kernel_name=kernel, cwd=str(source.parent), progress_bar=False,
                                   log_output=False)
    except papermill.PapermillExecutionError as exc:
        raise PolicyTextError(f"{source.name} failed in cell {exc.exec_count}: {exc.ename}: "
                              f"{' '.join(str(exc.evalue).split())} (executed copy: {target})") from None
    return time.perf_counter() - started


def _analyze(report: Path, tables: Path) -> float:
    from .cli import main as cli_main

    started = time.perf_counter()
    if cli_main(["analyze", str(report), "--out", str(tables), "--jobs", "1", "--no-progress"]) != 0:
        raise PolicyTextError(f"{report}: policytext analyze failed (see {tables}/failures.csv)")
    return time.perf_counter() - started


def execute_all(report: Path, out_dir: Path, *, jobs: int = 2, tables: Path | None = None) -> dict[str, float]:
    """Execute every notebook (``jobs`` at a time; each reads only the raw report); return timings.

    With ``tables``, ``policytext analyze`` writes the library's tables there
    in the same pool, beside the notebooks.
    """
    sources = notebooks()
    if not sources:
        raise PolicyTextError(f"{paths.NOTEBOOKS}: no notebooks (NN-slug.ipynb) found")
    out_dir.mkdir(parents=True, exist_ok=True)
    # longest first (times of the previous run), so that two workers finish together
    timing_file = out_dir / "timings.json"
    previous = json.loads(timing_file.read_text()) if timing_file.is_file() else {}
    tasks = [(s.name, execute_notebook, (s, out_dir / s.name), {"report": report}) for s in sources]
    if tables is not None:
        tasks.append(("policytext analyze", _analyze, (report, tables), {}))
    tasks.sort(key=lambda t: -previous.get(t[0], 0.0))
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {name: pool.submit(func, *a, **kw) for name, func, a, kw in tasks}
        timings = {name: futures[name].result() for name in sorted(futures)}
    timing_file.write_text(json.dumps(timings, indent=1), encoding="utf-8")
    return timings


def _toc(executed: list[Path]) -> str:
    lines = ["format: jb-book", "root: index", "chapters:"]
    lines += [f"  - file: {nb.stem}" for nb in executed]
    return "\n".join(lines) + "\n"


def build_site(executed_dir: Path, *, book_dir: Path, html_dir: Path) -> Path:
    """Assemble the book source and build it with Jupyter Book 1; return the landing page."""
    if book_dir.exists():
        shutil.rmtree(book_dir)
    book_dir.mkdir(parents=True)
    for name in BOOK_FILES:
        shutil.copy2(paths.NOTEBOOKS / name, book_dir / name)
    executed = sorted(executed_dir.glob("[0-9][0-9]-*.ipynb"))
    for nb in executed:
        shutil.copy2(nb, book_dir / nb.name)
    (book_dir / "_toc.yml").write_text(_toc(executed), encoding="utf-8")
    jb = Path(sys.executable).with_name("jupyter-book")
    done = subprocess.run([str(jb), "build", str(book_dir), "--warningiserror", "--keep-going", "--quiet"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if done.returncode != 0:
        log = book_dir / "build.log"
        log.write_text(done.stdout + done.stderr, encoding="utf-8")
        last = [l for l in (done.stderr or done.stdout).splitlines() if l.strip()][-1:] or ["(no output)"]
        raise PolicyTextError(f"site build failed: {last[0]} (full log: {log})")
    if html_dir.exists():
        shutil.rmtree(html_dir)
    shutil.move(str(book_dir / "_build" / "html"), str(html_dir))
    return html_dir / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policytext.book", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", default=str(paths.BUNDLED_REPORT), help="report to analyse")
    parser.add_argument("--build", default=str(paths.BUILD), help="output folder (default: build/)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="notebooks executed at once (default: 2)")
    parser.add_argument("--no-site", action="store_true", help="execute the notebooks only")
    parser.add_argument("--tables", default=None, help="also write every table of the library here "
                                                      "(policytext analyze), in the same pool")
    args = parser.parse_args(argv)
    report = Path(args.report).resolve()
    build = Path(args.build)
    try:
        if not report.is_file():
            raise PolicyTextError(f"{args.report}: no such file")
        started = time.perf_counter()
        timings = execute_all(report, build / "notebooks", jobs=args.jobs,
                              tables=Path(args.tables) if args.tables else None)
        for name, seconds in timings.items():
            print(f"ran {name} in {seconds:.1f} s", file=sys.stderr)
        if not args.no_site:
            index = build_site(build / "notebooks", book_dir=build / "book", html_dir=build / "html")
            print(f"site built in {time.perf_counter() - started:.1f} s: open {index.resolve()} "
                  f"(or `python -m http.server -d {index.parent}` and visit http://localhost:8000)", file=sys.stderr)
    except PolicyTextError as exc:
        print(f"policytext: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
