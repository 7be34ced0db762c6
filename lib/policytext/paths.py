"""Every path the collection uses, in one place.

Notebooks and the CLI import these names instead of building paths
themselves, so nothing ever edits ``sys.path`` or changes directory.

Derived tables go to ``data/processed`` (``POLICYTEXT_PROCESSED`` overrides it,
e.g. for tests).  The project root is the checkout the package was installed from
(``pip install -e .``); set ``POLICYTEXT_ROOT`` to point elsewhere.  The
development corpus is bundled in ``data/raw/corpus`` (``POLICYTEXT_CORPUS``
overrides it).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES = PACKAGE_DIR / "resources"


def _project_root() -> Path:
    if os.environ.get("POLICYTEXT_ROOT"):
        return Path(os.environ["POLICYTEXT_ROOT"]).resolve()
    checkout = PACKAGE_DIR.parents[1]  # lib/policytext -> repository root
    if (checkout / "pyproject.toml").is_file() and (checkout / "data").is_dir():
        return checkout
    return Path.cwd()


ROOT = _project_root()
DATA = ROOT / "data"
DATA_RAW = DATA / "raw"
DATA_PROCESSED = Path(os.environ.get("POLICYTEXT_PROCESSED", DATA / "processed"))
ANNOTATIONS = DATA / "annotations"
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"

#: The report this collection was built around (see data/README.md).
BUNDLED_REPORT = DATA_RAW / "2018_district_qingshan.txt"

#: The development corpus of real reports, bundled byte for byte in ``data/raw/corpus`` (its
#: ``SOURCES.md`` and ``SHA256SUMS`` beside it); ``POLICYTEXT_CORPUS`` points elsewhere.
CORPUS = Path(os.environ.get("POLICYTEXT_CORPUS", DATA_RAW / "corpus")).resolve()


def shown(path: str | Path, base: Path = ROOT) -> str:
    """``path`` relative to ``base`` when inside it, else absolute: what outputs may show, so that
    notebooks, tables and the site do not carry the absolute paths of the machine that made them."""
    path, base = Path(path).resolve(), Path(base).resolve()
    return str(path.relative_to(base)) if path.is_relative_to(base) else str(path)
