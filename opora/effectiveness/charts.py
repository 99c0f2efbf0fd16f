"""The charts of the program's state: one definition each, drawn as SVG on the pages and as PNG in
the documents and for «Скачать как изображение» (vl-convert, no internet, no browser).

Every chart takes plain rows (label, value) from the services, so a page, a document and its
.xlsx show one and the same figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from html import escape

import altair as alt
import vl_convert

from opora.core.charts import FONT, svg_of
from opora.core.svg import clipped, nice_step, number, opening, text_width

COLOURS = {
    "good": "#3b7d3b",
    "neutral": "#8a94a3",
    "bad": "#b8463a",
    "main": "#2a5db0",
    "light": "#9fbbe6",
}
WIDTH = 560


def _title(text: str) -> alt.Title:
    return alt.Title(text, anchor="start", fontSize=14)


def bars(
    title: str, rows: Sequence[tuple[str, float | int | None]], *, unit: str = "", colours: Sequence[str] = ()
) -> alt.Chart:
    """Horizontal bars, one per row (a label and a value; None is left out and named «нет данных»)."""
    data = [
        {
            "Показатель": label,
            "Значение": value,
            "Цвет": colours[index] if index < len(colours) else COLOURS["main"],
            "Подпись": f"{value:g}{unit}".replace(".", ",") if value is not None else "нет данных",
        }
        for index, (label, value) in enumerate(rows)
    ]
    known = [row for row in data if row["Значение"] is not None]
    order = [row["Показатель"] for row in data]
    whole = all(float(row["Значение"]).is_integer() for row in known)
    y = alt.Y("Показатель:N", sort=order, scale=alt.Scale(domain=order), title=None, axis=alt.Axis(labelLimit=260))
    x = alt.X(
        "Значение:Q",
        title=unit.strip() or None,
        axis=alt.Axis(format="d", tickMinStep=1) if whole else alt.Axis(format=",.1f"),
    )
    chart = (
        alt.Chart(alt.Data(values=known))
        .mark_bar()
        .encode(x=x, y=y, color=alt.Color("Цвет:N", scale=None, legend=None))
    )
    placed = [{**row, "Значение": row["Значение"] or 0} for row in data]
    labels = alt.Chart(alt.Data(values=placed)).mark_text(align="left", dx=4).encode(x=x, y=y, text="Подпись:N")
    return (chart + labels).properties(title=_title(title), width=WIDTH, height=max(60, 28 * len(order)))


def grouped(title: str, rows: Sequence[tuple[str, str, float | None]], *, unit: str = "") -> alt.Chart:
    """Bars in groups: (group, series, value) — for instance an indicator's plan and fact by year."""
    data = [{"Группа": group, "Ряд": series, "Значение": value} for group, series, value in rows if value is not None]
    groups = list(dict.fromkeys(group for group, _series, _value in rows))
    series = list(dict.fromkeys(name for _group, name, _value in rows))
    palette = [COLOURS["light"], COLOURS["main"], COLOURS["good"], COLOURS["bad"]]
    return (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            x=alt.X("Группа:N", sort=groups, title=None, axis=alt.Axis(labelAngle=0, labelLimit=160)),
            xOffset=alt.XOffset("Ряд:N", sort=series),
            y=alt.Y("Значение:Q", title=unit or None),
            color=alt.Color(
                "Ряд:N", sort=series, scale=alt.Scale(domain=series, range=palette[: len(series)]),
                legend=alt.Legend(title=None, orient="top"),
            ),
        )
        .properties(title=_title(title), width=WIDTH, height=220)
    )  # fmt: skip


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart for a page (the builders here are validated by the tests, not on every drawing)."""
    return svg_of(chart, validate=False)


def png(chart: alt.TopLevelMixin, *, scale: float = 2.0) -> bytes:
    """The chart as a PNG image: for Word and PDF documents and for «Скачать как изображение»."""
    spec = chart.configure(font=FONT).configure_view(strokeWidth=0).to_json(validate=False)
    return vl_convert.vegalite_to_png(spec, scale=scale, format_locale="ru-RU")


# The page's bar charts are drawn as plain SVG (``opora.core.svg``): a dashboard shows a dozen of
# them, and a new process drawing them through Vega spent most of a second on its first page. The
# PNG for documents and downloads is the Altair chart of :func:`bars`, with the same figures,
# colours and order.
LABEL_WIDTH = 260  # px, the longest label shown (as labelLimit of the Altair chart)
ROW = 28  # px per bar


@lru_cache(maxsize=512)
def bars_svg(title: str, rows: tuple, unit: str = "", colours: tuple = ()) -> str:
    """:func:`bars` for a page, as an SVG element: one bar per row, its value beside it, «нет
    данных» for an unknown one; kept by its figures (the same figures are drawn once)."""
    known = [float(value) for _label, value in rows if value is not None]
    whole = all(value.is_integer() for value in known)
    low, high = min([0.0, *known]), max([0.0, *known])
    step = nice_step(high - low)
    if whole:
        step = max(1.0, math.ceil(step))
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step or step
    if unit.strip() == "%" and high < 100 and low >= 0:  # shares are read against the whole: 0 to 100 %
        low, high, step = 0.0, 100.0, 20.0
    labels = [clipped(str(label), LABEL_WIDTH) for label, _value in rows]
    left = 8 + max([text_width(label) for label in labels] or [0])
    top, plot_height = 30, ROW * len(rows)
    total_width, total_height = left + WIDTH + 70, top + plot_height + (34 if unit.strip() else 24)

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * WIDTH

    parts = opening(total_width, total_height, title)
    ticks = [low + index * step for index in range(round((high - low) / step) + 1)]
    for tick in ticks:
        position = x(tick)
        parts.append(
            f'<line x1="{position:.1f}" y1="{top}" x2="{position:.1f}" y2="{top + plot_height}" stroke="#e3e7ed"/>'
        )
        parts.append(
            f'<text x="{position:.1f}" y="{top + plot_height + 14}" text-anchor="middle" fill="#52606d">'
            f"{escape(number(tick, decimals=0 if whole else 1))}</text>"
        )
    if unit.strip():
        parts.append(
            f'<text x="{left + WIDTH / 2:.1f}" y="{top + plot_height + 30}" text-anchor="middle" '
            f'font-weight="bold" fill="#52606d">{escape(unit.strip())}</text>'
        )
    zero = x(0.0)
    for index, ((label, value), shown) in enumerate(zip(rows, labels, strict=True)):
        middle = top + index * ROW + ROW / 2
        parts.append(
            f'<text x="{left - 6:.1f}" y="{middle + 4:.1f}" text-anchor="end" fill="#1f2933">'
            f"<title>{escape(str(label))}</title>{escape(shown)}</text>"
        )
        caption = f"{value:g}{unit}".replace(".", ",") if value is not None else "нет данных"
        if value is None:
            parts.append(f'<text x="{zero + 4:.1f}" y="{middle + 4:.1f}" fill="#52606d">{caption}</text>')
            continue
        colour = colours[index] if index < len(colours) else COLOURS["main"]
        start, end = sorted((zero, x(float(value))))
        parts.append(
            f'<rect x="{start:.1f}" y="{middle - ROW * 0.4:.1f}" width="{max(end - start, 0.5):.1f}" '
            f'height="{ROW * 0.8:.1f}" fill="{escape(colour)}">'
            f"<title>{escape(str(label))}: {escape(caption)}</title></rect>"
        )
        # The caption of a bar to the left of zero stands before it.
        place = f'x="{start - 4:.1f}" text-anchor="end"' if float(value) < 0 else f'x="{end + 4:.1f}"'
        parts.append(f'<text {place} y="{middle + 4:.1f}" fill="#1f2933">{escape(caption)}</text>')
    parts.append(
        f'<line x1="{zero:.1f}" y1="{top}" x2="{zero:.1f}" y2="{top + plot_height}" stroke="#52606d"/></svg>'
    )
    return "".join(parts)


@lru_cache(maxsize=128)
def bars_png(title: str, rows: tuple, unit: str = "", colours: tuple = ()) -> bytes:
    """:func:`bars` as a PNG image, kept by its figures like :func:`bars_svg`."""
    return png(bars(title, rows, unit=unit, colours=colours))
