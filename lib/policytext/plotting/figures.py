"""The collection's figures: audit, structure, keywords, indicators, themes, networks, targets.

Each function takes a tidy table of the library and returns a matplotlib figure (or HTML); none
computes an analysis.  Scoped tables (``chapter``/``section``/``paragraph`` key columns) are
labelled with :func:`~policytext.tokens.scopes.label_scopes`.  Call
:func:`~policytext.plotting.style.use_style` first, as the notebooks do.
"""

from __future__ import annotations

import math

import pandas as pd

from ..tokens.scopes import label_scopes, scope_columns_of
from .style import KIND_COLORS, ROLE_COLORS, font_name, font_path

__all__ = ["plot_audit", "plot_sizes", "plot_sentence_lengths", "plot_targets", "highlight_quantities", "plot_heatmap",
           "plot_target_series", "plot_network", "plot_theme_shift", "plot_wordcloud", "plot_term_bars", "plot_keyness",
           "plot_small_multiples", "shares_matrix", "plot_place_targets"]


def _axes(ax, figsize=None):
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax
    return plt.subplots(figsize=figsize)


def plot_audit(audit: pd.DataFrame, ax=None):
    """Bar chart of the cleaner's audit: rows and raw characters by reason."""
    summary = (audit.assign(raw_chars=audit["raw_end"] - audit["raw_start"])
               .groupby("reason").agg(rows=("reason", "size"), raw_chars=("raw_chars", "sum"))
               .sort_values("rows"))
    fig, ax = _axes(ax, figsize=(7, 0.45 * len(summary) + 1.2))
    bars = ax.barh(summary.index, summary["rows"], color="#1f77b4")
    for bar, rows, chars in zip(bars, summary["rows"], summary["raw_chars"]):
        ax.annotate(f" {rows:,} rows, {chars:,} raw chars", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    va="center", fontsize=8, color="#555555")
    ax.set_xlabel("audit rows (changes or flags)")
    ax.set_title("What the cleaner changed, by reason")
    ax.margins(x=0.25)
    return fig


def plot_sizes(paragraphs: pd.DataFrame, *, by: str = "section", ax=None):
    """Characters per chapter or per section, coloured by the chapter's role (review / tasks / other)."""
    body = paragraphs[paragraphs["chapter"].notna()]
    body = body.assign(section=body["section"].fillna(0))  # text before a chapter's first section sorts first
    keys = ["chapter"] + (["section"] if by == "section" else [])
    grouped = body.groupby(keys, sort=True)
    sizes = grouped.agg(n_chars=("n_chars", "sum"), role=("chapter_role", "first"),
                        title=("section_title" if by == "section" else "chapter_title", "first")).reset_index()
    labels = []
    for row in sizes.itertuples():
        number = f"{row.chapter}" + (f".{row.section}" if by == "section" and row.section else "")
        title = row.title if isinstance(row.title, str) else ("(before the first section)" if by == "section" else "")
        labels.append(f"{number} {title[:18]}")
    fig, ax = _axes(ax, figsize=(8, 0.28 * len(sizes) + 1.5))
    ax.barh(range(len(sizes)), sizes["n_chars"], color=[ROLE_COLORS.get(r, "#7f7f7f") for r in sizes["role"]])
    ax.set_yticks(range(len(sizes)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("characters")
    ax.set_title(f"Characters per {by}, coloured by chapter role")
    from matplotlib.patches import Patch

    present = [r for r in ROLE_COLORS if r in set(sizes["role"])]
    ax.legend(handles=[Patch(color=ROLE_COLORS[r], label=r) for r in present], loc="lower right")
    return fig


def plot_sentence_lengths(sentences: pd.DataFrame, *, ax=None, bins: int = 30):
    """Histogram of sentence lengths (characters) in the body, by chapter role, with medians."""
    body = sentences[sentences["chapter"].notna() & ~sentences["is_lead"]]
    fig, ax = _axes(ax, figsize=(8, 4))
    upper = max(int(body["n_chars"].quantile(0.99)), 10) if len(body) else 10
    for role, group in body.groupby("chapter_role", sort=True):
        color = ROLE_COLORS.get(role, "#7f7f7f")
        ax.hist(group["n_chars"].clip(upper=upper), bins=bins, range=(0, upper), alpha=0.5, color=color,
                label=f"{role} (median {group['n_chars'].median():.0f}, n={len(group)})")
        ax.axvline(group["n_chars"].median(), color=color, linestyle="--", linewidth=1)
    ax.set_xlabel("sentence length (characters; longest 1% drawn at the edge)")
    ax.set_ylabel("sentences")
    ax.set_title("How long are the sentences?")
    ax.legend()
    return fig


def plot_targets(targets: pd.DataFrame, *, ax=None):
    """Grouped bars: last year's result and the new year's target for each headline growth rate.

    A result the report states as an estimate (预计, written before the year's statistics were out)
    is drawn hatched and labelled ``est.``: it is not yet a result."""
    growth = targets[(targets["kind"] == "growth") & targets["unit"].eq("%")].drop_duplicates("indicator")
    fig, ax = _axes(ax, figsize=(8, 0.6 * len(growth) + 1.5))
    y = range(len(growth))
    previous = growth["previous_result_value"].astype(float)
    estimate = growth.get("previous_result_status", pd.Series("", index=growth.index)).eq("estimate").to_numpy()
    year = f" {int(growth['target_year'].iloc[0]) - 1}" if len(growth) else ""
    for hatched, label in ((False, f"result{year}"), (True, f"estimate{year} (预计)")):
        rows = [i for i in y if estimate[i] == hatched]
        if rows or not hatched:
            ax.barh([i + 0.2 for i in rows], previous.iloc[rows], height=0.4, label=label,
                    color="white" if hatched else ROLE_COLORS["review"], edgecolor=ROLE_COLORS["review"],
                    hatch="///" if hatched else None)
    ax.barh([i - 0.2 for i in y], growth["target_value"], height=0.4, color=ROLE_COLORS["tasks"],
            label=f"target {int(growth['target_year'].iloc[0])}" if len(growth) else "target")
    for i, (p, t) in enumerate(zip(previous, growth["target_value"])):
        if pd.notna(p):
            ax.annotate(f" {p:g}%" + (" est." if estimate[i] else ""), (p, i + 0.2), va="center", fontsize=8)
        ax.annotate(f" {t:g}%", (t, i - 0.2), va="center", fontsize=8)
    ax.set_yticks(list(y), list(growth["indicator"]))
    ax.invert_yaxis()
    ax.set_xlabel("growth rate (%)")
    ax.set_title("Headline growth: last year's result (or estimate) and this year's target")
    ax.legend(loc="lower right")
    ax.margins(x=0.15)
    return fig


def highlight_quantities(indicators: pd.DataFrame, sentences: pd.DataFrame, *, n: int = 5, kinds=None):
    """HTML of sentences with every extracted figure marked, coloured by kind; hover shows its reading.

    ``sentences`` is the report's sentence table (``report.structure.sentences``);
    the first ``n`` sentences that hold a figure (of ``kinds``, if given) are shown.
    """
    import html

    from IPython.display import HTML

    rows = indicators if kinds is None else indicators[indicators["kind"].isin(list(kinds))]
    starts = sentences.set_index("sentence")["clean_start"]
    blocks = []
    for sentence in rows["sentence"].drop_duplicates().iloc[:n]:
        marks = indicators[indicators["sentence"] == sentence]
        text, base = marks["sentence_text"].iloc[0], int(starts.loc[sentence])
        out, pos = [], 0
        for row in marks.itertuples():
            a, b = row.clean_start - base, row.clean_end - base
            tip = f"{row.kind} · {row.status} · {row.subject} · raw {row.start}:{row.end}"
            out.append(html.escape(text[pos:a]))
            out.append(f'<mark style="background:{KIND_COLORS.get(row.kind, "#eee")}" title="{html.escape(tip)}">'
                       f"{html.escape(text[a:b])}</mark>")
            pos = b
        out.append(html.escape(text[pos:]))
        blocks.append(f"<p>{''.join(out)}</p>")
    legend = " ".join(f'<mark style="background:{c}">{k}</mark>' for k, c in KIND_COLORS.items())
    return HTML(f"<p>{legend}</p>" + "".join(blocks))


def plot_wordcloud(freqs: pd.DataFrame, *, n: int = 100, ax=None, seed: int = 2018):
    """A word cloud of the ``n`` most frequent terms (``term``, ``count`` columns), horizontal words only.

    Uses ``generate_from_frequencies`` with the collection's CJK font and a
    fixed random state, so the same table always draws the same cloud.
    """
    from wordcloud import WordCloud

    top = freqs.nlargest(n, "count")
    cloud = WordCloud(font_path=str(font_path()), width=900, height=450, background_color="white",
                      prefer_horizontal=1.0, random_state=seed, max_words=n, colormap="tab10")
    cloud.generate_from_frequencies(dict(zip(top["term"], top["count"])))
    fig, ax = _axes(ax, figsize=(9, 4.5))
    ax.imshow(cloud, interpolation="bilinear")
    ax.axis("off")
    return fig


def plot_term_bars(freqs: pd.DataFrame, *, n: int = 20, score: str = "count", ax=None, title: str | None = None):
    """Ranked horizontal bars of the ``n`` best terms (people read bars better than clouds)."""
    top = freqs.nlargest(n, score).iloc[::-1]
    fig, ax = _axes(ax, figsize=(6, 0.28 * len(top) + 1.2))
    ax.barh(top["term"], top[score], color="#1f77b4")
    ax.set_xlabel(score)
    ax.set_title(title or f"Top {len(top)} terms by {score}")
    return fig


#: |z| above which a weighted log-odds difference is conventionally read as distinctive (two-sided 5%;
#: Monroe, Colaresi & Quinn 2008 use z as the measure and this bound as its usual threshold).
Z_CRITICAL = 1.96


def plot_keyness(table: pd.DataFrame, *, n: int = 15, labels=("part A", "part B"), ax=None):
    """Diverging bars of the most distinctive terms of each part (z-scores of the weighted log-odds),
    with dashed lines at |z| = 1.96: bars inside them are not distinctive at the usual 5% level."""
    top = pd.concat([table.head(n), table.tail(n)]).drop_duplicates("term").sort_values("z")
    fig, ax = _axes(ax, figsize=(7, 0.26 * len(top) + 1.4))
    colors = [ROLE_COLORS["review"] if z > 0 else ROLE_COLORS["tasks"] for z in top["z"]]
    ax.barh(top["term"], top["z"], color=colors)
    ax.axvline(0, color="#333333", linewidth=0.8)
    for bound in (-Z_CRITICAL, Z_CRITICAL):
        ax.axvline(bound, color="#777777", linewidth=0.8, linestyle="--",
                   label="|z| = 1.96" if bound > 0 else None)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_xlabel(f"z-score (→ {labels[0]}, ← {labels[1]})")
    ax.set_title(f"Distinctive terms: {labels[0]} vs {labels[1]}")
    return fig


def plot_small_multiples(scores: pd.DataFrame, *, paragraphs: pd.DataFrame | None = None, n: int = 5,
                         score: str = "score", columns: int = 3):
    """One small bar chart per scope with its ``n`` best terms (e.g. TF-IDF per section).

    ``scores`` is a scored term table of any scope (report, chapter, section, paragraph); panels
    are titled with the scope's number and, given the report's ``paragraphs``, its heading.
    """
    import matplotlib.pyplot as plt

    keys = scope_columns_of(scores)
    labels = label_scopes(scores, paragraphs)
    groups = scores.groupby(keys, sort=True, dropna=False) if keys else [((), scores)]
    panels = [(labels.loc[group.index[0]], group) for _, group in groups]
    rows = max(1, math.ceil(len(panels) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 1.9 * rows), squeeze=False)
    for ax, (label, group) in zip(axes.flat, panels):
        top = group.nlargest(n, score).iloc[::-1]
        ax.barh(top["term"], top[score], color="#1f77b4")
        ax.set_title(str(label)[:18], fontsize=9)
        ax.tick_params(labelsize=8)
        ax.set_xticks([])
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    return fig


def shares_matrix(scores: pd.DataFrame, paragraphs: pd.DataFrame | None = None, *, value: str = "share") -> pd.DataFrame:
    """A theme table (:func:`~policytext.analysis.themes.score_themes`) as a matrix for
    :func:`plot_heatmap`: one row per scope in report order, labelled ``2.5 发展规划…``; one column per theme."""
    keys = scope_columns_of(scores)
    labelled = scores.assign(scope_label=label_scopes(scores, paragraphs))
    order = labelled.sort_values(keys, kind="stable")["scope_label"].unique() if keys else ["report"]
    matrix = labelled.pivot(index="scope_label", columns="theme", values=value)
    return matrix.loc[list(order), list(dict.fromkeys(scores["theme"]))].rename_axis(index=None, columns=None)


def plot_heatmap(matrix: pd.DataFrame, *, title: str = "", fmt: str = "{:.0%}", ax=None, cmap: str = "Blues"):
    """A heatmap of a table (rows × columns) with its values written in the cells."""
    fig, ax = _axes(ax, figsize=(0.9 * matrix.shape[1] + 2.5, 0.32 * matrix.shape[0] + 1.6))
    image = ax.imshow(matrix.to_numpy(dtype=float), aspect="auto", cmap=cmap)
    ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns], rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(matrix.shape[0]), [str(i) for i in matrix.index], fontsize=8)
    ax.grid(False)
    top = float(matrix.to_numpy(dtype=float).max()) if matrix.size else 1.0
    for (i, j), value in pd.DataFrame(matrix.to_numpy(dtype=float)).stack().items():
        ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=7,
                color="white" if value > 0.6 * top else "#333333")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.6)
    return fig


def plot_theme_shift(shares: pd.DataFrame, *, a, b, labels=("review", "plan"), ax=None):
    """How each theme's share of words moves from scope ``a`` to scope ``b`` (percentage points).

    ``shares`` is a theme table; ``a`` and ``b`` are scope keys: a chapter number for a table by
    chapter, a ``(chapter, section)`` pair for a table by section.
    """
    keys = scope_columns_of(shares)
    key = pd.Series(list(zip(*(shares[k].tolist() for k in keys))), index=shares.index)
    want = {k: (k if isinstance(k, tuple) else (k,)) for k in (a, b)}
    table = {k: shares[key == w].set_index("theme")["share"] for k, w in want.items()}
    delta = ((table[b] - table[a]) * 100).sort_values()
    fig, ax = _axes(ax, figsize=(7, 0.4 * len(delta) + 1.2))
    ax.barh(delta.index, delta.values, color=[ROLE_COLORS["tasks"] if d > 0 else ROLE_COLORS["review"] for d in delta])
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_xlabel(f"change in share of words, percentage points ({labels[0]} → {labels[1]})")
    ax.set_title(f"Attention gained and lost from {labels[0]} to {labels[1]}")
    return fig


def plot_network(graph, *, seed: int = 2018, ax=None, title: str = "Terms that occur in the same sentences"):
    """Draw a co-occurrence graph: node size by degree, colour by community, the CJK font for labels."""
    import networkx as nx

    name = font_name()
    fig, ax = _axes(ax, figsize=(9, 7))
    if graph.number_of_nodes() == 0:
        ax.set_title("no co-occurrences above the threshold")
        ax.axis("off")
        return fig
    layout = nx.spring_layout(graph, seed=seed, weight="weight", k=0.9)
    palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
    colors = [palette[graph.nodes[n].get("community", 0) % len(palette)] for n in graph.nodes]
    sizes = [300 + 120 * graph.degree(n) for n in graph.nodes]
    widths = [0.5 + 6 * graph.edges[e]["weight"] for e in graph.edges]
    nx.draw_networkx_edges(graph, layout, ax=ax, width=widths, alpha=0.35)
    nx.draw_networkx_nodes(graph, layout, ax=ax, node_color=colors, node_size=sizes, alpha=0.85)
    nx.draw_networkx_labels(graph, layout, ax=ax, font_family=name, font_size=9)
    ax.set_title(title)
    ax.axis("off")
    return fig


def plot_target_series(targets: pd.DataFrame, *, indicator: str = "地区生产总值", kind: str = "growth", ax=None):
    """Targets and the results achieved, year by year, for one indicator of one place or more."""
    rows = targets[(targets["indicator"] == indicator) & (targets["kind"] == kind)].sort_values("target_year")
    with_outcome = set(rows.loc[rows["result_value"].notna(), "place"])
    rows = rows[rows["place"].isin(with_outcome)]  # only places followed over consecutive reports
    fig, ax = _axes(ax, figsize=(8, 4))
    for place, group in rows.groupby("place", sort=True):
        ax.plot(group["target_year"], group["target_value"], marker="o", linestyle="--", label=f"{place}: target")
        done = group.dropna(subset=["result_value"])
        ax.plot(done["target_year"], done["result_value"], marker="s", label=f"{place}: result")
        for row in done.itertuples():
            ax.annotate("met" if row.met else "missed", (row.target_year, row.result_value), fontsize=7,
                        xytext=(3, 4), textcoords="offset points")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("year")
    ax.set_ylabel(f"{indicator} ({kind}, %)" if kind == "growth" else indicator)
    ax.set_title(f"{indicator}: targets and results")
    ax.legend(fontsize=8)
    return fig


def plot_place_targets(targets: pd.DataFrame, *, indicator: str = "地区生产总值", kind: str = "growth",
                       target_year: int | None = None, ax=None):
    """One row per place: the new year's target for ``indicator`` beside last year's result stated in the
    same report (the target panel of :func:`~policytext.analysis.targets.compare_targets`), latest year
    unless ``target_year`` is given; places sorted by target."""
    rows = targets[(targets["indicator"] == indicator) & (targets["kind"] == kind)]
    if target_year is None and len(rows):
        target_year = int(rows["target_year"].max())
    rows = rows[rows["target_year"] == target_year].sort_values(["target_value", "place"])
    fig, ax = _axes(ax, figsize=(7, 0.32 * len(rows) + 1.5))
    y = range(len(rows))
    ax.scatter(rows["previous_result_value"].astype(float), list(y), color=ROLE_COLORS["review"], zorder=3,
               label=f"result {target_year - 1}" if target_year else "result")
    ax.scatter(rows["target_value"].astype(float), list(y), color=ROLE_COLORS["tasks"], marker="D", zorder=3,
               label=f"target {target_year}" if target_year else "target")
    for i, row in enumerate(rows.itertuples()):
        if pd.notna(row.target_value_max):
            ax.plot([row.target_value, row.target_value_max], [i, i], color=ROLE_COLORS["tasks"], linewidth=2)
    ax.set_yticks(list(y), list(rows["place"]), fontsize=8)
    ax.set_xlabel(f"{indicator} ({kind}{', %' if kind == 'growth' else ''})")
    ax.set_title(f"{indicator}: target {target_year} and result {target_year - 1 if target_year else ''}, by place")
    ax.legend(loc="lower right", fontsize=8)
    return fig
