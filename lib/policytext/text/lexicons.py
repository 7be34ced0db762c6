"""Load the plain-text lexicons in ``resources/``: user dictionary, stopwords, units, cue lists, any TSV table.

Each file starts with a header saying where its entries come from.  Nothing
is loaded at import time; every loader is cached after its first call.

Cue lists (``resources/cues/<name>.txt``) are the words a rule looks for (salutations, the words
of review and plan headings, reporting verbs …), one entry per line.  Entries are regular
expressions (a Chinese word is one), so a list can say ``工作$`` (a heading ending in 工作); a list
read as a set of words (:func:`cue_words`) must hold plain words only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .. import paths

__all__ = ["DictTerm", "Unit", "read_userdict", "read_tsv", "load_stopwords", "load_content_words", "load_units", "cue_words",
           "cue_pattern", "USERDICT", "CUES"]

USERDICT = paths.RESOURCES / "userdict.txt"
POLICY_STOPWORDS = paths.RESOURCES / "stopwords_policy.txt"
#: Policy words the tagger mis-tags, kept by the content filter whatever their tag.
CONTENT_WORDS = paths.RESOURCES / "content_words.txt"
UNITS = paths.RESOURCES / "units.tsv"
CUES = paths.RESOURCES / "cues"


class DictTerm(NamedTuple):
    word: str
    freq: int | None
    pos: str | None
    group: str | None


class Unit(NamedTuple):
    unit: str
    base_unit: str
    factor: float
    kind: str


def _content_lines(path: Path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.strip():
                yield line


def read_tsv(path: str | Path) -> list[list[str]]:
    """Rows of a tab-separated resource, blank lines and ``#`` comments skipped.

    No quoting: a field may hold ``"`` (regular expressions, glosses such as
    ``"red" property management``) and is read exactly as written.
    """
    return [line.split("\t") for line in _content_lines(Path(path)) if not line.startswith("#")]


def read_userdict(path: str | Path = USERDICT) -> list[DictTerm]:
    """Terms of a user dictionary: ``word [freq] [pos]`` per line, ``#`` comments, ``## group`` headers.

    Unlike ``jieba.Tokenizer.load_userdict`` this reads comments, so a
    dictionary can say where its terms come from.
    """
    terms, group = [], None
    for line in _content_lines(Path(path)):
        if line.startswith("##"):
            group = line.lstrip("#").strip()
            continue
        if line.startswith("#"):
            continue
        parts = line.split()
        word, freq, pos = parts[0], None, None
        for extra in parts[1:3]:
            if extra.isdigit():
                freq = int(extra)
            else:
                pos = extra
        terms.append(DictTerm(word, freq, pos, group))
    return terms


@lru_cache(maxsize=4)
def load_stopwords(*, general: bool = True, policy: bool = True) -> frozenset[str]:
    """Stopwords: stopwords-iso's Chinese list (``general``) plus the policy-genre list (``policy``)."""
    words: set[str] = set()
    if general:
        import stopwordsiso

        words |= set(stopwordsiso.stopwords("zh"))
    if policy:
        words |= {l.strip() for l in _content_lines(POLICY_STOPWORDS) if not l.startswith("#")}
    return frozenset(words)


@lru_cache(maxsize=1)
def load_content_words() -> frozenset[str]:
    """Policy words the content filter keeps whatever their POS tag (``resources/content_words.txt``).

    >>> {"落实", "健全", "养老"} <= load_content_words()
    True
    """
    return frozenset(l.strip() for l in _content_lines(CONTENT_WORDS) if not l.startswith("#"))


@lru_cache(maxsize=1)
def load_units() -> tuple[Unit, ...]:
    """Units of measurement with their base unit and factor (longest first)."""
    units = [Unit(u, b, float(f), k) for u, b, f, k in read_tsv(UNITS)]
    return tuple(sorted(units, key=lambda u: -len(u.unit)))


_REGEX_SYNTAX = re.compile(r"[\\^$.|?*+()\[\]{}]")


@lru_cache(maxsize=64)
def _cue_entries(name: str) -> tuple[str, ...]:
    path = CUES / f"{name}.txt"
    if not path.is_file():
        raise ValueError(f"no cue list {name!r} (lists: {', '.join(sorted(p.stem for p in CUES.glob('*.txt')))})")
    return tuple(line.strip() for line in _content_lines(path) if not line.startswith("#"))


def cue_words(name: str) -> frozenset[str]:
    """The words of the cue list ``name``, as a set (the list must hold plain words, no patterns).

    >>> "各位代表" in cue_words("salutations")
    True
    """
    entries = _cue_entries(name)
    patterns = [e for e in entries if _REGEX_SYNTAX.search(e)]
    if patterns:
        raise ValueError(f"cue list {name!r} is read as words but holds patterns: {', '.join(patterns[:3])}")
    return frozenset(entries)


def cue_pattern(name: str) -> str:
    """The entries of the cue list ``name`` as one regular-expression alternation (``(?:a|b|…)``)."""
    return "(?:" + "|".join(_cue_entries(name)) + ")"
