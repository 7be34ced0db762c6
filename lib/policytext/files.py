"""What kind of file a path names, for the readers that must not open anything but a regular file.

A FIFO blocks whoever opens it until a writer comes, and a device such as ``/dev/zero`` never
ends: both are refused from their type alone (``os.stat``), before they are opened.  This module
imports nothing heavy, so that a corpus rerun can examine its inputs without loading the analyses.
"""

from __future__ import annotations

import stat

__all__ = ["not_regular"]

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
