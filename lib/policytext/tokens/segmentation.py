"""Word segmentation with the policy dictionary: ``segment(text)`` and ``tokenize(doc)``.

One :class:`PolicyTokenizer` per process wraps its own tokenizer loaded with
the policy user dictionary (``resources/userdict.txt``); jieba's global
tokenizer is never touched.  Two backends: ``rjieba`` (jieba-rs, the Rust port;
the default, much faster) and ``jieba`` (the pure-Python reference).  They agree
for this project's purposes: dictionary terms and their tags are identical, the
top content terms of the corpus reports overlap almost entirely, and indicator
extraction gives the same figures; jieba-rs's HMM joins a few unknown sequences
that jieba splits (一是, 这是), mostly stopwords (``tests/test_segmentation.py``
holds both to this on the development corpus).  Before jieba sees the text, two
kinds of span are cut out and kept as single tokens (:func:`policytext.text.numbers.token_pattern`):

* a number with its magnitude and unit (``39亿元``, ``11.5%``, ``2.6万人``,
  ``3个百分点``): POS ``m``; a year, month or day (``2017年``, ``11月``): POS ``t``;
* characters masked by a site filter (``*``, ``**``): dropped, so a mask never
  becomes a word; the tokens on either side are marked ``near_mask``.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, NamedTuple

import numpy as np
import pandas as pd

from ..options import BACKENDS, DEFAULT_BACKEND
from ..text.chars import CJK
from ..text.lexicons import USERDICT, cue_words, load_stopwords, read_userdict
from ..text.numbers import token_pattern

if TYPE_CHECKING:
    from ..document.report import Report

__all__ = ["Token", "PolicyTokenizer", "get_tokenizer", "segment", "tokenize", "learned_names", "TOKEN_COLUMNS"]

TOKEN_COLUMNS = ["doc_id", "part", "chapter", "section", "paragraph", "sentence", "token", "pos",
                 "start", "end", "clean_start", "clean_end", "stopword", "punct", "dict_term", "near_mask"]


class Token(NamedTuple):
    text: str
    pos: str
    start: int  # offsets in the text given to segment()
    end: int
    near_mask: bool = False


def _import_jieba():
    """Import jieba quietly.

    jieba logs "Building prefix dict…"/"Loading model cost…" at DEBUG on
    stderr, and on Python 3.12+ its regular expressions raise invalid-escape
    SyntaxWarnings when first compiled.  The library never prints: raise the
    level of jieba's own logger, and ignore only those warnings.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"invalid escape sequence", category=SyntaxWarning)
        warnings.filterwarnings("ignore", message=r"invalid escape sequence", category=DeprecationWarning)
        import jieba
        import jieba.posseg
    logging.getLogger("jieba").setLevel(logging.WARNING)  # after the import: jieba sets DEBUG when imported
    return jieba


#: Smallest frequency a dictionary term gets.  jieba's ``suggest_freq`` gives a term just enough
#: weight to beat its own pieces (often 1-20 in a dictionary of 60 million), so a term still loses
#: to any overlapping word of jieba's dictionary (行业龙头/企业, 城市/管理水平, 非/遗传).  At 100 those
#: overlaps resolve in favour of the policy term (on the development corpus a few dozen token
#: boundaries move, nearly all of them towards the policy term).
MIN_TERM_FREQ = 100


class PolicyTokenizer:
    """A jieba tokenizer loaded with the policy user dictionary (and any extra dictionaries).

    Build it once and pass it around (or use :func:`get_tokenizer`, which
    caches the default one); building takes about a second.
    """

    def __init__(self, *, userdict: str | Path | None = USERDICT, extra: Iterable[str | Path] = (), hmm: bool = True,
                 backend: str = DEFAULT_BACKEND):
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
        self.backend = backend
        terms = []
        for path in ([userdict] if userdict else []) + list(extra):
            terms.extend(read_userdict(path))
        if backend == "jieba":
            jieba = _import_jieba()
            self._tokenizer = jieba.Tokenizer()
            self._tokenizer.initialize()
            for term in terms:
                self._tokenizer.add_word(term.word, term.freq or self._frequency(term.word), term.pos)
            self._pos = jieba.posseg.POSTokenizer(self._tokenizer)
        else:
            import rjieba

            self._tokenizer = rjieba.Jieba()
            for term in terms:  # the same frequencies as the jieba backend, word by word
                self._tokenizer.add_word(term.word, term.freq or self._frequency(term.word), term.pos or "n")
        self.terms = frozenset(t.word for t in terms)
        self._term_pos = {t.word: t.pos for t in terms if t.pos}
        self.hmm = hmm
        self._special = token_pattern()
        self._lock = threading.Lock()

    def _frequency(self, word: str) -> int:
        """The backend's suggested frequency, raised to :data:`MIN_TERM_FREQ`."""
        if self.backend == "jieba":
            return max(self._tokenizer.suggest_freq(word, False), MIN_TERM_FREQ)
        return max(self._tokenizer.suggest_freq(word), MIN_TERM_FREQ)

    def add_word(self, word: str, pos: str | None = None, freq: int | None = None) -> None:
        """Add one term (kept whole from now on)."""
        self._tokenizer.add_word(word, freq or self._frequency(word), pos or ("n" if self.backend == "rjieba" else None))
        self.terms = self.terms | {word}

    def segment(self, text: str) -> list[Token]:
        """Tokens of ``text`` with POS tags and offsets into ``text``.

        The same tokens as :meth:`segment_many`, by a plain loop: for one short text (the context
        of a number) it is faster than setting up arrays.
        """
        words: list[str] = []
        tags: list[str] = []
        with self._lock:
            specials = set(self._cut(text, words, tags))
        out: list[Token] = []
        offset = 0
        for i, (word, tag) in enumerate(zip(words, tags)):
            start, offset = offset, offset + len(word)
            if word.strip() and not (i in specials and tag == _MASK):
                if self.backend == "rjieba" and i not in specials:
                    tag = self._term_pos.get(word, tag)
                near = (i - 1 in specials and tags[i - 1] == _MASK) or (i + 1 in specials and tags[i + 1] == _MASK)
                out.append(Token(word, tag, start, offset, near))
        return out

    def _cut(self, text: str, words: list[str], tags: list[str]) -> list[int]:
        """Append the pieces of ``text`` to ``words``/``tags``; return where the cut-out pieces are in ``words``.

        The pieces cover ``text`` character for character: numbers and dates (one piece each, POS
        ``m``/``t``), masks (POS ``_MASK``), and the backend's tokens of the runs between them,
        white space included.
        """
        specials = []
        tag = self._tag_pairs
        pos = 0
        for m in self._special.finditer(text):
            if m.start() > pos:
                pairs = tag(text[pos:m.start()])
                if pairs:
                    w, f = zip(*pairs)
                    words.extend(w)
                    tags.extend(f)
            specials.append(len(words))
            words.append(m.group())
            tags.append(_SPECIAL_TAGS[m.lastgroup])
            pos = m.end()
        if pos < len(text):
            pairs = tag(text[pos:])
            if pairs:
                w, f = zip(*pairs)
                words.extend(w)
                tags.extend(f)
        return specials

    def segment_many(self, texts: Iterable[str]) -> tuple[np.ndarray, ...]:
        """Tokens of many texts at once, as arrays ``(text_index, words, tags, starts, ends, near_mask)``.

        The same tokens as :meth:`segment` text by text (offsets are into each text), built for a
        whole report: the pieces of every text (see :meth:`_cut`) are collected first, a token's
        offset is the running sum of the lengths before it, and white space and masks are then
        dropped with array operations, never token by token in Python.
        """
        words: list[str] = []
        tags: list[str] = []
        counts: list[int] = []
        specials: list[int] = []  # positions of number/date/mask pieces (not tagged by the backend)
        with self._lock:  # jieba's tokenizers are not thread-safe while they lazily load
            for text in texts:
                before = len(words)
                specials.extend(self._cut(text, words, tags))
                counts.append(len(words) - before)
        n = len(words)
        count = np.asarray(counts, dtype=np.int64)
        index = np.repeat(np.arange(len(count), dtype=np.int64), count)
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=n)
        ends = np.cumsum(lengths)  # offsets over all texts, then made relative to each text
        before_text = np.concatenate(([0], ends))[np.cumsum(count) - count]
        ends -= np.repeat(before_text, count)
        starts = ends - lengths
        word = np.empty(n, dtype=object)
        word[:] = words
        tag_of = np.empty(n, dtype=object)
        tag_of[:] = tags
        codes, uniques = pd.factorize(word)
        is_special = np.zeros(n, dtype=bool)
        is_special[specials] = True
        is_mask = is_special & (tag_of == _MASK)
        blank = _per_distinct(codes, uniques, lambda u: not u.strip())
        if self.backend == "rjieba" and n:  # rjieba keeps its own tag for a word it already knows: use ours
            ours = np.array([self._term_pos.get(u) for u in uniques], dtype=object)[codes]
            replace = (ours != None) & ~is_special  # noqa: E711 (element-wise)
            tag_of[replace] = ours[replace]
        same_text = index[1:] == index[:-1]
        near = np.zeros(n, dtype=bool)
        near[1:] |= is_mask[:-1] & same_text  # starts where a mask ends
        near[:-1] |= is_mask[1:] & same_text  # ends where a mask starts
        keep = ~(blank | is_mask)
        return index[keep], word[keep], tag_of[keep], starts[keep], ends[keep], near[keep]

    def _tag_pairs(self, chunk: str) -> list[tuple[str, str]]:
        """``(word, tag)`` pairs of the backend for a run of text, covering it character for character."""
        if self.backend == "jieba":
            return [(p.word, p.flag) for p in self._pos.cut(chunk, HMM=self.hmm)]
        return self._tokenizer.tag(chunk, self.hmm)


#: POS of the pieces cut out before segmentation (a mask is dropped from the tokens).
_MASK = "\0mask"
_SPECIAL_TAGS = {"date": "t", "num": "m", "mask": _MASK}


@lru_cache(maxsize=2)
def get_tokenizer(backend: str = DEFAULT_BACKEND) -> PolicyTokenizer:
    """The default tokenizer (policy dictionary, HMM on) of a backend, built once per process."""
    return PolicyTokenizer(backend=backend)


def segment(text: str, *, tokenizer: PolicyTokenizer | None = None) -> list[Token]:
    """Segment ``text`` into tokens with POS tags and offsets.

    >>> [t.text for t in segment("完成一般公共预算收入39亿元，增长20%。")]
    ['完成', '一般公共预算收入', '39亿元', '，', '增长', '20%', '。']
    """
    return (tokenizer or get_tokenizer()).segment(text)


_PUNCT_RE = re.compile(rf"^[^\w{CJK}]+$")


def _per_distinct(codes: np.ndarray, uniques, test) -> np.ndarray:
    """``test`` of every token, computed once per distinct token (``codes, uniques`` of ``pd.factorize``)."""
    return np.fromiter(map(test, uniques), dtype=bool, count=len(uniques))[codes]


def tokenize(doc: "Report", *, tokenizer: PolicyTokenizer | None = None,
             stopwords: frozenset[str] | None = None, learn_names: bool = True) -> pd.DataFrame:
    """One row per token of a report, with provenance and filters.

    Columns: ``doc_id, part, chapter, section, paragraph, sentence`` (where
    the token is), ``token, pos``, raw ``start, end`` and cleaned
    ``clean_start, clean_end`` offsets, and flags ``stopword`` (general plus
    policy list, see :func:`~policytext.lexicons.load_stopwords`), ``punct``,
    ``dict_term`` (a term of the user dictionary) and ``near_mask``.
    Tokens never cross a sentence boundary.

    With ``learn_names`` (the default), the names the segmenter splits and the report itself
    shows to be one word are joined (青/山镇 → 青山镇, POS ``nz``; see :func:`learned_names`); a
    report of more than 8,000 sentences learns them slice by slice.
    """
    tokenizer = tokenizer or get_tokenizer()
    stopwords = load_stopwords() if stopwords is None else stopwords
    sentences = doc.structure.sentences
    if len(sentences) > _CHUNK:  # a long report in slices: the Python lists of one slice at a time
        parts = [_tokenize_sentences(doc, sentences.iloc[i:i + _CHUNK], tokenizer, stopwords, learn_names)
                 for i in range(0, len(sentences), _CHUNK)]
        return pd.concat(parts, ignore_index=True)
    return _tokenize_sentences(doc, sentences, tokenizer, stopwords, learn_names)


#: POS of a piece that cannot open a name: function words, numbers, time words, punctuation.
_NOT_A_NAME_PIECE = frozenset({"p", "c", "u", "uj", "ul", "ud", "uz", "ug", "uv", "d", "r", "m", "q", "f", "y", "e",
                               "o", "x", "t", "zg"})
_CJK_WORD = re.compile(f"^[{CJK}]+$")
#: Passes of :func:`_join_names`: a name of three pieces (青/山镇/老城) needs two.
_NAME_PASSES = 3


def learned_names(tokens: pd.DataFrame, *, min_count: int = 2, share: float = 0.8) -> pd.DataFrame:
    """Names the segmenter split, learned from the report's own tokens.

    jieba knows the names of a country, not of a district: 青山镇 comes out as 青/山镇, 红钢城 as
    红/钢城, and the pieces then rank as collocations and network nodes.  A pair of adjacent tokens
    ``first second`` of one sentence is learned as one name when

    * ``second`` ends with a word that ends place names (``resources/cues/place_suffixes.txt``:
      镇 街 村 城 园 湖 …), the joined name has 3 to 5 characters of Chinese, and ``first`` is not
      a function word, number or time word;
    * the pair occurs at least ``min_count`` times;
    * the pieces hardly occur apart: at least ``share`` of the occurrences of each piece are in the
      pair, or ``first`` is a single character found (almost) only in the pair (红 of 红钢城,
      where 钢城 is also a name of its own).

    The evidence is the report's, so a corpus learns each report's names separately, and the same
    report always gives the same names.  Columns: ``name, first, second, count``, sorted by name.

    >>> from policytext.document.report import report_from_text
    >>> doc = report_from_text("一、工作回顾\\n推进青山镇老城改造。完成青山镇道路建设。青山镇面貌一新。\\n")
    >>> learned_names(tokenize(doc, learn_names=False))["name"].tolist()
    ['青山镇']
    """
    words = tokens["token"].to_numpy(dtype=object)
    pairs = _learn(words, tokens["pos"].to_numpy(dtype=object), _adjacent(tokens["sentence"].to_numpy(),
                   tokens["clean_start"].to_numpy(), tokens["clean_end"].to_numpy()), min_count=min_count, share=share)
    table = pd.DataFrame(pairs, columns=["first", "second", "count"]).astype({"count": "int64"})
    table.insert(0, "name", table["first"] + table["second"])
    return table.sort_values("name", kind="stable").reset_index(drop=True)


def _learn(words: np.ndarray, tags: np.ndarray, adjacent: np.ndarray, *, min_count: int = 2,
           share: float = 0.8) -> list[tuple[str, str, int]]:
    """The learned names as ``(first, second, count)``, most frequent first (ties in order of first
    occurrence), from the tokens' words and tags as arrays and ``adjacent`` (:func:`_adjacent`); see
    :func:`learned_names`.

    The tests on numbers (adjacency, tags, lengths) come first; the tests on the text of a word
    (all Chinese, ends like a place name) are made only for the distinct words of the pairs left."""
    if len(words) < 2:
        return []
    codes, uniques = pd.factorize(words)
    unique_length = np.fromiter(map(len, uniques), dtype=np.int64, count=len(uniques))
    length = unique_length[codes]
    tag_codes, tag_uniques = pd.factorize(tags)
    can_open = _per_distinct(tag_codes, tag_uniques, lambda t: t not in _NOT_A_NAME_PIECE)
    joined_length = length[:-1] + length[1:]
    i = np.flatnonzero(adjacent & can_open[:-1] & (joined_length >= 3) & (joined_length <= 5))
    if not len(i):
        return []
    a, b = codes[i], codes[i + 1]
    suffixes = tuple(sorted(cue_words("place_suffixes")))
    cjk = _some_distinct(uniques, np.union1d(a, b), lambda u: _CJK_WORD.match(u) is not None)
    ends_a_name = _some_distinct(uniques, np.unique(b), lambda u: u.endswith(suffixes))
    pair = cjk[a] & cjk[b] & ends_a_name[b]
    if not pair.any():
        return []
    key = a[pair] * len(uniques) + b[pair]  # one number per (first, second)
    keys, first_seen, n = np.unique(key, return_index=True, return_counts=True)
    order = np.argsort(first_seen, kind="stable")  # in order of first occurrence, then most frequent first
    keys, n = keys[order], n[order]
    order = np.argsort(-n, kind="stable")
    keys, n = keys[order], n[order]
    keys, n = keys[n >= min_count], n[n >= min_count]
    alone = np.bincount(codes, minlength=len(uniques))
    a, b = keys // len(uniques), keys % len(uniques)
    share_a, share_b = n / alone[a], n / alone[b]
    keep = ((share_a >= share) & (share_b >= share)) | ((unique_length[a] == 1) & (share_a >= share))
    return [(uniques[x], uniques[y], int(k)) for x, y, k in zip(a[keep], b[keep], n[keep])]


def _some_distinct(uniques, which: np.ndarray, test) -> np.ndarray:
    """For each distinct token (``uniques`` of ``pd.factorize``): ``test`` of it for the positions
    ``which``, False for the others."""
    out = np.zeros(len(uniques), dtype=bool)
    out[which] = [test(uniques[k]) for k in which.tolist()]
    return out


def _adjacent(sentence: np.ndarray, clean_start: np.ndarray, clean_end: np.ndarray) -> np.ndarray:
    """For each token but the last: the next token follows it directly in the same sentence."""
    return (sentence[1:] == sentence[:-1]) & (clean_end[:-1] == clean_start[1:])


def _join_names(words, tags, sentence, clean_start, clean_end, near):
    """The tokens (as the arrays of :meth:`PolicyTokenizer.segment_many`, with each token's sentence and
    cleaned offsets) with each learned name (:func:`learned_names`) one token of POS ``nz``, pass after
    pass (a name of three pieces, 青/山镇/老城, needs two).  Works on the arrays before the token table
    is built, so a long report's table is never copied; returns ``(keep, words, tags, clean_end, near)``:
    the tokens kept, and the arrays changed where a name now ends later."""
    keep = np.ones(len(words), dtype=bool)
    words, tags, clean_end, near = words.copy(), tags.copy(), clean_end.copy(), near.copy()
    for _ in range(_NAME_PASSES):
        alive = np.flatnonzero(keep)
        adjacent = _adjacent(sentence[alive], clean_start[alive], clean_end[alive])
        pairs = _learn(words[alive], tags[alive], adjacent)
        if not pairs:
            break
        learned = {(a, b) for a, b, _ in pairs}
        w = words[alive]
        codes, uniques = pd.factorize(w)
        firsts = _per_distinct(codes, uniques, {a for a, _ in learned}.__contains__)
        seconds = _per_distinct(codes, uniques, {b for _, b in learned}.__contains__)
        maybe = np.flatnonzero(adjacent & firsts[:-1] & seconds[1:])
        opens = np.zeros(len(alive), dtype=bool)
        opens[maybe] = [(w[k], w[k + 1]) in learned for k in maybe]
        for k in np.flatnonzero(opens):  # left to right: a token closes at most one name
            if k > 0 and opens[k - 1]:
                opens[k] = False
        first, second = alive[np.flatnonzero(opens)], alive[np.flatnonzero(opens) + 1]
        words[first] = words[first] + words[second]
        tags[first] = "nz"
        clean_end[first] = clean_end[second]
        near[first] = near[first] | near[second]
        keep[second] = False
    return keep, words, tags, clean_end, near


#: Sentences tokenized at once.  A report of a few thousand sentences is one slice; a 10 MB text
#: (80,000 sentences) is cut so that the intermediate word lists never hold all its tokens.
_CHUNK = 8000


def _tokenize_sentences(doc: "Report", sentences: pd.DataFrame, tokenizer: PolicyTokenizer,
                        stopwords: frozenset[str], learn_names: bool = True) -> pd.DataFrame:
    rows, words, tags, starts, ends, near = tokenizer.segment_many(sentences["text"].tolist())
    clean_start = sentences["clean_start"].to_numpy(dtype=np.int64)[rows] + starts
    clean_end = clean_start + (ends - starts)
    if learn_names:
        keep, words, tags, clean_end, near = _join_names(words, tags, sentences["sentence"].to_numpy()[rows],
                                                         clean_start, clean_end, near)
        rows, words, tags, clean_start, clean_end, near = (a[keep] for a in (rows, words, tags, clean_start, clean_end,
                                                                             near))
    raw_start, raw_end = doc.clean.offsets.raw_spans(clean_start, clean_end) if len(rows) else (clean_start, clean_end)
    codes, uniques = pd.factorize(words)
    columns = {"doc_id": np.full(len(rows), doc.doc_id, dtype=object)}
    for col in ("part", "chapter", "section", "paragraph", "sentence"):
        columns[col] = sentences[col].array.take(rows)
    columns.update(token=words, pos=tags, start=raw_start, end=raw_end, clean_start=clean_start, clean_end=clean_end,
                   stopword=_per_distinct(codes, uniques, stopwords.__contains__),
                   punct=_per_distinct(codes, uniques, lambda u: _PUNCT_RE.match(u) is not None),
                   dict_term=_per_distinct(codes, uniques, tokenizer.terms.__contains__), near_mask=near)
    return pd.DataFrame(columns, columns=TOKEN_COLUMNS)  # built once, in column order
