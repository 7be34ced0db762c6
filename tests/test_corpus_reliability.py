"""policytext analyze against a hostile world: unreadable and odd files, killed runs, damaged caches,
two runs at once, copies and renamed reports, an output folder holding other people's files or
planted links, and writers asked to leave their folder.

Each test builds its inputs in ``tmp_path``.  Runs that could hang or that need a signal run in a
subprocess with a generous timeout, a safety net only: the assertions are on the outcome.  The tests
run as root in some environments, where permissions do not stop a read or a write; those cases are
simulated (a link to ``/proc/self/mem``, which no one can read; a monkeypatched ``os`` call) and the
permission-based variant is skipped.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from policytext import cli, paths
from policytext.errors import PolicyTextError
from policytext.options import TABLES
from analyze_runs import one_line_error as _one_line_error, run_analyze
from processes import alive, children

REPORT = paths.BUNDLED_REPORT.read_bytes()
CLI = [sys.executable, "-m", "policytext.cli"]
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
LINUX_PROC = Path("/proc/self/stat").is_file()
SAFETY = 120  # seconds a subprocess may take before the test gives up on it (never reached when all is well)

#: A small report that states no year: its year comes from the file name (``2019_x.txt``).
NO_YEAR = """某县政府工作报告
各位代表：
现在，我代表县人民政府向大会报告工作，请予审议。
一、过去一年工作回顾
全县完成地区生产总值120亿元，增长7.5%；新增就业5200人，城镇居民人均可支配收入增长8%。
二、今年工作安排
地区生产总值增长7%左右。推进工业园区建设，办好民生实事，确保城镇新增就业5000人以上。
各位代表，让我们团结一心，为完成全年目标任务而努力奋斗！
"""

#: The columns that name the report a row comes from.
LABELS = ("doc_id", "target_doc", "path")


def _run(capsysbinary, *args) -> tuple[int, str]:
    return run_analyze(capsysbinary, *args, "--tables", "all")  # every table, so that every one is checked


def _folder(root: Path, files: dict[str, bytes | str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        target = root / name
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


def _table(out: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(out / "parquet" / name)


def _csv(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig")


def _leftovers(out: Path) -> list[Path]:
    """Temporary files or folders an analyze run left behind."""
    return [p for p in out.rglob("*") if ".tmp" in p.name]


# -- 1, 2: every file is read or listed, none stops the run or hangs it ------------------------------------


def _unreadable(path: Path, how: str) -> None:
    if how == "chmod":
        path.write_bytes(REPORT)
        path.chmod(0)
    else:  # a regular file that nobody, root included, can read: reading it fails with EIO
        path.symlink_to("/proc/self/mem")


@pytest.mark.parametrize("how", [
    pytest.param("chmod", marks=pytest.mark.skipif(AS_ROOT, reason="root reads a file of mode 000")),
    pytest.param("proc-mem", marks=pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="no /proc")),
])
def test_an_unreadable_file_is_a_failure_row_and_the_others_are_analysed(tmp_path, capsysbinary, how):
    src = _folder(tmp_path / "in", {"good.txt": NO_YEAR})
    _unreadable(src / "locked.txt", how)
    code, err = _run(capsysbinary, src, "--out", tmp_path / "out", "--jobs", "1")
    assert code == 1 and "internal error" not in err, err
    failures = _csv(tmp_path / "out", "failures")
    assert failures["path"].tolist() == [str(src / "locked.txt")]
    assert "cannot be read" in failures["reason"].iloc[0] and "\n" not in failures["reason"].iloc[0]
    assert _csv(tmp_path / "out", "reports")["path"].tolist() == [str(src / "good.txt")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("named", [False, True], ids=["in-a-folder", "named"])
def test_dangling_links_and_fifos_are_listed_never_opened(tmp_path, named):
    src = _folder(tmp_path / "in", {"good.txt": NO_YEAR})
    (src / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(src / "pipe.txt")  # opening it for reading would wait for a writer forever
    inputs = [src / "dangling.txt", src / "good.txt", src / "pipe.txt"] if named else [src]
    done = subprocess.run([*CLI, "analyze", *map(str, inputs), "--out", str(tmp_path / "out"), "--no-progress",
                           "--jobs", "1"], capture_output=True, text=True, timeout=SAFETY)
    assert done.returncode == 1, done.stderr
    failures = _csv(tmp_path / "out", "failures")
    assert failures["path"].tolist() == [str(src / "dangling.txt"), str(src / "pipe.txt")]
    assert "dangling symbolic link" in failures["reason"].iloc[0]
    assert "not a regular file" in failures["reason"].iloc[1] and "FIFO" in failures["reason"].iloc[1]
    assert _csv(tmp_path / "out", "reports")["path"].tolist() == [str(src / "good.txt")]


# -- 3: a killed run leaves no worker and no half-written table ----------------------------------------------


def _slow_corpus(root: Path, n: int = 16) -> Path:
    """``n`` copies of the bundled report, each a byte longer than the last (so each is analysed)."""
    return _folder(root, {f"{i:02d}_copy.txt": REPORT + b"\n" * i for i in range(n)})


def _started_with_workers(src: Path, out: Path) -> tuple[subprocess.Popen, list[int]]:
    """An analyze run with two workers, once both are running."""
    proc = subprocess.Popen([*CLI, "analyze", str(src), "--out", str(out), "--no-progress", "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + SAFETY
    while len(children(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = children(proc.pid)
    if len(workers) < 2:
        proc.kill()
        pytest.fail(f"analyze did not start two workers: {proc.communicate()[1]}")
    return proc, workers


def _survivors(pids: list[int]) -> list[int]:
    """The processes of ``pids`` still running after a generous wait (killed then, not to leak them)."""
    deadline = time.monotonic() + SAFETY / 2
    while any(map(alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [p for p in pids if alive(p)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


@pytest.mark.skipif(not LINUX_PROC, reason="reads the process table from /proc")
def test_workers_exit_when_analyze_is_killed(tmp_path):
    proc, workers = _started_with_workers(_slow_corpus(tmp_path / "in"), tmp_path / "out")
    proc.kill()
    proc.wait(timeout=SAFETY)
    assert _survivors(workers) == []
    proc.communicate()


@pytest.mark.skipif(not LINUX_PROC, reason="reads the process table from /proc")
@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_a_signal_ends_the_run_cleanly(tmp_path, sig, code):
    out = tmp_path / "out"
    proc, workers = _started_with_workers(_slow_corpus(tmp_path / "in"), out)
    proc.send_signal(sig)
    proc.wait(timeout=SAFETY)  # not communicate(): surviving workers would hold its pipes open
    assert _survivors(workers) == []
    err = proc.communicate()[1]
    assert proc.returncode == code, err
    _one_line_error(err, "interrupted")
    assert not list(out.glob("*.csv")) and not (out / "parquet").exists() and _leftovers(out) == []


# -- 4: a damaged cache entry is recomputed; a failed run leaves the previous tables -----------------------


def _damage(entry: Path, how: str) -> None:
    biggest = max((f for f in entry.iterdir() if f.is_file()), key=lambda f: f.stat().st_size)
    data = biggest.read_bytes()
    if how == "truncated":
        biggest.write_bytes(data[:len(data) // 2])
    elif how == "corrupted":  # same size, bytes changed in the middle
        middle = len(data) // 2
        biggest.write_bytes(data[:middle] + bytes(64) + data[middle + 64:])
    else:
        biggest.unlink()


@pytest.mark.parametrize("how", ["truncated", "corrupted", "missing"])
def test_a_damaged_cache_entry_is_recomputed(tmp_path, capsysbinary, how):
    src = _folder(tmp_path / "in", {"a.txt": REPORT})
    out = tmp_path / "out"
    assert _run(capsysbinary, src, "--out", out, "--jobs", "1")[0] == 0
    before = _table(out, "tokens")
    entries = [e for e in (out / ".cache").iterdir() if e.is_dir() and not e.name.startswith(".")]
    assert len(entries) == 1
    _damage(entries[0], how)
    (src / "2017_b.txt").write_text(NO_YEAR, encoding="utf-8")  # the corpus changes: the tables are rewritten
    code, err = _run(capsysbinary, src, "--out", out, "--jobs", "1")
    assert code == 0, err
    assert "0 from the cache" in err  # a.txt recomputed, 2017_b.txt new
    after = _table(out, "tokens")
    pd.testing.assert_frame_equal(after[after["doc_id"] == "a"].reset_index(drop=True), before)
    assert len(_csv(out, "tokens")) == len(after)


def test_a_run_that_fails_while_writing_leaves_the_previous_tables(tmp_path, capsysbinary, monkeypatch):
    """A full disk half-way through the combined tables: the previous complete tables stay."""
    from policytext.corpus import export

    src = _folder(tmp_path / "in", {"a.txt": REPORT, "b.txt": NO_YEAR, "c.txt": REPORT + b"\n"})
    out = tmp_path / "out"
    assert _run(capsysbinary, src, "--out", out, "--jobs", "1")[0] == 0
    previous = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}
    (src / "c.txt").unlink()  # the tables are rewritten from the cache (no report is analysed)
    real, calls = export.csv_bytes, []

    def disk_full_on_second_call(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(export, "csv_bytes", disk_full_on_second_call)
    code, err = _run(capsysbinary, src, "--out", out, "--jobs", "1")
    assert code == 1 and len(calls) == 2
    _one_line_error(err, "No space left on device")
    now = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}
    assert now == previous and _leftovers(out) == []


# -- 5: one run at a time in an output folder --------------------------------------------------------------


def test_a_second_run_into_the_same_folder_waits_for_the_first(tmp_path):
    fcntl = pytest.importorskip("fcntl")
    src = _folder(tmp_path / "in", {"a.txt": NO_YEAR})
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".lock", "ab") as held:  # what a running analyze holds
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = subprocess.Popen([*CLI, "analyze", str(src), "--out", str(out), "--no-progress", "--jobs", "1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = proc.stderr.readline()  # the run says it waits (without the lock: its summary, at the end)
        assert "waiting" in first and str(out) in first, first
        assert not (out / "reports.csv").exists() and proc.poll() is None
    _, err = proc.communicate(timeout=SAFETY)
    assert proc.returncode == 0, err
    assert _csv(out, "reports")["doc_id"].tolist() == ["a"]


@pytest.mark.slow
def test_two_runs_at_once_keep_every_report(tmp_path):
    src = _folder(tmp_path / "in", {f"{i}_r.txt": NO_YEAR.replace("5200", str(5200 + i)) for i in range(4)})
    out = tmp_path / "out"
    runs = [subprocess.Popen([*CLI, "analyze", str(src), "--out", str(out), "--no-progress", "--jobs", "1",
                              "--tables", "all"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=SAFETY)
        assert run.returncode == 0, err
    assert _csv(out, "reports")["path"].tolist() == [str(src / f"{i}_r.txt") for i in range(4)]
    for name in TABLES:
        assert len(_csv(out, name)) == len(_table(out, name)), name
    assert _leftovers(out) == []


# -- 6, 7: a copy or a renamed report is labelled by its own file ------------------------------------------


def _alone(tmp_path: Path, capsysbinary, report: Path) -> dict[str, pd.DataFrame]:
    """Every table of ``report`` analysed on its own (a fresh output folder, so no cache)."""
    out = tmp_path / f"alone_{report.stem}"
    assert _run(capsysbinary, report, "--out", out, "--jobs", "1")[0] == 0
    return {name: _table(out, name) for name in TABLES}


def _rows_of(out: Path, name: str, doc_id: str) -> pd.DataFrame:
    table = _table(out, name)
    return table[table["doc_id"] == doc_id].reset_index(drop=True)


def test_a_copy_under_another_name_carries_its_own_doc_id(tmp_path, capsysbinary):
    src = _folder(tmp_path / "in", {"a.txt": REPORT, "b.txt": REPORT})
    out = tmp_path / "out"
    code, err = _run(capsysbinary, src, "--out", out, "--jobs", "1")
    assert code == 0 and "1 identical to another file" in err  # analysed once
    assert _csv(out, "reports")[["doc_id", "path"]].values.tolist() == [["a", str(src / "a.txt")],
                                                                       ["b", str(src / "b.txt")]]
    alone = _alone(tmp_path, capsysbinary, src / "b.txt")
    for name in TABLES:
        mine = _rows_of(out, name, "b")
        if name == "reports":
            mine["path"] = alone[name]["path"]
        pd.testing.assert_frame_equal(mine, alone[name], obj=name)  # every label column, target_doc too
        assert _csv(out, name)["doc_id"].value_counts().to_dict() == {"a": len(mine), "b": len(mine)}, name


def test_a_renamed_report_takes_its_new_name(tmp_path, capsysbinary):
    src = _folder(tmp_path / "in", {"a.txt": REPORT})
    out = tmp_path / "out"
    assert _run(capsysbinary, src, "--out", out, "--jobs", "1")[0] == 0
    (src / "a.txt").rename(src / "c.txt")
    code, err = _run(capsysbinary, src, "--out", out, "--jobs", "1")
    assert code == 0 and "1 from the cache" in err
    for name in TABLES:
        for column in ("doc_id", "target_doc"):
            if column in _table(out, name):
                assert set(_table(out, name)[column]) == {"c"}, (name, column)
                assert set(_csv(out, name)[column]) == {"c"}, (name, column)
    assert _csv(out, "reports")["path"].tolist() == [str(src / "c.txt")]


def test_copies_whose_names_give_the_year_keep_their_own_year(tmp_path, capsysbinary):
    """The year of a report that states none comes from its file name: two copies named for two years
    are two reports of two years (indicators and targets read the year too), not one served twice."""
    src = _folder(tmp_path / "in", {"2019_x.txt": NO_YEAR, "2020_y.txt": NO_YEAR})
    out = tmp_path / "out"
    assert _run(capsysbinary, src, "--out", out, "--jobs", "1")[0] == 0
    assert _csv(out, "reports")[["doc_id", "year"]].values.tolist() == [["2019_x", 2019], ["2020_y", 2020]]
    for report in ("2019_x", "2020_y"):
        alone = _alone(tmp_path, capsysbinary, src / f"{report}.txt")
        for name in ("indicators", "targets", "sentences"):
            pd.testing.assert_frame_equal(_rows_of(out, name, report), alone[name], obj=name)


def test_the_cache_key_follows_what_the_name_tells(tmp_path):
    from policytext.corpus.analyze import cache_key

    for name in ("a.txt", "b.txt", "2019_a.txt", "2020_a.txt", "a.html"):
        (tmp_path / name).write_text(NO_YEAR, encoding="utf-8")
    key = {name: cache_key(tmp_path / name, "rjieba") for name in ("a.txt", "b.txt", "2019_a.txt", "2020_a.txt",
                                                                  "a.html")}
    assert key["a.txt"] == key["b.txt"]  # a copy is analysed once
    assert len({key["a.txt"], key["2019_a.txt"], key["2020_a.txt"], key["a.html"]}) == 4


# -- 8, 9, 11: the output folder --------------------------------------------------------------------------


def test_files_analyze_did_not_write_are_kept(tmp_path, capsysbinary):
    out = _folder(tmp_path / "out", {"notes.txt": "mine"})
    _folder(out / "parquet", {"mine.parquet": b"my own table"})
    _folder(out / "2018_district_qingshan", {"keywords.csv": "a notebook's table"})
    code, err = _run(capsysbinary, paths.BUNDLED_REPORT, "--out", out, "--jobs", "1")
    assert code == 0, err
    assert (out / "parquet" / "mine.parquet").read_bytes() == b"my own table"
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "2018_district_qingshan" / "keywords.csv").is_file()
    assert len(_table(out, "reports")) == 1
    # and a rerun, which replaces its own tables, still keeps them
    assert _run(capsysbinary, paths.BUNDLED_REPORT, "--out", out, "--jobs", "1", "--force")[0] == 0
    assert (out / "parquet" / "mine.parquet").read_bytes() == b"my own table"


@pytest.mark.parametrize("theirs", ["tokens.csv", "failures.csv", "parquet/tokens/x.parquet"])
def test_a_file_of_the_same_name_is_replaced_only_with_overwrite(tmp_path, capsysbinary, theirs):
    out = tmp_path / "out"
    (out / theirs).parent.mkdir(parents=True)
    (out / theirs).write_bytes(b"their own")
    code, err = _run(capsysbinary, paths.BUNDLED_REPORT, "--out", out, "--jobs", "1")
    assert code == 1
    _one_line_error(err, str(out), "--overwrite")
    assert (out / theirs).read_bytes() == b"their own" and not (out / "reports.csv").exists()
    code, err = _run(capsysbinary, paths.BUNDLED_REPORT, "--out", out, "--jobs", "1", "--overwrite")
    assert code == 0, err
    assert not (out / theirs).exists() or (out / theirs).read_bytes() != b"their own"
    assert len(_csv(out, "tokens")) == len(_table(out, "tokens"))


@pytest.mark.parametrize("link", ["tokens.csv", "failures.csv", "parquet", "parquet/tokens", ".cache"])
def test_a_planted_link_is_never_followed(tmp_path, capsysbinary, link):
    out = tmp_path / "out"
    assert _run(capsysbinary, paths.BUNDLED_REPORT, "--out", out, "--jobs", "1")[0] == 0
    elsewhere = _folder(tmp_path / "elsewhere", {"precious.txt": "keep me"})
    target = elsewhere if link in ("parquet", "parquet/tokens", ".cache") else elsewhere / "precious.txt"
    planted = out / link
    if planted.is_dir():
        shutil.rmtree(planted)
    else:
        planted.unlink()
    planted.symlink_to(target)
    code, err = _run(capsysbinary, paths.BUNDLED_REPORT, "--out", out, "--jobs", "1", "--force")
    assert code == 1
    _one_line_error(err, str(out), "--overwrite")
    code, err = _run(capsysbinary, paths.BUNDLED_REPORT, "--out", out, "--jobs", "1", "--force", "--overwrite")
    assert code == 0, err
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.txt"]
    assert (elsewhere / "precious.txt").read_text() == "keep me"
    assert not planted.is_symlink() and planted.exists()
    assert len(_csv(out, "tokens")) == len(_table(out, "tokens"))


def test_an_out_that_is_a_file_is_bad_input(tmp_path, capsysbinary):
    afile = _folder(tmp_path, {"afile": "x"}) / "afile"
    for out in (afile, afile / "sub"):
        code, err = _run(capsysbinary, paths.BUNDLED_REPORT, "--out", out, "--jobs", "1")
        assert code == 1
        _one_line_error(err, str(out))
    assert afile.read_text() == "x"


@pytest.mark.skipif(AS_ROOT, reason="root writes into a read-only folder (see the simulated variant)")
def test_a_read_only_out_is_bad_input(tmp_path, capsysbinary):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        code, err = _run(capsysbinary, paths.BUNDLED_REPORT, "--out", out, "--jobs", "1")
    finally:
        out.chmod(0o755)
    assert code == 1
    _one_line_error(err, str(out))


def test_a_read_only_out_is_bad_input_simulated(tmp_path, capsysbinary, monkeypatch):
    """As a read-only folder looks to a user who is not root: every attempt to create anything in it fails."""
    out = tmp_path / "out"
    out.mkdir()

    def refused(path) -> bool:
        return isinstance(path, (str, os.PathLike)) and str(Path(path).absolute()).startswith(str(out))

    def guard(real, writes):
        def call(path, *args, **kwargs):
            if refused(path) and writes(*args, **kwargs):
                raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
            return real(path, *args, **kwargs)
        return call

    creating = os.O_WRONLY | os.O_RDWR | os.O_CREAT
    monkeypatch.setattr(os, "open", guard(os.open, lambda flags, *a, **k: flags & creating))
    monkeypatch.setattr(os, "mkdir", guard(os.mkdir, lambda *a, **k: True))
    for module in (__import__("builtins"), __import__("io")):
        monkeypatch.setattr(module, "open", guard(module.open, lambda mode="r", *a, **k: mode[0] in "wax"
                                                  or "+" in mode))
    code, err = _run(capsysbinary, paths.BUNDLED_REPORT, "--out", out, "--jobs", "1")
    assert code == 1
    _one_line_error(err, str(out), "Permission denied")


# -- 10: writers stay inside their folder ------------------------------------------------------------------


@pytest.mark.parametrize("doc_id, name", [
    ("..", "tokens"), ("../escaped", "tokens"), ("a/../../escaped", "tokens"), ("/tmp/escaped", "tokens"),
    ("", "tokens"), ("doc", "../../escaped"), ("doc", "sub/tokens"),
])
def test_save_table_never_writes_outside_its_folder(tmp_path, doc_id, name):
    from policytext.corpus.export import save_table, save_tables

    folder = tmp_path / "deep" / "folder"
    folder.mkdir(parents=True)
    before = sorted(tmp_path.rglob("*"))
    df = pd.DataFrame({"term": ["发展"], "count": [1]})
    with pytest.raises(PolicyTextError) as error:
        save_table(df, name, doc_id=doc_id, folder=folder)
    assert "\n" not in str(error.value) and str(folder) in str(error.value)
    with pytest.raises(PolicyTextError):
        save_tables(doc_id, folder=folder, **{name: df})
    assert sorted(tmp_path.rglob("*")) == before


def test_save_table_never_follows_a_link_out_of_its_folder(tmp_path):
    from policytext.corpus.export import save_table

    folder = tmp_path / "folder"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder.mkdir()
    (folder / "doc").symlink_to(elsewhere)
    with pytest.raises(PolicyTextError):
        save_table(pd.DataFrame({"n": [1]}), "tokens", doc_id="doc", folder=folder)
    assert list(elsewhere.iterdir()) == []


def test_a_folder_written_before_there_was_a_manifest_is_analyzes_own(tmp_path, capsysbinary):
    """Tables written by version 0.1.0 (no .policytext-output; its record was .cache/manifest.txt) are
    replaced without --overwrite, as before: `make run` keeps working on an existing data/processed."""
    out = _folder(tmp_path / "out", {"tokens.csv": "old", "failures.csv": "old"})
    _folder(out / ".cache", {"manifest.txt": "old"})
    _folder(out / "parquet" / "tokens", {"000001_old.parquet": b"old"})
    code, err = _run(capsysbinary, paths.BUNDLED_REPORT, "--out", out, "--jobs", "1")
    assert code == 0, err
    assert _table(out, "tokens")["doc_id"].unique().tolist() == [paths.BUNDLED_REPORT.stem]
    assert not (out / ".cache" / "manifest.txt").exists()


def test_a_signal_during_the_renames_is_delivered_after_them():
    """The tables are renamed into place with Ctrl-C and SIGTERM held: a run stops before its tables
    change or after all have, never with some old and some new."""
    from policytext.corpus.analyze import _signals_held

    received = []
    previous = signal.signal(signal.SIGTERM, lambda number, frame: received.append(number))
    try:
        with _signals_held():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.01)  # a signal is handled between two bytecodes: give it the chance
            assert received == []
        assert received == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)
