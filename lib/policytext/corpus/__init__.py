"""Corpus runs and output: every table of every report of a folder (:mod:`.analyze`), written as
CSV, JSON Lines and Parquet (:mod:`.export`)."""
