"""policytext analyze on a Dask cluster (--scheduler, --cluster local:N): the tables, the cache and the
failures of a local run, and one line when the cluster cannot be used.

The cluster tests share one ``LocalCluster`` of two worker processes (as a remote cluster would be:
the workers import policytext themselves and write the cache entries into the output folder).  They
are skipped when dask.distributed is not installed (the extra ``policytext[cluster]``); the test of
what happens without it runs everywhere.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policytext import cli, paths
from policytext.corpus import analyze as corpus_analyze
from analyze_runs import one_line_error as _one_line_error, run_analyze as _run
from processes import alive, children

CLI = [sys.executable, "-m", "policytext.cli"]
SAFETY = 120  # seconds a subprocess may take before the test gives up on it (never reached when all is well)
#: Six of the smallest reports of the bundled corpus (0.2 MB in all).
SMALL = ["2013_district_hailar.txt", "2014_district_hailar.txt", "2015_district_hailar.txt",
         "2026_province_hebei.txt", "2012_district_hailar.txt", "2026_province_jilin.txt"]
#: A file no encoding reads as Chinese text: a failure row.
UNDECODABLE = bytes(range(128, 256)) * 40


def _needs_dask():
    pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install 'policytext[cluster]')")


@pytest.fixture(scope="module")
def scheduler():
    """The address of a LocalCluster of two single-threaded worker processes, configured as ``--cluster
    local`` configures its own (one task per worker at a time)."""
    _needs_dask()
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def _corpus(root: Path, names=SMALL, bad: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(paths.CORPUS / name, root / name)
    if bad:
        (root / "2020_broken.txt").write_bytes(UNDECODABLE)
    return root


def _files(out: Path) -> dict[str, bytes]:
    """Every file of an output folder (its cache included) by relative path."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_cluster_run_writes_the_files_of_a_local_run(tmp_path, capsysbinary, monkeypatch, scheduler):
    """Byte for byte: every table (CSV and Parquet), failures.csv, the manifest and the cache entries,
    from paths given relative to the working folder (a worker is given them absolute)."""
    monkeypatch.chdir(tmp_path)
    src = _corpus(Path("in"))
    local_code, local_err = _run(capsysbinary, src, "--out", "local", "--jobs", "2")
    code, err = _run(capsysbinary, src, "--out", "cluster", "--scheduler", scheduler)
    assert (code, local_code) == (1, 1), err  # the undecodable file
    assert err.replace("cluster/", "local/").split(" in ")[0] == local_err.split(" in ")[0]  # the same lines
    local, cluster = _files(Path("local")), _files(Path("cluster"))
    assert sorted(local) == sorted(cluster)
    # The cached ``reports`` table holds the path as the worker was given it (the combined table holds the
    # path as the run was given it); the rest is the same, bytes and digests.
    differ = sorted(name for name in local if local[name] != cluster[name])
    assert all(name.startswith(".cache/") and name.endswith(("/reports.parquet", "/reports.csv.gz", "/entry.json"))
               for name in differ), differ
    assert not [name for name in local if not name.startswith(".cache/") and local[name] != cluster[name]]
    failures = (Path("cluster") / "failures.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(failures) == 2 and failures[1].startswith('"in/2020_broken.txt","in/2020_broken.txt: '), failures

    # a second run on the cluster is served from the cache: only the new report (and the failed one) is analysed
    shutil.copyfile(paths.CORPUS / "2026_province_henan.txt", src / "2026_province_henan.txt")
    code, err = _run(capsysbinary, src, "--out", "cluster", "--scheduler", scheduler)
    assert code == 1 and "analysed 7 of 8 report(s) (6 from the cache)" in err, err


@pytest.mark.slow
def test_a_worker_that_dies_fails_its_report_and_no_other(tmp_path, capsysbinary, monkeypatch, scheduler):
    """A report whose worker dies each time it is tried (out of memory, killed) is a failure row; the run
    goes on with the other workers and ends, never hangs.  (Six reports on two workers, one per worker
    at a time; Dask may still retry the deadly report on the worker analysing another one, which then
    dies with it: a report whose workers died is tried again alone, so only the deadly one fails.)"""
    real = corpus_analyze._remote_work

    def dies_on_crash(path, entry, backend, library, *tables):  # pickled by value: the workers run it as it is
        if "crash" in os.path.basename(path):
            os._exit(1)
        return real(path, entry, backend, library, *tables)

    monkeypatch.setattr(corpus_analyze, "_remote_work", dies_on_crash)
    src = _corpus(tmp_path / "in", SMALL[:5], bad=False)
    shutil.copyfile(paths.CORPUS / SMALL[0], src / "2015_crash.txt")
    started = time.monotonic()
    code, err = _run(capsysbinary, src, "--out", tmp_path / "out", "--scheduler", scheduler)
    assert code == 1 and time.monotonic() - started < SAFETY / 2, err
    failures = (tmp_path / "out" / "failures.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(failures) == 2 and "2015_crash.txt" in failures[1] and "died" in failures[1], failures
    assert "also alone" in failures[1]
    reports = (tmp_path / "out" / "reports.csv").read_text(encoding="utf-8-sig")
    assert all(name in reports for name in SMALL[:5])


def test_an_unreachable_scheduler_is_one_line_and_an_up_to_date_run_needs_none(tmp_path, capsysbinary, monkeypatch):
    _needs_dask()
    monkeypatch.setattr(corpus_analyze, "CONNECT_TIMEOUT", 1.0)
    report, out = paths.CORPUS / SMALL[0], tmp_path / "out"
    nowhere = f"tcp://127.0.0.1:{_free_port()}"
    code, err = _run(capsysbinary, report, "--out", out, "--scheduler", nowhere)
    assert code == 1
    _one_line_error(err, nowhere, "cannot reach a Dask scheduler")
    assert not (out / "reports.csv").exists()
    code, err = _run(capsysbinary, "--scheduler", "not-an-address", report, "--out", out)
    assert code == 1
    _one_line_error(err, "not-an-address", "tcp://host:port")
    # the tables are up to date: nothing to analyse, so the cluster is never asked
    assert _run(capsysbinary, report, "--out", out, "--jobs", "1")[0] == 0
    code, err = _run(capsysbinary, report, "--out", out, "--scheduler", nowhere)
    assert code == 0 and "1 from the cache" in err, err


def test_a_cluster_without_workers_stops_the_run_with_one_line(tmp_path, capsysbinary, monkeypatch):
    """Never a hang: a scheduler with no worker for NO_WORKER_TIMEOUT seconds stops the run."""
    _needs_dask()
    from distributed import LocalCluster

    monkeypatch.setattr(corpus_analyze, "NO_WORKER_TIMEOUT", 1.0)
    with LocalCluster(n_workers=0, processes=True, dashboard_address=None, scheduler_kwargs={
            "dashboard_address": "127.0.0.1:0"}) as empty:
        code, err = _run(capsysbinary, paths.CORPUS / SMALL[0], "--out", tmp_path / "out",
                         "--scheduler", empty.scheduler_address)
    assert code == 1
    _one_line_error(err, empty.scheduler_address, "no worker")
    assert not (tmp_path / "out" / "reports.csv").exists()


@pytest.mark.slow
def test_workers_running_another_policytext_stop_the_run_with_one_line(tmp_path, capsysbinary, monkeypatch,
                                                                        scheduler):
    """The cache key names the library: workers of another version or code would file their tables under
    this one's name."""
    real = corpus_analyze._library
    monkeypatch.setattr(corpus_analyze, "_library", lambda backend: real(backend) + "-changed")
    code, err = _run(capsysbinary, paths.CORPUS / SMALL[0], "--out", tmp_path / "out", "--scheduler", scheduler)
    assert code == 1
    _one_line_error(err, "the same policytext")
    assert not (tmp_path / "out" / "reports.csv").exists()


def test_without_dask_a_cluster_run_is_one_line(tmp_path, capsysbinary, monkeypatch):
    for name in ("dask", "distributed"):
        monkeypatch.setitem(sys.modules, name, None)  # as if not installed: find_spec says None
    for option in (["--scheduler", "tcp://127.0.0.1:8786"], ["--cluster", "local:2"]):
        code, err = _run(capsysbinary, paths.CORPUS / SMALL[0], "--out", tmp_path / "out", *option)
        assert code == 1
        _one_line_error(err, "dask", "pip install 'policytext[cluster]'")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [["--cluster", "remote"], ["--cluster", "local:0"],
                                  ["--scheduler", "tcp://h:1", "--cluster", "local"],
                                  ["--scheduler", "tcp://h:1", "--jobs", "2"]])
def test_cluster_options_misused_are_usage_errors(tmp_path, capsys, args):
    try:
        code = cli.main(["analyze", str(paths.CORPUS / SMALL[0]), "--out", str(tmp_path / "out"), *args])
    except SystemExit as stop:  # argparse's usage errors
        code = stop.code
    assert code == 2
    assert len(capsys.readouterr().err.strip().splitlines()[-1:]) == 1 and not (tmp_path / "out").exists()


def test_analyze_without_a_scheduler_never_imports_dask(tmp_path):
    code = ("import sys; from policytext.corpus.analyze import analyze; "
            f"analyze([{str(paths.CORPUS / SMALL[0])!r}], {str(tmp_path / 'out')!r}, jobs=1, progress=False); "
            "assert not {'dask', 'distributed'} & set(sys.modules), sorted(m for m in sys.modules if 'dask' in m)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=SAFETY)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads the process table from /proc")
@pytest.mark.parametrize("sig, code, group", [(signal.SIGTERM, 143, False), (signal.SIGINT, 130, True)],
                         ids=["SIGTERM", "Ctrl-C-to-the-process-group"])
def test_a_signal_stops_a_local_cluster_run_and_its_workers(tmp_path, sig, code, group):
    """SIGTERM to the run, or Ctrl-C at a terminal (SIGINT to every process of the run, its workers too):
    one line, the exit status of the signal, no worker left, no table written."""
    _needs_dask()
    report = paths.BUNDLED_REPORT.read_bytes()
    src = tmp_path / "in"
    src.mkdir()
    for i in range(12):  # each a byte longer: each is analysed
        (src / f"{i:02d}_copy.txt").write_bytes(report + b"\n" * i)
    out = tmp_path / "out"
    proc = subprocess.Popen([*CLI, "analyze", str(src), "--out", str(out), "--no-progress", "--cluster", "local:2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + SAFETY
    while (not (out / ".cache").is_dir() or not [e for e in (out / ".cache").iterdir() if e.name.endswith("-c3")]) \
            and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # until the first report is done: the workers are running
    workers = children(proc.pid)
    assert proc.poll() is None and workers, proc.communicate()[1]
    if group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    proc.wait(timeout=SAFETY / 2)
    deadline = time.monotonic() + SAFETY / 2
    while any(map(alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [p for p in workers if alive(p)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    err = proc.communicate()[1]
    assert proc.returncode == code and survivors == [], err
    _one_line_error(err, "interrupted")
    assert not list(out.glob("*.csv")) and not (out / "parquet").exists()
