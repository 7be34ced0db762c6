"""Write tables for people who take them to Excel, Stata or R.

CSV is UTF-8 with a byte-order mark, so Excel shows Chinese correctly;
JSON Lines keeps real characters (no ``\\uXXXX`` escapes); Parquet keeps
types.  Missing values are empty cells in CSV and ``null`` in JSON.

CSV and Parquet are both written by Arrow from one conversion of the table
(Arrow's CSV writer is much faster than pandas' on a token table).  Its CSV quotes every text cell and writes booleans as ``true`` /
``false``, which Excel, pandas, R's ``readr`` and Stata's ``import
delimited`` all read; an empty string stays ``""``, distinct from a missing
value.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from .. import paths
from ..errors import PolicyTextError
from ..files import replaced
from ..options import FORMATS

__all__ = ["FORMATS", "write_table", "table_bytes", "arrow_table", "csv_bytes", "parquet_bytes", "save_table",
           "save_tables", "write_atomic", "target_inside"]


BOM = b"\xef\xbb\xbf"


def arrow_table(df: pd.DataFrame) -> pa.Table:
    """``df`` as an Arrow table (the index is not kept): convert once, write both formats.

    An object column Arrow cannot type (values of several Python types, such as 1 and "two")
    is written as text rather than stopping the export.
    """
    try:
        return pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        text = df.copy()
        for column in df.columns[df.dtypes == object]:
            text[column] = df[column].map(_as_text)
        return pa.Table.from_pandas(text, preserve_index=False)


def _as_text(value):
    """A value as CSV text: lists and tuples ``|``-joined (as the library's own label columns), else ``str``."""
    missing = value is None or value is pd.NA or (isinstance(value, float) and value != value)
    if missing:
        return None
    if isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and not isinstance(value, str)):
        items = value.tolist() if hasattr(value, "tolist") else value
        if isinstance(items, list):
            return "|".join(map(str, items))
    return value if isinstance(value, str) else str(value)


def csv_bytes(table: pd.DataFrame | pa.Table, *, bom: bool = True) -> bytes:
    """CSV of a table, header included, ``\n`` line ends, UTF-8 (with a byte-order mark by default).

    Nested values, which CSV cannot hold, are written as text: a list as its items joined by ``|``
    (``a|b``, as the library's own label columns), anything else as ``str``.
    """
    if isinstance(table, pd.DataFrame):
        table = arrow_table(table)
    for i, field in enumerate(table.schema):
        if pa.types.is_nested(field.type):
            text = pa.array([_as_text(v) for v in table.column(i).to_pylist()], pa.large_string())
            table = table.set_column(i, field.name, text)
    buffer = io.BytesIO()
    if bom:
        buffer.write(BOM)
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(quoting_style="needed"))
    return buffer.getvalue()


def parquet_bytes(table: pd.DataFrame | pa.Table) -> bytes:
    """Parquet of a table (pandas' column types kept, so ``pandas.read_parquet`` gives them back)."""
    if isinstance(table, pd.DataFrame):
        table = arrow_table(table)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def table_bytes(df: pd.DataFrame, fmt: str) -> bytes:
    """``df`` serialised as ``csv`` (UTF-8 with BOM), ``jsonl`` or ``parquet``."""
    if fmt == "csv":
        return csv_bytes(df)
    if fmt == "jsonl":
        if df.empty:
            return b""
        return df.to_json(orient="records", lines=True, force_ascii=False).encode("utf-8")
    if fmt == "parquet":
        return parquet_bytes(df)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_table(df: pd.DataFrame, out: str | Path | BinaryIO | None = None, *, fmt: str = "csv") -> None:
    """Write ``df`` to a file path, a binary stream, or standard output (``out=None``)."""
    data = table_bytes(df, fmt)
    if out is None:
        if fmt == "parquet":
            raise PolicyTextError("Parquet is binary: give an output file (-o FILE)")
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    elif isinstance(out, (str, Path)):
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_bytes(data)
    else:
        out.write(data)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` in one step: into a new file beside it, renamed over it when complete.

    An interrupted write leaves the previous file (or none), never half of one; a symbolic link at
    ``path`` is replaced by the file, never followed out of the folder.
    """
    with replaced(path) as tmp, open(tmp, "xb") as f:  # a new file: never through a link someone planted
        f.write(data)


def target_inside(folder: str | Path, *names: str) -> Path:
    """``folder/names…``, checked to lie inside ``folder``: each name a plain file or folder name (not
    empty, ``.`` or ``..``, no path separator) and no symbolic link on the way leading out of it.

    The writers' second line of defence: a report's ``doc_id`` (a file name) or a table's name must
    never make them write elsewhere.  Raises :class:`~policytext.errors.PolicyTextError` (one line).
    """
    folder = Path(folder)
    for name in names:
        if name in ("", ".", "..") or any(c in name for c in "/\\\0"):
            raise PolicyTextError(f"{folder}: {name!r} is not a plain file name; tables are written inside the folder")
    target = folder.joinpath(*names)
    if not target.parent.resolve().is_relative_to(folder.resolve()):
        raise PolicyTextError(f"{folder}: {Path(*names).parent} leads out of the folder (a symbolic link); "
                              "tables are written inside it")
    return target


def save_table(df: pd.DataFrame, name: str, *, doc_id: str, folder: str | Path | None = None) -> Path:
    """Save a derived table as ``<folder>/<doc_id>/<name>.csv`` and ``.parquet``; return the CSV path.

    ``folder`` defaults to ``data/processed``; notebooks use this so that a
    rerun on another report never overwrites the tables of the first.  Each file is written whole
    (:func:`write_atomic`), and only inside ``folder`` (:func:`target_inside`).
    """
    folder = Path(folder or paths.DATA_PROCESSED)
    csv, parquet = (target_inside(folder, doc_id, f"{name}.{fmt}") for fmt in ("csv", "parquet"))
    csv.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(csv, table_bytes(df, "csv"))
    write_atomic(parquet, table_bytes(df, "parquet"))
    return csv


def save_tables(doc_id: str, /, *, folder: str | Path | None = None, **tables: pd.DataFrame) -> pd.DataFrame:
    """Save several tables with :func:`save_table`; return what was written, one row per table.

    The ``file`` column is relative to the project when the folder is inside it
    (``data/processed/<doc_id>/<name>.csv``), so an executed notebook does not
    show the absolute paths of the machine it ran on.
    """
    rows = []
    for name, df in tables.items():
        csv = save_table(df, name, doc_id=doc_id, folder=folder)
        rows.append({"table": name, "rows": len(df), "columns": df.shape[1],
                     "file": f"{paths.shown(csv)} (and .parquet)"})
    return pd.DataFrame(rows)
