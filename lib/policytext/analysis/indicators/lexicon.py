"""The canonical indicators of work reports (``resources/indicators.tsv``): names, synonyms, headline flags."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ... import paths
from ...text.lexicons import read_tsv

__all__ = ["Indicator", "load_indicators", "canonical_indicator", "headline_indicators", "names_indicator"]


class Indicator(NamedTuple):
    canonical: str
    english: str
    synonyms: tuple[str, ...]
    headline: bool
    target: str


@lru_cache(maxsize=1)
def load_indicators() -> tuple[Indicator, ...]:
    """The canonical indicator table of ``resources/indicators.tsv``."""
    return tuple(Indicator(canonical, english, tuple(synonyms.split("|")), headline == "yes", target)
                 for canonical, english, synonyms, headline, target, *_ in read_tsv(paths.RESOURCES / "indicators.tsv"))


@lru_cache(maxsize=1)
def _whole_names() -> dict[str, str]:
    """Names that denote an indicator only as a whole subject (``=进出口`` in the resource)."""
    return {s[1:]: i.canonical for i in load_indicators() for s in i.synonyms if s.startswith("=")}


@lru_cache(maxsize=1)
def _synonyms() -> tuple[tuple[str, Indicator], ...]:
    pairs = [(s, ind) for ind in load_indicators() for s in ind.synonyms if not s.startswith("=")]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def canonical_indicator(text: str) -> str | None:
    """Canonical indicator named in ``text`` (longest synonym wins).

    >>> canonical_indicator("社零总额"), canonical_indicator("规上工业增加值"), canonical_indicator("人均GDP")
    ('社会消费品零售总额', '规模以上工业增加值', '人均地区生产总值')
    """
    return _canonical(text)


@lru_cache(maxsize=16384)
def _canonical(text: str) -> str | None:
    """:func:`canonical_indicator`, remembered: the same subjects recur in every report."""
    for synonym, indicator in _synonyms():
        if synonym in text:
            return indicator.canonical
    return _whole_names().get(_SCOPE_PREFIX.sub("", text))


def headline_indicators() -> frozenset[str]:
    """The canonical names of the headline indicators (column ``headline`` of the resource)."""
    return frozenset(i.canonical for i in load_indicators() if i.headline)


_SCOPE_PREFIX = re.compile(r"^(?:全国|全省|全市|全区|全县|全州|全旗|全盟|全自治区|全疆|我国|我省|我市|我区|我县|本市|本省|地方|国家|"
                           r"中央|全社会)")
_MEASURE_SUFFIX = re.compile(r"(?:增速|增幅|涨幅|增长速度|速度|增长|总量|规模|额|平均值|同口径|人数)$")


def names_indicator(subject, indicator: str) -> bool:
    """Whether ``subject`` names ``indicator`` itself (one of its names, after a scope word such as 全省
    and before 增速/增幅), not a quantity that only mentions it.

    >>> names_indicator("全省地区生产总值", "地区生产总值"), names_indicator("规上工业增加值增速", "规模以上工业增加值")
    (True, True)
    >>> names_indicator("先进制造业增加值占规模以上工业增加值比重", "规模以上工业增加值")
    False
    """
    if not isinstance(subject, str) or not subject:
        return False
    names = _names().get(indicator, frozenset())
    core = _SCOPE_PREFIX.sub("", subject.replace("“", "").replace("”", ""))
    return any(name in names for name in (core, _MEASURE_SUFFIX.sub("", core), core + "增长", subject))


@lru_cache(maxsize=1)
def _names() -> dict[str, frozenset[str]]:
    return {i.canonical: frozenset(s.lstrip("=") for s in i.synonyms) for i in load_indicators()}
