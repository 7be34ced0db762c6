"""分别 lists: ``A、B（和C）分别V x、y（、z）`` pairs A with x, B with y, and C with z.

Reports state pairs of figures this way dozens of times (城镇、农村居民人均可支配收入分别增长5.1%、6.3%),
and a figure read alone gets the subject of the nearest words (农村居民…) for both.  This module
reads the list as a whole:

* the **figures** are those right after 分别 (and its verb: 增长, 达, 下降至, 完成年计划的 …), joined by
  、/和/及 and nothing else;
* the **members** are the phrase before 分别 split at 、/和/及/与 (a list written before, with its
  own figures, and then ``，分别增长x、y`` takes the subjects of those figures instead);
* a **head written once** is given to every member: the last member's part from a measure word or a
  category word on (``resources/cues/measure_heads.txt``, ``category_heads.txt``: 收入, 产量, 贷款,
  建成区 …) is added to the earlier members (城镇 → 城镇居民人均可支配收入); a later member that is a
  bare measure word (死亡人数) takes the first member's prefix (生产安全事故死亡人数);
* a **count mismatch** (three members, two figures) is not guessed: the figures are flagged ``doubt``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from ... import paths
from ...text.lexicons import cue_words, read_tsv
from .phrases import noun_phrase_before, tokens_of

if TYPE_CHECKING:
    from ...tokens.segmentation import PolicyTokenizer

__all__ = ["ListPairing", "pair_respectively"]

_MEASURES = cue_words("measure_heads")
_CATEGORIES = cue_words("category_heads")
_HEAD_WORDS = sorted(_CATEGORIES | _MEASURES, key=lambda w: (-len(w), w))
_PREFIX_ENDS = sorted((w for w in _CATEGORIES if len(w) >= 2), key=lambda w: (-len(w), w))
_PAIRS = tuple(tuple(row[:3]) for row in read_tsv(paths.RESOURCES / "cues" / "compressed_pairs.txt"))
_SEPARATORS = "、和及与"
_GAP = re.compile(r"^(?:以上|以下|左右|多|余)?[、，,和及与]?(?:以上|以下|左右)?$")
_VERB = re.compile(r"^(?:同比|均)?(?:[\u4e00-\u9fff]{0,8}?)$")
_LEADING = re.compile(r"^(?:其中|全年|全省|全市|全区|全国|累计|共|完成|实现|推动|力争|确保|着力)+")
_TRAILING = re.compile(r"(?:年均|同比|平均|比上年|较上年|比去年|较“十[一二三四五六七八九]?五”(?:末|同期)|较[^，；。]{1,10}同期|较[^，；。]{1,10}末)+$")
_QUOTES = re.compile(r"“[^”]*”|《[^》]*》|（[^）]*）")


class ListPairing(tuple):
    """``(subjects, doubtful)``: a subject for each figure index paired by 分别, and the indices of
    figures of a list whose members and figures do not match in number."""

    __slots__ = ()

    def __new__(cls, subjects: dict[int, str], doubtful: set[int]):
        return super().__new__(cls, (subjects, doubtful))

    @property
    def subjects(self) -> dict[int, str]:
        return self[0]

    @property
    def doubtful(self) -> set[int]:
        return self[1]


def pair_respectively(text: str, figures: Sequence[tuple[int, int]], subjects: Sequence[str],
                      tokenizer: "PolicyTokenizer") -> ListPairing:
    """Subjects for the figures of every 分别 list of a sentence.

    ``figures`` are the ``(start, end)`` spans of the sentence's quantities in text order and
    ``subjects`` their subjects as read one by one.  Returns the subjects to use instead (by figure
    index) and the indices of the figures of lists that cannot be paired.
    """
    paired: dict[int, str] = {}
    doubtful: set[int] = set()
    for m in re.finditer("分别", text):
        after = [i for i, (start, _) in enumerate(figures) if start > m.end()]
        if not after or not _VERB.match(text[m.end():figures[after[0]][0]]):
            continue  # 分别 without figures right after it
        members = [after[0]]
        for i in after[1:]:
            if not _GAP.match(text[figures[members[-1]][1]:figures[i][0]]):
                break
            members.append(i)
        if len(members) < 2:
            continue
        found = _items(text, m.start(), figures, subjects, len(members), tokenizer)
        if found is None:
            continue
        items, from_text = found
        if len(items) != len(members):
            doubtful.update(members)
            continue
        for i, subject in zip(members, _distribute(items) if from_text else items):
            paired[i] = subject
    return ListPairing(paired, doubtful)


def _items(text: str, at: int, figures, subjects, n: int, tokenizer: "PolicyTokenizer") -> tuple[list[str], bool] | None:
    """The members before 分别 at ``at`` and whether they are phrases of the text (else the subjects of the
    figures before it: ``累计接待游客17.52亿人次、旅游花费1.27万亿元，分别增长32.9%、41.6%``)."""
    start = max(text.rfind(c, 0, at) for c in "，；：。！？,;:") + 1
    before = [i for i, (s, e) in enumerate(figures) if e <= at]
    if before and figures[before[-1]][1] > start:
        start = figures[before[-1]][1]
    phrase = _TRAILING.sub("", text[start:at].strip(" ，、"))
    if not phrase:
        clause_figures = [i for i in before if figures[i][0] >= max(text.rfind(c, 0, start - 1) for c in "；：。！？") + 1]
        if len(clause_figures) >= n:
            return [subjects[i] for i in clause_figures[-n:]], False
        previous = max(text.rfind(c, 0, start - 1) for c in "，；：。！？,;:") + 1  # 万亿产业、国家先进制造业集群
        phrase = text[previous:start].strip(" ，、")                                # 从无到有，分别达2个、3个
        if not phrase or any(previous <= s < start for s, _ in figures):
            return None
    phrase = _LEADING.sub("", phrase)
    for word, _, _ in _PAIRS:  # 存、贷款余额: one member naming two
        if "、" in word and word in phrase:
            phrase = phrase.replace(word, word.replace("、", "\2"))
    protected = _QUOTES.sub(lambda q: q.group().replace("、", "\0").replace("和", "\1"), phrase)
    separators = "、" if "、" in protected else "和|及|与|以及"
    items = [p.replace("\0", "、").replace("\1", "和").replace("\2", "、").strip() for p in re.split(separators, protected)]
    items = [p for p in items if p]
    if len(items) == 1 and n == 2:
        for word, first, second in _PAIRS:
            if word in items[0]:
                items = [items[0].replace(word, first, 1), items[0].replace(word, second, 1)]
                break
    if len(items) > 1:  # a predicate after the last member (集群从无到有 → 集群), never a word before it
        last = noun_phrase_before(tokens_of(items[-1], tokenizer))
        if last and items[-1].startswith(last):
            items[-1] = last
    return (items, True) if items else None


def _distribute(items: list[str]) -> list[str]:
    """Give a head written once to every member, and a first member's prefix to bare measure words."""
    last = items[-1]
    head = _shared_head(items[:-1], last)
    out = list(items)
    first = next((w for w in _HEAD_WORDS if head.startswith(w)), "") if head else ""
    parallel = first and all(item.endswith(first) for item in items[:-1])  # 文化及相关产业、旅游及相关产业增加值…
    if head and (parallel or all(len(item) <= 5 for item in items[:-1])):
        for k, item in enumerate(items[:-1]):
            if not item.endswith(head):
                out[k] = item + head[len(first):] if first and item.endswith(first) else item + head
    prefix = _shared_prefix(out[0])
    if prefix:
        out = [out[0]] + [item if not _starts_with_measure(item) else prefix + item for item in out[1:]]
    return out


def _shared_head(earlier: list[str], last: str) -> str:
    """The part of the last member that the earlier ones leave out: from its first category or measure word."""
    if all(len(item) == 1 for item in earlier) and len(last) > 1:
        return last[1:]  # 存、贷款余额: one character each
    for p in range(1, len(last)):
        for word in _HEAD_WORDS:
            if last.startswith(word, p) and (len(word) > 1 or p == len(last) - 1):
                return last[p:]
    return ""


def _shared_prefix(first: str) -> str:
    """The part of the first member up to a category word that ends it before its measure (生产安全事故起数)."""
    for word in _PREFIX_ENDS:
        i = first.find(word)
        if i >= 0 and i + len(word) < len(first) and _starts_with_measure(first[i + len(word):]):
            return first[:i + len(word)]
    return ""


def _starts_with_measure(item: str) -> bool:
    return any(item.startswith(m) and len(m) >= 2 for m in _MEASURES)
