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
#: What may stand between 分别 and its first figure: a verb (增长, 达, 淘汰落后生产能力), a base (为1982年的).
_VERB = re.compile(r"^(?:同比|均)?(?:(?:比|较|为|是|相当于)(?:19|20)\d{2}年(?:底|末)?的?)?(?:[\u4e00-\u9fff]{0,10}?)$")
#: What may stand between a 分别 list's figures and a later run of figures that repeats its members: a
#: comparison and a change verb (，比上年增长…; ，减为增长…), nothing that names a subject.
_REPEAT = re.compile(r"^(?:以上|左右)?[，,；]?(?:比上年|较上年|比去年|同比|分别)?(?:[增长提高下降减少降低上升为转减至到了]{1,6})?$")
_LEADING = re.compile(r"^(?:其中|全年|全省|全市|全区|全国|今年|明年|当年|累计|共|完成|实现|推动|力争|确保|着力|将|把)+")
_TRAILING = re.compile(r"(?:年均|同比|平均|比上年|较上年|比去年|较“十[一二三四五六七八九]?五”(?:末|同期)|较[^，；。]{1,10}同期|较[^，；。]{1,10}末)+$")
#: How a head shared by the members of a list ends: a measure (抽检合格率, 限上零售额, 通关时间 …).
_MEASURE_END = re.compile("(?:率|额|量|数|值|价|比重|比例|面积|时间|产能|能力|收入|支出|产量|出口|进口|"
                          + "|".join(sorted(_MEASURES, key=len, reverse=True)) + ")$")
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
        obj = _object_after(text[m.end():figures[members[0]][0]], tokenizer) if from_text else ""
        names = [s if not obj or s.endswith(obj) else s + obj for s in (_distribute(items, tokenizer) if from_text else items)]
        paired.update(zip(members, names))
        # ，比上年增长29.2%、39.4%…: a later run of as many figures with no words of its own repeats the list
        rest = [i for i in range(members[-1] + 1, len(figures)) if i not in paired]
        if len(rest) >= len(members) and _REPEAT.match(text[figures[members[-1]][1]:figures[rest[0]][0]]) and all(
                _GAP.match(text[figures[a][1]:figures[b][0]]) for a, b in zip(rest, rest[1:len(members)])):
            paired.update(zip(rest[:len(members)], names))
    return ListPairing(paired, doubtful)


def _items(text: str, at: int, figures, subjects, n: int, tokenizer: "PolicyTokenizer") -> tuple[list[str], bool] | None:
    """The members before 分别 at ``at`` and whether they are phrases of the text (else the subjects of the
    figures before it: ``累计接待游客17.52亿人次、旅游花费1.27万亿元，分别增长32.9%、41.6%``)."""
    start = max(text.rfind(c, 0, at) for c in "，；：。！？,;:") + 1
    before = [i for i, (s, e) in enumerate(figures) if e <= at]
    if before and figures[before[-1]][1] > start:
        start = figures[before[-1]][1]
    phrase = _LEADING.sub("", _TRAILING.sub("", text[start:at].strip(" ，、")))
    if not phrase:
        clause_figures = [i for i in before if figures[i][0] >= max(text.rfind(c, 0, start - 1) for c in "；：。！？") + 1]
        if len(clause_figures) >= n:
            return [subjects[i] for i in clause_figures[-n:]], False
        previous = max(text.rfind(c, 0, start - 1) for c in "，；：。！？,;:") + 1  # 万亿产业、国家先进制造业集群
        phrase = text[previous:start].strip(" ，、")                                # 从无到有，分别达2个、3个
        if not phrase or any(previous <= s < start for s, _ in figures):
            return None
    phrase = _LEADING.sub("", phrase)  # 将制造业企业、…: the phrase before a list's members
    for word, _, _ in _PAIRS:  # 存、贷款余额: one member naming two
        if "、" in word and word in phrase:
            phrase = phrase.replace(word, word.replace("、", "\2"))
    protected = _QUOTES.sub(lambda q: q.group().replace("、", "\0").replace("和", "\1"), phrase)
    separators = "、" if "、" in protected else "和|及|与|以及"
    items = [p.replace("\0", "、").replace("\1", "和").replace("\2", "、").strip() for p in re.split(separators, protected)]
    items = [p for p in items if p]
    if separators == "、" and len(items) == n - 1:  # 科技、教育、卫生和文化事业的支出: the last 和 joins two more
        last = re.split("和|及|与", items[-1], maxsplit=1)
        if len(last) == 2 and 0 < len(last[0]) <= 4 and last[1]:
            items[-1:] = last
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


def _distribute(items: list[str], tokenizer: "PolicyTokenizer") -> list[str]:
    """Give a head written once to every member, a prefix written once (中央财政用于科技、教育 …) to
    the short members after the first, and a first member's prefix to bare measure words."""
    prefix = _list_prefix(items, tokenizer)
    items = [items[0][len(prefix):]] + items[1:]
    last = items[-1]
    head = _shared_head(items[:-1], last, tokenizer)
    out = list(items)
    first = next((w for w in _HEAD_WORDS if head.startswith(w)), "") if head else ""
    parallel = first and all(item.endswith(first) for item in items[:-1])  # 文化及相关产业、旅游及相关产业增加值…
    if head and (parallel or not any(_complete(item) for item in items[:-1])):
        for k, item in enumerate(items[:-1]):
            if not item.endswith(head):
                out[k] = item + head[len(first):] if first and item.endswith(first) else item + head
    if prefix:
        out = [prefix + item for item in out]
    measure_prefix = _shared_prefix(out[0])
    if measure_prefix:
        out = [out[0]] + [item if not _starts_with_measure(item) else measure_prefix + item for item in out[1:]]
    return out


def _shared_head(earlier: list[str], last: str, tokenizer: "PolicyTokenizer") -> str:
    """The part of the last member that the earlier ones leave out, or "" when they leave none out.

    The members of a list are alike: short names of the same length class (食品、药品抽检合格率 →
    药品 | 抽检合格率; 新能源汽车、智能家电、智能手机限上零售额 → 智能手机 | 限上零售额).  The head
    starts at a word boundary of the last member that leaves it an own part as long as the earlier
    members (give or take two characters, at most six) and names a measure (率, 额, 面积, 收入 …), or
    at a category or measure word of the lexicons (居民, 产量 …); of these places, the one nearest the
    earlier members' typical length (on a tie, an own part that ends with a noun, then the shorter).
    """
    if all(len(item) == 1 for item in earlier) and len(last) > 1:
        return last[1:]  # 存、贷款余额: one character each
    bounds, at, nominal = [], 0, set()
    for t in tokens_of(last, tokenizer)[:-1]:
        at += len(t.text)
        bounds.append(at)
        if t.pos.startswith(("n", "j")) or t.pos in ("vn", "eng"):
            nominal.add(at)  # the own part ends with a noun (智能手机), not a place word (近岸)
    def fits(p: int) -> bool:
        return p <= 6 and all(abs(len(item) - p) <= 2 for item in earlier)

    words = [p for p in range(1, len(last) - 1) if fits(p) and any(last.startswith(w, p) for w in _HEAD_WORDS if len(w) > 1)]
    aligned = [b for b in bounds if fits(b) and len(last) - b >= 2 and _MEASURE_END.search(last[b:])]
    if words or aligned:  # the own part nearest the members' length, the shorter on a tie: 智能手机 | 限上零售额
        lengths = sorted(len(item) for item in earlier)
        typical = lengths[len(lengths) // 2]
        return last[min(words + aligned, key=lambda p: (abs(p - typical), p not in nominal, p)):]
    if fits(len(last) - 1) and last[-1] in _HEAD_WORDS:
        return last[-1:]  # 黄金、白银产量 … a one-character measure at the very end
    return ""


def _complete(item: str) -> bool:
    """A member that already ends with a measure word (一般公共预算收入): it needs no shared head."""
    return any(item.endswith(w) and len(w) >= 2 and len(item) > len(w) for w in _MEASURES)


def _list_prefix(items: list[str], tokenizer: "PolicyTokenizer") -> str:
    """中央财政用于科技、教育、卫生和文化事业的支出: the first member's words up to a preposition or a
    verb of use (中央财政用于) belong to every short member after it; "" when there are none."""
    if len(items) < 3:
        return ""
    tokens = tokens_of(items[0], tokenizer)
    cut, at = 0, 0
    for t in tokens[:-1]:
        at += len(t.text)
        if t.pos == "p" or t.text in _PREFIX_VERBS:
            cut = at
    own = len(items[0]) - cut
    if not cut or own > 4 or any(len(item) > 4 for item in items[1:-1]):
        return ""
    return items[0][:cut]


#: Verbs after which a list's first member starts (中央财政用于科技、教育…).
_PREFIX_VERBS = frozenset({"用于", "用在", "投向", "投入"})


def _object_after(verb_phrase: str, tokenizer: "PolicyTokenizer") -> str:
    """The object of the verb between 分别 and the figures (分别淘汰落后生产能力1.1亿吨和120万吨 →
    落后生产能力): what every member's figure measures."""
    if not verb_phrase or verb_phrase.endswith("的") or re.search(r"\d", verb_phrase):
        return ""
    tokens = tokens_of(verb_phrase, tokenizer)
    if len(tokens) < 2 or not tokens[0].pos.startswith("v"):
        return ""
    obj = noun_phrase_before(tokens[1:])
    return obj if len(obj) >= 2 and verb_phrase.endswith(obj) else ""


def _shared_prefix(first: str) -> str:
    """The part of the first member up to a category word that ends it before its measure (生产安全事故起数)."""
    for word in _PREFIX_ENDS:
        i = first.find(word)
        if i >= 0 and i + len(word) < len(first) and _starts_with_measure(first[i + len(word):]):
            return first[:i + len(word)]
    return ""


def _starts_with_measure(item: str) -> bool:
    return any(item.startswith(m) and len(m) >= 2 for m in _MEASURES)
