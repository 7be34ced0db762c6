"""The font helper: Chinese labels render with the shipped font; without it matplotlib warns."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from policytext.plotting import font_path, plot_audit, plot_sentence_lengths, plot_sizes, use_style  # noqa: E402


def _draw_chinese():
    fig, ax = plt.subplots()
    ax.set_title("一般公共预算收入（亿元）—— 增长20%")
    ax.bar(["长江大保护", "海绵城市"], [1, 2])
    fig.canvas.draw()
    plt.close(fig)


def test_font_ships_with_a_pip_package():
    assert font_path().is_file() and font_path().suffix == ".otf"


def test_without_the_helper_matplotlib_draws_boxes():
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        with pytest.warns(UserWarning, match="Glyph .* missing"):
            _draw_chinese()


def test_with_the_helper_every_glyph_is_found():
    with matplotlib.rc_context():
        assert use_style() == "Noto Sans SC"
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _draw_chinese()


def test_library_figures_draw_without_missing_glyphs(bundled):
    with matplotlib.rc_context():
        use_style()
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            for fig in (plot_audit(bundled.clean.audit), plot_sizes(bundled.structure.paragraphs),
                        plot_sizes(bundled.structure.paragraphs, by="chapter"),
                        plot_sentence_lengths(bundled.structure.sentences)):
                fig.canvas.draw()
                plt.close(fig)


def test_an_estimated_result_is_drawn_as_an_estimate(bundled):
    """The bundled report's 2017 GDP growth is 预计 (an estimate): hatched and labelled, not a result."""
    from policytext.analysis.targets import compare_targets
    from policytext.plotting import plot_targets

    use_style()
    targets = compare_targets([bundled])
    fig = plot_targets(targets)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(label.startswith("estimate 2017") for label in labels) and "result 2017" in labels
    hatched = [p for p in ax.patches if p.get_hatch()]
    growth = targets[(targets["kind"] == "growth") & targets["unit"].eq("%")].drop_duplicates("indicator")
    assert len(hatched) == int(growth["previous_result_status"].eq("estimate").sum()) > 0
    assert any(t.get_text().endswith("est.") for t in ax.texts)
    plt.close(fig)


def test_the_keyness_figure_marks_the_usual_threshold():
    import pandas as pd

    from policytext.plotting import plot_keyness

    table = pd.DataFrame({"term": list("abcdef"), "z": [4.0, 2.5, 1.0, -0.5, -2.2, -3.0]})
    fig = plot_keyness(table, n=3)
    lines = sorted(round(l.get_xdata()[0], 2) for l in fig.axes[0].get_lines())
    assert lines == [-1.96, 0.0, 1.96]
    plt.close(fig)
