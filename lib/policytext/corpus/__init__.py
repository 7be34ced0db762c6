"""Corpus runs and output: every table of every report of a folder (:mod:`.analyze`, locally or on a
Dask cluster), written as CSV, JSON Lines and Parquet (:mod:`.export`), and read back as DataFrames
for notebooks (:mod:`.tables`)."""
