"""How alike reports are: a heatmap of a similarity matrix, rows and columns ordered by clustering.

Takes the square tables of :mod:`policytext.analysis.reuse` (:func:`~policytext.analysis.reuse.similarity_matrix`,
TF-IDF cosine; :func:`~policytext.analysis.reuse.coverage_matrix`, shared-passage coverage) and
draws them as a clustered heatmap, as seaborn's ``clustermap`` does: reports that resemble each
other are placed side by side, with the dendrogram of the clustering beside the rows.  Call
:func:`~policytext.plotting.style.use_style` first, as the notebooks do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .style import font_name

__all__ = ["plot_similarity", "cluster_order"]


def _linkage(matrix: pd.DataFrame):
    """Average-linkage clustering (UPGMA) of the rows, on the distance 1 − similarity (made symmetric)."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    values = matrix.to_numpy(dtype=float)
    values = np.nan_to_num((values + values.T) / 2, nan=0.0)
    distance = np.clip(1.0 - values, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    return linkage(squareform(distance, checks=False), method="average", optimal_ordering=True)


def cluster_order(matrix: pd.DataFrame) -> list:
    """The row labels of a square similarity table in the order of their hierarchical clustering
    (average linkage on 1 − similarity, the symmetric part of an asymmetric table; leaves in
    scipy's optimal order, so that the most similar neighbours sit side by side).  The same order on
    every run.

    >>> m = pd.DataFrame([[1, .1, .9, .2], [.1, 1, .2, .8], [.9, .2, 1, .1], [.2, .8, .1, 1]],
    ...                  index=list("abcd"), columns=list("abcd"))
    >>> cluster_order(m)  # a beside c, b beside d
    ['a', 'c', 'b', 'd']
    """
    if len(matrix) < 3:
        return list(matrix.index)
    from scipy.cluster.hierarchy import leaves_list

    return [matrix.index[i] for i in leaves_list(_linkage(matrix))]


def _ordered(matrix: pd.DataFrame, cluster: bool):
    """The labels in display order and the linkage behind it (None when not clustered)."""
    if not cluster or len(matrix) < 3:
        return list(matrix.index), None
    from scipy.cluster.hierarchy import leaves_list

    tree = _linkage(matrix)
    return [matrix.index[i] for i in leaves_list(tree)], tree


def plot_similarity(matrix: pd.DataFrame, *, title: str = "", ax=None, cmap: str = "Blues", fmt: str | None = None,
                    cluster: bool = True, diagonal: bool = False, label: str = "similarity"):
    """A clustered heatmap of a square similarity table (rows × columns, the same reports).

    Args:
        matrix: a square table, e.g. :func:`~policytext.analysis.reuse.similarity_matrix` or the
            asymmetric :func:`~policytext.analysis.reuse.coverage_matrix` (row: the report covered;
            column: the report it shares passages with).
        title: the figure's title.
        ax: draw into these axes (no dendrogram then); by default a new figure with the dendrogram
            of the clustering at the left of the rows.
        cmap: the colour map.
        fmt: format of the value written in each cell (``"{:.2f}"``); by default values are written
            when there are at most 20 reports, as percentages when all are below 0.1.
        cluster: order rows and columns by :func:`cluster_order` (else as given).
        diagonal: colour the diagonal (every report is identical to itself, which would stretch the
            colour scale); left blank by default.
        label: the colour bar's label.
    """
    import matplotlib.pyplot as plt

    if matrix.shape[0] != matrix.shape[1] or list(matrix.index) != list(matrix.columns):
        raise ValueError("plot_similarity needs a square table with the same labels on rows and columns")
    font = font_name()
    order, tree = _ordered(matrix, cluster)
    shown = matrix.loc[order, order].astype(float)
    values = shown.to_numpy(copy=True)
    if not diagonal:
        np.fill_diagonal(values, np.nan)
    n = len(order)
    side = max(4.0, 0.32 * n + 2.5)
    dendrogram_ax = None
    if ax is None:
        fig = plt.figure(figsize=(side + 1.5, side))
        if tree is not None:
            grid = fig.add_gridspec(1, 2, width_ratios=[1, 6])
            dendrogram_ax, ax = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
        else:
            ax = fig.add_subplot()
    fig = ax.figure
    off = values[~np.isnan(values)]
    # the colours span the values off the diagonal, so that differences between reports show
    low, high = (float(off.min()), float(off.max())) if off.size else (0.0, 1.0)
    high = high if high > low else low + 1.0
    image = ax.imshow(np.ma.masked_invalid(values), aspect="auto", cmap=cmap, vmin=low, vmax=high)
    labels = [str(i) for i in order]
    ax.set_xticks(range(n), labels, rotation=60, ha="right", fontsize=8, fontfamily=font)
    ax.set_yticks(range(n), labels, fontsize=8, fontfamily=font)
    ax.yaxis.tick_right()
    ax.grid(False)
    if fmt is None and n <= 20:  # small shares (coverage) as percentages, similarities as decimals
        fmt = "{:.1%}" if off.size and off.max() < 0.1 else "{:.2f}"
    if fmt:
        for i in range(n):
            for j in range(n):
                if not np.isnan(values[i, j]):
                    ax.text(j, i, fmt.format(values[i, j]), ha="center", va="center", fontsize=6,
                            color="white" if values[i, j] > low + 0.6 * (high - low) else "#333333")
    if dendrogram_ax is not None:
        from scipy.cluster.hierarchy import dendrogram

        # the leaves sit at 5, 15, 25 …: from the top down, as the heatmap's rows
        dendrogram(tree, ax=dendrogram_ax, orientation="left", no_labels=True, color_threshold=0,
                   above_threshold_color="#555555")
        dendrogram_ax.set_ylim(10 * n, 0)
        dendrogram_ax.axis("off")
    ax.set_title(title, fontfamily=font)
    if dendrogram_ax is not None:  # one colour bar under both, so that rows and leaves stay level
        fig.colorbar(image, ax=[dendrogram_ax, ax], shrink=0.5, label=label, location="bottom")
    else:
        fig.colorbar(image, ax=ax, shrink=0.6, label=label)
    return fig
