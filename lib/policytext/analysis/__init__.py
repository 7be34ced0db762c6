"""Analyses of one report or several: keywords, themes, topics, co-occurrence, indicators, targets.

Each analysis builds only on :mod:`policytext.tokens` and below, never on another analysis
(:mod:`.compare`, :mod:`.targets` and :mod:`.evaluation` combine them, one layer up); they never
import plotting or matplotlib, so corpus runs stay fast to import.
"""
