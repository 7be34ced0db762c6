"""The canonical indicators of work reports (``resources/indicators.tsv``): names, synonyms, headline flags."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from ... import paths
from ...text.lexicons import read_tsv

__all__ = ["Indicator", "load_indicators", "canonical_indicator", "headline_indicators"]


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
def _synonyms() -> tuple[tuple[str, Indicator], ...]:
    pairs = [(s, ind) for ind in load_indicators() for s in ind.synonyms]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def canonical_indicator(text: str) -> str | None:
    """Canonical indicator named in ``text`` (longest synonym wins).

    >>> canonical_indicator("社零总额"), canonical_indicator("规上工业增加值"), canonical_indicator("人均GDP")
    ('社会消费品零售总额', '规模以上工业增加值', '人均地区生产总值')
    """
    for synonym, indicator in _synonyms():
        if synonym in text:
            return indicator.canonical
    return None


def headline_indicators() -> frozenset[str]:
    """The canonical names of the headline indicators (column ``headline`` of the resource)."""
    return frozenset(i.canonical for i in load_indicators() if i.headline)
