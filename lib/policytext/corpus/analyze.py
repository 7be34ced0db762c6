"""Corpus runs: every table of every report of a folder, in parallel, cached, failures isolated.

:func:`analyze` turns reports (files or folders) into analysis-ready tables:

* every report is analysed in a worker process (``jobs`` at a time; identical
  files once) and its tables are cached under ``<out>/.cache/<sha256>-<version>-<code>-<backend>-c<format>/`` —
  a rerun skips reports whose bytes, library (version, code and resources) and backend are
  unchanged (``force=True`` recomputes);
* the combined tables are then written report by report, in input order:
  one CSV per table (UTF-8 with BOM) and one Parquet file per table and
  report under ``<out>/parquet/<table>/`` (read a whole table with
  ``pandas.read_parquet("<out>/parquet/tokens")``), so memory holds one
  report's tables at a time, not the corpus;
* every row carries ``doc_id`` and the report's ``year``, ``place`` and ``level``;
* a report that fails (undecodable, not a report, a parser error) is listed in
  ``failures.csv`` with its one-line reason and never stops the others.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

from ..errors import PolicyTextError, ReportError
from ..options import DEFAULT_BACKEND, FOLDER_SUFFIXES, TABLES, __version__

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

# pandas and pyarrow are imported where they are used: a rerun on an unchanged corpus only hashes
# the files and compares them with the manifest, and answers in a tenth of a second.

__all__ = ["analyze", "AnalyzeResult", "expand", "report_tables"]


def expand(paths) -> list[Path]:
    """Report files named or contained (not recursively) in ``paths``, folders sorted by name."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in FOLDER_SUFFIXES)
            if not found:
                raise ReportError(p, f"folder has no report files ({', '.join(FOLDER_SUFFIXES)})")
            out.extend(found)
        else:
            out.append(p)
    return out


#: Bumped when the files of a cache folder change.
CACHE_FORMAT = 2


@lru_cache(maxsize=1)
def library_fingerprint() -> str:
    """A digest of the library's code and resources: any change to a rule or a lexicon invalidates
    the cache, even between releases (the version number alone would keep stale tables)."""
    package = Path(__file__).parents[1]  # policytext/, every sub-package and resource
    digest = hashlib.sha256(__version__.encode())
    for f in sorted(package.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts:
            digest.update(f.relative_to(package).as_posix().encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()[:12]


def cache_key(path: Path, backend: str) -> str:
    """The name of a report's cache entry: its content, the library's version and code, the backend."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:20] if path.is_file() else "missing"
    return f"{digest}-{__version__}-{library_fingerprint()}-{backend}-c{CACHE_FORMAT}"


def report_tables(report, *, tokenizer) -> dict[str, pd.DataFrame]:
    """Every table of one report (:data:`~policytext.options.TABLES`), each row with ``doc_id``
    (the writer adds ``year, place, level``); ``keywords`` and ``themes`` are per chapter."""
    import pandas as pd

    from ..analysis import keywords, themes
    from ..analysis.indicators import extract_indicators
    from ..analysis.targets import compare_targets
    from ..tokens.segmentation import tokenize

    s = report.structure
    tokens = tokenize(report, tokenizer=tokenizer)
    indicators = extract_indicators(report, tokenizer=tokenizer)
    audit = report.clean.audit.copy()
    audit.insert(0, "doc_id", report.doc_id)
    top = keywords.top_terms(keywords.term_frequencies(tokens, by="chapter"), 50)
    top.insert(0, "doc_id", report.doc_id)
    theme_table = themes.score_themes(tokens, by="chapter")
    theme_table.insert(0, "doc_id", report.doc_id)
    targets = compare_targets([report], tables={report.doc_id: indicators})
    targets.insert(0, "doc_id", report.doc_id)
    return {
        "reports": pd.DataFrame([report.describe()]),
        "audit": audit, "paragraphs": s.paragraphs, "sentences": s.sentences, "tokens": tokens,
        "keywords": top, "indicators": indicators.drop(columns=["sentence_text"]), "targets": targets,
        "themes": theme_table,
    }


#: The report's metadata on every row.
METADATA_COLUMNS = ("year", "place", "level")


def with_metadata(table: pa.Table, metadata) -> pa.Table:
    """``table`` with the report's ``year, place, level`` after ``doc_id`` (a column it has already is kept:
    an indicator's ``year`` is the year of the figure), typed alike in every report so that Parquet
    files combine."""
    import pyarrow as pa

    types = (pa.int64(), pa.large_string(), pa.large_string())
    for i, (name, kind) in enumerate(zip(METADATA_COLUMNS, types)):
        if name not in table.column_names:
            table = table.add_column(1 + i, name, pa.array([getattr(metadata, name)] * table.num_rows, type=kind))
    return table


def _work(path: str, cache: str, backend: str) -> dict:
    """Analyse one report into its cache folder; never raises (a failure is returned)."""
    from ..document.reading import read_report
    from ..tokens.segmentation import get_tokenizer
    from .export import arrow_table, csv_bytes, parquet_bytes

    started = time.perf_counter()
    size = os.path.getsize(path) if os.path.isfile(path) else 0
    try:
        report = read_report(path)
        tables = report_tables(report, tokenizer=get_tokenizer(backend))
        tmp = Path(cache + ".tmp")
        tmp.mkdir(parents=True, exist_ok=True)
        for name, df in tables.items():  # Parquet, and the CSV rows ready to concatenate (gzip, fast level)
            table = with_metadata(arrow_table(df), report.metadata)
            (tmp / f"{name}.parquet").write_bytes(parquet_bytes(table))
            (tmp / f"{name}.csv.gz").write_bytes(gzip.compress(csv_bytes(table, bom=False), compresslevel=1, mtime=0))
        if Path(cache).exists():
            shutil.rmtree(cache)
        tmp.rename(cache)
        return {"path": path, "ok": True, "reason": "", "seconds": time.perf_counter() - started, "bytes": size}
    except PolicyTextError as exc:
        reason = str(exc)
    except Exception as exc:  # a parser bug on one report must not stop the corpus
        where = traceback.extract_tb(exc.__traceback__)[-1]
        reason = (f"{path}: internal error {type(exc).__name__}: {exc} "
                  f"(at {Path(where.filename).name}:{where.lineno})")
    return {"path": path, "ok": False, "reason": " ".join(reason.split()), "seconds": time.perf_counter() - started,
            "bytes": size}


@dataclass
class AnalyzeResult:
    out: Path
    reports: int = 0
    done: int = 0
    cached: int = 0
    copies: int = 0  # files identical to an earlier file of the run (analysed once)
    failures: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    bytes: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures


def analyze(paths, out, *, jobs: int | None = None, force: bool = False, progress: bool = True,
            backend: str | None = None) -> AnalyzeResult:
    """Analyse reports (files or folders) into ``out`` (see the module docstring)."""
    backend = backend or DEFAULT_BACKEND
    files = expand(paths)
    out = Path(out)
    cache_root = out / ".cache"
    cache_root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result = AnalyzeResult(out=out, reports=len(files))
    keys = [cache_key(f, backend) for f in files]
    first = {}  # each content is analysed once per run: a copy of a report is served from its twin's cache
    for f, k in zip(files, keys):
        first.setdefault(k, f)
    result.copies = len(files) - len(first)
    if not force and _up_to_date(files, keys, out):  # the tables on disk come from these very reports
        result.cached = len(first)
        result.done = len(files)
        result.seconds = time.perf_counter() - started
        return result
    todo = [(f, k) for k, f in first.items() if force or not (cache_root / k).is_dir()]
    result.cached = len(first) - len(todo)
    outcomes: dict[str, dict] = {}
    jobs = max(1, jobs or os.cpu_count() or 1)
    bar = _progress(len(files), result.cached + result.copies, progress)
    if todo:
        if jobs == 1 or len(todo) == 1:
            for f, k in todo:
                outcomes[str(f)] = _record(_work(str(f), str(cache_root / k), backend), bar, result)
        else:
            with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
                futures = [pool.submit(_work, str(f), str(cache_root / k), backend) for f, k in todo]
                for future in futures:  # in input order: deterministic output
                    outcome = future.result()
                    outcomes[outcome["path"]] = _record(outcome, bar, result)
    if bar is not None:
        bar.close()
    for f, k in zip(files, keys):  # a copy of a report that failed fails too
        twin = outcomes.get(str(first[k]))
        if f != first[k] and twin is not None and not twin["ok"]:
            outcomes[str(f)] = {"path": str(f), "ok": False, "reason": f"{f}: same content as {twin['reason']}"}
            result.failures.append({"path": str(f), "reason": outcomes[str(f)]["reason"]})
    _combine(files, keys, outcomes, cache_root, out, result)
    result.seconds = time.perf_counter() - started
    return result


def _progress(total: int, cached: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, initial=cached, unit="report", file=sys.stderr, desc="policytext analyze",
               dynamic_ncols=True)
    bar.set_postfix(failed=0, cached=cached)
    return bar


def _record(outcome: dict, bar, result: AnalyzeResult) -> dict:
    result.bytes += outcome["bytes"]
    if not outcome["ok"]:
        result.failures.append({"path": outcome["path"], "reason": outcome["reason"]})
    if bar is not None:
        elapsed = max(bar.format_dict.get("elapsed", 0) or 0, 1e-6)
        bar.update(1)
        bar.set_postfix(failed=len(result.failures), MB_s=f"{result.bytes / 1e6 / elapsed:.2f}")
    return outcome


def _listing(files, keys) -> str:
    return "\n".join(f"{f}\t{k}" for f, k in zip(files, keys))


def _up_to_date(files, keys, out: Path) -> bool:
    """True when the combined tables in ``out`` were written last time from the same reports (same
    paths, content, library and backend): a rerun then has nothing to do."""
    manifest = out / ".cache" / "manifest.txt"
    return (manifest.is_file() and manifest.read_text(encoding="utf-8") == _listing(files, keys)
            and all((out / f"{name}.csv").is_file() for name in TABLES))


def _combine(files, keys, outcomes, cache_root: Path, out: Path, result: AnalyzeResult) -> None:
    """Write the combined tables one report at a time (bounded memory), in input order; the manifest
    records what they were written from (see :func:`_up_to_date`)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .export import BOM, csv_bytes, parquet_bytes, write_table

    manifest = out / ".cache" / "manifest.txt"
    manifest.unlink(missing_ok=True)
    parquet = out / "parquet"
    if parquet.exists():
        shutil.rmtree(parquet)
    reports = [(f, cache_root / k) for f, k in zip(files, keys)
               if (cache_root / k).is_dir() and not (str(f) in outcomes and not outcomes[str(f)]["ok"])]
    # one schema per table across reports: a column with no value in one report (Arrow type null) takes
    # its type from the others, so that pandas.read_parquet("<out>/parquet/<table>") reads them all
    own = {name: [pq.read_schema(folder / f"{name}.parquet") for _, folder in reports] for name in TABLES}
    schemas = {name: pa.unify_schemas(own[name], promote_options="default") for name in TABLES if reports}
    csv_files = {name: open(out / f"{name}.csv", "wb") for name in TABLES}
    headers_written: set[str] = set()
    try:
        for n, (f, folder) in enumerate(reports):
            result.done += 1
            for name in TABLES:
                source = folder / f"{name}.parquet"
                target = parquet / name / f"{result.done:06d}_{Path(f).stem}.parquet"
                target.parent.mkdir(parents=True, exist_ok=True)
                if name == "reports":  # the cache is keyed by content: the same report may sit elsewhere now
                    table = pq.read_table(source)
                    column = table.schema.get_field_index("path")
                    table = table.set_column(column, "path", pa.array([str(f)] * table.num_rows, pa.large_string()))
                    table = table.cast(schemas[name])
                    target.write_bytes(parquet_bytes(table))
                    data = csv_bytes(table, bom=False)
                else:  # the worker's own files, copied (or cast, when a column is empty here and typed elsewhere)
                    if own[name][n].remove_metadata().equals(schemas[name].remove_metadata()):
                        shutil.copyfile(source, target)
                    else:
                        target.write_bytes(parquet_bytes(pq.read_table(source).cast(schemas[name])))
                    data = gzip.decompress((folder / f"{name}.csv.gz").read_bytes())
                if name in headers_written:
                    data = data[data.index(b"\n") + 1:]
                else:
                    data = BOM + data
                    headers_written.add(name)
                csv_files[name].write(data)
    finally:
        for handle in csv_files.values():
            handle.close()
    write_table(pd.DataFrame(result.failures, columns=["path", "reason"]), out / "failures.csv", fmt="csv")
    if not result.failures:
        manifest.write_text(_listing(files, keys), encoding="utf-8")
