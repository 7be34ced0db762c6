"""What kind of file a path names, for the readers that must not open anything but a regular file.

A FIFO blocks whoever opens it until a writer comes, and a device such as ``/dev/zero`` never
ends: both are refused from their type alone (``os.stat``), before they are opened.  This module
imports nothing heavy, so that a corpus rerun can examine its inputs without loading the analyses.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from contextlib import contextmanager
from pathlib import Path

__all__ = ["not_regular", "tree_digest", "replaced"]

_KINDS = ((stat.S_ISDIR, "directory"), (stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "character device"),
          (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket"))


def not_regular(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is not read (``not a regular file (FIFO)``), or None for a regular file.

    >>> import os
    >>> not_regular(os.stat(".").st_mode)
    'not a regular file (directory)'
    """
    if stat.S_ISREG(mode):
        return None
    return f"not a regular file ({next((name for test, name in _KINDS if test(mode)), 'unknown kind')})"


def tree_digest(*roots: str | Path, seed: bytes = b"") -> str:
    """A SHA-256 (hex) of every file under ``roots`` — each file's path relative to its root and its
    bytes, in sorted order, ``__pycache__`` left out; a root that is a file counts as its bytes, a
    missing one as nothing.  What a cache of derived results is keyed by: change a byte of a rule, a
    lexicon or an annotation and the key changes."""
    digest = hashlib.sha256(seed)
    for root in map(Path, roots):
        if root.is_file():
            digest.update(b"\0file\0" + root.read_bytes())
            continue
        for f in sorted(root.rglob("*")) if root.is_dir() else ():
            if f.is_file() and "__pycache__" not in f.parts:
                digest.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


@contextmanager
def replaced(path: str | Path):
    """Write ``path`` in one step: yields a new temporary path beside it, to be written by any writer
    (bytes, Parquet, a gensim model), which is renamed over ``path`` when the block ends without an
    error.  An interrupted write leaves the previous file (or none), never half of one; a symbolic
    link at ``path`` is replaced, never followed."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
