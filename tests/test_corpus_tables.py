"""folder_tables: a folder's tables for notebooks, analysed once and then read from the cache."""

from __future__ import annotations

import pandas as pd
import pytest

from policytext import paths
from policytext.analysis.targets import compare_targets
from policytext.corpus.tables import folder_tables, listed_reports
from policytext.errors import PolicyTextError
from policytext.options import TABLES


def _folder(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "2018_district_qingshan.txt").write_bytes(paths.BUNDLED_REPORT.read_bytes())
    (folder / "broken.txt").write_bytes(bytes(range(256)) * 40)  # binary, not a report: left out, named on stderr
    return folder


def test_a_folder_is_analysed_once_and_read_as_dataframes(tmp_path, capsys):
    folder, out = _folder(tmp_path), tmp_path / "out"
    first = folder_tables(folder, ("reports", "tokens", "indicators"), out=out)
    err = capsys.readouterr().err
    assert "left out" in err and "broken.txt" in err
    assert first["reports"]["doc_id"].tolist() == ["2018_district_qingshan"]
    assert {"doc_id", "year", "place", "level", "token", "start", "end"} <= set(first["tokens"].columns)
    # every table, whatever is asked for: one run for every notebook, read as it is the second time
    assert {f"{t}.csv" for t in TABLES} <= {p.name for p in out.glob("*.csv")}
    again = folder_tables(folder, ("reports",), out=out)
    assert (out / "tokens.csv").is_file() and again["reports"].equals(first["reports"])


def test_listed_reports_carry_what_the_target_panel_reads(tmp_path):
    tables = folder_tables(_folder(tmp_path), ("reports", "indicators"), out=tmp_path / "out")
    reports = listed_reports(tables["reports"])
    assert reports[0].metadata.year == 2018 and reports[0].metadata.level == "district"
    panel = compare_targets(reports, tables={reports[0].doc_id: tables["indicators"]})
    assert len(panel) and panel["place_key"].eq("district:青山区").all()


def test_unknown_tables_and_missing_folders_are_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown table 'tokenz'"):
        folder_tables(tmp_path, ("tokenz",))
    with pytest.raises(PolicyTextError, match="no such folder"):
        folder_tables(tmp_path / "nowhere")
