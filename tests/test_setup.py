"""The project's own promises: pinned dependencies agree, raw data untouched, nothing generated committed."""

from __future__ import annotations

import hashlib
import re
import subprocess
import tomllib

from expectations import SHA256 as BUNDLED_SHA256
from policytext import paths



def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[;]", spec, maxsplit=1)[0].strip().lower().replace("_", "-")


def _pyproject_requirements() -> dict[str, str]:
    """Direct dependencies (all extras included) and their ranges."""
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for group in project.get("optional-dependencies", {}).values():
        specs.extend(group)
    return {_name(s): s[len(_name(s)):].strip() for s in specs}


def _lock() -> dict[str, str]:
    pins = {}
    for line in (paths.ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, sep, version = line.partition("==")
            assert sep, f"constraints.txt: {line!r} is not pinned with =="
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def _environment_pins() -> dict[str, str]:
    pins = {}
    for line in (paths.ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s*-\s*([A-Za-z0-9_.\-]+)\s*(==|=)\s*([^\s#]+)", line)
        if m and m.group(1).lower() != "python":
            pins[m.group(1).lower().replace("_", "-")] = m.group(3)
    return pins


def test_every_direct_dependency_is_locked_within_its_range():
    from packaging.specifiers import SpecifierSet

    lock = _lock()
    for name, spec in _pyproject_requirements().items():
        assert name in lock, f"{name} is not in constraints.txt"
        assert lock[name] in SpecifierSet(spec.split(";")[0]), f"{name}=={lock[name]} is outside {spec!r}"


def test_environment_yml_lists_the_direct_set_at_the_locked_versions():
    lock = _lock()
    assert set(_environment_pins()) == set(_pyproject_requirements())
    assert {name: lock[name] for name in _environment_pins()} == _environment_pins()


def test_bundled_report_is_byte_exact_copy():
    data = paths.BUNDLED_REPORT.read_bytes()
    assert hashlib.sha256(data).hexdigest() == BUNDLED_SHA256
    assert BUNDLED_SHA256 in (paths.DATA / "README.md").read_text(encoding="utf-8")


def test_bundled_corpus_is_a_byte_exact_copy():
    """Every report of data/raw/corpus matches its SHA256SUMS line, and every file is listed."""
    folder = paths.DATA_RAW / "corpus"
    sums = dict(line.split("  ", 1)[::-1] for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    assert len(sums) == 43 and "SOURCES.md" in sums
    assert sorted(sums) == sorted(p.name for p in folder.iterdir() if p.name != "SHA256SUMS")
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


def test_no_generated_files_are_tracked():
    tracked = subprocess.run(["git", "ls-files"], cwd=paths.ROOT, capture_output=True, text=True).stdout.split()
    generated = [f for f in tracked if re.match(r"(build|_build|data/processed)/", f)
                 or "__pycache__" in f or ".ipynb_checkpoints" in f]
    assert generated == []
