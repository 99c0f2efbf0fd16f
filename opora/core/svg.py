"""Plain SVG for the charts a page shows most: drawn in Python, in well under a millisecond.

A chart through Vega (``opora.core.charts.svg_of``) takes a tenth of a second or more to draw; a
school card or a dashboard shows several, and a region's schools open their cards at once before
a deadline. The charts drawn here are the simple ones (bars, stacked bars, lines over a few years)
in the same colours, captions and hover titles; the documents keep the Vega drawings.
"""

from __future__ import annotations

import math
from html import escape

from opora.core.charts import FONT

CHAR_WIDTH = 6.3
"""px, an average character of the 11 px font the charts use (labels are measured by it)."""
INK, MUTED, GRID = "#1f2933", "#52606d", "#e3e7ed"


def text_width(text: str, size: float = 11) -> float:
    return len(text) * CHAR_WIDTH * size / 11


def clipped(text: str, width: float) -> str:
    """The text cut with «…» to fit ``width`` px (the full text goes into the element's title)."""
    if text_width(text) <= width:
        return text
    keep = max(1, int(width / CHAR_WIDTH) - 1)
    return text[:keep].rstrip() + "…"


def nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step giving about ``ticks`` ticks over ``span``: 1, 2 or 5 times a power of ten."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(power * factor for factor in (1, 2, 5, 10) if power * factor >= raw)


def number(value: float, *, decimals: int = 0) -> str:
    """A number as Russian text: a non-breaking space between thousands, a decimal comma."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def opening(width: float, height: float, title: str) -> list[str]:
    """The first elements of a chart: the SVG element, its accessible title and the title shown."""
    return [
        f'<svg role="img" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{escape(FONT)}" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold" fill="{INK}">{escape(title)}</text>',
    ]


def text(x: float, y: float, content: str, *, anchor: str = "start", fill: str = INK, extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>{escape(content)}</text>'
    )


def titled(element: str, title: str) -> str:
    """An SVG element (``<rect …>``, without its closing) with a hover title, closed."""
    name = element[1 : element.index(" ")]
    return f"{element}><title>{escape(title)}</title></{name}>"
