"""The number grammar: find every number in a text and decide whether it states a quantity.

:func:`scan_numbers` returns one :class:`Candidate` per number-like span,
accepted or rejected with a reason, so that a reader can see why ``461厂``
or ``2017年`` is not a quantity and ``近3万件`` is.

What the grammar reads:

* numbers: Arabic with decimals and thousands separators (``1,160``, ``11.5``);
  Chinese numerals (``一万一千二百``, ``两``, ``十余``, ``一千一``; read by
  :mod:`policytext.text.numerals`); magnitudes written after a number (``2.6万``,
  ``39亿``, ``1.5万亿``);
* forms: percent (``20%``, ``百分之八十``), percentage points (``3个百分点``),
  fractions (``三分之二``), multiples (``7.5倍``), ranges (``1至2条``,
  ``6%－6.5%``, ``3—4个``), ranks (``排名第一``, ``前8位``, ``第5位``);
* quantities in words and ratios: doubling (``翻一番`` = ×2, ``翻两番`` = ×4), bare
  magnitudes (``突破千亿元``), tenths (``三成`` = 30%), ratios (``2.5：1``, ``比值由2.5缩小至2.4``);
* qualifiers kept as a field: 近, 约, 超过, 逾, 突破, 达到, 不低于 … before the
  number; 多, 余, 以上, 以下, 以内, 左右, 上下 after it;
* units from ``resources/units.tsv`` (money, area, length, mass, volume,
  counts with classifiers, time, percent …) with their base unit, so
  ``39亿元`` gives ``value_base = 3.9e9`` in ``元``.

A candidate is a quantity when it has a unit (or a percent, fraction or rank
form).  It is rejected when it is a calendar date (``2017年``, ``11月``), an
ordinal (``第五批``), sits inside quotation marks or a title (``“1+5”``,
``《…》``), is glued to Latin letters or codes (``PM2.5``, ``C40``,
``13/14街``), is a Chinese ``一`` before a classifier (``一批``, ``一个``: an
article, not a count), or matches a documented label pattern
(``resources/quantity_labels.tsv``: ``5号线``, ``十件实事``, ``四个意识``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from typing import TYPE_CHECKING

from .. import paths
from .lexicons import load_units, read_tsv
from .numerals import ARABIC as _AR, CHINESE as _CN, parse_number

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Candidate", "scan_numbers", "explain_numbers", "token_pattern", "MAGNITUDES", "PREFIX_QUALIFIERS",
           "SUFFIX_QUALIFIERS"]

MAGNITUDES = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3}
PREFIX_QUALIFIERS = ("不低于", "不超过", "不少于", "不高于", "超过", "达到", "突破", "将近", "接近", "大约",
                     "高于", "低于", "不足", "不到", "约", "近", "逾", "超", "达")
SUFFIX_QUALIFIERS = ("以上", "以下", "以内", "左右", "上下", "多", "余")
_PREFIX_SET = frozenset(PREFIX_QUALIFIERS)
_PREFIX_LENGTHS = sorted({len(q) for q in PREFIX_QUALIFIERS}, reverse=True)
#: Qualifiers that make a figure inexact (an approximation or a bound); 达到/达 only say "reached".
EXACT_QUALIFIERS = ("达到", "达")

_NUM = rf"(?:{_AR}|{_CN})"
# a number that does not continue another number or an ordinal (第十一 is not read as 十一 or 一)
_START = rf"(?:(?<![第\d.,])(?:{_AR})|(?<![第〇零一二两三四五六七八九十百千万亿])(?:{_CN}))"
_SEP = r"(?:至|到|～|~|－|—|–|-)"
_MAG = "|".join(sorted(MAGNITUDES, key=len, reverse=True))
#: A lookahead for the first character of every span of the grammar (前N位, 百分之N, a number), so that the
#: search fails at once at any other character.  Lookaheads of the same kind open the patterns below whose
#: first alternatives are lookbehinds: they change no match, only how fast a non-match is found.
_FIRST = r"(?=[前百\d一二两三四五六七八九十])"
#: A character every number of the grammar starts with (or 首位): texts without one are skipped.
_MAY_HOLD_NUMBER = re.compile(r"[\d一二两三四五六七八九十]|首位|翻番|[千百万]?亿|万亿")
_YEAR_RE = re.compile(r"\d{4}")
_DAY_RE = re.compile(r"\d{1,2}")
_CN_MONTH_RE = re.compile(r"[一二三四五六七八九十]{1,3}")
_SPAN_BEFORE_YEAR = re.compile(r"(?:连续|近|超过|历时|长达)$")
_DURATION_BEFORE = re.compile(r"(?:连续|用|历时|长达|经过|坚持|持续)$")
_ORDINAL = re.compile(rf"第(?P<n>{_NUM})(?P<u>位|名)?|首位")
#: Quantities written in words (see :func:`_words`).
_DOUBLING = re.compile(r"翻(?:了)?(?P<n>一|两|二|三|四)?番")
_REACHING = ("突破", "超过", "跨上", "迈上", "跃上", "站上", "迈过", "迈入", "达到", "过", "超", "达", "逾")
_BARE_MAGNITUDE = re.compile("(?=[万千百亿])(?:" + "|".join(f"(?<={w})" for w in _REACHING) + rf")(?P<mag>{'|'.join(sorted(MAGNITUDES, key=len, reverse=True))})(?P<unit>元|美元|人民币|人|吨|千瓦|千瓦时|斤|亩|户|家|台|辆|件|个)")
_TENTHS = re.compile(r"(?=[一二三四五六七八九两1-9])(?<![\d一二三四五六七八九十百千万亿])(?P<n>[一二三四五六七八九两]|[1-9])成(?![为果本效立功熟员都绩交片套型就长品像真群规倍])")
_TENTHS_CONTEXT = re.compile(r"(?:占|近|超过|超|约|逾|达到|达|有|不到|接近|将近|的|提高到|提升到|降至)$")
_RATIO = re.compile(r"(?=\d)(?<![\d.])(?P<a>\d+(?:\.\d+)?)[：:](?P<b>\d+(?:\.\d+)?)(?![\d.])")
_RATIO_CONTEXT = re.compile(r"(?:比|比值|比例|之比|缩小至|缩小到|收窄至|收窄到|突破|达到|为|保持在|控制在)[^，。；]{0,8}$")
_RATIO_NUMBER = re.compile(rf"(?<![\d.])(?P<n>{_AR})(?![\d.%％：:万亿千百]|个|倍|元|人|年)")
_RATIO_WORD = re.compile("比值")
_RANK_CONTEXT = re.compile(r"(?:排名|位列|位居|居于|名列|排在|排|居|列)[^，。；、！？]{0,14}$")
_QUOTE = re.compile(r"“[^”]*”|「[^」]*」|《[^》]*》|『[^』]*』")


@dataclass(frozen=True)
class Candidate:
    """A number-like span and the grammar's verdict on it (offsets into the scanned text)."""

    start: int
    end: int
    number_text: str
    value: float | None
    value_max: float | None = None
    unit: str = ""
    base_unit: str = ""
    factor: float = 1.0
    unit_kind: str = ""
    qualifier: str = ""
    form: str = "number"  # number, range, percent, fraction, rank
    accepted: bool = False
    reason: str = ""

    @property
    def value_base(self) -> float | None:
        return None if self.value is None else self.value * self.factor

    @property
    def approx(self) -> bool:
        """True when a qualifier makes the figure inexact (近, 约, 多, 超过, 以上 …; not 达到)."""
        return any(q and q not in EXACT_QUALIFIERS for q in self.qualifier.split("|"))


@lru_cache(maxsize=1)
def _grammar() -> tuple[re.Pattern, dict]:
    units = load_units()
    unit_alt = "|".join(re.escape(u.unit) for u in units)  # longest first
    pattern = re.compile(
        rf"{_FIRST}(?:"
        rf"(?P<top>前(?P<top_n>{_AR}|{_CN})(?P<top_u>位|名|强))"
        rf"|(?P<pct>百分之(?P<pct_n>{_NUM}))"
        rf"|(?P<frac>(?P<den>{_START})分之(?P<nom>{_NUM}))"
        rf"|(?P<n1>{_START})(?P<q1>[余多])?(?:(?P<mag1>{_MAG})?(?P<u1>{unit_alt})?{_SEP}(?P<n2>{_NUM}))?"
        rf"(?P<q2>[余多])?(?P<mag>{_MAG})?(?P<q3>[余多])?(?P<unit>{unit_alt})?)"
    )
    return pattern, {u.unit: u for u in units}


@lru_cache(maxsize=1)
def _labels() -> dict[str, list[tuple[str, re.Pattern]]]:
    rules: dict[str, list[tuple[str, re.Pattern]]] = {}
    for where, rule, pattern, *_ in read_tsv(paths.RESOURCES / "quantity_labels.tsv"):
        rules.setdefault(where, []).append((rule, re.compile(pattern)))
    return rules


def _label(where: str, text: str) -> str | None:
    for rule, pattern in _labels().get(where, []):
        if (pattern.search(text) if where == "before" else pattern.match(text)):
            return rule
    return None


def _prefix_qualifier(text: str, start: int) -> tuple[str, int]:
    for n in _PREFIX_LENGTHS:  # the longest qualifier that ends at start (不超过, not 超过)
        if start >= n and text[start - n:start] in _PREFIX_SET:
            return text[start - n:start], start - n
    return "", start


def _suffix_qualifier(text: str, end: int) -> tuple[str, int]:
    for q in SUFFIX_QUALIFIERS:
        if text.startswith(q, end):
            return q, end + len(q)
    return "", end


def _is_date(m: re.Match, text: str) -> bool:
    n1, unit = m.group("n1"), m.group("unit") or ""
    if unit == "年" and not m.group("mag") and _YEAR_RE.fullmatch(n1) and 1900 <= int(n1) <= 2100:
        return not _SPAN_BEFORE_YEAR.search(text, 0, m.start())
    if _DAY_RE.fullmatch(n1) and not unit and text.startswith(("月", "日", "号", "时"), m.end()):
        return True
    if _CN_MONTH_RE.fullmatch(n1) and not unit and text.startswith("月", m.end()):
        return True
    return False


def scan_numbers(text: str) -> list[Candidate]:
    """Every number-like span of ``text``, accepted as a quantity or rejected with a reason.

    >>> [(c.number_text, c.value, c.unit) for c in scan_numbers("完成一般公共预算收入39亿元，增长20%。") if c.accepted]
    [('39亿元', 39.0, '亿元'), ('20%', 20.0, '%')]
    >>> [(c.number_text, c.reason) for c in scan_numbers("461厂和5号线") if not c.accepted]
    [('461', 'name_suffix'), ('5', 'name_suffix')]
    """
    if not _MAY_HOLD_NUMBER.search(text):
        return []
    pattern, units = _grammar()
    quoted = [(m.start(), m.end()) for m in _QUOTE.finditer(text)]
    out = [_candidate(m, text, units, quoted) for m in pattern.finditer(text) if m.end() > m.start()]
    # a bare Chinese numeral is part of a word (一般, 统一, 三城), not a number worth reporting
    out = [c for c in out if c.accepted or c.reason != "no unit" or c.number_text[0].isdigit()]
    out.extend(_ordinals(text, quoted))
    words = _words(text, quoted)
    if words:  # a word quantity replaces the bare numerals the grammar saw inside it (翻一番, 三成, 1：1)
        out = [c for c in out if c.accepted or not any(w.start <= c.start < w.end for w in words)] + words
    return sorted(out, key=lambda c: (c.start, -c.end))


def _words(text: str, quoted: list[tuple[int, int]]) -> list[Candidate]:
    """Quantities written in words or as ratios, each with its rule as the reason:

    * doubling: 翻一番 (×2), 翻两番 (×4), 翻番 (×2), form ``multiple``;
    * a bare magnitude after a verb of reaching: 突破千亿元, 超万亿元 (1 千亿元 = 10¹¹ 元);
    * tenths: 三成, 占全国9成 (= 30%, 90%), followed by punctuation or a qualifier (not 成为, 成果);
    * ratios: ``a：b`` after 比/比值/缩小至 … (城乡居民收入比缩小至2.3：1), and a number after 比值 (比值由2.5
      缩小至2.4), form ``ratio`` with the value a/b.
    """
    out = []
    for m in _DOUBLING.finditer(text):
        n = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4}.get(m.group("n") or "一", 1)
        out.append(Candidate(m.start(), m.end(), m.group(), float(2 ** n), unit="倍", base_unit="倍", unit_kind="multiple",
                             form="multiple", accepted=not _inside(m.start(), quoted), reason="doubling (翻番)"))
    units = _grammar()[1]
    for m in _BARE_MAGNITUDE.finditer(text):
        unit = units.get(m.group("unit"))
        out.append(Candidate(m.start(), m.end(), m.group(), 1.0, unit=m.group(), base_unit=unit.base_unit if unit else "",
                             factor=MAGNITUDES[m.group("mag")] * (unit.factor if unit else 1.0),
                             unit_kind=unit.kind if unit else "magnitude", qualifier=_prefix_qualifier(text, m.start())[0],
                             accepted=not _inside(m.start(), quoted), reason="bare magnitude (突破千亿元)"))
    for m in _TENTHS.finditer(text):
        value = parse_number(m.group("n"))
        after = text[m.end():m.end() + 2]
        if value is None or not (_TENTHS_CONTEXT.search(text, 0, m.start()) or not after
                                 or after[0] in "，。；、）)！？" or after.startswith(("以上", "以下", "左右", "多"))):
            continue
        out.append(Candidate(m.start(), m.end(), m.group(), value * 10, unit="%", base_unit="%", unit_kind="percent",
                             form="percent", qualifier=_prefix_qualifier(text, m.start())[0],
                             accepted=not _inside(m.start(), quoted), reason="tenths (三成 = 30%)"))
    for m in _RATIO.finditer(text):
        a, b = float(m.group("a")), float(m.group("b"))
        if not b or not _RATIO_CONTEXT.search(text, 0, m.start()):
            continue
        out.append(Candidate(m.start(), m.end(), m.group(), a / b, unit_kind="ratio", form="ratio",
                             qualifier=_prefix_qualifier(text, m.start())[0],
                             accepted=not _inside(m.start(), quoted), reason="ratio (a：b)"))
    for m in _RATIO_WORD.finditer(text):  # 比值由2.5缩小至2.4: the bare numbers of the clause are ratios
        end = min((i for i in (text.find(c, m.end()) for c in "，。；") if i >= 0), default=len(text))
        for n in _RATIO_NUMBER.finditer(text, m.end(), end):
            out.append(Candidate(n.start(), n.end(), n.group(), float(n.group().replace(",", "")), unit_kind="ratio",
                                 form="ratio", accepted=not _inside(n.start(), quoted), reason="ratio (比值)"))
    return out


def _inside(start: int, quoted: list[tuple[int, int]]) -> bool:
    return any(a < start < b for a, b in quoted)


def _ordinals(text: str, quoted: list[tuple[int, int]]) -> list[Candidate]:
    """第N and 首位: a rank after 排名/位列/居… or written as a position (第5位, 第3名: 从第12位跃升至
    第5位); otherwise an ordinal that names something (第五批, 第十一次)."""
    out = []
    for m in _ORDINAL.finditer(text):
        value = 1.0 if m.group() == "首位" else parse_number(m.group("n"))
        rank = bool(_RANK_CONTEXT.search(text[max(m.start() - 16, 0):m.start()])) or bool(m.group("u"))
        ok = value is not None and rank and not _inside(m.start(), quoted)
        out.append(Candidate(m.start(), m.end(), m.group(), value, unit_kind="rank", form="rank", accepted=ok,
                             reason="rank" if ok else ("ordinal" if not rank else "inside quotation marks")))
    return out


def _candidate(m: re.Match, text: str, units: dict, quoted: list[tuple[int, int]]) -> Candidate:
    start, end = m.start(), m.end()
    inside_quote = _inside(start, quoted)
    if m.group("top"):
        value = parse_number(m.group("top_n"))
        return Candidate(start, end, m.group(), value, form="rank", unit_kind="rank",
                         accepted=value is not None and not inside_quote, reason="rank")
    if m.group("pct"):
        value = parse_number(m.group("pct_n"))
        return Candidate(start, end, m.group(), value, unit="%", base_unit="%", unit_kind="percent", form="percent",
                         accepted=value is not None and not inside_quote,
                         reason="percent" if not inside_quote else "inside quotation marks or a title")
    if m.group("frac"):
        den, nom = parse_number(m.group("den")), parse_number(m.group("nom"))
        value = nom / den if den and nom is not None else None
        return Candidate(start, end, m.group(), value, unit_kind="fraction", form="fraction",
                         accepted=value is not None and not inside_quote, reason="fraction")
    n1, n2 = m.group("n1"), m.group("n2")
    value = parse_number(n1)
    value_max = parse_number(n2) if n2 else None
    unit_text = m.group("unit") or ""
    mag = m.group("mag") or ""
    if n2 and not unit_text and not mag and m.group("u1"):  # 6%－6.5%: the unit written on both ends
        unit_text = m.group("u1")
    if n2 and m.group("mag1") and not mag:
        mag = m.group("mag1")
    unit = units.get(unit_text)
    factor = MAGNITUDES.get(mag, 1.0) * (unit.factor if unit else 1.0)
    qualifier_before, _ = _prefix_qualifier(text, start)
    qualifier_after, _ = _suffix_qualifier(text, end)
    inner = "|".join(q for q in (m.group("q1"), m.group("q2"), m.group("q3")) if q)
    qualifier = "|".join(q for q in (qualifier_before, inner, qualifier_after) if q)
    form = "range" if n2 else ("percent" if unit and unit.kind in ("percent", "points") else "number")
    reason = _reject(m, text, value, value_max, unit, mag, n1, inside_quote)
    return Candidate(start=start, end=end, number_text=m.group(), value=value, value_max=value_max,
                     unit=mag + unit_text, base_unit=unit.base_unit if unit else "", factor=factor,
                     unit_kind=unit.kind if unit else ("magnitude" if mag else ""), qualifier=qualifier,
                     form=form, accepted=reason is None, reason=reason or "quantity")


def _reject(m: re.Match, text: str, value, value_max, unit, mag: str, n1: str, inside_quote: bool) -> str | None:
    """Why the span is not a quantity, or None when it is one."""
    start, end = m.start(), m.end()
    if value is None or (m.group("n2") and value_max is None):
        return "not a numeral"
    if inside_quote:
        return "inside quotation marks or a title"
    if not unit and not mag:
        after = _label("after", text[start + len(n1):start + len(n1) + 4])
        return after or ("calendar date" if _is_date(m, text) else "no unit")
    if _is_date(m, text):
        return "calendar date"
    rule = _label("before", text[max(start - 1, 0):start])
    if rule:
        return rule
    if text.startswith("周年", start + len(n1)):
        return "name_suffix"
    rule = _label("unit", text[end:end + 6]) or _label("after", text[end:end + 2]) if unit else None
    if rule in ("meeting", "label_after_unit", "latin", "list_or_code"):
        return rule
    phrase = _label("phrase", text[start:start + 12]) or _label("phrase", text[max(start - 2, 0):start + 12])
    if phrase:
        return phrase
    chinese = not n1[0].isdigit()
    if chinese and value == 1 and not mag and (unit is None or unit.kind in ("count", "time")):
        return "一 before a classifier (an indefinite determiner, not a count)"
    if n1 == "二" and unit is not None and unit.kind in ("count", "time"):
        return "二 before a classifier (counting uses 两: 二次供水 means secondary)"
    if chinese and unit is not None and unit.unit == "年" and not (
            _DURATION_BEFORE.search(text, 0, start) or _suffix_qualifier(text, end)[0]):
        return "time frame (过去五年, 五年来, 三年行动)"
    if chinese and unit is not None and unit.unit == "方":
        return "part of an idiom (八方支援): 方 measures volume only after Arabic numbers"
    return None


def explain_numbers(texts) -> "pd.DataFrame":
    """One row per number-like span of each text: what the grammar read and why it kept or rejected it."""
    import pandas as pd

    rows = []
    for text in texts:
        for c in scan_numbers(text):
            rows.append({"text": text, "number": c.number_text, "quantity": c.accepted, "value": c.value,
                         "value_max": c.value_max, "unit": c.unit, "qualifier": c.qualifier, "form": c.form,
                         "reason": c.reason})
    return pd.DataFrame(rows)


def token_pattern() -> re.Pattern:
    """The spans the segmenter cuts out before jieba sees a text, as named groups.

    ``mask``: characters masked by a site filter (``*``, ``**``); ``date``: a year, month or day
    (``2017年``, ``11月``); ``num``: an Arabic number with its magnitude and unit (``39亿元``,
    ``11.5%``, ``3个百分点``).  Chinese numerals are left to jieba (they are also parts of words).
    """
    units = "|".join(re.escape(u.unit) for u in load_units())
    return re.compile(
        r"(?=[*＊\d])(?:"  # every span starts with a mask or a digit: elsewhere the search fails at once
        rf"(?P<mask>[*＊]+)"
        rf"|(?P<date>(?<![\d.])(?:\d{{4}}年(?:\d{{1,2}}月(?:\d{{1,2}}日)?)?|\d{{1,2}}月(?:\d{{1,2}}日)?)(?![\d%]))"
        rf"|(?P<num>(?<![\d.,A-Za-z])(?:{_AR})(?:[万亿千百]{{1,2}})?(?:{units})?))"
    )
