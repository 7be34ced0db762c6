"""The static site: a Jupyter Book 1 source assembled from the executed notebooks, built offline.

:func:`build_site` writes ``build/book/``: the committed ``notebooks/_config.yml``; the landing
page ``notebooks/index.md`` with a paragraph on the report of this run and the notebooks' preview
figures filled in; a table of contents generated from the notebooks found; the executed notebooks;
the generated methods, glossary and data pages; the CJK web font.  It then builds
``build/html/`` (``index.html`` is the landing page) with no network access.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from policytext import paths
from policytext.errors import PolicyTextError
from policytext.files import replaced
from policytext.text.lexicons import read_tsv

from .notebooks import notebooks
from .primer import primer_page

__all__ = ["build_site", "GENERATED_PAGES", "landing_page", "report_paragraph", "key_figures", "glossary_page",
           "data_page", "methods_page", "cached_page"]

#: Files of notebooks/ that the book needs besides the notebooks (``index.md`` is filled in by
#: :func:`landing_page`).
BOOK_FILES = ("_config.yml", "teaching.md")
#: Pages written by hand, after the notebooks and before the generated ones.
STATIC_PAGES = ("teaching",)


#: Pages generated from the library at build time (never typed twice), after the notebooks.
GENERATED_PAGES = ("primer", "methods", "glossary", "data")


def _toc(executed: list[Path]) -> str:
    lines = ["format: jb-book", "root: index", "chapters:"]
    lines += [f"  - file: {nb.stem}" for nb in executed]
    lines += [f"  - file: {page}" for page in (*STATIC_PAGES, *GENERATED_PAGES)]
    return "\n".join(lines) + "\n"


def _table(header: list[str], rows) -> str:
    cell = lambda v: str(v).replace("|", "\\|")  # noqa: E731
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


FONT_CSS = """/* Chinese text on any machine: the site ships its own CJK font (Noto Sans SC, SIL OFL),
   used for the characters the reader's system fonts lack. */
@font-face {
  font-family: "Noto Sans SC";
  src: url("fonts/NotoSansSC-Regular.otf") format("opentype");
  font-display: swap;
}
:root {
  --pst-font-family-base: -apple-system, BlinkMacSystemFont, "Segoe UI", "Helvetica Neue", Arial, "Noto Sans SC", sans-serif;
  --pst-font-family-heading: var(--pst-font-family-base);
  --pst-font-family-monospace: SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace, "Noto Sans SC";
}
/* Key figures on the landing page: tall charts shrink to the card instead of stretching it. */
.sd-card-img-top { height: 20rem; object-fit: contain; padding: 0.5rem; }
"""


def _ship_font(book_dir: Path) -> None:
    """Copy the CJK font and its stylesheet into the book, so no system font or CDN is needed."""
    from policytext.plotting import font_path

    fonts = book_dir / "_static" / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    shutil.copy2(font_path(), fonts / "NotoSansSC-Regular.otf")
    (book_dir / "_static" / "policytext.css").write_text(FONT_CSS, encoding="utf-8")


LANDING_REPORT = "<!-- the report of this run -->"
LANDING_FIGURES = "<!-- key figures -->"


def report_paragraph(report_path: Path) -> str:
    """The report of this run in one paragraph: what it says it is, its outline, its quantities."""
    from policytext import extract_indicators, read_report

    report = read_report(report_path)
    meta = report.metadata
    what = " ".join(filter(None, [f"the {meta.year}" if meta.year else "the", meta.title or "report",
                                  f"of {meta.place}" if meta.place else None,
                                  f"({meta.level} level)" if meta.level else None]))
    chapters = report.structure.chapters
    outline = "; ".join(f"{c.chapter_title if isinstance(c.chapter_title, str) else f'chapter {c.chapter}'} "
                        f"({c.chapter_role}, {c.sections} sections)" for c in chapters.itertuples())
    indicators = extract_indicators(report)
    return (f"The report analysed in this build is `{report_path.name}`: {what}, "
            f"{len(report.text):,} characters in {len(chapters)} chapters"
            + (f" ({outline})" if outline else "")
            + f". It states {len(indicators)} quantities, {int(indicators['headline'].sum())} of them "
            "headline results or targets.")


def key_figures(executed: list[Path], book_dir: Path) -> str:
    """Cards with the figures the notebooks mark as previews (cell metadata ``policytext.preview``).

    The images are the notebooks' own outputs of this run, so the landing page
    shows exactly what the chapters show.
    """
    import base64

    cards = []
    for nb_path in executed:
        # plain JSON: nbformat.read validates the whole notebook against its schema (seconds for
        # seven notebooks with figures), and papermill has written these copies itself
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            caption = cell.get("metadata", {}).get("policytext", {}).get("preview")
            png = next((o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})), None)
            if not caption or png is None:
                continue
            image = book_dir / "previews" / f"{nb_path.stem}-{i}.png"
            image.parent.mkdir(exist_ok=True)
            image.write_bytes(base64.b64decode(png))
            cards.append(f":::{{grid-item-card}} {caption}\n:link: {nb_path.stem}\n:link-type: doc\n"
                         f":img-top: previews/{image.name}\n:img-alt: {caption}\n\n"
                         f"Notebook {nb_path.stem[:2]}\n:::\n")
    if not cards:
        return ""
    return ("## Key figures\n\nFrom this run's notebooks; select a figure to open its chapter.\n\n"
            "::::{grid} 1 1 2 2\n:gutter: 3\n\n" + "\n".join(cards) + "::::\n")


def landing_page(executed: list[Path], book_dir: Path, report: Path | None) -> str:
    text = (paths.NOTEBOOKS / "index.md").read_text(encoding="utf-8")
    text = text.replace(LANDING_REPORT, report_paragraph(report) if report else "")
    return text.replace(LANDING_FIGURES, key_figures(executed, book_dir))


def glossary_page() -> str:
    rows = sorted(read_tsv(paths.RESOURCES / "glossary.tsv"), key=lambda r: r[1].lower())
    return ("# Glossary\n\nThe Chinese policy terms of the notebooks, from "
            "`lib/policytext/resources/glossary.tsv`.\n\n" + _table(["term", "pinyin", "English"], rows))


def data_page(book_dir: Path, tables: Path | None) -> str:
    text = ["# Data: tables and their columns\n",
            "Every table is tidy (one row per observation) and carries `doc_id` and the raw offsets "
            "`start`/`end` of its text. CSV files are UTF-8 with a byte-order mark (Excel shows Chinese "
            "correctly); the same tables are written as Parquet by `policytext analyze`.\n"]
    if tables is not None and tables.is_dir():
        downloads = book_dir / "downloads"
        downloads.mkdir(exist_ok=True)
        links = []
        for csv_file in sorted(tables.glob("*.csv")):
            shutil.copy2(csv_file, downloads / csv_file.name)
            links.append(f"- {{download}}`{csv_file.stem} <downloads/{csv_file.name}>`")
        if links:
            text += ["## Downloads (this run)\n", "\n".join(links) + "\n"]
    text.append("## Columns\n")
    rows = read_tsv(paths.RESOURCES / "data_dictionary.tsv")
    for table in dict.fromkeys(r[0] for r in rows):
        title = "Columns in several tables" if table == "*" else f"`{table}`"
        text += [f"### {title}\n", _table(["column", "meaning"], [(f"`{c}`", m) for t, c, m in rows if t == table])]
    return "\n".join(text)


def methods_page() -> str:
    from policytext import extract_indicators, read_report, tokenize
    from policytext.analysis import themes
    from policytext.analysis.evaluation import (load_indicator_annotations, load_theme_annotations, score_indicators,
                                                score_theme_labels)

    report = read_report(paths.BUNDLED_REPORT)
    score, _ = score_indicators(extract_indicators(report), load_indicator_annotations())
    domains = themes.load_dictionary()
    summary, per_theme = score_theme_labels(themes.tag_sentences(tokenize(report), dictionary=domains),
                                            load_theme_annotations(), domains.categories)
    dictionaries = [themes.load_dictionary(n) for n in themes.available_dictionaries()]
    return "\n".join([
        "# Methods and validation\n",
        "Every number on this page is computed when the site is built, from the library and the hand "
        "annotations in `data/annotations/`.\n",
        "## Methods and their sources\n",
        _table(["step", "method", "source"], [
            ("cleaning", "passes with a lossless audit; raw text rebuilt exactly from cleaned text + audit", "this project"),
            ("segmentation", "jieba-rs (rjieba) with a policy dictionary; jieba as reference backend",
             "Sun Junyi, jieba; jieba-rs"),
            ("names", "split names joined when the second piece ends with a place word and the pieces hardly "
                      "occur apart in the report", "this project; place words after the State Council's 地名管理条例 (2022)"),
            ("TF-IDF", "term share × smoothed inverse document frequency ln((1+N)/(1+df))+1 over paragraphs",
             "Spärck Jones (1972), *Journal of Documentation* 28(1); Salton & Buckley (1988)"),
            ("keyness", "weighted log-odds ratio, informative Dirichlet prior, z-scores",
             "Monroe, Colaresi & Quinn (2008), *Political Analysis* 16(4)"),
            ("keywords", "TextRank on our segmentation", "Mihalcea & Tarau (2004), EMNLP"),
            ("collocations", "PMI and log-likelihood ratio", "Dunning (1993), *Computational Linguistics* 19(1)"),
            ("policy attention", "share of a scope's words in a theme dictionary",
             "陈诗一 & 陈登科 (2018), 经济研究 53(2)"),
            ("topics", "NMF; number of topics by stability: models refitted on random 80% subsets of the "
                       "paragraphs against the model of all, average Jaccard of matched topics' top terms",
             "Greene, O'Callaghan & Cunningham (2014), ECML PKDD"),
            ("communities", "greedy modularity", "Clauset, Newman & Moore (2004), *Physical Review E* 70"),
            ("theme labels", "dictionary hits per sentence; one-vs-rest logistic regression as the trained baseline",
             "this project; scikit-learn (Pedregosa et al. 2011)"),
            ("attention over time", "theme shares report by report; the largest shifts named by the keyness of the "
                                    "theme's matched entries", "陈诗一 & 陈登科 (2018); Monroe, Colaresi & Quinn (2008)"),
            ("shared passages", "character 10-gram seeds chained across small gaps into passages, raw offsets on both "
                                "sides; formula sentences and passages in half the folder flagged as boilerplate",
             "Smith, Cordell & Dillon (2013), Infectious texts, IEEE BigData (passim)"),
            ("candidate pairs", "MinHash of character 5-gram shingles of 100-character windows, LSH banding (datasketch)",
             "Broder (1997), *Compression and Complexity of Sequences*"),
            ("report similarity", "cosine of TF-IDF vectors of content words", "Salton & Buckley (1988)"),
            ("dictionary expansion", "skip-gram word2vec on the corpus (one worker, fixed seed); candidates by mean cosine "
                                     "to a domain's nearest entries, accepted by a reviewer",
             "Mikolov et al. (2013), NIPS; the review in `data/annotations/dictionary_expansion_review.csv`"),
            ("intervals", "percentile bootstrap over sentences (scores) and paragraphs (shares), fixed seed",
             "Efron (1979), *Annals of Statistics* 7(1)"),
            ("coder agreement", "Cohen's kappa; span F1 between coders", "Cohen (1960), *Educational and Psychological "
                                "Measurement* 20(1)"),
            ("indicators", "a number grammar with documented exclusions and context rules", "this project"),
        ]),
        "## Theme dictionaries\n",
        _table(["dictionary", "categories", "source"], [(d.name, ", ".join(d.categories), d.refer) for d in dictionaries]),
        "## Indicator extraction against the hand annotation\n",
        f"{score.gold} quantities of the bundled report annotated by hand (guide: `data/annotations/README.md`).\n",
        _table(["measure", "value"], [
            ("precision", f"{score.precision:.3f}"), ("recall", f"{score.recall:.3f}"),
            ("value correct (matched mentions)", f"{score.value_accuracy:.3f}"),
            ("subject correct", f"{score.subject_accuracy:.3f}"), ("status correct", f"{score.status_accuracy:.3f}"),
            ("headline figures found", f"{score.headline_found} of {score.headline_gold}"),
        ]),
        "These are scores on the report the rules were developed on; expect lower on reports never seen.\n",
        *_multi_report_sections(),
        "## Theme labels against hand labels\n",
        f"{int(summary.loc[summary['set'] == 'all', 'sentences'].iloc[0])} sentences of the bundled report labelled by "
        "policy domain (guide: `data/annotations/themes_guide.md`); the held-out sentences were labelled after the "
        "dictionary was frozen.\n",
        _table(list(summary.columns), summary.itertuples(index=False)),
        _table(list(per_theme.columns), per_theme.itertuples(index=False)),
        *_multi_theme_section(),
        *_expansion_section(),
        "## Known limits\n",
        f"- Subjects of quantities come from part-of-speech patterns: {1 - score.subject_accuracy:.0%} of the matched "
        "mentions above have a wrong subject on the report the rules were written on, and more on reports nobody "
        "tuned to (the held-out rows of the multi-report tables above are the figures to believe).\n"
        "- Five-year reviews carry no single year; their figures get no `year`.\n"
        "- Dictionary shares count words, not meaning: a sentence about talent that names 企业 counts for the economy.\n"
        f"- Topic models on one report ({int((report.structure.paragraphs['part'] == 'body').sum())} body paragraphs "
        "in the bundled report) are broad and depend on the number of topics.\n"
        "- Speed: `make bench` measures it on the machine at hand (the README shows one run).\n",
    ])


def _multi_report_sections() -> list[str]:
    """The indicator scores on the multi-report annotations, per level, the held-out set apart."""
    from policytext.analysis.evaluation import ANNOTATION_SETS, load_quantity_annotations, multi_report_scores

    sets = [s for s in ANNOTATION_SETS if (load_quantity_annotations()["set"] == s).any()]
    titles = {"development": "Development reports (the rules were revised on them)",
              "held_out": "First held-out reports (annotated after the first freeze; their errors then revised the "
                          "rules, so they are development material now)",
              "held_out_2": "Second held-out reports (annotated after the second freeze, never used to change "
                            "the rules): the scores to believe"}
    out = ["## Indicator extraction on other reports\n",
           "Hand annotations of national, provincial and district reports of every era "
           "(`data/annotations/README.md`; guide: `data/annotations/indicators_guide.md`): every quantity of "
           "sentences drawn at random, every headline figure of whole reports, every 分别 list. The rules were "
           "revised on the development set, frozen, scored on a first held-out set, revised on its errors, "
           "frozen again and scored on a second held-out set of other reports that no rule was revised on: "
           "**the last set's scores are the ones to believe**.\n"]
    for name in sets:
        scores = multi_report_scores(name)
        title = titles[name]
        out += [f"### {title}\n", "Quantities: precision and recall; among matched quantities, the share with the "
                "right value, subject (identifies the quantity), kind, status and year or period.\n",
                _table(list(scores["quantities"].columns), scores["quantities"].itertuples(index=False)),
                "Headline figures (the main results of the reviewed year and the main targets of the new year):\n",
                _table(list(scores["headlines"].columns), scores["headlines"].itertuples(index=False))]
        if "respectively" in scores:
            out += ["分别 lists (a subject paired with each figure):\n",
                    _table(list(scores["respectively"].columns), scores["respectively"].itertuples(index=False))]
    out += _agreement_section()
    return out


@lru_cache(maxsize=4)
def _theme_predictions(dictionary: str):
    """The labels of every hand-labelled corpus sentence by ``dictionary`` and the classifier, once per build."""
    from policytext.analysis.evaluation import theme_label_predictions

    return theme_label_predictions(dictionary=dictionary, cache=paths.DATA_PROCESSED / "cache")


def _multi_theme_section() -> list[str]:
    """The dictionary and the supervised baseline against the theme labels of sentences of other reports."""
    from policytext.analysis.evaluation import theme_label_scores

    scores = theme_label_scores(_theme_predictions("policy_domains"))
    if scores.empty:
        return []
    scores = scores.assign(exact_95ci=[f"{a:.3f}–{b:.3f}" for a, b in zip(scores["exact_low"], scores["exact_high"])],
                           f1_95ci=[f"{a:.3f}–{b:.3f}" for a, b in zip(scores["f1_low"], scores["f1_high"])])
    columns = ["labeller", "set", "level", "sentences", "exact", "exact_95ci", "precision", "recall", "f1", "f1_95ci"]
    return ["### Theme labels on other reports\n",
            "Sentences drawn at random from national, provincial and district reports of every era, labelled by "
            "policy domain with guide version 2 (`data/annotations/themes.csv`, `themes_held_out.csv`). The "
            "dictionary (`policy_domains` version 2) was revised on the development sentences and frozen before the "
            "held-out sentences were labelled. The supervised baseline (`policytext.analysis.classify`: logistic "
            "regression on TF-IDF of content tokens plus the dictionary's hits) is scored on the development set "
            "with each report left out in turn, and on the held-out set after training on all development "
            "sentences. Intervals: 95% bootstrap over sentences.\n",
            _table(columns, scores[columns].itertuples(index=False)),
            _labeller_verdict(scores)]


def _expansion_section() -> list[str]:
    """The dictionary grown by word2vec and reviewed by hand, against the original, on the same hand labels."""
    from policytext.analysis.evaluation import theme_label_scores

    rows = []
    for name in ("policy_domains", "policy_domains_expanded"):
        scores = theme_label_scores(_theme_predictions(name))
        scores = scores[(scores["labeller"] == "dictionary") & (scores["level"] == "all")]
        rows += [(name, r.set, r.sentences, f"{r.exact:.3f} ({r.exact_low:.3f}–{r.exact_high:.3f})",
                  f"{r.f1:.3f} ({r.f1_low:.3f}–{r.f1_high:.3f})") for r in scores.itertuples()]
    held = {r[0]: r for r in rows if r[1] == "held_out"}
    verdict = ""
    if len(held) == 2:
        verdict = (f"On the held-out sentences, the reviewed expansion gives exact match {held['policy_domains_expanded'][3]} "
                   f"against {held['policy_domains'][3]} for the original, F1 {held['policy_domains_expanded'][4]} against "
                   f"{held['policy_domains'][4]}. The development sentences come from reports the vectors were trained "
                   "on; only the held-out ones measure the expansion.\n")
    return ["### Dictionary grown from the corpus\n",
            "`policy_domains_expanded`: the original entries and the word2vec candidates a reviewer accepted (notebook 06; "
            "vectors trained on the corpus reports outside the held-out set). The same sentences and measures as above "
            "(95% bootstrap intervals in brackets).\n",
            _table(["dictionary", "set", "sentences", "exact", "F1"], rows), verdict]


def _labeller_verdict(scores) -> str:
    """One sentence comparing the two labellers, read from the scores (never written by hand)."""
    overall = scores[scores["level"] == "all"].set_index(["labeller", "set"])
    parts = []
    for name in [s for s in ("development", "held_out") if ("classifier", s) in overall.index]:
        d, c = overall.loc[("dictionary", name), "f1"], overall.loc[("classifier", name), "f1"]
        better = "the dictionary" if d > c else "the classifier" if c > d else "neither"
        parts.append(f"on the {name.replace('_', '-')} set {better} has the higher micro F1 ({d:.3f} against {c:.3f})")
    return ("Overall, " + "; ".join(parts) + ". The dictionary is the default labeller: each label it gives names "
            "the entries behind it. A sentence's theme often lies in its section or in words no list holds, which "
            "neither labeller sees.\n")


def _agreement_section() -> list[str]:
    """Agreement of a second, independent coder with the first on samples of the annotations."""
    import pandas as pd

    from policytext.analysis import evaluation as ev
    from policytext.analysis.themes import load_dictionary

    second = {name: paths.ANNOTATIONS / f"{name}_second_coder.csv" for name in ("quantities", "headlines", "themes")}
    if not all(p.is_file() for p in second.values()):
        return []
    quantities = ev.quantity_agreement(ev.load_quantity_annotations(), ev._read_annotation(second["quantities"], None))
    headlines = ev.headline_agreement(ev.load_headline_annotations(), ev._read_annotation(second["headlines"], None))
    first_themes = pd.read_csv(paths.ANNOTATIONS / "themes.csv", encoding="utf-8", keep_default_na=False)
    themes = ev.theme_agreement(first_themes, pd.read_csv(second["themes"], encoding="utf-8", keep_default_na=False),
                                load_dictionary().categories)
    held = [paths.ANNOTATIONS / "themes_held_out.csv", paths.ANNOTATIONS / "themes_held_out_second_coder.csv"]
    if all(p.is_file() for p in held):
        first, other = (pd.read_csv(p, encoding="utf-8", keep_default_na=False) for p in held)
        themes = pd.concat([themes.assign(set="development"),
                            ev.theme_agreement(first, other, load_dictionary().categories).assign(set="held_out")])
        themes = themes[["set", *[c for c in themes.columns if c != "set"]]]
    return ["### Agreement between two coders\n",
            "A second coder annotated samples independently (every third drawn sentence; the headlines of three "
            "reports; every third theme sentence). Both coders are model-based annotation sessions briefed with the "
            "same guides, so their agreement shows that the guides are unambiguous to such a reader, not how far "
            "human coders would agree.\n",
            _table(list(quantities.columns), quantities.itertuples(index=False)),
            _table(list(headlines.columns), headlines.itertuples(index=False)),
            _table(list(themes.columns), themes.itertuples(index=False))]


#: Where generated pages are kept between builds (see :func:`cached_page`).
PAGE_CACHE = paths.BUILD / "cache" / "pages"


def page_inputs_digest() -> str:
    """A digest of everything a generated page is computed from: the library's code and resources, this
    build tool's code, the hand annotations, the bundled report and the corpus."""
    from policytext.corpus.analyze import library_fingerprint
    from policytext.files import tree_digest

    return tree_digest(Path(__file__).parent, paths.ANNOTATIONS, paths.CORPUS, paths.BUNDLED_REPORT,
                       seed=library_fingerprint().encode())[:16]


def cached_page(name: str, build, *, cache: Path | None = None) -> str:
    """The page ``name`` as ``build()`` makes it, from the cache when nothing it is computed from changed.

    The Methods page scores the extractors on every annotated report (most of a minute); a rebuild
    after a change to a notebook's prose reuses it.  The cache is keyed by :func:`page_inputs_digest`,
    so a change to a rule, a lexicon, an annotation or this tool recomputes it.
    """
    folder = PAGE_CACHE if cache is None else cache
    path = folder / f"{name}-{page_inputs_digest()}.md"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    text = build()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{name}-*.md"):
        old.unlink()
    with replaced(path) as temporary:  # a page is complete or absent, never half written
        temporary.write_text(text, encoding="utf-8")
    return text


def _book_env() -> dict[str, str]:
    """The environment of the Jupyter Book process: quiet, with ``lib/`` on the path for this package's
    Sphinx extension (:mod:`policybook.sphinx_offline`, loaded by ``notebooks/_config.yml``)."""
    lib = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (lib, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONWARNINGS": "ignore", "PYTHONPATH": path}


#: What a notebook's copy in the book leaves out: papermill's record of the run (its times, parameters
#: and paths; the parameters are in the injected cell) and nbclient's cell times, which differ from run
#: to run and are not shown, so that the same outputs give the same page source.  The site's download
#: button offers this copy.
VOLATILE_METADATA = ("papermill", "execution")


def _book_notebook(executed: Path) -> str:
    """An executed notebook as the book reads it: without :data:`VOLATILE_METADATA`, the cell papermill
    injects with a fixed id (papermill draws a new one each run), the pieces of a printed text joined
    (:func:`_coalesced`), and no memory address in the plain text of an output
    (``<pandas.io.formats.style.Styler at 0x7f…>``: the page shows its HTML)."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    for holder in (nb, *nb.get("cells", [])):
        for key in VOLATILE_METADATA:
            holder.get("metadata", {}).pop(key, None)
    for cell in nb.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
        if "outputs" in cell:
            cell["outputs"] = _coalesced(cell["outputs"])
        for output in cell.get("outputs", []):
            plain = output.get("data", {}).get("text/plain")
            if plain is not None:  # an object's default repr names its address: another one each run
                text = _ADDRESS.sub(">", "".join(plain) if isinstance(plain, list) else plain)
                output["data"]["text/plain"] = text
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")


def _coalesced(outputs: list[dict]) -> list[dict]:
    """Consecutive pieces of one stream joined: how the kernel splits a printed text into messages
    depends on timing (``text\\n`` arrives as one piece or two), the text does not."""
    out: list[dict] = []
    for output in outputs:
        previous = out[-1] if out else None
        if output.get("output_type") != "stream":
            out.append(output)
        elif previous is not None and previous.get("output_type") == "stream" and previous["name"] == output["name"]:
            previous["text"] += "".join(output["text"])
        else:
            out.append({**output, "text": "".join(output["text"])})
    return out


def _assemble(staging: Path, executed: list[Path], tables: Path | None, report: Path | None) -> None:
    """Write the book's source into ``staging``: notebooks, hand-written and generated pages, font."""
    staging.mkdir(parents=True)
    for name in BOOK_FILES:
        shutil.copy2(paths.NOTEBOOKS / name, staging / name)
    for nb in executed:
        (staging / nb.name).write_text(_book_notebook(nb), encoding="utf-8")
    (staging / "_toc.yml").write_text(_toc(executed), encoding="utf-8")
    (staging / "index.md").write_text(landing_page(executed, staging, report), encoding="utf-8")
    _ship_font(staging)
    (staging / "glossary.md").write_text(glossary_page(), encoding="utf-8")
    (staging / "data.md").write_text(data_page(staging, tables), encoding="utf-8")
    (staging / "methods.md").write_text(cached_page("methods", methods_page), encoding="utf-8")
    (staging / "primer.md").write_text(cached_page("primer", primer_page), encoding="utf-8")


#: The file in the site folder that names what the site was built from (see :func:`build_site`).
SITE_STAMP = ".policybook-source"


def _site_stamp(source: Path) -> str:
    """What a site is built from: every file of the book's source (``source``), and the Sphinx set-up
    (the book's configuration, this package's Sphinx extension, the installed packages and versions)."""
    from importlib.metadata import distributions

    from policytext.files import tree_digest

    from . import sphinx_offline

    setup = [(paths.NOTEBOOKS / "_config.yml").read_text(encoding="utf-8"),
             Path(sphinx_offline.__file__).read_text(encoding="utf-8"),
             *sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions())]
    return tree_digest(source, seed="\0".join(setup).encode("utf-8"))


def build_site(executed_dir: Path, *, book_dir: Path, html_dir: Path, tables: Path | None = None,
               report: Path | None = None) -> Path:
    """Assemble the book source and build it with Jupyter Book 1; return the landing page.

    ``report`` (the report the notebooks ran on) is described on the landing page.  A site is built
    whole or not at all: when the source assembled now and the Sphinx set-up are what the site in
    ``html_dir`` was built from (its :data:`SITE_STAMP`), that site is kept (a rerun of ``make run`` on
    the same report: the book's copies of the notebooks leave out what differs between two runs with
    the same outputs).  Otherwise the book folder is made afresh and built in full: an incremental
    Sphinx build would leave the navigation of the pages it does not rewrite stale and skip the checks
    of ``--warningiserror`` on them.  The site is replaced only once built, its stamp written last.
    """
    staging = book_dir.with_name(book_dir.name + ".new")
    if staging.exists():
        shutil.rmtree(staging)
    try:
        _assemble(staging, notebooks(executed_dir), tables, report)
        stamp = _site_stamp(staging)
        if (html_dir / "index.html").is_file() and _read(html_dir / SITE_STAMP) == stamp:
            return html_dir / "index.html"  # built from this very source
        if book_dir.exists():
            shutil.rmtree(book_dir)
        staging.rename(book_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _jupyter_book(book_dir)
    fresh = html_dir.with_name(html_dir.name + ".new")
    if fresh.exists():
        shutil.rmtree(fresh)
    shutil.move(str(book_dir / "_build" / "html"), str(fresh))
    (fresh / SITE_STAMP).write_text(stamp, encoding="utf-8")
    if html_dir.exists():
        (html_dir / SITE_STAMP).unlink(missing_ok=True)  # a site half removed is never taken as built
        shutil.rmtree(html_dir)
    fresh.rename(html_dir)
    return html_dir / "index.html"


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _jupyter_book(book_dir: Path) -> None:
    """Build ``book_dir`` with Jupyter Book 1 (warnings are errors), or stop with one line and the log."""
    jb = Path(sys.executable).with_name("jupyter-book")
    done = subprocess.run([str(jb), "build", str(book_dir), "--warningiserror", "--keep-going", "--quiet"],
                          capture_output=True, text=True, env=_book_env())
    if done.returncode != 0:
        log = book_dir / "build.log"
        log.write_text(done.stdout + done.stderr, encoding="utf-8")
        last = [l for l in (done.stderr or done.stdout).splitlines() if l.strip()][-1:] or ["(no output)"]
        raise PolicyTextError(f"site build failed: {last[0]} (full log: {log})")
