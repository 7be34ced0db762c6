"""The architecture the folder tree shows is enforced: import-linter's contracts pass, and fail on an upward import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policytext import paths

LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path, lib: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache", "--config", str(root / "pyproject.toml")], cwd=root,
                          capture_output=True, text=True, env={"PYTHONPATH": str(lib), "PATH": ""}, timeout=120)


def test_the_import_contracts_hold():
    done = _lint(paths.ROOT, paths.ROOT / "lib")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


@pytest.mark.parametrize("module, upward", [
    ("text/chars.py", "from ..analysis import keywords"),          # a text rule reaching for an analysis
    ("document/structure.py", "from ..document.reading import read_report"),  # the outline importing the reader
    ("analysis/themes.py", "from .keywords import term_frequencies"),  # an analysis leaning on another
    ("analysis/keywords.py", "import matplotlib"),                   # drawing outside plotting
])
def test_the_contracts_fail_on_an_upward_import(tmp_path, module, upward):
    """A deliberate upward import, inside a function (import-linter counts those too), breaks a contract."""
    lib = tmp_path / "lib"
    shutil.copytree(paths.ROOT / "lib", lib, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copy(paths.ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = lib / "policytext" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n\ndef _upward():\n    {upward}  # noqa\n",
                      encoding="utf-8")
    done = _lint(tmp_path, lib)
    assert done.returncode != 0 and "BROKEN" in done.stdout, done.stdout[-2000:]
