"""Executing the notebooks: every ``notebooks/NN-*.ipynb`` on a report, with papermill, in parallel.

The notebooks are executed here, once per run, and the site shows these executed copies: what the
site shows is what this code produced from this report.  A notebook that raises fails the run,
naming the notebook and the error.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from policytext import paths
from policytext.errors import PolicyTextError

__all__ = ["notebooks", "execute_notebook", "execute_all"]


#: Arguments of every kernel: its own log at ERROR, so that a run does not print ipykernel's warning
#: about TCP without encryption seven times (the kernel and papermill talk on this machine only).
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


def notebooks(folder: Path = paths.NOTEBOOKS) -> list[Path]:
    """The collection's notebooks, ``NN-slug.ipynb``, in order."""
    return sorted(folder.glob("[0-9][0-9]-*.ipynb"))


def execute_notebook(source: Path, target: Path, *, report: Path, folder: Path | None = None,
                     kernel: str = "python3") -> float:
    """Execute one notebook with ``REPORT`` set to ``report`` (and ``FOLDER`` to ``folder``, for a
    notebook whose parameters cell has one); return the seconds it took.

    Paths inside the project are passed relative to it (the notebooks read ``paths.ROOT / REPORT``),
    so the executed notebooks and the site do not show the absolute paths of the machine that ran them.
    """
    import papermill

    started = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    parameters = {"REPORT": paths.shown(report)}
    if folder is not None and "FOLDER" in papermill.inspect_notebook(str(source)):
        parameters["FOLDER"] = paths.shown(folder)
    try:
        papermill.execute_notebook(str(source), str(target), parameters=parameters,
                                   kernel_name=kernel, cwd=str(source.parent), progress_bar=False,
                                   log_output=False, extra_arguments=KERNEL_ARGUMENTS)
    except papermill.PapermillExecutionError as exc:
        raise PolicyTextError(f"{source.name} failed in cell {exc.exec_count}: {exc.ename}: "
                              f"{' '.join(str(exc.evalue).split())} (executed copy: {target})") from None
    return time.perf_counter() - started


def _analyze(report: Path, tables: Path) -> float:
    from policytext.corpus.analyze import analyze

    started = time.perf_counter()
    # the reports table records the path as given: relative to where the run started, when inside it
    result = analyze([paths.shown(report, Path.cwd())], tables, jobs=1, progress=False)
    if not result.ok:
        raise PolicyTextError(f"{report}: policytext analyze failed: {result.failures[0]['reason']}")
    return time.perf_counter() - started


def execute_all(report: Path, out_dir: Path, *, jobs: int = 2, tables: Path | None = None,
                folder: Path | None = None) -> dict[str, float]:
    """Execute every notebook (``jobs`` at a time; each reads only the raw reports); return timings.

    ``folder`` is the folder of reports the comparing notebooks read (their ``FOLDER`` parameter;
    their own default when None).  With ``tables``, ``policytext analyze`` writes the library's
    tables there in the same pool, beside the notebooks.
    """
    sources = notebooks()
    if not sources:
        raise PolicyTextError(f"{paths.NOTEBOOKS}: no notebooks (NN-slug.ipynb) found")
    out_dir.mkdir(parents=True, exist_ok=True)
    # longest first (times of the previous run), so that two workers finish together
    timing_file = out_dir / "timings.json"
    previous = json.loads(timing_file.read_text()) if timing_file.is_file() else {}
    tasks = [(s.name, execute_notebook, (s, out_dir / s.name), {"report": report, "folder": folder}) for s in sources]
    if tables is not None:
        tasks.append(("policytext analyze", _analyze, (report, tables), {}))
    tasks.sort(key=lambda t: -previous.get(t[0], 0.0))
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {name: pool.submit(func, *a, **kw) for name, func, a, kw in tasks}
        timings = {name: futures[name].result() for name in sorted(futures)}
    timing_file.write_text(json.dumps(timings, indent=1), encoding="utf-8")
    return timings
