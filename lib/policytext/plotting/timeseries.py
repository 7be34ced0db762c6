"""Figures over time: attention to themes report after report, with government terms in the background.

Each function takes a tidy table of the library (:func:`~policytext.analysis.attention.theme_series`)
and returns a matplotlib figure; none computes an analysis.  Call
:func:`~policytext.plotting.style.use_style` first, as the notebooks do; Chinese labels (the
premiers' names) are set in the collection's font (:func:`~policytext.plotting.style.font_name`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..analysis.attention import load_government_terms
from .style import font_name

__all__ = ["plot_attention_series"]

#: Fill of every other government term (the others stay white).
TERM_SHADE = "#ececec"


def _decimal_year(values: pd.Series) -> np.ndarray:
    """Years as numbers: a date is its year plus the fraction of the year gone (1998-03-17 → 1998.21); a number
    stays as it is (a table of years only)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        days = np.where(values.dt.is_leap_year, 366.0, 365.0)
        return (values.dt.year + (values.dt.day_of_year - 1) / days).to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)


def _term_spans(terms: pd.DataFrame, left: float, right: float) -> list[tuple[str, float, float]]:
    """``(name, start, end)`` of the terms seen between ``left`` and ``right``; consecutive rows of one person
    (周恩来 of the 政务院 and of the 国务院) are one span; an open end runs to ``right``."""
    name_column = "premier" if "premier" in terms.columns else "name"
    if name_column not in terms.columns or not {"start", "end"} <= set(terms.columns):
        raise ValueError("a terms table needs the columns premier (or name), start and end")
    ordered = terms.sort_values("start", kind="stable")
    starts, ends = _decimal_year(ordered["start"]), _decimal_year(ordered["end"])
    spans: list[list] = []
    for name, start, end in zip(ordered[name_column].tolist(), starts, ends):
        end = right if np.isnan(end) else end
        if spans and spans[-1][0] == name and start <= spans[-1][2] + 1e-9:
            spans[-1][2] = max(spans[-1][2], end)
        else:
            spans.append([name, start, end])
    return [(n, max(s, left), min(e, right)) for n, s, e in spans if e > left and s < right]


def _runs(years: np.ndarray, max_gap: float) -> list[np.ndarray]:
    """Positions of ``years`` cut where consecutive reports are more than ``max_gap`` years apart."""
    if not len(years):
        return []
    cuts = np.flatnonzero(np.diff(years) > max_gap) + 1
    return np.split(np.arange(len(years)), cuts)


def plot_attention_series(series: pd.DataFrame, *, terms=None, plans: pd.DataFrame | None = None,
                          themes=None, ncols: int = 3, sharey: bool = True, max_gap: float = 2,
                          panel_size: tuple[float, float] = (3.3, 2.1), title: str | None = None):
    """Small multiples of attention over time: one panel per theme, each report's share with its band.

    Args:
        series: a table of :func:`~policytext.analysis.attention.theme_series` (one place or several:
            one line per ``place_key``).
        terms: the terms of office drawn behind the lines, shaded alternately and named at the top of
            the first row of panels: a table with ``premier`` (or ``name``), ``start``, ``end``
            (dates, or years); ``None`` draws the State Council's premiers
            (:func:`~policytext.analysis.attention.load_government_terms`) when every report of the
            series is national and nothing otherwise; ``False`` draws nothing.
        plans: a table with ``name, start`` (:func:`~policytext.analysis.attention.load_five_year_plans`):
            a dotted line where each plan period starts, named at the bottom of the last row.
        themes: the themes to draw, in this order (default: all, in the series' order).
        ncols: panels per row.
        sharey: one y-axis for every panel (shares comparable across themes); ``False`` gives each
            theme its own scale (changes within a small theme visible).
        max_gap: reports further apart than this many years are not joined by a line or a band (the
            national corpus has 1954, then 1978): each stands alone with its band as an error bar.
        panel_size: width and height of one panel, inches.
        title: the figure's title (default: the places drawn).

    A report of year Y is drawn at Y (1 January): a work report is delivered in the spring, before
    a premier chosen that spring takes office, so each national report falls inside the term of
    the premier who delivered it.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    name = font_name()
    data = series.dropna(subset=["year", "share"])
    chosen = list(dict.fromkeys(series["theme"])) if themes is None else list(themes)
    missing = [t for t in chosen if t not in set(series["theme"])]
    if missing:
        raise ValueError(f"themes not in the series: {', '.join(map(str, missing))}")
    if terms is None:
        national = len(data) and data["level"].eq("national").all()
        terms = load_government_terms() if national else False
    rows = max(1, math.ceil(len(chosen) / ncols))
    fig, axes = plt.subplots(rows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * rows + 0.6),
                             sharex=True, sharey=sharey, squeeze=False)
    years = data["year"].astype(float)
    left, right = (years.min() - 1, years.max() + 1) if len(data) else (0.0, 1.0)
    spans = _term_spans(terms, left, right) if isinstance(terms, pd.DataFrame) else []
    places = list(dict.fromkeys(data.sort_values(["place_key"], kind="stable")["place_key"]))
    colors = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["#1f77b4"])
    labels = dict(zip(data["place_key"], data["place"].fillna(data["place_key"])))
    for index, (ax, theme) in enumerate(zip(axes.flat, chosen)):
        for k, (n, start, end) in enumerate(spans):
            if k % 2 == 0:
                ax.axvspan(start, end, color=TERM_SHADE, zorder=0, linewidth=0)
            if index < ncols:  # names once, above the first row, on two tiers so that short terms do not collide
                ax.annotate(n, ((start + end) / 2, 1.0), xycoords=ax.get_xaxis_transform(), xytext=(0, 1 + 8 * (k % 2)),
                            textcoords="offset points", ha="center", va="bottom", fontsize=7, fontfamily=name,
                            color="#555555", annotation_clip=False)
        if isinstance(plans, pd.DataFrame):
            for plan in plans.itertuples():
                if left < plan.start < right:
                    ax.axvline(plan.start, color="#9e9e9e", linestyle=":", linewidth=0.8, zorder=1)
                    if index >= len(chosen) - ncols:
                        ax.text(plan.start, 0.0, f" {plan.name}", transform=ax.get_xaxis_transform(), fontsize=6,
                                fontfamily=name, color="#777777", rotation=90, va="bottom", ha="left")
        of_theme = data[data["theme"] == theme]
        for p, key in enumerate(places):
            rows_ = of_theme[of_theme["place_key"] == key].sort_values(["year", "doc_id"], kind="stable")
            if rows_.empty:
                continue
            color = colors[p % len(colors)]
            x = rows_["year"].to_numpy(dtype=float)
            y, low, high = (rows_[c].to_numpy(dtype=float) for c in ("share", "low", "high"))
            for run in _runs(x, max_gap):
                if len(run) > 1:
                    ax.plot(x[run], y[run], color=color, linewidth=1.4, zorder=3)
                    if not np.isnan(low[run]).all():
                        ax.fill_between(x[run], low[run], high[run], color=color, alpha=0.2, linewidth=0, zorder=2)
                else:
                    i = run[0]
                    if not np.isnan(low[i]):
                        ax.errorbar(x[i], y[i], yerr=[[y[i] - low[i]], [high[i] - y[i]]], color=color, alpha=0.6,
                                    linewidth=1, capsize=0, zorder=2)
            ax.plot(x, y, "o", color=color, markersize=2.8, zorder=4,
                    label=labels.get(key, key) if index == 0 else None)
        ax.set_title(str(theme), fontsize=9, pad=20 if spans and index < ncols else 4)
        ax.set_xlim(left, right)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=1))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(chosen):]:
        ax.axis("off")
    if len(places) > 1:
        fig.legend(loc="outside lower center", ncols=min(len(places), 6), prop={"family": name, "size": 8})
    shown = "、".join(str(labels.get(k, k)) for k in places[:4]) + ("…" if len(places) > 4 else "")
    fig.suptitle(title if title is not None else f"Attention to each theme, share of content words: {shown}",
                 fontsize=11, fontfamily=name)
    fig.supylabel("share of content words (band: bootstrap over paragraphs)", fontsize=8)
    return fig
