"""The site: pages generated from the library, and the built book checked on disk and in a real browser."""

from __future__ import annotations

import os
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from expectations import HEADLINES
import policybook.site as book
from policytext import cli, paths
from policytext.corpus.analyze import report_tables
from policytext.text.lexicons import read_tsv


def test_data_dictionary_describes_every_column(bundled, tokenizer):
    described = {}
    for table, column, meaning in read_tsv(paths.RESOURCES / "data_dictionary.tsv"):
        assert meaning.strip(), (table, column)
        described.setdefault(table, set()).add(column)
    for name, df in report_tables(bundled, tokenizer=tokenizer).items():
        missing = [c for c in df.columns if c not in described.get(name, set()) | described["*"]]
        assert missing == [], (name, missing)


def test_glossary_entries_are_complete():
    rows = read_tsv(paths.RESOURCES / "glossary.tsv")
    assert len(rows) >= 30
    for term, pinyin, english in rows:
        assert term and pinyin and english
    page = book.glossary_page()
    assert page.startswith("# Glossary") and "社零总额" in page


def test_methods_page_reports_measured_numbers():
    page = book.methods_page()
    assert "Monroe, Colaresi & Quinn (2008)" in page and "陈诗一 & 陈登科 (2018)" in page
    assert f"headline figures found | {HEADLINES} of {HEADLINES}" in page
    assert "held_out" in page


def test_primer_computes_each_example_twice_and_stops_when_they_disagree(monkeypatch):
    from policybook.primer import primer_page
    from policytext.analysis import topics

    page = primer_page()
    for heading in ("## TF-IDF", "## Weighted log-odds", "## Precision, recall", "## Jaccard", "## NMF",
                    "## Communities", "## A bootstrap band", "## MinHash"):
        assert heading in page
    assert "Greene, O'Callaghan & Cunningham 2014" in page and "Broder 1997" in page
    monkeypatch.setattr(topics, "average_jaccard", lambda a, b: 0.0)  # a library that no longer does what the page says
    with pytest.raises(AssertionError, match="average Jaccard"):
        primer_page()


def test_generated_pages_are_reused_until_what_they_are_computed_from_changes(tmp_path, monkeypatch):
    calls = []

    def build():
        calls.append(1)
        return f"# page {len(calls)}\n"

    monkeypatch.setattr(book, "page_inputs_digest", lambda: "one")
    assert book.cached_page("methods", build, cache=tmp_path) == "# page 1\n"
    assert book.cached_page("methods", build, cache=tmp_path) == "# page 1\n" and len(calls) == 1
    monkeypatch.setattr(book, "page_inputs_digest", lambda: "two")  # a rule, a lexicon or an annotation changed
    assert book.cached_page("methods", build, cache=tmp_path) == "# page 2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["methods-two.md"]


def test_data_page_offers_downloads(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "indicators.csv").write_text("a\n1\n", encoding="utf-8")
    page = book.data_page(tmp_path, tables)
    assert "{download}`indicators <downloads/indicators.csv>`" in page
    assert (tmp_path / "downloads" / "indicators.csv").exists()


# ---------------------------------------------------------------- the built site

PAGES = ["index", *(nb.stem for nb in book.notebooks()), *book.GENERATED_PAGES]


class _Links(HTMLParser):
    """Links, resources and element ids of one HTML page."""

    def __init__(self):
        super().__init__()
        self.links, self.resources, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag in ("img", "script") and attrs.get("src"):
            self.resources.append(attrs["src"])
        elif tag == "link" and attrs.get("href") and attrs.get("rel", "") in ("stylesheet", "preload"):
            self.resources.append(attrs["href"])


def _parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(executed_bundled, tmp_path_factory):
    """The site of `make run`, built from the notebooks executed on the bundled report."""
    out = tmp_path_factory.mktemp("site")
    tables = out / "tables"
    assert cli.main(["analyze", str(paths.BUNDLED_REPORT), "--out", str(tables), "--jobs", "1", "--no-progress"]) == 0
    index = book.build_site(executed_bundled[0].parent, book_dir=out / "book", html_dir=out / "html",
                            tables=tables, report=paths.BUNDLED_REPORT)
    return index.parent


@pytest.mark.slow
def test_site_has_every_chapter_and_page(site):
    assert [p for p in PAGES if not (site / f"{p}.html").is_file()] == []


@pytest.mark.slow
def test_site_links_and_resources_resolve_offline(site):
    problems = []
    parsed = {page: _parse(page) for page in sorted(site.glob("*.html"))}
    for page, found in parsed.items():
        for url in found.resources:
            if url.startswith(("http:", "https:", "//")):
                problems.append(f"{page.name}: needs the network: {url}")
            elif not url.startswith("data:") and not (page.parent / unquote(url.split("?")[0])).is_file():
                problems.append(f"{page.name}: missing {url}")
        for url in found.links:
            if url.startswith(("http:", "https:", "mailto:", "javascript:")):
                continue
            path, _, fragment = url.partition("#")
            target = (page.parent / unquote(path)).resolve() if path else page
            if not target.exists():
                problems.append(f"{page.name}: broken link {url}")
            elif fragment and target.suffix == ".html" and fragment not in _parse(target).ids:
                problems.append(f"{page.name}: no #{fragment} in {target.name}")
    assert problems == []


@pytest.mark.slow
def test_landing_page_describes_the_report_and_previews_key_figures(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "2018_district_qingshan.txt" in html and "青山区" in html and "headline results or targets" in html
    previews = [src for src in _parse(site / "index.html").resources if "previews" in src or "_images" in src]
    assert len(previews) >= 3, previews


@pytest.mark.slow
def test_site_does_not_show_the_machine_it_was_built_on(site):
    """Paths inside the project appear relative to it, so two machines build the same pages."""
    assert [p.name for p in site.glob("*.html") if str(paths.ROOT) in p.read_text(encoding="utf-8")] == []


@pytest.mark.slow
def test_figures_are_not_empty(site):
    from PIL import Image

    images = sorted((site / "_images").glob("*.png"))
    assert len(images) >= 15
    blank = []
    for path in images:
        with Image.open(path) as im:
            extrema = im.convert("L").getextrema()
        if extrema[0] == extrema[1]:
            blank.append(path.name)
    assert blank == []


@pytest.mark.slow
def test_solutions_are_folded_and_the_font_is_shipped(site):
    chapter = (site / "03-indicator-extraction.html").read_text(encoding="utf-8")
    assert "Solution 1: show the code" in chapter and "dropdown" in chapter
    assert (site / "_static" / "fonts" / "NotoSansSC-Regular.otf").stat().st_size > 1_000_000
    assert "_static/policytext.css" in (site / "index.html").read_text(encoding="utf-8")


CHROMIUM = os.environ.get("POLICYTEXT_CHROMIUM") or shutil.which("chromium")
#: As root in a sandbox, with no background connections (the machine has no network).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (apt-get install chromium; .ci/run does)")
def test_site_in_a_real_browser(site, tmp_path):
    """Every page loads in headless Chromium with its images drawn, its links live and Chinese in Noto Sans SC.

    Screenshots go to $POLICYTEXT_SCREENSHOTS (default: a temporary folder).
    """
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("POLICYTEXT_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    problems, links = [], set()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("requestfailed", lambda request: problems.append(f"failed to load {request.url}"))
        for name in PAGES:
            page.goto((site / f"{name}.html").as_uri(), wait_until="load")
            if page.title() == "" or page.locator("main").count() == 0:
                problems.append(f"{name}: the page did not render")
            broken = page.evaluate("Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
                                   ".map(i => i.getAttribute('src'))")
            problems += [f"{name}: image not drawn: {src}" for src in broken]
            cjk = page.evaluate("async () => (await document.fonts.load('16px \"Noto Sans SC\"', '政府')).length")
            if not cjk:
                problems.append(f"{name}: the Chinese web font did not load")
            links |= set(page.evaluate("Array.from(document.querySelectorAll('a[href^=\"file:\"]')).map(a => a.href)"))
            page.screenshot(path=str(shots / f"{name}.png"))
        for url in sorted(links):
            address, _, fragment = url.partition("#")
            page.goto(address, wait_until="load")
            if fragment and not page.evaluate("id => document.getElementById(decodeURIComponent(id)) !== null", fragment):
                problems.append(f"broken link: {url}")
        browser.close()
    assert problems == []
    assert (shots / "index.png").stat().st_size > 10_000


def test_landing_paragraph_describes_any_report(tmp_path):
    report = tmp_path / "2016_county_x.txt"
    report.write_text("2016年某县政府工作报告\n各位代表：\n一、2015年工作回顾\n全县完成地区生产总值120亿元，增长7.5%。\n"
                      "二、2016年工作安排\n地区生产总值增长7%左右。\n", encoding="utf-8")
    text = book.report_paragraph(report)
    assert text.startswith("The report analysed in this build is `2016_county_x.txt`: the 2016")
    assert "2 chapters" in text and "(review, 0 sections)" in text and "It states 3 quantities" in text


@pytest.mark.slow
def test_a_site_is_kept_when_its_source_is_the_same_and_built_anew_when_not(site, executed_bundled, tmp_path):
    """A rerun whose notebooks differ only in what the book's copy leaves out keeps the site as it is
    (Sphinx does not run); a changed notebook builds the whole site again, which shows the change."""
    import json

    tables = site.parent / "tables"
    book_dir, html_dir, executed = tmp_path / "book", tmp_path / "html", tmp_path / "executed"
    shutil.copytree(executed_bundled[0].parent, executed)

    def build():
        return book.build_site(executed, book_dir=book_dir, html_dir=html_dir, tables=tables,
                               report=paths.BUNDLED_REPORT)

    def rerun(change=None):  # a new run: new times and a new id for the injected cell everywhere
        for path in sorted(executed.glob("*.ipynb")):
            nb = json.loads(path.read_text(encoding="utf-8"))
            nb["metadata"].setdefault("papermill", {})["duration"] = 123.4
            for cell in nb["cells"]:
                if "injected-parameters" in cell["metadata"].get("tags", []):
                    cell["id"] = "a-new-random-id"
            if change and path.name.startswith("03-"):
                nb["cells"][0]["source"] = "".join(nb["cells"][0]["source"]) + "\n\n" + change
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")

    build()
    times = {p.name: p.stat().st_mtime_ns for p in html_dir.glob("*.html")}
    rerun()
    build()
    assert {p.name: p.stat().st_mtime_ns for p in html_dir.glob("*.html")} == times  # kept as it was
    rerun("A sentence of this rebuild.")
    build()
    assert "A sentence of this rebuild." in (html_dir / "03-indicator-extraction.html").read_text(encoding="utf-8")
    assert all(p.stat().st_mtime_ns != times[p.name] for p in html_dir.glob("*.html"))  # built whole
    assert "papermill" not in (book_dir / "00-data-audit.ipynb").read_text(encoding="utf-8")
    assert not html_dir.with_name("html.new").exists() and not book_dir.with_name("book.new").exists()


def test_the_book_copy_of_a_notebook_is_the_same_for_the_same_outputs(tmp_path):
    """What differs between two runs with the same outputs is left out of the book's copy: papermill's
    and nbclient's times, the injected cell's random id, how a printed line was split into messages,
    an object's memory address."""
    import json

    def executed(name, cell_id, pieces, address, seconds):
        nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"papermill": {"duration": seconds}},
              "cells": [{"cell_type": "code", "id": cell_id, "execution_count": 1, "source": "REPORT = 'x'",
                         "metadata": {"tags": ["injected-parameters"], "papermill": {"duration": seconds},
                                      "execution": {"iopub.execute_input": f"2026-11-30T10:00:0{seconds}Z"}},
                         "outputs": [{"output_type": "stream", "name": "stdout", "text": p} for p in pieces]
                         + [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                             "data": {"text/html": ["<table/>"], "text/plain": [f"<Styler at {address}>"]}}]}]}
        path = tmp_path / name
        path.write_text(json.dumps(nb), encoding="utf-8")
        return book._book_notebook(path)

    first = executed("a.ipynb", "3f2a9c", ["lowest share: 2.8%\n"], "0x7fe8ed5c6bd0", 1)
    second = executed("b.ipynb", "b71e04", ["lowest share: 2.8%", "\n"], "0x7f033bfb78d0", 2)
    assert first == second
    outputs = json.loads(first)["cells"][0]["outputs"]
    assert outputs[0]["text"] == "lowest share: 2.8%\n" and outputs[1]["data"]["text/plain"] == "<Styler>"
    assert "papermill" not in first and "execution" not in json.loads(first)["cells"][0]["metadata"]
