"""The charts of the program's state: one definition each, drawn as SVG on the pages and as PNG in
the documents and for «Скачать как изображение» (vl-convert, no internet, no browser).

Every chart takes plain rows (label, value) from the services, so a page, a document and its
.xlsx show one and the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import altair as alt
import vl_convert

from opora.core.charts import FONT, svg_of

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


@lru_cache(maxsize=512)
def bars_svg(title: str, rows: tuple, unit: str = "", colours: tuple = ()) -> str:
    """:func:`bars` drawn for a page, kept by its figures: the same figures are drawn once (drawing
    is most of a dashboard's time, and the figures change when the data do)."""
    return svg(bars(title, rows, unit=unit, colours=colours))


@lru_cache(maxsize=128)
def bars_png(title: str, rows: tuple, unit: str = "", colours: tuple = ()) -> bytes:
    """:func:`bars` as a PNG image, kept by its figures like :func:`bars_svg`."""
    return png(bars(title, rows, unit=unit, colours=colours))
