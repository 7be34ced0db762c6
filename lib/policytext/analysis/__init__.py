"""Analyses of one report or several: keywords, themes, topics, co-occurrence, indicators, text reuse;
then targets, comparison, the theme classifier, dictionary expansion, attention over time, evaluation.

Each analysis of the bottom layer builds only on :mod:`policytext.tokens` and below, never on another
analysis; :mod:`.compare`, :mod:`.targets`, :mod:`.classify` and :mod:`.expansion` combine them one
layer up, :mod:`.attention` above those, :mod:`.evaluation` on top (``pyproject.toml`` states the
layers and ``lint-imports`` checks them).  None imports plotting or matplotlib, so corpus runs stay
fast to import.
"""
