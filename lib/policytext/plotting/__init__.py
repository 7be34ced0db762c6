"""Figures: the CJK font and style (:mod:`.style`) and the collection's figures (:mod:`.figures`; attention
over years, :mod:`.timeseries`; clustered similarity heatmaps, :mod:`.similarity`).

The top layer with the command line: nothing in the library imports it, and only it imports
matplotlib (``lint-imports`` checks both).
"""

from .figures import (highlight_quantities, plot_audit, plot_heatmap, plot_keyness, plot_network, plot_place_targets,
                      plot_sentence_lengths, plot_sizes, plot_small_multiples, plot_target_series, plot_targets, plot_term_bars,
                      plot_theme_shift, plot_wordcloud, shares_matrix)
from .similarity import cluster_order, plot_similarity
from .style import KIND_COLORS, ROLE_COLORS, font_path, use_style
from .timeseries import plot_attention_series

__all__ = ["font_path", "use_style", "plot_audit", "plot_sizes", "plot_sentence_lengths", "plot_targets",
           "highlight_quantities", "plot_heatmap", "plot_target_series", "plot_network", "plot_theme_shift",
           "plot_wordcloud", "plot_term_bars", "plot_keyness", "plot_small_multiples", "shares_matrix", "plot_place_targets",
           "plot_attention_series", "ROLE_COLORS",
           "KIND_COLORS", "plot_similarity", "cluster_order"]
