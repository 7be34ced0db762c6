"""Pages the site generates from the library: glossary, data dictionary, methods and validation."""

from __future__ import annotations

from policytext import book
from policytext.corpus import report_tables


def test_data_dictionary_describes_every_column(bundled, tokenizer):
    described = {}
    for table, column, meaning in book._tsv("data_dictionary.tsv"):
        assert meaning.strip(), (table, column)
        described.setdefault(table, set()).add(column)
    for name, df in report_tables(bundled, tokenizer=tokenizer).items():
        missing = [c for c in df.columns if c not in described.get(name, set()) | described["*"]]
        assert missing == [], (name, missing)


def test_glossary_entries_are_complete():
    rows = book._tsv("glossary.tsv")
    assert len(rows) >= 30
    for term, pinyin, english in rows:
        assert term and pinyin and english
    page = book._glossary_page()
    assert page.startswith("# Glossary") and "社零总额" in page


def test_methods_page_reports_measured_numbers():
    page = book._methods_page()
    assert "Monroe, Colaresi & Quinn (2008)" in page and "陈诗一 & 陈登科 (2018)" in page
    assert "headline figures found | 16 of 16" in page
    assert "held_out" in page


def test_data_page_offers_downloads(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "indicators.csv").write_text("a\n1\n", encoding="utf-8")
    page = book._data_page(tmp_path, tables)
    assert "{download}`indicators <downloads/indicators.csv>`" in page
    assert (tmp_path / "downloads" / "indicators.csv").exists()
