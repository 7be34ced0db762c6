"""Corpus runs: every table of every report of a folder, in parallel, cached, failures isolated.

:func:`analyze` turns reports (files or folders) into analysis-ready tables:

* every report is analysed in a worker process (``jobs`` at a time; identical
  files once) and its tables are cached under ``<out>/.cache/<key>/`` (see :func:`cache_key`) —
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

What a run can meet, and what it does:

* Inputs.  Only regular files are read.  Anything else named, or found in a folder with a report's
  suffix — a dangling symbolic link, a FIFO (never opened: reading one waits forever), a device, a
  file that cannot be read — is a row of ``failures.csv`` with its reason.
* Labels.  The cache is keyed by content (and by what the analysis reads from the file name, see
  :func:`cache_key`), so a copy of a report is analysed once; the labels of each file — ``doc_id``,
  ``path`` — are set when its tables are written, so a copy or a renamed report never carries
  another file's name.
* The cache.  Each entry is written in a temporary folder and renamed into place, with the SHA-256
  of its files; an entry that does not match (a file truncated, changed or missing) is recomputed.
* The output folder.  One run at a time: a second run into the same folder waits for the first
  (``<out>/.lock``).  The tables are written into a temporary folder inside ``<out>`` and renamed
  into place when all are complete, so an interrupted or failed run leaves the previous tables (or
  none), never half a table.  Nothing is ever written through a symbolic link.  ``analyze`` replaces
  only what it wrote itself, listed in ``<out>/.policytext-output``: a file or folder of another
  origin where it would write (``tokens.csv``, ``parquet/tokens/``, …) stops the run with one line,
  unless ``overwrite=True`` (``--overwrite``); other files in ``<out>`` are never touched.
* Stopping.  Workers exit when the run that started them ends, however it ends (``kill -9``
  included).  Ctrl-C (and SIGTERM, which the ``policytext`` command turns into the same
  interruption) stops the workers at once, leaving the previous tables; the command exits with
  130 or 143.
* Beyond one machine.  With ``scheduler`` (``policytext analyze --scheduler tcp://host:8786``, or
  ``--cluster local:N``) each report is a task on a Dask cluster (the optional extra
  ``policytext[cluster]``), with the same cache, failures and tables; remote workers need the same
  policytext and the input files and the output folder at the same paths (a shared file system), for
  they write the cache entries themselves (see :func:`_compute_on_cluster`).  Without it, dask is
  never imported.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import secrets
import shutil
import signal
import stat
import sys
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

from ..errors import PolicyTextError, ReportError
from ..files import not_regular, tree_digest
from ..options import DEFAULT_BACKEND, DEFAULT_TABLES, FOLDER_SUFFIXES, TABLES, __version__

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

# pandas and pyarrow are imported where they are used: a rerun on an unchanged corpus only hashes
# the files and compares them with the manifest, and answers in a tenth of a second.

__all__ = ["analyze", "AnalyzeResult", "expand", "report_tables", "cache_key", "chosen_tables"]


# -- inputs ------------------------------------------------------------------------------------------------


def expand(paths, *, every_entry: bool = False) -> list[Path]:
    """Report files named or contained (not recursively) in ``paths``, folders sorted by name.

    In a folder, the entries with a report's suffix count; those that are not files (a dangling link,
    a FIFO, a folder) are left out unless ``every_entry``: :func:`analyze` keeps them to list each
    in ``failures.csv`` with its reason rather than skip it silently.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            try:
                found = sorted(f for f in p.iterdir() if f.suffix.lower() in FOLDER_SUFFIXES
                               and (every_entry or f.is_file()))
            except OSError as exc:
                raise ReportError(p, f"cannot list the folder: {exc.strerror or exc}") from None
            if not found:
                raise ReportError(p, f"folder has no report files ({', '.join(FOLDER_SUFFIXES)})")
            out.extend(found)
        else:
            out.append(p)
    return out


def _examine(path: Path) -> tuple[str | None, str | None]:
    """``(sha256, None)`` for a readable regular file, else ``(None, "<path>: <why it is not read>")``.

    The kind is checked before the file is opened, and again on the open file (opened without
    blocking), so that a FIFO is never waited on and a device never read.
    """
    try:
        reason = not_regular(os.stat(path).st_mode)
        if reason is None:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
            with open(fd, "rb") as f:
                reason = not_regular(os.fstat(fd).st_mode)
                if reason is None:
                    return hashlib.file_digest(f, "sha256").hexdigest(), None
    except FileNotFoundError:
        reason = "dangling symbolic link" if os.path.islink(path) else "no such file"
    except OSError as exc:
        reason = f"cannot be read: {exc.strerror or exc}"
    return None, str(ReportError(path, reason))


# -- the cache ---------------------------------------------------------------------------------------------

#: Bumped when the files of a cache folder change.
CACHE_FORMAT = 3
#: The file of a cache entry that lists the SHA-256 of the others and the doc_id its tables carry.
ENTRY = "entry.json"
#: The prefix of every temporary file or folder a run makes in ``<out>`` or its cache (removed by the next run).
TEMPORARY = ".policytext-tmp-"
#: The columns that name the report a row comes from: set for each file its tables are written for.
LABEL_COLUMNS = ("doc_id", "target_doc", "result_doc")


@lru_cache(maxsize=1)
def library_fingerprint() -> str:
    """A digest of the library's code and resources: any change to a rule or a lexicon invalidates
    the cache, even between releases (the version number alone would keep stale tables)."""
    return tree_digest(Path(__file__).parents[1], seed=__version__.encode())[:12]  # policytext/, all of it


def _library(backend: str) -> str:
    return f"{__version__}-{library_fingerprint()}-{backend}-c{CACHE_FORMAT}"


def _name_facts(path: Path) -> str:
    """What the analysis reads from a file's name besides its ``doc_id``, as a short digest: the suffix
    (it chooses the reader: text, HTML, Word, PDF) and the metadata the name gives on its own (the
    year of ``2019_x.txt``, used when the text states none, and on which statuses and the years of
    indicators depend)."""
    from ..document.metadata import extract_metadata

    facts = (path.suffix.lower(), sorted(extract_metadata("", file_name=path.name).as_dict().items()))
    return hashlib.sha256(repr(facts).encode("utf-8")).hexdigest()[:8]


def cache_key(path: Path, backend: str, digest: str | None = None) -> str:
    """The name of a report's cache entry: its content (``digest``, the SHA-256 of its bytes, computed
    when not given), what its name tells the analysis (:func:`_name_facts`), the library's version
    and code, the backend.

    Files with one key have the same tables but for their labels (``doc_id``, ``path``), which are
    set per file when the tables are written: ``a.txt`` and its copy ``b.txt`` share an entry,
    ``2019_x.txt`` and ``2020_x.txt`` of a text that states no year do not.
    """
    path = Path(path)
    digest = digest or _examine(path)[0] or "missing"
    return f"{digest[:20]}-{_name_facts(path)}-{_library(backend)}"


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _entry_info(folder: Path, tables: tuple[str, ...] = TABLES) -> dict | None:
    """What a cache entry records (``doc_id``, the SHA-256 of each file), or None when the entry is
    missing, damaged (a file missing, truncated or changed since it was written) or lacks one of
    ``tables`` (it was written by a run that asked for fewer)."""
    expected = {f"{name}.{kind}" for name in tables for kind in ("parquet", "csv.gz")}
    known = {f"{name}.{kind}" for name in TABLES for kind in ("parquet", "csv.gz")}
    try:
        info = json.loads((folder / ENTRY).read_text(encoding="utf-8"))
        if not expected <= set(info["sha256"]) <= known or not isinstance(info["doc_id"], str):
            return None
        if any(_sha256(folder / name) != digest for name, digest in info["sha256"].items()):
            return None
        return info
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _fresh_folder(parent: Path, label: str) -> Path:
    """A new, empty temporary folder in ``parent`` (a name no other run or worker uses)."""
    folder = parent / f"{TEMPORARY}{label}-{os.getpid()}-{secrets.token_hex(4)}"
    folder.mkdir()
    return folder


def _discard(path: Path) -> None:
    """Remove a file, a link (not what it points to) or a folder."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


@contextmanager
def _entry_writer(entry: Path, *, doc_id: str):
    """Write a cache entry: ``put(name, data)`` writes each file into a temporary folder (one at a time,
    so memory holds one table's bytes, not the report's), and at the end the SHA-256 of every file is
    recorded and the folder renamed into place in one step, so that no reader ever sees half an entry
    and no two writers mix theirs.  An entry already there (damaged, or recomputed with ``force``) is
    replaced; on an error nothing is renamed."""
    tmp = _fresh_folder(entry.parent, entry.name)
    digests: dict[str, str] = {}

    def put(name: str, data: bytes) -> None:
        (tmp / name).write_bytes(data)
        digests[name] = hashlib.sha256(data).hexdigest()

    try:
        yield put
        (tmp / ENTRY).write_text(json.dumps({"doc_id": doc_id, "sha256": digests}, indent=1), encoding="utf-8")
        if entry.exists() or entry.is_symlink():
            old = entry.with_name(f"{TEMPORARY}old-{tmp.name}")
            os.rename(entry, old)
            _discard(old)
        os.rename(tmp, entry)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def report_tables(report, *, tokenizer, tables: tuple[str, ...] = TABLES) -> dict[str, pd.DataFrame]:
    """The tables ``tables`` of one report (default: every table, :data:`~policytext.options.TABLES`),
    in that order, each row with ``doc_id`` (the writer adds ``year, place, level``); ``keywords`` and
    ``themes`` are per chapter.  A table is computed only when asked for or needed by one that is
    (the tokens by keywords and themes, the indicators by targets)."""
    import pandas as pd

    from ..analysis import keywords, themes
    from ..analysis.indicators import extract_indicators
    from ..analysis.targets import compare_targets
    from ..tokens.segmentation import tokenize

    wanted = set(tables)
    s = report.structure
    tokens = tokenize(report, tokenizer=tokenizer) if wanted & {"tokens", "keywords", "themes"} else None
    indicators = extract_indicators(report, tokenizer=tokenizer) if wanted & {"indicators", "targets"} else None
    out = {}
    if "reports" in wanted:
        out["reports"] = pd.DataFrame([report.describe()])
    if "audit" in wanted:
        out["audit"] = report.clean.audit.copy()
        out["audit"].insert(0, "doc_id", report.doc_id)
    if "paragraphs" in wanted:
        out["paragraphs"] = s.paragraphs
    if "sentences" in wanted:
        out["sentences"] = s.sentences
    if "tokens" in wanted:
        out["tokens"] = tokens
    if "keywords" in wanted:
        top = keywords.top_terms(keywords.term_frequencies(tokens, by="chapter", with_occurrences=False), 50)
        top.insert(top.columns.get_loc("share") + 1, "occurrences", keywords.occurrences(tokens, top, by="chapter"))
        top.insert(0, "doc_id", report.doc_id)
        out["keywords"] = top
    if "indicators" in wanted:
        out["indicators"] = indicators.drop(columns=["sentence_text"])
    if "targets" in wanted:
        targets = compare_targets([report], tables={report.doc_id: indicators})
        targets.insert(0, "doc_id", report.doc_id)
        out["targets"] = targets
    if "themes" in wanted:
        theme_table = themes.score_themes(tokens, by="chapter")
        theme_table.insert(0, "doc_id", report.doc_id)
        out["themes"] = theme_table
    return {name: out[name] for name in TABLES if name in out}


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


def _work(path: str, entry: str, backend: str, tables: tuple[str, ...] = TABLES) -> dict:
    """Analyse one report into its cache entry; never raises (a failure is returned)."""
    from ..document.reading import read_report
    from ..tokens.segmentation import get_tokenizer
    from .export import arrow_table, csv_bytes, parquet_bytes

    started = time.perf_counter()
    size = os.path.getsize(path) if os.path.isfile(path) else 0
    try:
        report = read_report(path)
        doc_id, metadata = report.doc_id, report.metadata
        tables = report_tables(report, tokenizer=get_tokenizer(backend), tables=tables)
        del report  # its text and outline live on in the tables that need them, and go with them
        try:
            with _entry_writer(Path(entry), doc_id=doc_id) as put:
                for name in list(tables):  # one table at a time, released once written
                    table = with_metadata(arrow_table(tables.pop(name)), metadata)
                    put(f"{name}.parquet", parquet_bytes(table))  # and the CSV rows ready to concatenate
                    put(f"{name}.csv.gz", gzip.compress(csv_bytes(table, bom=False), compresslevel=1, mtime=0))
                    del table
        except OSError as exc:
            raise PolicyTextError(f"{path}: cannot write its cache entry in {Path(entry).parent}: "
                                  f"{exc.strerror or exc}") from None
        return {"path": path, "ok": True, "reason": "", "doc_id": doc_id, "seconds": time.perf_counter() - started,
                "bytes": size}
    except PolicyTextError as exc:
        reason = str(exc)
    except Exception as exc:  # a parser bug on one report must not stop the corpus
        where = traceback.extract_tb(exc.__traceback__)[-1]
        reason = (f"{path}: internal error {type(exc).__name__}: {exc} "
                  f"(at {Path(where.filename).name}:{where.lineno})")
    return {"path": path, "ok": False, "reason": " ".join(reason.split()), "seconds": time.perf_counter() - started,
            "bytes": size}


# -- workers -----------------------------------------------------------------------------------------------


def _init_worker(main_pid: int) -> None:
    """Set up a worker process.  It exits as soon as the run that started it ends, however it ends (a
    run killed with ``kill -9`` cannot tell it to), and leaves Ctrl-C and SIGTERM to that run, which
    stops its workers itself (see :func:`_stop`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):  # the kernel kills the worker when its parent dies
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    # everywhere, and in case the parent died before prctl: watch it
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(), main_pid), daemon=True,
                     name="policytext-watch-parent").start()


def _exit_when_orphaned(parent: int, main_pid: int) -> None:
    """End this worker once its parent has gone (it is then adopted: ``getppid`` changes) or the run's
    main process has (the parent is a fork server, with start method ``forkserver``)."""
    while os.getppid() == parent and _running(main_pid):
        time.sleep(0.5)
    os._exit(1)


def _running(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows; the parent watch suffices
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _stop(pool: ProcessPoolExecutor) -> None:
    """End a pool at once, for an interrupted run must not wait for the reports in flight: cancel
    what has not started, kill the workers (their half-written cache entries are temporary folders,
    removed by :func:`_remove_temporaries`)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public way before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join()


def _compute(todo: list[tuple[Path, Path]], backend: str, jobs: int, record, scheduler=None,
             tables: tuple[str, ...] = TABLES) -> None:
    """Analyse each ``(file, cache entry)`` of ``todo`` (in workers when ``jobs`` > 1), calling
    ``record(outcome)`` once for each: in input order, or as each report is done on a Dask cluster
    (``scheduler``, see :func:`_compute_on_cluster`)."""
    if scheduler is not None:
        if todo:
            _compute_on_cluster(todo, backend, record, scheduler, jobs, tables)
        return
    if jobs == 1 or len(todo) <= 1:
        for f, entry in todo:
            record(_work(str(f), str(entry), backend, tables))
        return
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(todo)), initializer=_init_worker, initargs=(os.getpid(),))
    try:
        futures = [pool.submit(_work, str(f), str(entry), backend, tables) for f, entry in todo]
        for future in futures:  # in input order: deterministic output
            record(future.result())
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


# -- a Dask cluster ----------------------------------------------------------------------------------------
#
# dask.distributed is an optional extra (``pip install 'policytext[cluster]'``), imported only here and
# only when a run has reports to analyse on a cluster: the library imports, and ``analyze`` runs,
# without it.

#: Seconds to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = 10.0
#: Seconds a run with reports left waits for a cluster that has no worker before it stops.
NO_WORKER_TIMEOUT = 60.0
#: Seconds between two looks at the reports done (and, when none is, at the cluster).
_POLL = 0.05
#: ``scheduler`` values that start a cluster on this machine: ``local`` or ``local:N`` (N workers).
LOCAL_CLUSTER = "local"


def check_scheduler(scheduler) -> None:
    """Stop with one line (:class:`~policytext.errors.PolicyTextError`) when ``scheduler`` cannot be
    used: dask.distributed is not installed, or ``local:N`` is not a count.  Nothing is imported or
    connected to: a run with nothing to analyse never needs the cluster."""
    import importlib.util

    if scheduler is None:
        return
    if isinstance(scheduler, str):
        _local_workers(scheduler, 1)
    if importlib.util.find_spec("distributed") is None or importlib.util.find_spec("dask") is None:
        raise PolicyTextError("running on a Dask cluster needs dask.distributed, which is not installed: "
                              "pip install 'policytext[cluster]' (or dask and distributed)")


def _local_workers(scheduler: str, default: int) -> int | None:
    """The number of workers of ``local`` / ``local:N``; None for a scheduler's address."""
    name, sep, count = scheduler.partition(":")
    if name != LOCAL_CLUSTER:
        return None
    if not sep:
        return default
    if not count.isdigit() or int(count) < 1:
        raise PolicyTextError(f"{scheduler}: give local or local:N, N a number of workers (1 or more)")
    return int(count)


def _worker_facts(backend: str, cache: str) -> tuple[str, bool]:
    """Run on each worker before a run: the library it runs (:func:`_library`) and whether it can write
    into the run's cache folder."""
    return _library(backend), os.path.isdir(cache) and os.access(cache, os.W_OK | os.X_OK)


def _remote_work(path: str, entry: str, backend: str, library: str, tables: tuple[str, ...] = TABLES) -> dict:
    """:func:`_work` on a worker of a Dask cluster, if the worker runs the library of the run that sent
    it (the cache key names the library: another version or code would file its tables under this
    one's name); else a failure."""
    here = _library(backend)
    if here != library:
        return {"path": path, "ok": False, "seconds": 0.0, "bytes": 0,
                "reason": f"{path}: the worker runs policytext {here}, not {library} as this run does; "
                          "the workers need the same policytext (version and code)"}
    return _work(path, entry, backend, tables)


@contextmanager
def _quiet(name: str = "distributed"):
    """Keep dask's log lines (a worker restarted, a scheduler lost) off standard error while a run uses
    the cluster: what they report reaches the user as one line, a failure row or an error."""
    import logging

    # each of dask's loggers (distributed.client, …) may have a level of its own
    names = [name, *(n for n in list(logging.root.manager.loggerDict) if n.startswith(f"{name}."))]
    loggers = [logging.getLogger(n) for n in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def _probe(address: str, timeout: float) -> None:
    """Check that a Dask scheduler answers at ``address`` within ``timeout`` seconds, in a connection of
    its own: a failed ``distributed.Client`` lingers, and says so on standard error when collected."""
    import asyncio

    from distributed.comm import connect

    async def identity():
        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await asyncio.wait_for(comm.read(), timeout)
        finally:
            comm.abort()

    found: dict = {}

    def probe() -> None:  # in a thread of its own: asyncio.run needs one with no running loop (not a notebook's)
        try:
            found["answer"] = asyncio.run(asyncio.wait_for(identity(), timeout + 1))
        except BaseException as exc:
            found["error"] = exc

    thread = threading.Thread(target=probe, daemon=True, name="policytext-probe")  # Ctrl-C never waits for it
    thread.start()
    thread.join(timeout + 5)
    try:
        if "error" in found:
            raise found["error"]
        if "answer" not in found:
            raise asyncio.TimeoutError()
        answer = found["answer"]
    except ValueError as exc:  # no port, an unknown scheme
        raise PolicyTextError(f"{address}: not the address of a Dask scheduler ({' '.join(str(exc).split())}); "
                              f"give tcp://host:port") from None
    except (OSError, asyncio.TimeoutError) as exc:  # refused, unreachable, no answer (OSError includes TimeoutError)
        detail = " ".join(str(exc).split())
        if not detail or "connect" not in detail:
            detail = f"no answer in {timeout:.0f} s" if isinstance(exc, asyncio.TimeoutError) else detail or type(exc).__name__
        raise PolicyTextError(f"{address}: cannot reach a Dask scheduler there ({detail})") from None
    except (Exception, asyncio.CancelledError) as exc:  # something answers, in another protocol
        raise PolicyTextError(f"{address}: what answers there is not a Dask scheduler "
                              f"({type(exc).__name__})") from None
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        raise PolicyTextError(f"{address}: what answers there is not a Dask scheduler")


#: Run by each worker process of a local cluster as it starts (a preload: Python source): a Ctrl-C at the
#: terminal, sent to every process of the run, then reaches the run alone, which stops its workers itself
#: (as the local pool's workers ignore it), instead of each worker printing a traceback.
_IGNORE_CTRL_C = "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN)"


@contextmanager
def _client(scheduler, jobs: int):
    """A ``distributed.Client`` for ``scheduler``, closed at the end (with the cluster, for ``local``);
    a Client given is used as it is and left open."""
    import logging

    import dask
    from distributed import Client, LocalCluster

    if not isinstance(scheduler, str):  # a Client of the caller's
        yield scheduler, getattr(getattr(scheduler, "scheduler", None), "address", None) or "the Dask cluster"
        return
    owned = []
    try:
        workers = _local_workers(scheduler, jobs)
        if workers is not None:
            try:  # one thread per worker: the work is Python, holding the GIL; one task per worker at a
                # time, so that a worker that dies takes only its own report down
                with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):
                    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                           dashboard_address=None, silence_logs=logging.CRITICAL,
                                           preload=[_IGNORE_CTRL_C],
                                           # no dashboard; the scheduler's HTTP server on any free port
                                           scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
            except Exception as exc:
                raise PolicyTextError(f"cannot start a local Dask cluster: {type(exc).__name__}: {exc}") from None
            owned.append(cluster)
            address = cluster.scheduler_address
        else:
            address = scheduler
            _probe(address, CONNECT_TIMEOUT)
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except Exception as exc:
            raise PolicyTextError(f"{address}: cannot connect to the Dask scheduler: {exc}") from None
        owned.append(client)
        yield client, address
    finally:
        for thing in reversed(owned):  # the client, then the cluster it ran on
            try:
                thing.close(timeout=CONNECT_TIMEOUT)
            except Exception:  # a scheduler already gone: nothing left to close
                pass


def _compute_on_cluster(todo: list[tuple[Path, Path]], backend: str, record, scheduler, jobs: int = 0,
                        tables: tuple[str, ...] = TABLES) -> None:
    """Analyse each ``(file, cache entry)`` of ``todo`` on a Dask cluster, calling ``record(outcome)`` as
    each report is done (``outcome["path"]`` says which).

    ``scheduler`` is a scheduler's address (``tcp://host:8786``), ``local`` / ``local:N`` (a
    ``LocalCluster`` of N worker processes on this machine, ``jobs`` by default), or a
    ``distributed.Client``.  Each report is one task calling :func:`_work`, which writes the report's
    cache entry from the worker, exactly as a local worker does: the workers must run the same
    policytext (version and code; checked) and see the input files and the output folder at the same
    paths (a shared file system; checked for the cache folder).  Then:

    * a report whose task fails, or whose worker dies each time it is tried (Dask's
      ``allowed-failures``: out of memory, killed), is a failure of that report, never a hang; a report
      whose workers died is tried once more alone, after the others (one task on the whole cluster), so
      that a report sent to a worker that another report killed is not blamed for it;
    * a scheduler that cannot be reached in :data:`CONNECT_TIMEOUT` seconds, that is lost during the
      run, or a cluster left without a worker for :data:`NO_WORKER_TIMEOUT` seconds stops the run
      with one line (the reports done are in the cache: a rerun goes on from there);
    * Ctrl-C or SIGTERM cancels the tasks not yet done and closes the client (a report a remote worker
      is analysing runs to its end, and its entry is kept or its temporary folder removed by the next
      run); with ``local``, the workers are stopped.
    """
    from distributed import as_completed

    try:
        with _quiet(), _client(scheduler, max(1, jobs or os.cpu_count() or 1)) as (client, address):
            cache = os.path.abspath(todo[0][1].parent)
            _check_workers(client, address, backend, cache)
            library, token = _library(backend), secrets.token_hex(4)
            futures = {}
            sizes = [os.path.getsize(f) if os.path.isfile(f) else 0 for f, _ in todo]
            backlog = sorted(range(len(todo)), key=lambda i: (-sizes[i], i))  # longest first
            alone = False  # the second pass: one task at a time on the whole cluster
            died: list[dict] = []  # the outcomes of the first pass whose workers died: its reports

            def submit() -> list:
                """Send reports until every worker thread has one (in the second pass, until one is out): a
                worker holds one report at a time, so a worker that dies takes only the report it was
                analysing with it, unless Dask sends a report it retries to a busy worker."""
                sent = []
                threads = 1 if alone else max(1, sum(client.nthreads().values()))
                while backlog and len(futures) < threads:
                    i = backlog.pop(0)
                    f, entry = todo[i]
                    path = os.path.abspath(f)  # a worker's working folder is not this one's
                    future = client.submit(_remote_work, path, os.path.abspath(entry), backend, library, tables,
                                           pure=False, key=f"policytext-analyze-{token}-{i}{'-alone' if alone else ''}")
                    futures[future] = (str(f), path, sizes[i])
                    sent.append(future)
                return sent

            def first_pass(outcome: dict) -> None:
                (died.append if outcome.pop("died", False) else record)(outcome)

            def second_pass(outcome: dict) -> None:
                outcome.pop("died", None)
                record(outcome)

            try:
                done = as_completed(submit(), with_results=True, raise_errors=False, loop=client.loop)
                _collect(client, address, done, futures, first_pass, total=len(todo),
                         refill=lambda: [done.add(future) for future in submit()])
                if died:
                    position = {str(f): i for i, (f, _) in enumerate(todo)}
                    alone = True
                    backlog.extend(sorted(position[o["path"]] for o in died))
                    done = as_completed(submit(), with_results=True, raise_errors=False, loop=client.loop)
                    _collect(client, address, done, futures, second_pass, total=len(died),
                             refill=lambda: [done.add(future) for future in submit()], before=len(todo) - len(died))
            except BaseException:  # Ctrl-C, SIGTERM, the scheduler lost: the tasks not done are not wanted
                if futures and client.status == "running":  # else the scheduler is gone, and the tasks with it
                    try:
                        client.cancel(list(futures), force=True)
                    except Exception:
                        pass
                raise
    except PolicyTextError:
        raise
    except Exception as exc:  # dask's own failures (a connection broken while submitting, …): one line too
        where = scheduler if isinstance(scheduler, str) else "the Dask cluster"
        raise PolicyTextError(f"{where}: the Dask cluster failed: {type(exc).__name__}: "
                              f"{' '.join(str(exc).split())}") from exc


def _check_workers(client, address: str, backend: str, cache: str) -> None:
    """Stop with one line when a worker of the cluster cannot run this run's reports: it cannot import
    policytext, runs another version or code of it, or does not see the output folder."""
    try:
        facts = client.run(_worker_facts, backend, cache, on_error="return")
    except Exception as exc:
        raise PolicyTextError(f"{address}: cannot ask the workers what they run: {type(exc).__name__}: {exc}") from None
    library = _library(backend)
    for worker, fact in sorted(facts.items()):
        if isinstance(fact, BaseException):
            raise PolicyTextError(f"{address}: the worker {worker} cannot run policytext "
                                  f"({type(fact).__name__}: {fact}); install this policytext on the workers")
        if fact[0] != library:
            raise PolicyTextError(f"{address}: the worker {worker} runs policytext {fact[0]}, this run {library}; "
                                  f"the workers need the same policytext (version and code)")
        if not fact[1]:
            raise PolicyTextError(f"{address}: the worker {worker} cannot write to {cache}; the workers need the "
                                  f"input files and the output folder at the same paths (a shared file system)")


def _collect(client, address: str, done, futures: dict, record, *, total: int, refill=lambda: None,
             before: int = 0) -> None:
    """Record each report as its task ends (``done``: an ``as_completed`` of ``futures``, the tasks sent),
    calling ``refill()`` to send more as tasks end, until all ``total`` have; stop with one line when the
    scheduler is lost or no worker is left (see :func:`_compute_on_cluster`).  ``before``: reports of the
    run done before these (its messages count the whole run)."""
    recorded, idle_since, looked = 0, None, 0.0

    def lost() -> PolicyTextError:
        return PolicyTextError(f"{address}: lost the Dask scheduler after {before + recorded} of {before + total} "
                               f"reports (those are cached: run again to go on)")

    while recorded < total:
        batch = done.next_batch(block=False)
        for future, value in batch:
            given, path, size = futures.pop(future)
            if future.status == "cancelled":  # by the client, when it lost the scheduler
                raise lost()
            record(_outcome(future.status, value, given, path, size))
            recorded += 1
        if batch:
            refill()  # the threads freed
        now = time.monotonic()
        if batch:
            idle_since = None
        elif now - looked >= 1:  # nothing done for a while: is there still a cluster to do it?
            looked = now
            if client.status != "running":
                raise lost()
            refill()  # workers that joined (or the first, when the cluster had none)
            if client.scheduler_info(n_workers=0).get("n_workers", 1):
                idle_since = None
            elif idle_since is None:
                idle_since = now
            elif now - idle_since > NO_WORKER_TIMEOUT:
                raise PolicyTextError(f"{address}: the cluster has had no worker for {NO_WORKER_TIMEOUT:.0f} s, "
                                      f"with {total - recorded} of {before + total} reports left (those done are "
                                      f"cached)")
        if not batch:
            time.sleep(_POLL)


def _outcome(status: str, value, given: str, path: str, size: int) -> dict:
    """The outcome of a report's task, labelled with the path as the run was given it (a worker was given
    it absolute)."""
    if status == "finished":
        outcome = dict(value)
        if given != path:
            outcome["reason"] = outcome["reason"].replace(path, given)
        outcome["path"] = given
        return outcome
    error = value[1] if isinstance(value, tuple) and len(value) > 1 else value
    died = type(error).__name__ == "KilledWorker"
    if died:
        why = ("the worker analysing it died each time it was tried, also alone on the cluster (KilledWorker): "
               "it may need more memory than a worker has")
    else:
        why = f"its task failed on the cluster: {type(error).__name__}: {error}"
    return {"path": given, "ok": False, "reason": " ".join(f"{given}: {why}".split()), "seconds": 0.0, "bytes": size,
            "died": died}


# -- the output folder -------------------------------------------------------------------------------------

#: The list of what ``analyze`` wrote in its output folder, and from which inputs.
MANIFEST = ".policytext-output"
LOCK = ".lock"
CACHE = ".cache"


def _table_files() -> list[str]:
    """The files ``analyze`` writes at the top of its output folder."""
    return [*(f"{name}.csv" for name in TABLES), "failures.csv"]


@contextmanager
def _writing(out: Path):
    """Turn a failure to create or write a file of the output folder (read-only, full) into one line
    naming the file and the problem."""
    try:
        yield
    except OSError as exc:
        where = os.fsdecode(exc.filename) if exc.filename else out
        raise PolicyTextError(f"{where}: cannot write the tables: {exc.strerror or exc}") from None


def _real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _plain_file(path: Path) -> bool:
    """A regular file, not a link to one."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _make_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise PolicyTextError(f"{out}: exists and is not a folder; give a folder for --out") from None
    except OSError as exc:
        raise PolicyTextError(f"{out}: cannot create the output folder: {exc.strerror or exc}") from None


try:
    import fcntl
except ImportError:  # Windows
    fcntl = None


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:  # BlockingIOError, or Windows' PermissionError: another run holds it
        return False
    return True


def _lock(out: Path) -> int:
    """Take ``<out>/.lock`` for the run (released by closing the descriptor returned): a second run into
    the same folder waits, saying so on standard error, until the first is done; the operating system
    releases the lock of a run that is killed.  Waiting rather than failing: a run started while
    another writes the same folder (two terminals, a rerun of ``make run``) then simply runs after it."""
    if os.path.islink(out / LOCK):
        raise PolicyTextError(f"{out / LOCK}: is a symbolic link policytext analyze did not make; remove it")
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        if not _try_lock(fd):
            print(f"policytext: waiting for another policytext analyze writing to {out} to finish", file=sys.stderr,
                  flush=True)
            while not _try_lock(fd):
                time.sleep(0.2)
    except BaseException:  # Ctrl-C while waiting
        os.close(fd)
        raise
    return fd


def _remove_temporaries(out: Path) -> None:
    """Remove what an interrupted run left (temporary folders of tables and of cache entries); only
    while the lock is held, when no other run writes here."""
    for folder in (out, out / CACHE):
        if folder.is_dir() and not folder.is_symlink():
            for leftover in folder.glob(f"{TEMPORARY}*"):
                _discard(leftover)


def _previous(out: Path) -> dict:
    """What the last run wrote here (``files``, relative paths) and from which inputs (``inputs``,
    None when it had failures): the manifest, or, for a folder written before there was one (a
    ``.cache/manifest.txt``), the tables found; ``{}`` for a folder ``analyze`` never wrote."""
    manifest = out / MANIFEST
    if manifest.is_file() and not manifest.is_symlink():
        try:
            found = json.loads(manifest.read_text(encoding="utf-8"))
            return {"files": set(found["files"]), "inputs": found.get("inputs"), "copies": found.get("copies", 0)}
        except (OSError, ValueError, KeyError, TypeError):
            return {}
    if _written_before_manifests(out):
        files = {name for name in _table_files() if (out / name).is_file()}
        files |= {f.relative_to(out).as_posix() for name in TABLES for f in (out / "parquet" / name).glob("*.parquet")}
        return {"files": files, "inputs": None}
    return {}


def _written_before_manifests(out: Path) -> bool:
    """Whether ``out`` was written by ``analyze`` 0.1.0, which kept no manifest: its cache holds the
    up-to-date record ``manifest.txt`` or entries of cache format 2."""
    cache = out / CACHE
    return _real_dir(cache) and any(p.name == "manifest.txt" or p.name.endswith("-c2") for p in cache.iterdir())


def _foreign(out: Path, owned: set[str]) -> list[str]:
    """The paths (relative to ``out``) where ``analyze`` would write that hold what it did not write:
    a file of another origin under a table's name, any symbolic link, a file where it needs a folder."""
    found = [name for name in (*_table_files(), MANIFEST)
             if os.path.lexists(out / name) and not (_plain_file(out / name) and (name in owned or name == MANIFEST))]
    found += [name for name in (CACHE, "parquet") if os.path.lexists(out / name) and not _real_dir(out / name)]
    for name in TABLES if _real_dir(out / "parquet") else ():
        table = out / "parquet" / name
        if os.path.lexists(table) and not _real_dir(table):
            found.append(table.relative_to(out).as_posix())
        elif _real_dir(table):
            for f in sorted(table.iterdir()):
                if not (_plain_file(f) and f.relative_to(out).as_posix() in owned):
                    found.append(f.relative_to(out).as_posix())
    return found


def _prepare(out: Path, *, overwrite: bool) -> dict:
    """Clean the output folder of an interrupted run's leftovers and check it (see :func:`_output_folder`);
    return what the last run wrote there (:func:`_previous`)."""
    _remove_temporaries(out)
    previous = _previous(out)
    foreign = _foreign(out, previous.get("files", set()))
    if foreign and not overwrite:
        more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
        raise PolicyTextError(f"{out}: holds {foreign[0]}{more}, which policytext analyze did not write and "
                              f"would replace; choose another folder, or pass --overwrite to replace it")
    cache = out / CACHE
    if not _real_dir(cache):
        _discard(cache)  # nothing, or (with overwrite) a link, removed and never followed, or a file
        cache.mkdir()
    return previous


@contextmanager
def _output_folder(out: Path, *, overwrite: bool):
    """The output folder, created, locked and checked, for the length of the run; yields what the last
    run wrote there (:func:`_previous`).  Stops with one line when it holds, where the tables go,
    something ``analyze`` did not write (unless ``overwrite``); other files are never touched."""
    _make_folder(out)
    with _writing(out):
        fd = _lock(out)
    try:
        with _writing(out):
            previous = _prepare(out, overwrite=overwrite)
        yield previous
    finally:
        os.close(fd)


def _listing(files, digests, backend: str, tables: tuple[str, ...] = TABLES) -> str:
    """The inputs of a run, compared with the manifest's to tell whether the tables are up to date."""
    return "\n".join([_library(backend), " ".join(tables), *(f"{f}\t{d}" for f, d in zip(files, digests))])


def _up_to_date(out: Path, previous: dict, listing: str) -> bool:
    """True when the tables in ``out`` were written last time from the same reports (same paths,
    content, library and backend) and are all there: a rerun then has nothing to do."""
    return previous.get("inputs") == listing and all(_plain_file(out / f) for f in previous["files"])


@contextmanager
def _signals_held():
    """Hold Ctrl-C and SIGTERM while the tables are renamed into place (a few renames), and deliver
    them after: a run stops before its tables change or after all have, never between."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    handlers = {sig: signal.signal(sig, lambda number, frame: caught.append(number)) for sig in held}
    try:
        yield
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        for sig in caught:
            signal.raise_signal(sig)


def _commit(staging: Path, out: Path, written: list[str], previous: dict, manifest: dict) -> None:
    """Move the tables written in ``staging`` into ``out``, each in one rename (a link in the way is
    replaced, never followed; what was there goes to ``staging``, removed after), then the manifest.

    The manifest first claims both the old tables and the new, without inputs: a run stopped half
    way (only ``kill -9`` can stop it there) is not taken as up to date, and its tables stay its own.
    """
    from .export import write_atomic

    old = staging / "old"
    old.mkdir()

    def aside(target: Path) -> None:  # renamed, not followed, when it is a link
        if os.path.lexists(target):
            os.rename(target, old / str(len(list(old.iterdir()))))

    claimed = sorted(set(written) | previous.get("files", set()))
    with _signals_held():
        write_atomic(out / MANIFEST, json.dumps({"files": claimed, "inputs": None}, indent=1).encode("utf-8"))
        for name in _table_files():
            if _real_dir(out / name):
                aside(out / name)
            if os.path.lexists(staging / name):
                os.replace(staging / name, out / name)  # over a file or a link, in one step
            else:  # a table this run does not write: an earlier run's copy would look current
                aside(out / name)
        parquet = out / "parquet"
        if not _real_dir(parquet):
            aside(parquet)
            parquet.mkdir()
        for name in TABLES:
            aside(parquet / name)
            if (staging / "parquet" / name).is_dir():
                os.rename(staging / "parquet" / name, parquet / name)
        write_atomic(out / MANIFEST, json.dumps({"files": written, **manifest}, indent=1).encode("utf-8"))
        (out / CACHE / "manifest.txt").unlink(missing_ok=True)  # the up-to-date record of version 0.1.0


# -- the run -----------------------------------------------------------------------------------------------


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
            backend: str | None = None, overwrite: bool = False, scheduler=None, tables=None) -> AnalyzeResult:
    """Analyse reports (files or folders) into ``out`` (see the module docstring).

    ``tables`` names the tables to write (:data:`~policytext.options.TABLES`, or ``"all"``); by default
    :data:`~policytext.options.DEFAULT_TABLES`, every table but ``tokens``.  ``reports`` is always
    written.  A table asked for is the same, byte for byte, whatever else is asked for; the tables of
    an earlier run that this one does not write are removed, so the folder holds one run's tables.

    ``overwrite`` lets the run replace files in ``out`` that it did not write itself, where its
    tables go; without it such a file stops the run (:class:`~policytext.errors.PolicyTextError`).

    ``scheduler`` runs the reports on a Dask cluster (the extra ``policytext[cluster]``) instead of
    ``jobs`` local processes: a scheduler's address (``"tcp://host:8786"``), ``"local"`` or
    ``"local:N"`` for a cluster of N worker processes started on this machine (``jobs`` by default),
    or a ``distributed.Client``.  The cache, the failures and the tables are those of a local run
    (see :func:`_compute_on_cluster` for what the workers need); the cluster is reached only when
    a report is to be analysed.
    """
    backend = backend or DEFAULT_BACKEND
    tables = chosen_tables(tables)
    check_scheduler(scheduler)
    started = time.perf_counter()
    files = expand(paths, every_entry=True)
    out = Path(out)
    result = AnalyzeResult(out=out, reports=len(files))
    with _output_folder(out, overwrite=overwrite) as previous:
        examined = [_examine(f) for f in files]
        listing = _listing(files, [digest or reason for digest, reason in examined], backend, tables)
        if not force and _up_to_date(out, previous, listing):  # the tables on disk come from these very reports
            result.copies = previous.get("copies", 0)
            result.done, result.cached = len(files), len(files) - result.copies
        else:
            _run(files, examined, out, previous, listing, result, jobs=jobs, force=force, progress=progress,
                 backend=backend, scheduler=scheduler, tables=tables)
    result.seconds = time.perf_counter() - started
    return result


def chosen_tables(tables=None) -> tuple[str, ...]:
    """The tables a run writes, in :data:`~policytext.options.TABLES` order: ``None`` for
    :data:`~policytext.options.DEFAULT_TABLES`, ``"all"``, or names (a list, or one string with commas),
    ``reports`` always among them; an unknown name is a :class:`ValueError` naming it."""
    if tables is None:
        return DEFAULT_TABLES
    names = [t.strip() for t in tables.split(",")] if isinstance(tables, str) else [str(t).strip() for t in tables]
    if "all" in names:
        return TABLES
    unknown = [t for t in names if t not in TABLES]
    if unknown:
        raise ValueError(f"unknown table {unknown[0]!r}: choose from {', '.join(TABLES)}, or all")
    return tuple(t for t in TABLES if t in names or t == "reports")


def _run(files, examined, out: Path, previous: dict, listing: str, result: AnalyzeResult, *, jobs, force, progress,
         backend, scheduler=None, tables: tuple[str, ...] = TABLES) -> None:
    """Analyse what the cache lacks, then write the combined tables (see :func:`analyze`)."""
    cache_root = out / CACHE
    keys = [cache_key(f, backend, digest) if digest else None for f, (digest, _) in zip(files, examined)]
    first: dict[str, int] = {}  # each content is analysed once per run: a copy of a report is served from its twin's entry
    for i, k in enumerate(keys):
        if k is not None:
            first.setdefault(k, i)
    result.copies = sum(k is not None for k in keys) - len(first)
    entries = {} if force else {k: _entry_info(cache_root / k, tables) for k in first}
    todo = [(files[i], cache_root / k) for k, i in first.items() if not entries.get(k)]
    result.cached = len(first) - len(todo)
    skipped = sum(reason is not None for _, reason in examined)
    bar = _progress(len(files), result.cached + result.copies + skipped, progress)
    computed: list[dict] = []
    try:
        _compute(todo, backend, max(1, jobs or os.cpu_count() or 1), lambda o: _record(o, computed, bar, result),
                 scheduler, tables)
    except BaseException:
        _remove_temporaries(out)  # the entries the stopped workers were writing
        raise
    finally:
        if bar is not None:
            bar.close()
    by_path = {outcome["path"]: outcome for outcome in computed}  # in input order, or as done on a cluster
    outcomes = {entry.name: by_path[str(f)] for f, entry in todo}  # by key
    reasons = [reason or _failure(f, keys[i], first, files, outcomes) for i, (f, (_, reason)) in
               enumerate(zip(files, examined))]
    result.failures = [{"path": str(f), "reason": r} for f, r in zip(files, reasons) if r]
    done = [(f, cache_root / k, entries.get(k) or {"doc_id": outcomes[k]["doc_id"]})
            for f, k, r in zip(files, keys, reasons) if not r]
    with _writing(out):
        staging = _fresh_folder(out, "tables")
        try:
            written = _combine(done, result, staging, tables if done else ())  # no report: only failures.csv
            manifest = {"inputs": None if result.failures else listing, "copies": result.copies}
            _commit(staging, out, written, previous, manifest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _failure(f: Path, key: str, first: dict, files: list, outcomes: dict) -> str:
    """The reason a readable file failed ('' when it did not): its own, or its twin's (a copy of a bad
    file fails too)."""
    outcome = outcomes.get(key)
    if outcome is None or outcome["ok"]:
        return ""
    return outcome["reason"] if files[first[key]] == f else f"{f}: same content as {outcome['reason']}"


def _progress(total: int, cached: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, initial=cached, unit="report", file=sys.stderr, desc="policytext analyze",
               dynamic_ncols=True)
    bar.set_postfix(failed=0, cached=cached)
    return bar


def _record(outcome: dict, computed: list[dict], bar, result: AnalyzeResult) -> None:
    computed.append(outcome)
    result.bytes += outcome["bytes"]
    if bar is not None:
        elapsed = max(bar.format_dict.get("elapsed", 0) or 0, 1e-6)
        bar.update(1)
        bar.set_postfix(failed=sum(not o["ok"] for o in computed), MB_s=f"{result.bytes / 1e6 / elapsed:.2f}")


def _relabelled(table: pa.Table, info: dict, doc_id: str, path: Path) -> pa.Table:
    """A cached table labelled for the file it is written for: its ``doc_id`` (and the label columns
    naming the same report, :data:`LABEL_COLUMNS`) and, in ``reports``, its ``path``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for name in LABEL_COLUMNS if info["doc_id"] != doc_id else ():
        i = table.schema.get_field_index(name)
        column = table.column(i) if i >= 0 else None
        if column is not None and (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            same = pc.equal(column, pa.scalar(info["doc_id"], column.type))
            table = table.set_column(i, name, pc.if_else(same, pa.scalar(doc_id, column.type), column))
    i = table.schema.get_field_index("path")
    if i >= 0:
        table = table.set_column(i, "path", pa.array([str(path)] * table.num_rows, table.schema.field(i).type))
    return table


def _combine(done: list[tuple[Path, Path, dict]], result: AnalyzeResult, staging: Path,
             tables: tuple[str, ...] = TABLES) -> list[str]:
    """Write the combined tables ``tables`` into ``staging`` one report at a time (bounded memory), in
    input order; return the paths written, relative to it.  ``done``: each report analysed, with its
    cache entry."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..document.report import safe_doc_id
    from .export import BOM, csv_bytes, parquet_bytes, table_bytes

    # one schema per table across reports: a column with no value in one report (Arrow type null) takes
    # its type from the others, so that pandas.read_parquet("<out>/parquet/<table>") reads them all
    own = {name: [pq.read_schema(folder / f"{name}.parquet") for _, folder, _ in done] for name in tables}
    schemas = {name: pa.unify_schemas(own[name], promote_options="default") for name in tables if done}
    written = [*(f"{name}.csv" for name in tables), "failures.csv"]
    csv_files = {name: open(staging / f"{name}.csv", "wb") for name in tables}
    try:
        for n, (f, folder, info) in enumerate(done):
            result.done += 1
            doc_id = safe_doc_id(f.name)
            for name in tables:
                source = folder / f"{name}.parquet"
                target = Path("parquet", name, f"{result.done:06d}_{doc_id}.parquet")
                (staging / target).parent.mkdir(parents=True, exist_ok=True)
                written.append(target.as_posix())
                if name == "reports" or info["doc_id"] != doc_id:  # labelled for this file
                    table = _relabelled(pq.read_table(source), info, doc_id, f)
                    (staging / target).write_bytes(parquet_bytes(table.cast(schemas[name])))
                    data = csv_bytes(table, bom=False)
                else:  # the worker's own files, copied (or cast, when a column is empty here and typed elsewhere)
                    if own[name][n].remove_metadata().equals(schemas[name].remove_metadata()):
                        shutil.copyfile(source, staging / target)
                    else:
                        (staging / target).write_bytes(parquet_bytes(pq.read_table(source).cast(schemas[name])))
                    data = gzip.decompress((folder / f"{name}.csv.gz").read_bytes())
                if n:
                    data = data[data.index(b"\n") + 1:]
                else:
                    data = BOM + data
                csv_files[name].write(data)
    finally:
        for handle in csv_files.values():
            handle.close()
    failures = pd.DataFrame(result.failures, columns=["path", "reason"])
    (staging / "failures.csv").write_bytes(table_bytes(failures, "csv"))
    return written
