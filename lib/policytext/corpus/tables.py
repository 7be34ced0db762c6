"""The tables of a folder of reports, for notebooks and scripts: analysed once, then read.

A notebook that compares reports needs the token, indicator and report tables of every report of a
folder.  Recomputing them in every kernel costs a segmenter per notebook and tens of seconds per run;
:func:`folder_tables` instead runs :func:`~policytext.corpus.analyze.analyze` on the folder (which
answers from its cache when nothing changed: the reports' bytes, the library and the backend) and
reads the tables it wrote.  The run and the notebooks therefore show the same tables, and the tables
a notebook reads are the ones a researcher finds in the output folder.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import paths
from ..document.metadata import Metadata
from ..document.report import safe_doc_id
from ..errors import PolicyTextError
from ..options import TABLES
from .analyze import analyze

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["folder_tables", "default_output", "ListedReport", "listed_reports"]


def default_output(folder: str | Path) -> Path:
    """Where :func:`folder_tables` keeps a folder's tables: ``data/processed/<folder name>/``."""
    return paths.DATA_PROCESSED / safe_doc_id(Path(folder).resolve().name or "folder")


def folder_tables(folder: str | Path, tables=("reports", "tokens"), *, out: str | Path | None = None,
                  jobs: int | None = None) -> dict[str, "pd.DataFrame"]:
    """The tables ``tables`` (names of :data:`~policytext.options.TABLES`) of the reports of ``folder``.

    The folder is analysed into ``out`` (default :func:`default_output`) first, with every table
    (so that whatever a notebook asks for, the folder holds the same run and a second call reads it
    as it is); a report that cannot be analysed is named on standard error and left out, as in
    ``policytext analyze``.
    Each table is one DataFrame over all reports, rows in the order of the files, every row with
    ``doc_id, year, place, level``.
    """
    import pandas as pd

    unknown = [t for t in tables if t not in TABLES]
    if unknown:
        raise ValueError(f"unknown table {unknown[0]!r}: choose from {', '.join(TABLES)}")
    folder = Path(folder)
    if not folder.is_dir():
        raise PolicyTextError(f"{folder}: no such folder")
    out = Path(out) if out is not None else default_output(folder)
    result = analyze([folder], out, jobs=jobs, progress=False, tables="all")
    for failure in result.failures:
        print(f"policytext: left out {failure['path']}: {failure['reason']}", file=sys.stderr)
    if result.failures and len(result.failures) == result.reports:
        raise PolicyTextError(f"{folder}: no report could be analysed")
    return {name: pd.read_parquet(out / "parquet" / name) for name in tables}


@dataclass(frozen=True)
class ListedReport:
    """A report as the reports table of a run lists it: its ``doc_id`` and its :class:`Metadata`.

    What :func:`~policytext.analysis.targets.compare_targets` and
    :func:`~policytext.analysis.attention.theme_series` read of a report, without reading the file
    again.
    """

    doc_id: str
    metadata: Metadata


def listed_reports(reports: "pd.DataFrame") -> list[ListedReport]:
    """One :class:`ListedReport` per row of a reports table (the ``reports`` table of :func:`folder_tables`)."""
    fields = Metadata.__dataclass_fields__
    out = []
    for row in reports.to_dict("records"):
        values = {k: (None if _missing(row.get(k)) else row.get(k)) for k in fields}
        if values["year"] is not None:
            values["year"] = int(values["year"])
        out.append(ListedReport(row["doc_id"], Metadata(**values)))
    return out


def _missing(value) -> bool:
    try:
        return value is None or value != value  # None, NaN, pd.NA
    except TypeError:  # pd.NA compared
        return True
