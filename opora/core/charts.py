"""Charts drawn on the server as SVG: no script and no internet needed to see them.

The same chart goes into a page and, as an image, into Word and PDF documents.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

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
    the tests validate. A chart drawn once is kept by its specification (its data included): a
    school card or a dashboard opened again, by anyone, draws nothing until the figures change.
    """
    spec = chart.configure(font=FONT).configure_view(strokeWidth=0).to_json(validate=False)
    key = (spec, hover_titles)
    with _lock:
        if key in _drawn:
            _drawn.move_to_end(key)
            return _drawn[key]
    if validate:
        chart.to_dict(validate=True)
    svg = vl_convert.vegalite_to_svg(spec, format_locale="ru-RU")
    svg = _CONVERTER_BASE.sub('xlink:href="/', svg)
    if hover_titles:
        svg = _LABELLED_MARK.sub(r'<path aria-label="\1"\2><title>\1</title></path>', svg)
    svg = svg.replace("<svg ", '<svg role="img" ', 1)
    with _lock:
        _drawn[key] = svg
        while len(_drawn) > DRAWN_KEPT:
            _drawn.popitem(last=False)
    return svg


DRAWN_KEPT = 256
"""How many drawn charts a process keeps (a few tens of KB each), the least recently shown dropped first."""
_drawn: OrderedDict[tuple[str, bool], str] = OrderedDict()
_lock = threading.Lock()  # the threads of one server process share the kept charts
