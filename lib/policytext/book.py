"""The one-command run: execute every notebook on a report, then build the static site.

``make run`` calls ``python -m policytext.book``, which

1. executes ``notebooks/NN-*.ipynb`` in order with papermill, injecting the
   report path into each notebook's ``parameters`` cell, and writes the
   executed copies to ``build/notebooks/`` (the notebooks write their derived
   tables to ``data/processed/<report>/``);
2. assembles a Jupyter Book 1 source in ``build/book/``: the committed
   ``notebooks/_config.yml``; the landing page ``notebooks/index.md`` with a paragraph on the
   report of this run and the notebooks' preview figures filled in; a table of contents
   generated from the notebooks found; the executed notebooks; the generated methods,
   glossary and data pages; the CJK web font;
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
from .lexicons import read_tsv

__all__ = ["notebooks", "execute_notebook", "execute_all", "build_site", "main"]

#: Files of notebooks/ that the book needs besides the notebooks (``index.md`` is filled in by
#: :func:`_landing_page`).
BOOK_FILES = ("_config.yml",)


def notebooks(folder: Path = paths.NOTEBOOKS) -> list[Path]:
    """The collection's notebooks, ``NN-slug.ipynb``, in order."""
    return sorted(folder.glob("[0-9][0-9]-*.ipynb"))


def execute_notebook(source: Path, target: Path, *, report: Path, kernel: str = "python3") -> float:
    """Execute one notebook with ``REPORT`` set to ``report``; return the seconds it took.

    A report inside the project is passed relative to it (the notebooks read
    ``paths.ROOT / REPORT``), so the executed notebooks and the site do not show
    the absolute paths of the machine that ran them.
    """
    import papermill

    started = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(str(source), str(target), parameters={"REPORT": paths.shown(report)},
                                   kernel_name=kernel, cwd=str(source.parent), progress_bar=False,
                                   log_output=False)
    except papermill.PapermillExecutionError as exc:
        raise PolicyTextError(f"{source.name} failed in cell {exc.exec_count}: {exc.ename}: "
                              f"{' '.join(str(exc.evalue).split())} (executed copy: {target})") from None
    return time.perf_counter() - started


def _analyze(report: Path, tables: Path) -> float:
    from .cli import main as cli_main

    started = time.perf_counter()
    # the reports table records the path as given: relative to where the run started, when inside it
    if cli_main(["analyze", paths.shown(report, Path.cwd()), "--out", str(tables), "--jobs", "1", "--no-progress"]) != 0:
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


#: Pages generated from the library at build time (never typed twice), after the notebooks.
GENERATED_PAGES = ("methods", "glossary", "data")


def _toc(executed: list[Path]) -> str:
    lines = ["format: jb-book", "root: index", "chapters:"]
    lines += [f"  - file: {nb.stem}" for nb in executed]
    lines += [f"  - file: {page}" for page in GENERATED_PAGES]
    return "\n".join(lines) + "\n"


def _table(header: list[str], rows) -> str:
    cell = lambda v: str(v).replace("|", "\\|")  # noqa: E731
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


FONT_CSS = """/* Chinese text on any machine: the site ships its own CJK font (Noto Sans SC, SIL OFL),
   used for the characters the reader's system fonts lack. */
@font-face {
  font-family: "Noto Sans SC";
  src: url("fonts/NotoSansSC-Regular.otf") format("opentype");
  font-display: swap;
}
:root {
  --pst-font-family-base: -apple-system, BlinkMacSystemFont, "Segoe UI", "Helvetica Neue", Arial, "Noto Sans SC", sans-serif;
  --pst-font-family-heading: var(--pst-font-family-base);
  --pst-font-family-monospace: SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace, "Noto Sans SC";
}
/* Key figures on the landing page: tall charts shrink to the card instead of stretching it. */
.sd-card-img-top { height: 20rem; object-fit: contain; padding: 0.5rem; }
"""


def _ship_font(book_dir: Path) -> None:
    """Copy the CJK font and its stylesheet into the book, so no system font or CDN is needed."""
    from .plotting import font_path

    fonts = book_dir / "_static" / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    shutil.copy2(font_path(), fonts / "NotoSansSC-Regular.otf")
    (book_dir / "_static" / "policytext.css").write_text(FONT_CSS, encoding="utf-8")


LANDING_REPORT = "<!-- the report of this run -->"
LANDING_FIGURES = "<!-- key figures -->"


def _report_paragraph(report_path: Path) -> str:
    """The report of this run in one paragraph: what it says it is, its outline, its quantities."""
    from .indicators import extract_indicators
    from .reading import read_report

    report = read_report(report_path)
    meta = report.metadata
    what = " ".join(filter(None, [f"the {meta.year}" if meta.year else "the", meta.title or "report",
                                  f"of {meta.place}" if meta.place else None,
                                  f"({meta.level} level)" if meta.level else None]))
    chapters = report.structure.chapters
    outline = "; ".join(f"{c.chapter_title if isinstance(c.chapter_title, str) else f'chapter {c.chapter}'} "
                        f"({c.chapter_role}, {c.sections} sections)" for c in chapters.itertuples())
    indicators = extract_indicators(report)
    return (f"The report analysed in this build is `{report_path.name}`: {what}, "
            f"{len(report.text):,} characters in {len(chapters)} chapters"
            + (f" ({outline})" if outline else "")
            + f". It states {len(indicators)} quantities, {int(indicators['headline'].sum())} of them "
            "headline results or targets.")


def _key_figures(executed: list[Path], book_dir: Path) -> str:
    """Cards with the figures the notebooks mark as previews (cell metadata ``policytext.preview``).

    The images are the notebooks' own outputs of this run, so the landing page
    shows exactly what the chapters show.
    """
    import base64

    import nbformat

    cards = []
    for nb_path in executed:
        nb = nbformat.read(nb_path, as_version=4)
        for i, cell in enumerate(nb.cells):
            caption = cell.metadata.get("policytext", {}).get("preview")
            png = next((o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})), None)
            if not caption or png is None:
                continue
            image = book_dir / "previews" / f"{nb_path.stem}-{i}.png"
            image.parent.mkdir(exist_ok=True)
            image.write_bytes(base64.b64decode(png))
            cards.append(f":::{{grid-item-card}} {caption}\n:link: {nb_path.stem}\n:link-type: doc\n"
                         f":img-top: previews/{image.name}\n:img-alt: {caption}\n\n"
                         f"Notebook {nb_path.stem[:2]}\n:::\n")
    if not cards:
        return ""
    return ("## Key figures\n\nFrom this run's notebooks; select a figure to open its chapter.\n\n"
            "::::{grid} 1 1 2 2\n:gutter: 3\n\n" + "\n".join(cards) + "::::\n")


def _landing_page(executed: list[Path], book_dir: Path, report: Path | None) -> str:
    text = (paths.NOTEBOOKS / "index.md").read_text(encoding="utf-8")
    text = text.replace(LANDING_REPORT, _report_paragraph(report) if report else "")
    return text.replace(LANDING_FIGURES, _key_figures(executed, book_dir))


def _glossary_page() -> str:
    rows = sorted(read_tsv(paths.RESOURCES / "glossary.tsv"), key=lambda r: r[1].lower())
    return ("# Glossary\n\nThe Chinese policy terms of the notebooks, from "
            "`lib/policytext/resources/glossary.tsv`.\n\n" + _table(["term", "pinyin", "English"], rows))


def _data_page(book_dir: Path, tables: Path | None) -> str:
    text = ["# Data: tables and their columns\n",
            "Every table is tidy (one row per observation) and carries `doc_id` and the raw offsets "
            "`start`/`end` of its text. CSV files are UTF-8 with a byte-order mark (Excel shows Chinese "
            "correctly); the same tables are written as Parquet by `policytext analyze`.\n"]
    if tables is not None and tables.is_dir():
        downloads = book_dir / "downloads"
        downloads.mkdir(exist_ok=True)
        links = []
        for csv_file in sorted(tables.glob("*.csv")):
            shutil.copy2(csv_file, downloads / csv_file.name)
            links.append(f"- {{download}}`{csv_file.stem} <downloads/{csv_file.name}>`")
        if links:
            text += ["## Downloads (this run)\n", "\n".join(links) + "\n"]
    text.append("## Columns\n")
    rows = read_tsv(paths.RESOURCES / "data_dictionary.tsv")
    for table in dict.fromkeys(r[0] for r in rows):
        title = "Columns in several tables" if table == "*" else f"`{table}`"
        text += [f"### {title}\n", _table(["column", "meaning"], [(f"`{c}`", m) for t, c, m in rows if t == table])]
    return "\n".join(text)


def _methods_page() -> str:
    from . import themes
    from .evaluation import load_indicator_annotations, load_theme_annotations, score_indicators, score_theme_labels
    from .indicators import extract_indicators
    from .reading import read_report
    from .segmentation import tokenize

    report = read_report(paths.BUNDLED_REPORT)
    score, _ = score_indicators(extract_indicators(report), load_indicator_annotations())
    domains = themes.load_dictionary()
    summary, per_theme = score_theme_labels(themes.tag_sentences(tokenize(report), dictionary=domains),
                                            load_theme_annotations(), domains.categories)
    dictionaries = [themes.load_dictionary(n) for n in themes.available_dictionaries()]
    return "\n".join([
        "# Methods and validation\n",
        "Every number on this page is computed when the site is built, from the library and the hand "
        "annotations in `data/annotations/`.\n",
        "## Methods and their sources\n",
        _table(["step", "method", "source"], [
            ("cleaning", "passes with a lossless audit; raw text rebuilt exactly from cleaned text + audit", "this project"),
            ("segmentation", "jieba-rs (rjieba) with a policy dictionary; jieba as reference backend",
             "Sun Junyi, jieba; jieba-rs"),
            ("keyness", "weighted log-odds ratio, informative Dirichlet prior, z-scores",
             "Monroe, Colaresi & Quinn (2008), *Political Analysis* 16(4)"),
            ("keywords", "TextRank on our segmentation", "Mihalcea & Tarau (2004), EMNLP"),
            ("collocations", "PMI and log-likelihood ratio", "Dunning (1993), *Computational Linguistics* 19(1)"),
            ("policy attention", "share of a scope's words in a theme dictionary",
             "陈诗一 & 陈登科 (2018), 经济研究 53(2)"),
            ("topics", "NMF; number of topics by stability across seeds",
             "Greene, O'Callaghan & Cunningham (2014), ECML PKDD"),
            ("communities", "greedy modularity", "Clauset, Newman & Moore (2004)"),
            ("indicators", "a number grammar with documented exclusions and context rules", "this project"),
        ]),
        "## Theme dictionaries\n",
        _table(["dictionary", "categories", "source"], [(d.name, ", ".join(d.categories), d.refer) for d in dictionaries]),
        "## Indicator extraction against the hand annotation\n",
        f"{score.gold} quantities of the bundled report annotated by hand (guide: `data/annotations/README.md`).\n",
        _table(["measure", "value"], [
            ("precision", f"{score.precision:.3f}"), ("recall", f"{score.recall:.3f}"),
            ("value correct (matched mentions)", f"{score.value_accuracy:.3f}"),
            ("subject correct", f"{score.subject_accuracy:.3f}"), ("status correct", f"{score.status_accuracy:.3f}"),
            ("headline figures found", f"{score.headline_found} of {score.headline_gold}"),
        ]),
        "These are scores on the report the rules were developed on; expect lower on reports never seen.\n",
        "## Theme labels against hand labels\n",
        "195 sentences labelled by policy domain (guide: `data/annotations/themes_guide.md`); the held-out "
        "sentences were labelled after the dictionary was frozen.\n",
        _table(list(summary.columns), summary.itertuples(index=False)),
        _table(list(per_theme.columns), per_theme.itertuples(index=False)),
        "## Known limits\n",
        "- Subjects of quantities come from part-of-speech patterns and are wrong for about one mention in ten.\n"
        "- Five-year reviews carry no single year; their figures get no `year`.\n"
        "- Dictionary shares count words, not meaning: a sentence about talent that names 企业 counts for the economy.\n"
        "- Topic models on one report (about 80 paragraphs) are broad and depend on the number of topics.\n"
        "- Throughput of corpus runs is about 0.3 MB/s on two cores (see the README's benchmark).\n",
    ])


def build_site(executed_dir: Path, *, book_dir: Path, html_dir: Path, tables: Path | None = None,
               report: Path | None = None) -> Path:
    """Assemble the book source and build it with Jupyter Book 1; return the landing page.

    ``report`` (the report the notebooks ran on) is described on the landing page.
    """
    if book_dir.exists():
        shutil.rmtree(book_dir)
    book_dir.mkdir(parents=True)
    for name in BOOK_FILES:
        shutil.copy2(paths.NOTEBOOKS / name, book_dir / name)
    executed = notebooks(executed_dir)
    for nb in executed:
        shutil.copy2(nb, book_dir / nb.name)
    (book_dir / "_toc.yml").write_text(_toc(executed), encoding="utf-8")
    (book_dir / "index.md").write_text(_landing_page(executed, book_dir, report), encoding="utf-8")
    _ship_font(book_dir)
    (book_dir / "glossary.md").write_text(_glossary_page(), encoding="utf-8")
    (book_dir / "data.md").write_text(_data_page(book_dir, tables), encoding="utf-8")
    (book_dir / "methods.md").write_text(_methods_page(), encoding="utf-8")
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
    tables = Path(args.tables) if args.tables else None
    try:
        if not report.is_file():
            raise PolicyTextError(f"{args.report}: no such file")
        started = time.perf_counter()
        timings = execute_all(report, build / "notebooks", jobs=args.jobs, tables=tables)
        for name, seconds in timings.items():
            print(f"ran {name} in {seconds:.1f} s", file=sys.stderr)
        if not args.no_site:
            index = build_site(build / "notebooks", book_dir=build / "book", html_dir=build / "html",
                               tables=tables, report=report)
            print(f"site built in {time.perf_counter() - started:.1f} s: open {index.resolve()} "
                  f"(or `python -m http.server -d {index.parent}` and visit http://localhost:8000)", file=sys.stderr)
    except PolicyTextError as exc:
        print(f"policytext: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
