"""Noun phrases of a clause, read from jieba's part-of-speech tags: what a figure measures.

:func:`noun_phrase_before` reads the phrase that ends a stretch of text (the subject before a
figure: 完成一般公共预算收入 → 一般公共预算收入); :func:`noun_phrase_after` the phrase a count
modifies (13家企业入选… → 企业入选…名单).  The word lists are the cue lists ``reporting_verbs``,
``subject_stop_words``, ``subject_trailing_words``, ``subject_blocking_verbs``, ``scope_words``,
``subject_verbs``, ``trailing_fillers`` and ``listing_verbs`` of ``resources/cues/``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from ...text.lexicons import cue_words
from .context import CHANGE

if TYPE_CHECKING:
    from ...tokens.segmentation import PolicyTokenizer

__all__ = ["Tok", "tokens_of", "is_noun", "noun_phrase_before", "noun_phrase_after", "strip_parentheses",
           "REPORTING_VERBS", "SCOPE_WORDS", "SUBJECT_VERBS"]

# POS tags that may belong to a subject noun phrase (jieba / ICTCLAS tags)
_NOUNISH = ("n", "vn", "an", "j", "l", "b", "nz", "nt", "ns", "nr", "ng", "eng", "zg", "s")
#: Verbs that are part of a subject (新增就业, 新开工): kept at its start.
SUBJECT_VERBS = tuple(sorted(cue_words("subject_verbs")))
#: Verbs that introduce the thing counted or measured and are not part of it (完成 / 投资 → 投资).
REPORTING_VERBS = cue_words("reporting_verbs")
#: Words that end a clause's subject and carry no meaning of their own (同比增长 → 同比 is not a subject).
_STOP_TOKENS = cue_words("subject_stop_words")
_TRAILING_FILLERS = cue_words("trailing_fillers")
SCOPE_WORDS = cue_words("scope_words")
_LISTING_VERBS = cue_words("listing_verbs")
#: Words after a subject's head that say how it is measured, not what: 年均增长, 总量年均, 比重.
_TRAILING_PREDICATES = cue_words("subject_trailing_words")
#: Measure words that can end a subject (通航点, 人次, 税负率): kept although tagged as numerals,
#: classifiers or verbs.
_UNIT_HEADS = frozenset({"点", "人次", "个数", "户数", "率"})


_PARENTHESES = re.compile(r"（[^（）]*）|\([^()]*\)")
#: A quoted name (“四上”企业) or a Latin code (PM2.5, 4S): one noun token (:func:`tokens_of`).
_QUOTED_OR_CODE = re.compile(r"“([^”]{1,12})”|(?<![A-Za-z0-9])([A-Za-z]+[_.]?[0-9]+(?:\.[0-9]+)?|[0-9]+[A-Za-z]+)(?![A-Za-z0-9])")
#: A time word holding a date or a relative time (2017年, 今年, 上月): not a modifier of the noun before it.
_DATED_TIME = re.compile(r"\d|今|去|明|全|当|上|下|本")


def strip_parentheses(text: str) -> str:
    return _PARENTHESES.sub("", text)


class Tok(NamedTuple):
    text: str
    pos: str


def tokens_of(text: str, tokenizer: "PolicyTokenizer") -> list[Tok]:
    """Tokens of ``text``; a quoted name (“四上”企业, “助保贷”) is one noun token without its quotes, and so
    is a Latin code (PM2.5, PM_2.5, 4S)."""
    out: list[Tok] = []
    pos = 0
    for m in _QUOTED_OR_CODE.finditer(text):
        out.extend(Tok(t.text, t.pos) for t in tokenizer.segment(text[pos:m.start()]))
        out.append(Tok(m.group(1) or m.group(2), "nz"))
        pos = m.end()
    out.extend(Tok(t.text, t.pos) for t in tokenizer.segment(text[pos:]))
    return [t for t in out if t.text not in "“”"]


def is_noun(t: Tok) -> bool:
    """A token that may be a word of a noun phrase (a noun, a verbal noun, an abbreviation, a place word …).

    A word of the reporting-verb list counts when jieba tags it as a noun or modifier (基本/n in 基本
    医疗保险, 服务/vn in 服务贸易): the list stops verbs and adverbs, not nouns."""
    return (t.pos.startswith(_NOUNISH) and t.text not in _STOP_TOKENS and t.text not in SCOPE_WORDS
            and not (t.text in REPORTING_VERBS and t.pos in ("v", "vd", "d", "ad")))


def noun_phrase_before(tokens: list[Tok]) -> str:
    """The noun phrase that ends ``tokens``: 完成旧城改造征收面积 → 旧城改造征收面积.

    The phrase is read leftwards from its head, as a chunk: nouns and the words that modify them
    (adjectives, distinguishing words such as 省级, 规模以上, a verb inside the phrase such as 吸纳技术
    合同成交额, a 的 that joins a modifier, items joined by 、/和/及 as in 教育、卫生…事业的支出).  It
    stops at a reporting, change or planning verb (完成, 降低, 拟安排), a scope or time word (全省,
    全年, 2020年), a preposition, an adverb or a pronoun; predicates after the head (年均, 同比,
    增长, 达到) are dropped first.
    """
    i = len(tokens)
    while i and _strip_right(tokens[i - 1]) and not _verbal_head(tokens, i - 1):
        i -= 1  # trailing predicates: change and reporting verbs (增长, 完成), 年均, qualifiers, numbers
    j = i
    relative = False  # left of a 的: a modifying clause, where any verb but a planning or change verb may stand
    while j:
        t, k = tokens[j - 1], j - 1
        if is_noun(t) or (k == i - 1 and t.text in _UNIT_HEADS) or _is_modifier(t, tokens, k, i):
            j -= 1
        elif t.pos.startswith("v") and (_phrase_verb(t) or relative and t.text not in _BLOCKING
                                        and not CHANGE.fullmatch(t.text) and t.text not in _STOP_TOKENS):
            j -= 1  # 新增就业, 吸纳技术合同成交额, 用于…的支出, 支持社会事业发展的国债投资, 旅游收入 (收入 tagged v)
        elif t.text in _COORDINATORS and 0 < k and j < i and is_noun(tokens[k - 1]) and is_noun(tokens[j]):
            j -= 1  # 教育、卫生 / 技术和产品 / 国际及地区
        elif t.text in ("的", "之") and 0 < k and j < i and (is_noun(tokens[k - 1]) or tokens[k - 1].pos.startswith("v")):
            j -= 1  # 用于…的支出
            relative = True
        else:
            break
    run = tokens[j:i]
    while run and (run[0].text in _COORDINATORS or run[0].text in ("的", "之")
                   or run[0].text in REPORTING_VERBS and (not is_noun(run[0]) or run[0].text in _LEADING_ACTIONS)
                   or run[0].text in _BLOCKING or run[0].text in SCOPE_WORDS
                   or run[0].pos.startswith(("m", "q", "f")) and run[0].text != "每"):
        run = run[1:]
    if not any(is_noun(t) or t.pos.startswith("v") for t in run):
        return ""
    return "".join(t.text for t in run)


_COORDINATORS = ("、", "和", "及", "与", "以及")
#: Reporting verbs that jieba may tag as verbal nouns but that, at the left edge of a subject, are the
#: action done to it (发展社区社会组织152家 → 社区社会组织; 办理人大代表议案 → 人大代表议案).
_LEADING_ACTIONS = frozenset({"发展", "办理", "推进", "实施", "开展", "推动", "落实", "组织", "举办", "完成", "实现"})
#: Verbs that stop a subject on its left: they act on the thing measured, they do not name it.
_BLOCKING = cue_words("subject_blocking_verbs")


def _strip_right(t: Tok) -> bool:
    """A word that ends a clause after its subject: a predicate, a qualifier, a number, a function word."""
    return (t.text in _STOP_TOKENS or t.text in _TRAILING_PREDICATES or t.text in REPORTING_VERBS
            or t.text in _BLOCKING or bool(CHANGE.fullmatch(t.text)) or bool(CHANGE.fullmatch(t.text[:-1]) and t.text[-1] in "到至为")
            or t.pos.startswith(("m", "d", "p", "u", "x", "c", "t", "r", "y", "q")) and t.text not in _UNIT_HEADS)


def _verbal_head(tokens: list[Tok], k: int) -> bool:
    """A verbal noun that heads the phrase after its modifier (医疗救助, 临时救助): not a predicate."""
    t = tokens[k]
    return (t.pos == "vn" and k > 0 and tokens[k - 1].pos.startswith(("n", "b")) and not CHANGE.fullmatch(t.text)
            and tokens[k - 1].text not in _STOP_TOKENS and t.text not in _TRAILING_PREDICATES)


def _phrase_verb(t: Tok) -> bool:
    """A verb that may belong to a subject (not a reporting, planning or change verb)."""
    return (t.text not in REPORTING_VERBS and t.text not in _BLOCKING and not CHANGE.fullmatch(t.text)
            and t.text not in _STOP_TOKENS and t.text not in _TRAILING_PREDICATES)


def _is_modifier(t: Tok, tokens: list[Tok], k: int, head_end: int) -> bool:
    """A word that modifies a noun inside the phrase: an adjective or distinguishing word (高, 省级,
    民营), 以上/以下 after a size (规模以上), a classifier or number inside a name (AA级, 每万人)."""
    if k + 1 >= head_end:
        return False
    if t.pos.startswith(("a", "b", "z")) and t.text not in _STOP_TOKENS:
        return True
    if t.pos == "k" and k > 0 and is_noun(tokens[k - 1]):
        return True  # a suffix inside the phrase: 护理型床位
    if t.text in ("以上", "以下") and k > 0 and (is_noun(tokens[k - 1]) or tokens[k - 1].pos.startswith("q")):
        return True
    if (t.pos.startswith("t") and not _DATED_TIME.search(t.text) or t.text in ("日", "年", "月")) \
            and k > 0 and is_noun(tokens[k - 1]):
        return True  # 残疾人日间照料服务, 城镇污水日处理能力
    return t.pos.startswith("q") and k > 0 and (tokens[k - 1].pos.startswith(("m", "eng")) or is_noun(tokens[k - 1]))


def noun_phrase_after(tokens: list[Tok], *, max_chars: int = 24) -> str:
    """The noun phrase a quantity modifies: 13家企业入选… → 企业; 9家见习基地 → 见习基地.

    One verb may sit inside the phrase when a noun follows it (违法排污企业); a
    reporting verb (提供, 进行 …) or a second verb ends it.  A phrase that says which of the things
    are counted (13家企业入选国家专精特新“小巨人”名单) keeps that qualification: a listing verb
    (``resources/cues/listing_verbs.txt``) and the noun phrase after it.
    """
    k = 0
    while k < len(tokens) and (tokens[k].pos.startswith(("r", "m", "q")) or tokens[k].text in SCOPE_WORDS):
        k += 1  # 各级各类 …
    run: list[Tok] = []
    verbs = 0
    n = k
    for n, t in enumerate(tokens[k:], start=k):
        following = tokens[n + 1] if n + 1 < len(tokens) else None
        if is_noun(t) and t.text not in _TRAILING_FILLERS or t.pos.startswith(("a", "b")) and not run:
            run.append(t)
        elif (t.pos.startswith("v") and t.text not in REPORTING_VERBS and verbs == 0 and following is not None
              and is_noun(following) and not following.pos.startswith(("ns", "nr", "nt"))):
            verbs += 1
            run.append(t)
        elif t.pos.startswith(("q", "k")) and run and following is not None and is_noun(following):
            run.append(t)  # 自治区级区域医疗中心, 护理型床位
        else:
            break
    while run and not is_noun(run[-1]):
        run.pop()
    rest = tokens[k + len(run):]
    if run and rest and rest[0].text in _LISTING_VERBS:  # 企业入选…名单 / 项目列入…计划
        listed = noun_phrase_before(rest[1:_end_of_phrase(rest, 1)])
        if listed:
            run = run + [rest[0], Tok(listed, "n")]
    text = "".join(t.text for t in run)
    return text if len(text) <= max_chars else ""


def _end_of_phrase(tokens: list[Tok], start: int) -> int:
    """Where the noun phrase that starts at ``start`` ends (a verb, punctuation or a function word)."""
    end = start
    while end < len(tokens) and (is_noun(tokens[end]) or tokens[end].pos.startswith(("a", "b", "eng", "m", "q"))
                                 or tokens[end].text in ("的", "、", "和", "及")):
        end += 1
    return end
