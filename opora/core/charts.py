"""Charts drawn on the server as SVG: no script and no internet needed to see them.

The same chart goes into a page and, as an image, into Word and PDF documents.
"""

from __future__ import annotations

import re

import altair as alt
import vl_convert

FONT = "PT Sans, Segoe UI, Arial, sans-serif"

# The converter puts its own base address before the links of marks (the ``href`` channel); the
# product's links are paths on the same site.
_CONVERTER_BASE = re.compile(r'xlink:href="https://vega\.github\.io/vega-datasets/+')
_LABELLED_MARK = re.compile(r'<path aria-label="([^"]*)"([^>]*)/>')


def svg_of(chart: alt.TopLevelMixin, *, hover_titles: bool = False, validate: bool = True) -> str:
    """The chart as an SVG element for a page (and for Word and PDF documents).

    With ``hover_titles`` each mark also gets its label (the ``description`` channel) as an SVG
    ``<title>``, which the browser shows when the pointer rests on it. ``validate=False`` skips
    Altair's check of the specification (a fifth of the drawing time), for charts whose builder
    the tests validate.
    """
    spec = chart.configure(font=FONT).configure_view(strokeWidth=0).to_json(validate=validate)
    svg = vl_convert.vegalite_to_svg(spec, format_locale="ru-RU")
    svg = _CONVERTER_BASE.sub('xlink:href="/', svg)
    if hover_titles:
        svg = _LABELLED_MARK.sub(r'<path aria-label="\1"\2><title>\1</title></path>', svg)
    return svg.replace("<svg ", '<svg role="img" ', 1)
