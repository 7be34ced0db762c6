"""Indicators: every quantity a report states, one row per mention, with what it measures and when.

The sub-modules, by concern: :mod:`.lexicon` (the canonical indicators of ``resources/indicators.tsv``),
:mod:`.context` (a figure's clause, kind, direction, year and status), :mod:`.subjects` (the noun
phrase it measures), :mod:`.headlines` (the main results and targets) and :mod:`.extract` (the table).
The number grammar itself is text-level: :mod:`policytext.text.numbers`.
"""

from .extract import INDICATOR_COLUMNS, extract_indicators
from .lexicon import canonical_indicator, load_indicators

__all__ = ["extract_indicators", "INDICATOR_COLUMNS", "canonical_indicator", "load_indicators"]
