"""The ``policytext`` command.

Every subcommand reads one or more reports and writes a tidy table (CSV
with BOM, JSON Lines, or Parquet with ``-o``) to standard output or a file.
Bad input ends with one line on standard error naming the file and the
problem, and a non-zero exit status; never a traceback (``--debug`` shows
one for a real bug).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .errors import PolicyTextError
from .options import BACKENDS, DEFAULT_BACKEND, DEFAULT_TABLES, FORMATS, SCOPES, __version__

if TYPE_CHECKING:
    import pandas as pd

# The library is imported by each command when it runs, so that ``analyze`` on an unchanged corpus
# answers without importing pandas.

EXIT_OK, EXIT_BAD_INPUT, EXIT_BUG, EXIT_USAGE = 0, 1, 3, 2
#: Exit statuses of a run stopped by Ctrl-C (SIGINT) or SIGTERM: 128 + the signal's number, as a shell reports it.
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143

EXAMPLES = """\
examples:
  policytext info data/raw/2018_district_qingshan.txt
  policytext clean data/raw/2018_district_qingshan.txt > cleaned.txt
  policytext clean data/raw/2018_district_qingshan.txt --audit --format csv -o audit.csv
  policytext structure data/raw/2018_district_qingshan.txt --format csv -o paragraphs.csv
  policytext structure report.txt --level sentence --format jsonl
  policytext tokens report.txt --content-only --format csv -o tokens.csv
  policytext keywords data/raw/2018_district_qingshan.txt --top 10 --by chapter --method tfidf
  policytext themes data/raw/2018_district_qingshan.txt --by chapter --dictionary environment_attention
  policytext indicators data/raw/2018_district_qingshan.txt --format csv -o indicators.csv
  policytext targets data/raw/corpus --format csv -o targets.csv
  policytext analyze data/raw/corpus --out data/processed/corpus
  policytext analyze data/raw/corpus --out data/processed/corpus --tables all   # the token table too
  policytext analyze /shared/reports --out /shared/tables --scheduler tcp://HOST:8786   # on a Dask cluster
  policytext reuse data/raw/corpus/2026_province_hebei.txt data/raw/corpus/2026_province_shanxi.txt --min-chars 40
  policytext reuse data/raw/corpus --format csv -o reuse.csv

CSV files are UTF-8 with a byte-order mark (Excel shows Chinese correctly).
Offsets `start`/`end` index the raw text as decoded (line endings untouched).
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit 2, like every other usage error
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _read(path: Path):
    """The report at ``path``; what makes its tables less reliable is said on standard error."""
    from .document.reading import read_report

    report = read_report(path)
    for warning in report.warnings:
        print(f"policytext: warning: {path}: {warning}", file=sys.stderr)
    return report


def _warn_from_reports_table(out: Path) -> None:
    """The warnings of the reports of a corpus run, from its ``reports.csv`` (read with the csv module:
    a rerun from the cache stays free of pandas)."""
    import csv

    table = Path(out) / "reports.csv"
    if not table.is_file():
        return
    with open(table, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("warnings"):
                print(f"policytext: warning: {row.get('path')}: {row['warnings']}", file=sys.stderr)


def _per_report(args, build: Callable) -> pd.DataFrame:
    import pandas as pd

    frames = [build(_read(p)) for p in args.reports]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _emit(args, df: pd.DataFrame) -> None:
    from .corpus.export import write_table

    fmt = args.format
    if args.output and fmt is None:
        fmt = {".jsonl": "jsonl", ".json": "jsonl", ".parquet": "parquet"}.get(Path(args.output).suffix, "csv")
    write_table(df, args.output, fmt=fmt or "csv")


def cmd_info(args) -> int:
    import pandas as pd

    _emit(args, pd.DataFrame([_read(p).describe() for p in args.reports]))
    return EXIT_OK


def cmd_clean(args) -> int:
    if not args.audit:
        if len(args.reports) != 1:
            raise PolicyTextError("clean prints one report's text; give one REPORT (or use --audit for several)")
        text = _read(args.reports[0]).clean.text + "\n"
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return EXIT_OK

    def audit(r):
        df = r.clean.audit.copy()
        df.insert(0, "doc_id", r.doc_id)
        return df

    _emit(args, _per_report(args, audit))
    return EXIT_OK


def cmd_structure(args) -> int:
    def table(r):
        s = r.structure
        if args.level == "sentence":
            return s.sentences
        if args.level == "chapter":
            df = s.chapters.copy()
            df.insert(0, "doc_id", r.doc_id)
            return df
        return s.paragraphs

    _emit(args, _per_report(args, table))
    return EXIT_OK


def cmd_tokens(args) -> int:
    from .tokens.segmentation import PolicyTokenizer, get_tokenizer, tokenize

    tokenizer = (PolicyTokenizer(extra=args.userdict, backend=args.backend) if args.userdict
                 else get_tokenizer(args.backend))

    def table(r):
        df = tokenize(r, tokenizer=tokenizer)
        if args.content_only:
            df = df[~df["stopword"] & ~df["punct"]].reset_index(drop=True)
        return df

    _emit(args, _per_report(args, table))
    return EXIT_OK


def cmd_indicators(args) -> int:
    from .analysis.indicators import extract_indicators

    def table(r):
        df = extract_indicators(r, include_appendix=args.include_appendix)
        return df[df["headline"]].reset_index(drop=True) if args.headline_only else df

    _emit(args, _per_report(args, table))
    return EXIT_OK


def cmd_keywords(args) -> int:
    from .analysis import keywords
    from .tokens.segmentation import get_tokenizer, tokenize

    def table(r):
        tokens = tokenize(r, tokenizer=get_tokenizer())
        if args.method == "tfidf":
            scores = keywords.tfidf(tokens, by=args.by)
        elif args.method == "textrank":
            scores = keywords.textrank(tokens, by=args.by)
        else:
            scores = keywords.term_frequencies(tokens, by=args.by).assign(score=lambda d: d["count"])
        out = _titled(r, keywords.top_terms(scores, args.top, score="score"), args.by)
        out["method"] = args.method
        return out[["doc_id", *_scope_keys(args.by), "scope_title", "rank", "term", "count", "score", "method"]]

    _emit(args, _per_report(args, table))
    return EXIT_OK


def _scope_keys(by: str) -> list[str]:
    from .tokens.scopes import scope_columns

    return scope_columns(by)


def _titled(report, table: pd.DataFrame, by: str) -> pd.DataFrame:
    """``table`` with ``doc_id`` first and each scope's heading (``scope_title``) after its key columns."""
    from .tokens.scopes import scope_titles

    keys = _scope_keys(by)
    titles = scope_titles(report.structure.paragraphs, by, report_title=report.metadata.title or report.doc_id)
    out = table.merge(titles, on=keys, how="left") if keys else table.assign(scope_title=titles["scope_title"].iloc[0])
    out.insert(0, "doc_id", report.doc_id)
    return out[["doc_id", *keys, "scope_title", *[c for c in table.columns if c not in keys]]]


def cmd_themes(args) -> int:
    from .analysis import themes
    from .tokens.segmentation import get_tokenizer, tokenize

    dictionary = themes.load_dictionary(args.dictionary)

    def table(r):
        tokens = tokenize(r, tokenizer=get_tokenizer())
        if args.by == "sentence":
            out = themes.sentence_themes(tokens, r.structure.sentences, dictionary=dictionary)
        else:
            out = _titled(r, themes.score_themes(tokens, dictionary=dictionary, by=args.by), args.by)
        out["dictionary"] = dictionary.name
        return out

    _emit(args, _per_report(args, table))
    return EXIT_OK


def cmd_targets(args) -> int:
    from .analysis.targets import compare_targets
    from .corpus.analyze import expand

    _emit(args, compare_targets(_read(p) for p in expand(args.reports)))
    return EXIT_OK


def cmd_reuse(args) -> int:
    from .analysis.reuse import find_reuse, shared_passages
    from .corpus.analyze import expand

    for given in args.reports:
        if not Path(given).exists():
            raise PolicyTextError(f"{given}: no such file or folder")
    files = expand(args.reports)
    if len(files) < 2:
        raise PolicyTextError(f"reuse compares reports: give two REPORT files or a folder holding two or more "
                              f"({len(files)} found)")
    options = {"min_chars": args.min_chars, "max_gap": args.max_gap}
    if len(files) == 2 and not any(p.is_dir() for p in args.reports) and not args.all_pairs:
        a, b = (_read(p) for p in files)
        _emit(args, shared_passages(a, b, **options))
    else:
        _emit(args, find_reuse([_read(p) for p in files], pairs="all" if args.all_pairs else "lsh",
                               threshold=args.threshold, **options))
    return EXIT_OK


def _number(kind, low, high=None):
    """An argparse type: a ``kind`` (int or float) between ``low`` and ``high``, else a usage error."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{text} is outside {low}..{high if high is not None else ''}")
        return value
    return parse


def _table_list(text: str) -> tuple[str, ...]:
    """An argparse type: table names with commas, or ``all`` (:func:`~policytext.corpus.analyze.chosen_tables`)."""
    from .corpus.analyze import chosen_tables

    try:
        return chosen_tables(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _local_cluster(text: str) -> str:
    """An argparse type: ``local`` or ``local:N`` (N ≥ 1), else a usage error."""
    name, sep, count = text.partition(":")
    if name != "local" or (sep and not (count.isdigit() and int(count) >= 1)):
        raise argparse.ArgumentTypeError(f"{text!r}: give local or local:N, N a number of workers")
    return text


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that it stops as on Ctrl-C: ``analyze`` stops its
    workers and leaves the previous tables, and the exit status is 143."""


@contextmanager
def _sigterm_as_interrupt():
    """While a long command runs, SIGTERM (``kill``, a job scheduler, a container stopping) raises
    :class:`Terminated` instead of ending the process on the spot, which would leave its workers running."""
    if threading.current_thread() is not threading.main_thread():  # handlers can only be set there
        yield
        return

    def terminate(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def cmd_analyze(args) -> int:
    from .corpus.analyze import analyze

    if args.scheduler and args.jobs:  # a usage error
        print("policytext analyze: error: --jobs counts this machine's worker processes; with --scheduler the "
              "cluster's workers do the work", file=sys.stderr)
        return EXIT_USAGE
    with _sigterm_as_interrupt():
        result = analyze(args.reports, args.out, jobs=args.jobs, force=args.force, progress=not args.no_progress,
                         backend=args.backend, overwrite=args.overwrite, scheduler=args.scheduler or args.cluster,
                         tables=args.tables)
    _warn_from_reports_table(result.out)
    for failure in result.failures:
        print(f"policytext: error: {failure['reason']}", file=sys.stderr)
    copies = f", {result.copies} identical to another file" if result.copies else ""
    where = (f"tables in {result.out}/ (CSV) and {result.out}/parquet/" if result.done else
             f"no tables written; the reasons are in {result.out}/failures.csv")
    print(f"policytext: analysed {result.done} of {result.reports} report(s) ({result.cached} from the cache{copies}) "
          f"in {result.seconds:.1f} s; {where}", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_BAD_INPUT


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="policytext",
        description="Mine Chinese government work reports (政府工作报告): clean them with a lossless audit, "
                    "parse their structure, segment them with a policy dictionary, extract every quantity "
                    "and compare targets with results.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"policytext {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback when something goes wrong")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    def add(name, func, help_):
        p = sub.add_parser(name, help=help_, description=help_, epilog=EXAMPLES,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("reports", nargs="+", metavar="REPORT" if name != "analyze" else "PATH",
                       help="report file (.txt in UTF-8/GB18030/UTF-16, a saved .html page, .docx, or .pdf with a text "
                            "layer)"
                            + ("; a folder stands for the report files in it" if name in ("analyze", "targets", "reuse")
                               else ""))
        p.set_defaults(func=func)
        return p

    def output_options(p, default_format=None):
        p.add_argument("--format", choices=FORMATS, default=default_format,
                       help="table format (default: from the -o suffix, else csv)")
        p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")

    p = add("info", cmd_info, "one row per report: encoding, size, title, year, place, level, speaker")
    output_options(p)
    p = add("clean", cmd_clean, "print the cleaned text, or with --audit the table of every change made")
    p.add_argument("--audit", action="store_true", help="print the audit table instead of the text")
    output_options(p)
    p = add("structure", cmd_structure, "one row per paragraph (or sentence, or chapter) with its place in the outline")
    p.add_argument("--level", choices=("paragraph", "sentence", "chapter"), default="paragraph",
                   help="row unit (default: paragraph)")
    output_options(p)
    p = add("tokens", cmd_tokens, "one row per token: POS tag, offsets, stopword and dictionary flags")
    p.add_argument("--content-only", action="store_true", help="drop stopwords and punctuation")
    p.add_argument("--userdict", action="append", metavar="FILE",
                   help="an extra user dictionary (word [freq] [pos] per line); may be repeated")
    p.add_argument("--backend", choices=BACKENDS, default=DEFAULT_BACKEND,
                   help="segmentation engine: rjieba (Rust, default) or jieba (the pure-Python reference)")
    output_options(p)
    p = add("indicators", cmd_indicators, "one row per quantity stated (amounts, counts, growth, shares, ranks, "
                                          "targets) with value, unit, subject, status, year and raw offsets")
    p.add_argument("--headline-only", action="store_true", help="only the main results and targets")
    p.add_argument("--include-appendix", action="store_true",
                   help="also read annexes and glossaries after the closing (left out by default; column part says where)")
    output_options(p)
    p = add("keywords", cmd_keywords, "the top terms of a report, or of each chapter or section, by count, "
                                      "TF-IDF or TextRank")
    p.add_argument("--top", type=int, default=20, metavar="N", help="terms per scope (default: 20)")
    p.add_argument("--by", choices=SCOPES, default="report", help="scope (default: report)")
    p.add_argument("--method", choices=("count", "tfidf", "textrank"), default="count", help="score (default: count)")
    output_options(p)
    p = add("themes", cmd_themes, "attention to each policy theme per scope: share of words and of sentences, "
                                  "with the matched terms")
    p.add_argument("--dictionary", default="policy_domains", metavar="FILE",
                   help="a shipped dictionary (policy_domains, policy_domains_expanded, new_development_concepts, "
                        "environment_attention) or a YAML file in cntext's schema (default: policy_domains)")
    p.add_argument("--by", choices=(*SCOPES, "sentence"), default="section",
                   help="scope of the shares (default: section), or sentence: one row per sentence with its labels "
                        "and the entries matched")
    output_options(p)
    p = add("targets", cmd_targets, "a panel of headline targets: one row per place, indicator and target year, "
                                    "beside last year's result and, from a later report of the same place, the "
                                    "result achieved, met or not (REPORT may be a folder)")
    output_options(p)
    p = add("reuse", cmd_reuse, "passages two reports share (raw offsets, chapter and section of each side, a "
                                "boilerplate flag); with a folder or more than two reports, every pair that "
                                "MinHash LSH finds")
    p.add_argument("--min-chars", type=_number(int, 10), default=40, metavar="N",
                   help="fewest Chinese characters, letters and digits of a passage (default: 40)")
    p.add_argument("--max-gap", type=_number(int, 0, 100), default=8, metavar="N",
                   help="largest edit bridged inside a passage, in characters (default: 8)")
    p.add_argument("--threshold", type=_number(float, 0.05, 1.0), default=0.3, metavar="J",
                   help="LSH threshold: estimated Jaccard similarity of two 100-character windows (default: 0.3)")
    p.add_argument("--all-pairs", action="store_true",
                   help="align every pair of reports, not only the LSH candidates (quadratic; finds short passages too)")
    output_options(p)
    p = add("analyze", cmd_analyze, "write every table of every report to a folder (CSV and Parquet), in "
                                    "parallel, cached by content; failures listed in failures.csv")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="folder for the tables (one run at a time: a second run into it waits for the first)")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes (default: all cores)")
    p.add_argument("--force", action="store_true", help="recompute reports found in the cache")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--backend", choices=BACKENDS, default=DEFAULT_BACKEND, help="segmentation engine")
    p.add_argument("--overwrite", action="store_true",
                   help="replace files in DIR that analyze did not write where its tables go (tokens.csv, "
                        "parquet/tokens/, …); without it such a file stops the run. Other files are never touched")
    p.add_argument("--tables", type=_table_list, default=None, metavar="LIST",
                   help=f"the tables to write, with commas, or all (default: {','.join(DEFAULT_TABLES)}; "
                        "tokens, about 18 times the text, only when asked: --tables all or --tables tokens,…)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run the reports on the Dask cluster of this scheduler (tcp://host:8786; needs "
                            "policytext[cluster]; the workers need this policytext and the input files and DIR "
                            "at the same paths)")
    where.add_argument("--cluster", type=_local_cluster, metavar="local[:N]",
                       help="run the reports on a Dask cluster of N worker processes started on this machine "
                            "(default N: --jobs, else all cores)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        # only `analyze` takes folders (it expands them itself); elsewhere a folder is a mistake worth naming
        args.reports = args.reports if args.command in ("analyze", "targets") else [Path(p) for p in args.reports]
        return args.func(args)
    except PolicyTextError as exc:
        print(f"policytext: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `policytext tokens … | head`
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM during analyze
        terminated = isinstance(exc, Terminated)
        print(f"policytext: interrupted ({'SIGTERM' if terminated else 'Ctrl-C'})", file=sys.stderr)
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    except Exception as exc:  # a bug: one line, unless --debug
        if args.debug:
            raise
        print(f"policytext: internal error: {type(exc).__name__}: {exc} (rerun with --debug for a traceback)",
              file=sys.stderr)
        return EXIT_BUG


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
