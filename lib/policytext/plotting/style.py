"""Figures with Chinese text that renders on any machine: the collection's font and style.

Every figure of the collection goes through :func:`use_style`, which
registers Noto Sans SC (shipped by the pinned pip package
``pylopdf-fonts-zh-cn``, SIL Open Font License) with matplotlib and loads
``policy.mplstyle``.  No notebook sets ``font.sans-serif = ['SimHei']``: that
font does not exist on Linux and draws empty boxes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["font_path", "use_style", "font_name", "STYLE", "ROLE_COLORS", "KIND_COLORS"]

STYLE = Path(__file__).with_name("policy.mplstyle")
ROLE_COLORS = {"review": "#1f77b4", "tasks": "#d62728", "other": "#7f7f7f"}
KIND_COLORS = {"level": "#c6dbef", "count": "#c7e9c0", "growth": "#fdd0a2", "share": "#dadaeb", "rank": "#fcbba1",
               "other": "#e0e0e0"}


def font_path() -> Path:
    """Path of the Noto Sans SC font file (for matplotlib, wordcloud, networkx labels)."""
    import pylopdf_fonts_zh_cn

    return Path(pylopdf_fonts_zh_cn.sans_path())


@lru_cache(maxsize=1)
def font_name() -> str:
    """Register the CJK font with matplotlib (once) and return its family name."""
    from matplotlib import font_manager

    path = font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_style() -> str:
    """Register the CJK font, apply the collection's style, and return the font's name."""
    import matplotlib.pyplot as plt

    name = font_name()
    plt.style.use(str(STYLE))
    return name
