"""The project's own promises: pinned dependencies agree, raw data untouched, nothing generated committed."""

from __future__ import annotations

import hashlib
import re
import subprocess
import tomllib

from policytext import paths

BUNDLED_SHA256 = "ce26d75f0f5c6732136fce527735984e3b55e3bfd13236670395ded9b7cb40f4"


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for group in project.get("optional-dependencies", {}).values():
        specs.extend(group)
    pins = {}
    for spec in specs:
        name, sep, version = spec.partition("==")
        assert sep, f"{spec!r} in pyproject.toml is not pinned with =="
        pins[name.strip().lower()] = version.strip()
    return pins


def _environment_pins() -> dict[str, str]:
    pins = {}
    for line in (paths.ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s*-\s*([A-Za-z0-9_.\-]+)\s*(==|=)\s*([^\s#]+)", line)
        if m and m.group(1).lower() != "python":
            pins[m.group(1).lower()] = m.group(3)
    return pins


def test_environment_yml_lists_the_pinned_set():
    assert _environment_pins() == _pyproject_pins()


def test_bundled_report_is_byte_exact_copy():
    data = paths.BUNDLED_REPORT.read_bytes()
    assert hashlib.sha256(data).hexdigest() == BUNDLED_SHA256
    assert BUNDLED_SHA256 in (paths.DATA / "README.md").read_text(encoding="utf-8")


def test_no_generated_files_are_tracked():
    tracked = subprocess.run(["git", "ls-files"], cwd=paths.ROOT, capture_output=True, text=True).stdout.split()
    generated = [f for f in tracked if re.match(r"(build|_build|data/processed)/", f)
                 or "__pycache__" in f or ".ipynb_checkpoints" in f]
    assert generated == []
