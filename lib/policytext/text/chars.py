"""Character classes shared by the cleaner, the structure parser and the segmenter (numerals: :mod:`.numerals`)."""

from __future__ import annotations

import re
from typing import NamedTuple

#: CJK unified ideographs (basic, extension A, compatibility).
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))  # the same, as code points
#: Chinese (full-width) punctuation as used in running text.
CJK_PUNCT = "，。、；：？！“”‘’（）《》【】〔〕［］—…·「」『』〈〉﹏～"
#: Horizontal white space: every Unicode space separator (ASCII, no-break, ideographic, the typographic
#: spaces U+2000-U+200A, narrow no-break, medium mathematical, Ogham), tab, and the zero-width space
#: and BOM found in scraped reports.
HSPACE = " \t\u3000\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u200b\ufeff"
#: Characters that end a sentence.
TERMINATORS = "。！？!?"
#: Closing marks that belong to the sentence they follow (。” stays together).
CLOSERS = "”’」』）)》"

CJK_RE = re.compile(f"[{CJK}]")
HAN_OR_PUNCT_RE = re.compile(f"[{CJK}{re.escape(CJK_PUNCT)}]")


class Line(NamedTuple):
    """A line of a text with its offsets: ``text[start:end] == line.text``."""

    index: int
    start: int
    end: int
    text: str


def split_lines(text: str) -> list[Line]:
    """The lines of ``text`` (split at ``\n``, which is not part of any line), with their offsets."""
    out, pos = [], 0
    for i, line in enumerate(text.split("\n")):
        out.append(Line(i, pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph or Chinese punctuation mark."""
    return bool(ch) and bool(HAN_OR_PUNCT_RE.match(ch))


def count_han(text: str) -> int:
    """Number of CJK ideographs in ``text`` (the characters of :data:`CJK`).

    Counted on the UTF-16 code units with NumPy: the ranges are all in the basic plane, and a
    character outside it becomes two surrogate units that fall in none of them (much faster than a
    regular expression over a whole report; a test checks the two agree).
    """
    import numpy as np

    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype="<u2")
    inside = np.zeros(len(units), dtype=bool)
    for low, high in _CJK_RANGES:
        inside |= (units >= low) & (units <= high)
    return int(inside.sum())
