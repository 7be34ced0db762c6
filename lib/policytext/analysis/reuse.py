"""Text reuse between reports: the passages two reports share, candidate pairs in a folder, report similarity.

Work reports copy from each other: a province takes over the wording of the national report, a
district that of its city, a government that of its own report of last year, and all of them
repeat the formulas of the genre.  This module finds those passages, with raw offsets into each
report, the chapter and section each side stands in, and a ``boilerplate`` flag for the formulas.

Methods and their sources:

* **Passage alignment** (:func:`shared_passages`), after passim (Smith, Cordell & Dillon 2013,
  "Infectious texts: modeling text reuse in nineteenth-century newspapers", *IEEE BigData*;
  Smith et al. 2015, "Computational methods for uncovering reprinted texts in antebellum
  newspapers", *American Literary History* 27(3)): both texts are reduced to their *content
  characters* (Chinese characters, Latin letters, digits and ``%``; punctuation, spaces and line
  breaks go, so that a comma for a full stop or a broken line never breaks a passage); every
  character n-gram (``ngram``, 10 characters) is hashed (a polynomial hash with a 64-bit mixer,
  in numpy), and the n-grams both texts hold are the *seeds* (an n-gram repeated more than
  ``max_repeat`` times in either text seeds nothing: it is a stock phrase, not evidence of where a
  passage comes from).  Seeds on the same diagonal (the same offset between the two texts) at
  consecutive positions are one exact match, at least ``ngram`` characters long and maximal.  Exact
  matches are then *chained* as passim chains its alignments: the next match joins a passage when
  it starts at most ``max_gap`` characters after the passage's end in both texts and its diagonal
  moved by at most ``max_gap`` (an insertion or deletion).  A changed number (增长8% → 增长12.5%), a
  changed place name (安徽 → 江西) or a dropped word is such a gap, so a passage copied with small
  edits is one passage.  Each end is then extended across one more gap of at most ``max_gap``
  characters when an exact match of at least ``max(ngram // 2, gap)`` characters follows it.
  ``similarity`` is the share of the longer side's content characters that lie in exact matches
  (1.0 for a verbatim copy; a proxy for 1 − edit distance / length that needs no quadratic
  alignment).  A passage is kept when both sides hold at least ``min_chars`` content characters and
  its similarity is at least ``min_similarity``.
* **Candidate pairs** (:func:`reuse_pairs`), by MinHash (Broder 1997, "On the resemblance and
  containment of documents", *Compression and Complexity of Sequences*) and locality-sensitive
  hashing with bands (Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3), as
  implemented by ``datasketch``: every report is cut into overlapping windows of ``window`` content
  characters (stride half a window), each window is the set of its character ``shingle``-grams,
  and windows whose estimated Jaccard similarity reaches ``threshold`` collide in the LSH index
  (every window queries it; every other window, a grid of stride ``window``, is indexed, which
  halves the index and loses nothing: of two consecutive windows of one report, one lies within a
  quarter window of a grid window of the other).  Two reports are a candidate pair when one of
  their windows collide.  Windows rather than whole
  reports, because two reports sharing a few paragraphs have a whole-report Jaccard similarity of a
  few percent, well below any usable threshold, while the windows holding the shared paragraphs are
  near duplicates.  Windows that are mostly boilerplate are left out of the index.  The cost grows
  with the number of windows (linear in the text) plus the number of candidate pairs, not with the
  square of the number of reports.
* **Boilerplate**: a passage is boilerplate when at least half of it lies in sentences matching the
  genre's formulas (the cue list ``resources/cues/formulas.txt``: presenting the report for
  deliberation, asking for comments, thanking, the closing appeal, the title line), or, over a
  folder of at least three reports, when its ``spread`` (the share of the folder's reports that hold
  it: the median, over its n-grams, of the share of reports holding the n-gram) is at least
  ``boilerplate_share`` and covers three reports at least (a passage only two reports share is
  reuse, however small the folder).
* **Report similarity** (:func:`similarity_matrix`): cosine similarity of TF-IDF vectors of each
  report's content words (the shared content-token filter, scikit-learn's ``TfidfVectorizer``:
  smoothed IDF over the reports compared, l2 norm); and (:func:`coverage_matrix`) the share of a
  report's content characters inside passages it shares with another report (asymmetric: a short
  report copied into a long one is covered wholly, the long one only in part).

Everything is deterministic: fixed MinHash seed, stable sorts, tables sorted by their keys.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from ..document.report import Report
from ..errors import PolicyTextError
from ..text.lexicons import cue_pattern
from ..tokens.filters import DEFAULT_POS, content_tokens

__all__ = ["shared_passages", "reuse_pairs", "find_reuse", "similarity_matrix", "coverage_matrix", "tidy_matrix",
           "PASSAGE_COLUMNS", "PAIR_COLUMNS"]

#: Columns of the passage table (:func:`shared_passages`, :func:`find_reuse`), in order.
PASSAGE_COLUMNS = ["a_doc", "b_doc", "a_start", "a_end", "b_start", "b_end", "chars", "matched", "similarity",
                   "boilerplate", "spread",
                   "a_chapter", "a_chapter_title", "a_section", "a_section_title", "a_paragraph",
                   "b_chapter", "b_chapter_title", "b_section", "b_section_title", "b_paragraph",
                   "a_text", "b_text"]
#: Columns of the candidate-pair table (:func:`reuse_pairs`).
PAIR_COLUMNS = ["a_doc", "b_doc", "windows", "jaccard"]

# ---------------------------------------------------------------- content characters and n-gram hashes

#: Code-point ranges of the content characters: the CJK ideographs of :data:`policytext.text.chars.CJK`
#: (basic, extension A, compatibility), ASCII digits and letters, and %.
_CONTENT_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A),
                   (0x25, 0x25))
_BASE = np.uint64(0x100000001B3)  # the FNV-1 prime as the base of the polynomial hash
_SENTENCE = re.compile(r"[^。！？!?\n]+")


def _content(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Code points of the content characters of ``text`` (Latin letters lower-cased) and their offsets."""
    codes = _code_points(text)
    keep = np.zeros(len(codes), dtype=bool)
    for low, high in _CONTENT_RANGES:
        keep |= (codes >= low) & (codes <= high)
    where = np.flatnonzero(keep)
    kept = codes[where].copy()
    upper = (kept >= 0x41) & (kept <= 0x5A)
    kept[upper] += 32
    return kept, where


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _mix(h: np.ndarray) -> np.ndarray:
    """The splitmix64 finalizer: spreads the polynomial hash over all 64 bits (uint64 arithmetic wraps)."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def _ngram_hashes(codes: np.ndarray, n: int) -> np.ndarray:
    """64-bit hash of the n-gram starting at each position (``len(codes) - n + 1`` of them), in numpy."""
    count = len(codes) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    wide = codes.astype(np.uint64)
    h = np.zeros(count, dtype=np.uint64)
    for k in range(n):  # n vector operations, not one per character
        h = h * _BASE + wide[k:k + count]
    return _mix(h)


@lru_cache(maxsize=4)
def _formulas(name: str) -> re.Pattern:
    """The formula sentences of cue list ``name``, and a sentence that is only a salutation (各位代表)."""
    return re.compile(f"{cue_pattern(name)}|^{cue_pattern('salutations')}$")


@dataclass(eq=False)
class _Text:
    """A report prepared for alignment: its content characters, their offsets and its n-gram index."""

    report: Report
    ngram: int
    codes: np.ndarray  # code points of the content characters
    norm: str  # the same as a string (fast slicing and comparison)
    clean_pos: np.ndarray  # cleaned-text offset of each content character
    hashes: np.ndarray  # n-gram hash at each position
    order: np.ndarray  # positions sorted by hash
    uniq: np.ndarray  # distinct hashes, sorted
    first: np.ndarray  # where each distinct hash starts in ``order``
    count: np.ndarray  # how often each distinct hash occurs
    formula: np.ndarray  # content characters inside a sentence matching a formula
    line: np.ndarray  # paragraph (line of the cleaned text) of each content character
    paragraphs: pd.DataFrame = field(repr=False)
    para_starts: np.ndarray = field(repr=False)

    @property
    def doc_id(self) -> str:
        return self.report.doc_id


def _prepare(report: Report, *, ngram: int, formulas: str | None) -> _Text:
    """Content characters of the cleaned text, their n-gram index, the formula sentences and the outline."""
    clean = report.clean.text
    codes, pos = _content(clean)
    hashes = _ngram_hashes(codes, ngram)
    order = np.argsort(hashes, kind="stable")
    uniq, first, count = np.unique(hashes[order], return_index=True, return_counts=True)
    norm = codes.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    formula = np.zeros(len(codes), dtype=bool)
    if formulas:
        pattern = _formulas(formulas)
        for m in _SENTENCE.finditer(clean):
            lo, hi = np.searchsorted(pos, (m.start(), m.end()))
            if hi > lo and pattern.search(norm[lo:hi]):
                formula[lo:hi] = True
    paragraphs = report.structure.paragraphs.sort_values("clean_start", kind="stable").reset_index(drop=True)
    breaks = np.flatnonzero(_code_points(clean) == 0x0A)
    return _Text(report=report, ngram=ngram, codes=codes, norm=norm, clean_pos=pos, hashes=hashes, order=order,
                 uniq=uniq, first=first, count=count, formula=formula, line=np.searchsorted(breaks, pos),
                 paragraphs=paragraphs, para_starts=paragraphs["clean_start"].to_numpy())


# ---------------------------------------------------------------- seeds, exact matches, chains

def _seeds(a: _Text, b: _Text, max_repeat: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(pa, pb)`` of every n-gram the two texts share (each pairing of its occurrences),
    n-grams occurring more than ``max_repeat`` times in either text left out."""
    _, ia, ib = np.intersect1d(a.uniq, b.uniq, assume_unique=True, return_indices=True)
    ca, cb = a.count[ia], b.count[ib]
    keep = (ca <= max_repeat) & (cb <= max_repeat)
    ia, ib, ca, cb = ia[keep], ib[keep], ca[keep], cb[keep]
    sizes = ca * cb
    total = int(sizes.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    k = np.repeat(np.arange(len(sizes)), sizes)
    within = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    x, y = within // cb[k], within % cb[k]
    return a.order[a.first[ia][k] + x].astype(np.int64), b.order[b.first[ib][k] + y].astype(np.int64)


def _exact_matches(pa: np.ndarray, pb: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximal exact matches from seeds: consecutive seeds on one diagonal ``pb - pa``.
    Returns ``(a_start, a_end, diagonal)`` sorted by ``a_start`` then diagonal."""
    diag = pb - pa
    o = np.lexsort((pa, diag))
    pa, diag = pa[o], diag[o]
    brk = np.ones(len(pa), dtype=bool)
    brk[1:] = (diag[1:] != diag[:-1]) | (pa[1:] != pa[:-1] + 1)
    starts = np.flatnonzero(brk)
    ends = np.r_[starts[1:], len(pa)] - 1
    a0, a1, d = pa[starts], pa[ends] + n, diag[starts]
    o = np.lexsort((d, a0))
    return a0[o], a1[o], d[o]


def _union(intervals: list[tuple[int, int]]) -> int:
    total, end = 0, -1
    for lo, hi in sorted(intervals):
        if hi > end:
            total += hi - max(lo, end)
            end = hi
    return total


def _chain(a0: np.ndarray, a1: np.ndarray, d: np.ndarray, max_gap: int) -> list[list]:
    """Chain exact matches into passages across gaps of at most ``max_gap`` characters.

    Each chain is ``[a_start, a_end, b_start, b_end, last_diagonal, pieces]``; matches are taken in
    order of their start in ``a`` and join the open chain that needs the smallest gap."""
    chains: list[list] = []
    active: list[list] = []
    for s, e, dg in zip(a0.tolist(), a1.tolist(), d.tolist()):
        bs, be = s + dg, e + dg
        active = [c for c in active if c[1] + max_gap >= s]
        best, best_cost = None, None
        for c in active:
            ga, gb = s - c[1], bs - c[3]
            if ga > max_gap or gb > max_gap or e <= c[1] or be <= c[3] or bs < c[2]:
                continue
            shift = abs(dg - c[4])
            if shift > max_gap:
                continue
            cost = max(ga, gb, 0) + shift
            if best_cost is None or cost < best_cost:
                best, best_cost = c, cost
        if best is None:
            chain = [s, e, bs, be, dg, [(s, e, dg)]]
            chains.append(chain)
            active.append(chain)
        else:
            best[1], best[3], best[4] = max(best[1], e), max(best[3], be), dg
            best[5].append((s, e, dg))
    return chains


def _extend(ta: _Text, tb: _Text, a_pos: int, b_pos: int, step: int, max_gap: int,
            min_run: int) -> tuple[int, int, int]:
    """Extend a passage end across one gap of at most ``max_gap`` characters in each text, when an
    exact match of at least ``max(min_run, gap in a + gap in b)`` characters follows in the same
    paragraph.  ``step`` is +1 (rightwards, positions are ends) or -1 (leftwards, positions are
    starts).  Returns ``(a_pos, b_pos, matched)``."""
    a, b = ta.norm, tb.norm
    best = None
    for ga in range(max_gap + 1):
        for gb in range(max_gap + 1):
            if ga == gb == 0:
                continue
            need = max(min_run, ga + gb)
            if step > 0:
                i, j = a_pos + ga, b_pos + gb
                if i + need > len(a) or j + need > len(b) or a[i:i + need] != b[j:j + need]:
                    continue
                run = need
                while i + run < len(a) and j + run < len(b) and a[i + run] == b[j + run]:
                    run += 1
            else:
                i, j = a_pos - ga, b_pos - gb
                if i - need < 0 or j - need < 0 or a[i - need:i] != b[j - need:j]:
                    continue
                run = need
                while i - run > 0 and j - run > 0 and a[i - run - 1] == b[j - run - 1]:
                    run += 1
            if step > 0:
                same = (ta.line[a_pos - 1] == ta.line[i + run - 1] and tb.line[b_pos - 1] == tb.line[j + run - 1])
            else:
                same = ta.line[a_pos] == ta.line[i - run] and tb.line[b_pos] == tb.line[j - run]
            if not same:
                continue
            key = (max(ga, gb), ga + gb, ga)
            if best is None or key < best[0]:
                best = (key, i + step * run, j + step * run, run)
    if best is None:
        return a_pos, b_pos, 0
    return best[1], best[2], best[3]


@dataclass(frozen=True)
class _Options:
    min_chars: int
    max_gap: int
    min_similarity: float
    max_repeat: int


def _align(a: _Text, b: _Text, opt: _Options) -> list[tuple[int, int, int, int, int]]:
    """Passages of ``a`` and ``b`` in content-character positions: ``(a0, a1, b0, b1, matched)``."""
    n = a.ngram
    pa, pb = _seeds(a, b, opt.max_repeat)
    if not len(pa):
        return []
    chains = _chain(*_exact_matches(pa, pb, n), opt.max_gap)
    min_run = max(n // 2, 2)
    found = []
    for a0, a1, b0, b1, _, pieces in chains:
        if max(a1 - a0, b1 - b0) < opt.min_chars * opt.min_similarity:
            continue  # cannot reach min_chars even after extension
        a_iv = [(s, e) for s, e, _ in pieces]
        b_iv = [(s + dg, e + dg) for s, e, dg in pieces]
        a1, b1, run = _extend(a, b, a1, b1, +1, opt.max_gap, min_run)
        if run:
            a_iv.append((a1 - run, a1))
            b_iv.append((b1 - run, b1))
        a0, b0, run = _extend(a, b, a0, b0, -1, opt.max_gap, min_run)
        if run:
            a_iv.append((a0, a0 + run))
            b_iv.append((b0, b0 + run))
        matched = min(_union(a_iv), _union(b_iv))
        longer = max(a1 - a0, b1 - b0)
        if min(a1 - a0, b1 - b0) >= opt.min_chars and matched / longer >= opt.min_similarity:
            found.append((a0, a1, b0, b1, matched))
    # a passage found twice (a text repeating itself) is kept once: the better match wins
    found.sort(key=lambda p: (-p[4], p[0], p[2]))
    kept: list[tuple] = []
    for p in found:
        if not any(_overlap(p[0], p[1], k[0], k[1]) > 0.5 and _overlap(p[2], p[3], k[2], k[3]) > 0.5 for k in kept):
            kept.append(p)
    return sorted(kept, key=lambda p: (p[0], p[2]))


def _overlap(s: int, e: int, ks: int, ke: int) -> float:
    return max(0, min(e, ke) - max(s, ks)) / max(e - s, 1)


# ---------------------------------------------------------------- passages as a table

def _raw_span(t: _Text, lo: int, hi: int) -> tuple[int, int, int]:
    """Raw ``(start, end)`` and cleaned start of content characters ``lo:hi``."""
    c0, c1 = int(t.clean_pos[lo]), int(t.clean_pos[hi - 1]) + 1
    start, end = t.report.clean.raw_span(c0, c1)
    return start, end, c0


def _where(t: _Text, clean_start: int) -> dict:
    i = int(np.searchsorted(t.para_starts, clean_start, side="right")) - 1
    if i < 0:
        return {"chapter": pd.NA, "chapter_title": None, "section": pd.NA, "section_title": None, "paragraph": pd.NA}
    row = t.paragraphs.iloc[i]
    return {"chapter": row["chapter"], "chapter_title": row["chapter_title"], "section": row["section"],
            "section_title": row["section_title"], "paragraph": row["paragraph"]}


def _rows(a: _Text, b: _Text, passages, *, df: _DocFrequency | None) -> list[dict]:
    rows = []
    for a0, a1, b0, b1, matched in passages:
        a_start, a_end, a_c0 = _raw_span(a, a0, a1)
        b_start, b_end, b_c0 = _raw_span(b, b0, b1)
        formula = max(a.formula[a0:a1].mean(), b.formula[b0:b1].mean())
        spread = df.spread(a, a0, a1) if df is not None else float("nan")
        row = {"a_doc": a.doc_id, "b_doc": b.doc_id, "a_start": a_start, "a_end": a_end, "b_start": b_start,
               "b_end": b_end, "chars": a1 - a0, "matched": matched, "similarity": matched / max(a1 - a0, b1 - b0),
               "boilerplate": bool(formula >= 0.5 or (df is not None and spread >= df.cutoff)), "spread": spread}
        for side, t, c0 in (("a", a, a_c0), ("b", b, b_c0)):
            row.update({f"{side}_{k}": v for k, v in _where(t, c0).items()})
        row["a_text"] = a.report.raw_text[a_start:a_end]
        row["b_text"] = b.report.raw_text[b_start:b_end]
        rows.append(row)
    return rows


def _table(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=PASSAGE_COLUMNS)
    for col in ("a_start", "a_end", "b_start", "b_end", "chars", "matched"):
        df[col] = df[col].astype("int64")
    for col in ("a_chapter", "a_section", "a_paragraph", "b_chapter", "b_section", "b_paragraph"):
        df[col] = df[col].astype("Int64")
    df["similarity"] = df["similarity"].astype("float64")
    df["spread"] = df["spread"].astype("float64")
    df["boilerplate"] = df["boilerplate"].astype(bool)
    return df.sort_values(["a_doc", "b_doc", "a_start", "b_start"], kind="stable").reset_index(drop=True)


def _options(min_chars, max_gap, min_similarity, max_repeat, ngram) -> _Options:
    if ngram < 2 or min_chars < ngram:
        raise ValueError(f"need 2 <= ngram <= min_chars (ngram={ngram}, min_chars={min_chars})")
    return _Options(min_chars=min_chars, max_gap=max_gap, min_similarity=min_similarity, max_repeat=max_repeat)


def shared_passages(a: Report, b: Report, *, min_chars: int = 40, ngram: int = 10, max_gap: int = 8,
                    min_similarity: float = 0.8, max_repeat: int = 8,
                    formulas: str | None = "formulas") -> pd.DataFrame:
    """The passages two reports share, with raw offsets into each and where each side stands.

    Seeds are the character n-grams both reports hold; exact matches are chained across small edits
    (see the module docstring for the method, after passim: Smith, Cordell & Dillon 2013).

    Args:
        a, b: the two reports.
        min_chars: fewest content characters (Chinese characters, Latin letters, digits, %; no
            punctuation or spaces) of a passage on each side.  40 is about two clauses: shorter
            matches are mostly the stock phrases of the genre (坚持稳中求进工作总基调).
        ngram: length of the seed n-grams, in content characters.
        max_gap: the largest edit a passage bridges: at most this many inserted, deleted or changed
            characters between two exact matches (a changed number, a changed place name).
        min_similarity: lowest share of the longer side's characters in exact matches.
        max_repeat: an n-gram occurring more often than this in either report seeds nothing.
        formulas: the cue list of the genre's formulas that mark a passage as ``boilerplate``
            (``resources/cues/formulas.txt``), or None.

    Returns:
        One row per passage, sorted by ``a_start``: ``a_doc, b_doc``; raw ``a_start, a_end,
        b_start, b_end`` (``a.raw_text[a_start:a_end]`` is the passage in ``a``); ``chars`` (content
        characters of ``a``'s side), ``matched`` (characters in exact matches), ``similarity``
        (``matched`` over the longer side), ``boilerplate`` (mostly formula sentences), ``spread``
        (NaN here: see :func:`find_reuse`); for each side its ``chapter, chapter_title, section,
        section_title, paragraph`` (where the passage starts) and its raw ``text``.

    >>> from policytext import report_from_text
    >>> a = report_from_text("各位代表：\\n今年全市坚持创新驱动发展战略，推动传统产业改造提升，"
    ...                      "全年新增高新技术企业1200家，培育壮大战略性新兴产业，加快建设现代化产业体系。")
    >>> b = report_from_text("各位代表：\\n过去一年，我们坚持创新驱动发展战略，推动传统产业改造提升；"
    ...                      "全年新增高新技术企业900家，培育壮大战略性新兴产业，加快建设现代化产业体系。")
    >>> p = shared_passages(a, b)
    >>> p[["a_start", "a_end", "b_start", "b_end", "chars", "matched"]].values.tolist()
    [[10, 71, 13, 73, 57, 55]]
    >>> print(p["a_text"].iloc[0]); print(p["b_text"].iloc[0])
    坚持创新驱动发展战略，推动传统产业改造提升，全年新增高新技术企业1200家，培育壮大战略性新兴产业，加快建设现代化产业体系
    坚持创新驱动发展战略，推动传统产业改造提升；全年新增高新技术企业900家，培育壮大战略性新兴产业，加快建设现代化产业体系
    """
    opt = _options(min_chars, max_gap, min_similarity, max_repeat, ngram)
    ta, tb = _prepare(a, ngram=ngram, formulas=formulas), _prepare(b, ngram=ngram, formulas=formulas)
    return _table(_rows(ta, tb, _align(ta, tb, opt), df=None))


# ---------------------------------------------------------------- a folder: document frequency, LSH, all passages

class _DocFrequency:
    """In how many of the reports each n-gram occurs (for the ``spread`` of a passage), and the share
    of the reports from which on it is boilerplate: ``boilerplate_share``, and three reports at least
    (a passage two reports share is never boilerplate by its frequency alone)."""

    def __init__(self, texts: list[_Text], boilerplate_share: float):
        self.reports = len(texts)
        self.uniq, self.df = np.unique(np.concatenate([t.uniq for t in texts]) if texts else np.empty(0, np.uint64),
                                       return_counts=True)
        self.cutoff = max(3, math.ceil(boilerplate_share * self.reports - 1e-9)) / max(self.reports, 1)

    def share(self, hashes: np.ndarray) -> np.ndarray:
        """Share of the reports holding each of ``hashes`` (every one is held by one report at least)."""
        return self.df[np.searchsorted(self.uniq, hashes)] / self.reports

    def spread(self, t: _Text, lo: int, hi: int) -> float:
        grams = t.hashes[lo:max(hi - t.ngram + 1, lo + 1)]
        return float(np.median(self.share(grams))) if len(grams) else float("nan")


def _texts(reports: Iterable[Report], *, ngram: int, formulas: str | None) -> list[_Text]:
    texts = sorted((_prepare(r, ngram=ngram, formulas=formulas) for r in reports), key=lambda t: t.doc_id)
    ids = [t.doc_id for t in texts]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise PolicyTextError(f"several reports have the doc_id {repeated[0]!r} (the file name without its "
                              "extension); rename one of them")
    return texts


def _identity(value):
    return value


def _shingle_hashes(t: _Text, shingle: int) -> np.ndarray:
    h = _ngram_hashes(t.codes, shingle)
    return ((h >> np.uint64(32)) ^ (h & np.uint64(0xFFFFFFFF))).astype(np.uint32)


def _windows(length: int, window: int) -> list[tuple[int, int]]:
    """Windows of ``window`` characters at a stride of half a window, the last one ending at ``length``."""
    if length <= window:
        return [(0, length)] if length else []
    stride = max(window // 2, 1)
    starts = list(range(0, length - window + 1, stride))
    if starts[-1] + window < length:
        starts.append(length - window)
    return [(s, s + window) for s in starts]


def _candidates(texts: list[_Text], *, threshold: float, num_perm: int, seed: int, shingle: int, window: int,
                skip: list[np.ndarray] | None) -> pd.DataFrame:
    from datasketch import MinHash, MinHashLSH

    docs, sets, indexed = [], [], []
    for i, t in enumerate(texts):
        hashes = _shingle_hashes(t, shingle)
        skipped = skip[i] if skip is not None else np.zeros(len(t.norm), dtype=bool)
        spans = _windows(len(t.norm), window)
        for w, (s, e) in enumerate(spans):
            if e - s < shingle or skipped[s:e].mean() >= 0.5:
                continue
            docs.append(i)
            sets.append(np.unique(hashes[s:e - shingle + 1]).tolist())
            # every window queries the index; every other one (a grid of stride ``window``) is in it:
            # of two consecutive windows of one report, one lies within a quarter window of a grid
            # window of the other, so a shared passage is found as with every window indexed
            indexed.append(w % 2 == 0 or w == len(spans) - 1)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    sketches = list(MinHash.generator(sets, num_perm=num_perm, seed=seed, hashfunc=_identity))
    for number, m in enumerate(sketches):  # keys are window numbers: integers hash fastest
        if indexed[number]:
            lsh.insert(number, m, check_duplication=False)
    found: dict[tuple[int, int], list[float]] = {}
    for number, m in enumerate(sketches):
        for other in sorted(lsh.query(m)):
            if docs[other] == docs[number]:
                continue
            jaccard = m.jaccard(sketches[other])
            if jaccard >= threshold:
                pair = (min(docs[number], docs[other]), max(docs[number], docs[other]))
                found.setdefault(pair, []).append(jaccard)
    rows = [{"a_doc": texts[i].doc_id, "b_doc": texts[j].doc_id, "windows": len(v), "jaccard": max(v)}
            for (i, j), v in found.items()]
    out = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    out["windows"] = out["windows"].astype("int64")
    out["jaccard"] = out["jaccard"].astype("float64")
    return out.sort_values(["a_doc", "b_doc"], kind="stable").reset_index(drop=True)


def _skip_masks(texts: list[_Text], df: _DocFrequency | None) -> list[np.ndarray]:
    """Content characters that are boilerplate: in a formula, or in an n-gram of most reports."""
    masks = []
    for t in texts:
        mask = t.formula.copy()
        if df is not None and len(t.hashes):
            common = df.share(t.hashes) >= df.cutoff
            # a character is common when the n-gram starting at it is (close enough for windows)
            mask[:len(common)] |= common
        masks.append(mask)
    return masks


def _doc_frequency(texts: list[_Text], boilerplate_share: float) -> _DocFrequency | None:
    return _DocFrequency(texts, boilerplate_share) if len(texts) >= 3 else None


def reuse_pairs(reports: Iterable[Report], *, threshold: float = 0.3, num_perm: int = 128, seed: int = 1,
                shingle: int = 5, window: int = 100, ngram: int = 10, boilerplate_share: float = 0.5,
                formulas: str | None = "formulas") -> pd.DataFrame:
    """Candidate pairs of reports that may share passages, by MinHash LSH over windows of their text.

    Each report is cut into windows of ``window`` content characters (stride half a window); each
    window is the set of its character ``shingle``-grams, sketched by a MinHash of ``num_perm``
    permutations (Broder 1997; ``datasketch``, seeded with ``seed`` so that runs agree) and indexed
    with ``datasketch.MinHashLSH`` at ``threshold``.  A pair of reports is a candidate when a window
    of one and a window of the other collide and their estimated Jaccard similarity reaches
    ``threshold``.  Windows that are mostly boilerplate (formula sentences, or n-grams held by at
    least ``boilerplate_share`` of the reports and by three at least) are not indexed, so the
    formulas every report shares do not make every pair a candidate.

    A shared passage of about one and a half windows (150 characters by default) or more makes its
    pair a candidate with near certainty; shorter ones may be missed (:func:`find_reuse` with
    ``pairs="all"`` aligns every pair instead).

    Returns:
        One row per candidate pair (``a_doc < b_doc``): ``a_doc, b_doc, windows`` (colliding window
        pairs), ``jaccard`` (the highest estimated Jaccard similarity of two of their windows),
        sorted by ``a_doc, b_doc``.
    """
    texts = _texts(reports, ngram=ngram, formulas=formulas)
    df = _doc_frequency(texts, boilerplate_share)
    return _candidates(texts, threshold=threshold, num_perm=num_perm, seed=seed, shingle=shingle, window=window,
                       skip=_skip_masks(texts, df))


def find_reuse(reports: Iterable[Report], *, pairs: str = "lsh", min_chars: int = 40, ngram: int = 10,
               max_gap: int = 8, min_similarity: float = 0.8, max_repeat: int = 8, threshold: float = 0.3,
               num_perm: int = 128, seed: int = 1, shingle: int = 5, window: int = 100,
               boilerplate_share: float = 0.5, formulas: str | None = "formulas") -> pd.DataFrame:
    """Every passage shared by two reports of a folder.

    Candidate pairs come from :func:`reuse_pairs` (``pairs="lsh"``, the default: cost about linear
    in the number of reports) or are every pair (``pairs="all"``: quadratic, but also finds the
    short passages the windows of LSH miss); each candidate pair is aligned as in
    :func:`shared_passages` (same options), ``a_doc`` before ``b_doc`` by name.  With three reports
    or more, ``spread`` is the share of the reports that hold the passage (the median over its
    n-grams of the share of reports holding the n-gram), and a passage with a ``spread`` of at least
    ``boilerplate_share`` (and of three reports at least) is ``boilerplate`` as well as one made
    mostly of formula sentences.

    Returns:
        The passage table of :func:`shared_passages` for all pairs, sorted by ``a_doc, b_doc,
        a_start, b_start``.
    """
    if pairs not in ("lsh", "all"):
        raise ValueError(f"pairs must be 'lsh' or 'all', not {pairs!r}")
    opt = _options(min_chars, max_gap, min_similarity, max_repeat, ngram)
    texts = _texts(reports, ngram=ngram, formulas=formulas)
    df = _doc_frequency(texts, boilerplate_share)
    if pairs == "all":
        todo = [(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts))]
    else:
        cand = _candidates(texts, threshold=threshold, num_perm=num_perm, seed=seed, shingle=shingle, window=window,
                           skip=_skip_masks(texts, df))
        number = {t.doc_id: i for i, t in enumerate(texts)}
        todo = [(number[a], number[b]) for a, b in zip(cand["a_doc"], cand["b_doc"])]
    rows = []
    for i, j in todo:
        rows.extend(_rows(texts[i], texts[j], _align(texts[i], texts[j], opt), df=df))
    return _table(rows)


# ---------------------------------------------------------------- report similarity

def similarity_matrix(units: Mapping[str, pd.DataFrame] | Iterable[Report], *, include_pos=DEFAULT_POS,
                      stopwords: bool = True, min_len: int = 2, tokenizer=None) -> pd.DataFrame:
    """Cosine similarity of the reports' TF-IDF vectors of content words: a square table.

    Args:
        units: token tables by name (``{doc_id: tokenize(report)}``), or reports (tokenized here,
            with ``tokenizer`` or the default one).
        include_pos, stopwords, min_len: the content-token filter
            (:func:`~policytext.tokens.filters.content_tokens`).

    Returns:
        A symmetric DataFrame, index and columns the names sorted, 1.0 on the diagonal.  The
        vectors are TF-IDF as scikit-learn's ``TfidfVectorizer`` makes it by default, over each
        report's content tokens: raw counts times the smoothed IDF ``ln((1 + n) / (1 + df)) + 1``,
        computed over the reports compared, l2-normalised (computed here with SciPy, which loads in
        a fraction of scikit-learn's time; a test holds the two equal).  The IDF, and with it every
        value, depends on which reports are compared together.  :func:`tidy_matrix` gives the long
        form.
    """
    if not isinstance(units, Mapping):
        from ..tokens.segmentation import tokenize

        units = {r.doc_id: tokenize(r, tokenizer=tokenizer) for r in units}
    names = sorted(units)
    if not names:
        return pd.DataFrame(dtype=float)
    docs = [content_tokens(units[n], include_pos=include_pos, stopwords=stopwords, min_len=min_len)["token"]
            .to_numpy(dtype=object) for n in names]
    values = _tfidf_cosine(docs)
    np.fill_diagonal(values, 1.0)
    return pd.DataFrame(values, index=pd.Index(names, name="a_doc"), columns=pd.Index(names, name="b_doc"))


def _tfidf_cosine(docs: list[np.ndarray]) -> np.ndarray:
    """Cosine of the l2-normalised TF-IDF vectors (counts × smoothed IDF) of token arrays: exactly symmetric."""
    from scipy import sparse

    n = len(docs)
    lengths = np.array([len(d) for d in docs], dtype=np.int64)
    if not lengths.sum():
        return np.zeros((n, n))
    terms, codes = np.unique(np.concatenate(docs), return_inverse=True)
    counts = sparse.csr_matrix((np.ones(len(codes)), (np.repeat(np.arange(n), lengths), codes.ravel())),
                               shape=(n, len(terms)))  # duplicates summed: a term's count in a report
    df = np.bincount(counts.indices, minlength=len(terms))
    weights = counts.multiply(np.log((1 + n) / (1 + df)) + 1).tocsr()
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    weights = sparse.diags(np.divide(1.0, norms, out=np.zeros(n), where=norms > 0)) @ weights
    values = (weights @ weights.T).toarray()
    return np.triu(values) + np.triu(values, 1).T  # (i, j) and (j, i) summed in one order


def coverage_matrix(passages: pd.DataFrame, reports: Iterable[Report], *, boilerplate: bool = False) -> pd.DataFrame:
    """Share of each report's content characters inside passages it shares with another report.

    ``passages`` is a table of :func:`find_reuse` or :func:`shared_passages` over ``reports``.  The
    value at row ``x``, column ``y`` is the share of ``x``'s content characters (Chinese
    characters, letters, digits, %) that lie in a passage ``x`` shares with ``y``; it is
    asymmetric (a short report copied whole into a long one has coverage 1.0 in its row, the long
    one much less in its own).  Boilerplate passages count only with ``boilerplate=True``.  The
    diagonal is 1.0.
    """
    reports = {r.doc_id: r for r in reports}
    names = sorted(reports)
    content = {n: _content_mask(reports[n].raw_text) for n in names}
    values = pd.DataFrame(0.0, index=pd.Index(names, name="a_doc"), columns=pd.Index(names, name="b_doc"))
    rows = passages if boilerplate else passages[~passages["boilerplate"]]
    sides = (("a", "b"), ("b", "a"))
    for (x, y), group in pd.concat(
            [rows[[f"{s}_doc", f"{o}_doc", f"{s}_start", f"{s}_end"]].set_axis(["x", "y", "start", "end"], axis=1)
             for s, o in sides], ignore_index=True).groupby(["x", "y"], sort=True):
        if x not in content or y not in content:
            continue
        mask = content[x]
        covered = np.zeros(len(mask) + 1, dtype=np.int64)  # +1: a passage may end at the text's end
        np.add.at(covered, group["start"].to_numpy(), 1)
        np.add.at(covered, group["end"].to_numpy(), -1)
        inside = np.cumsum(covered)[:len(mask)] > 0
        values.loc[x, y] = float((inside & mask).sum() / max(mask.sum(), 1))
    for n in names:
        values.loc[n, n] = 1.0
    return values


def _content_mask(text: str) -> np.ndarray:
    mask = np.zeros(len(text) + 1, dtype=bool)
    mask[_content(text)[1]] = True
    return mask[:len(text)]


def tidy_matrix(matrix: pd.DataFrame, *, value: str = "similarity", diagonal: bool = False) -> pd.DataFrame:
    """The long form of a square table: one row per ordered pair ``a_doc, b_doc, <value>``, sorted
    (the diagonal left out unless ``diagonal``)."""
    long = matrix.rename_axis(index="a_doc", columns="b_doc").stack().rename(value).reset_index()
    if not diagonal:
        long = long[long["a_doc"] != long["b_doc"]]
    return long.sort_values(["a_doc", "b_doc"], kind="stable").reset_index(drop=True)
