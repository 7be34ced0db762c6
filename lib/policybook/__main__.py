"""The one-command run: execute every notebook on a report, then build the static site.

``make run`` calls ``python -m policybook``, which

1. executes ``notebooks/NN-*.ipynb`` in order with papermill (:mod:`.notebooks`), injecting the
   report path into each notebook's ``parameters`` cell, and writes the executed copies to
   ``build/notebooks/``; ``policytext analyze`` writes every table of the library beside them;
2. assembles and builds the site (:mod:`.site`) into ``build/html/``.

``policybook`` is the project's build tool, kept outside the installable ``policytext`` package
(``lib/policybook``; the Makefile and the tests put ``lib/`` on the path): it imports the library,
never the other way round.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from policytext import paths
from policytext.errors import PolicyTextError

from .notebooks import execute_all
from .site import build_site

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policybook", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", default=str(paths.BUNDLED_REPORT), help="report to analyse")
    parser.add_argument("--folder", default=None,
                        help="folder of reports the comparing notebooks read (default: their own, the bundled corpus)")
    parser.add_argument("--build", default=str(paths.BUILD), help="output folder (default: build/)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="notebooks executed at once (default: 2)")
    parser.add_argument("--no-site", action="store_true", help="execute the notebooks only")
    parser.add_argument("--tables", default=None, help="also write every table of the library here "
                                                      "(policytext analyze), in the same pool")
    args = parser.parse_args(argv)
    report = Path(args.report).resolve()
    build = Path(args.build)
    tables = Path(args.tables) if args.tables else None
    try:
        if not report.is_file():
            raise PolicyTextError(f"{args.report}: no such file")
        started = time.perf_counter()
        folder = Path(args.folder).resolve() if args.folder else None
        if folder is not None and not folder.is_dir():
            raise PolicyTextError(f"{args.folder}: no such folder")
        timings = execute_all(report, build / "notebooks", jobs=args.jobs, tables=tables, folder=folder)
        for name, seconds in timings.items():
            print(f"ran {name} in {seconds:.1f} s", file=sys.stderr)
        if not args.no_site:
            site_started = time.perf_counter()
            index = build_site(build / "notebooks", book_dir=build / "book", html_dir=build / "html",
                               tables=tables, report=report)
            print(f"ran the site build in {time.perf_counter() - site_started:.1f} s", file=sys.stderr)
            print(f"site built in {time.perf_counter() - started:.1f} s: open {index.resolve()} "
                  f"(or `python -m http.server -d {index.parent}` and visit http://localhost:8000)", file=sys.stderr)
    except PolicyTextError as exc:
        print(f"policytext: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
