"""The run's scatter chart: ИСБШ against the results index, with the regression line."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import altair as alt
from django.core.cache import cache
from django.db.models import QuerySet

from opora.core.charts import svg_of
from opora.core.formatting import num
from opora.identification.flags import FLAGS, categories, flags_of
from opora.identification.models import IdentificationRun, RunSchool

CATEGORY_COLOURS = {
    "ШНОР и ШНСУ": "#a4262c",
    "ШНОР": "#e0662f",
    "ШНСУ": "#7a5cb8",
    "Резильентная": "#1e8a4a",
    "Прочие": "#9aa5b1",
}


def category_of(line: RunSchool) -> str:
    """The colour group of a point: a qualifier (резильентная) first, then the listed flags."""
    values = flags_of(line)
    for flag in FLAGS.values():
        if flag.qualifier and values[flag.key]:
            return flag.short
    listed = categories(line)
    return "Прочие" if listed == "—" else listed


OTHERS = "Другие школы региона"


def index_scatter(
    everyone: QuerySet[RunSchool], visible: QuerySet[RunSchool], summary: dict, *, link: Callable[[str], str]
) -> str:
    """Each school as a point (ИСБШ, results index) and the fitted line of the region.

    The schools the user may see are coloured by category, name themselves when the pointer
    rests on them and open ``link(code)`` when clicked; the region's other schools stand behind
    them as anonymous grey points, so a school team sees its school among all.
    """
    shown = set(visible.values_list("pk", flat=True))
    points = []
    for line in everyone.select_related("school"):
        if line.wellbeing_index is None or line.results_index is None:
            continue
        if line.pk in shown:
            category = category_of(line)
            points.append(
                {
                    "ИСБШ": line.wellbeing_index,
                    "Индекс результатов": line.results_index,
                    "Категория": category,
                    "Подпись": (
                        f"{line.code} {line.school.display_name}: ИСБШ {num(line.wellbeing_index, 2)}, "
                        f"индекс {num(line.results_index, 2)} ({category.lower()})"
                    ),
                    "Ссылка": link(line.code),
                }
            )
        else:
            points.append(
                {
                    "ИСБШ": line.wellbeing_index,
                    "Индекс результатов": line.results_index,
                    "Категория": OTHERS,
                    "Подпись": "школа региона",
                }
            )
    # The grey points first (no link, no name), so the user's schools are drawn over them.
    colours = {**CATEGORY_COLOURS, OTHERS: "#d3d8de"}
    present = [name for name in colours if any(point["Категория"] == name for point in points)]
    colour = alt.Color("Категория:N", scale=alt.Scale(domain=present, range=[colours[name] for name in present]))
    axes = {"x": alt.X("ИСБШ:Q", title="ИСБШ (выше — благоприятнее условия)"), "y": alt.Y("Индекс результатов:Q")}
    others = [point for point in points if point["Категория"] == OTHERS]
    mine = [point for point in points if point["Категория"] != OTHERS]
    layers = []
    if others:
        layers.append(
            alt.Chart(alt.Data(values=others))
            .mark_circle(size=40, opacity=0.8)
            .encode(**axes, color=colour, description="Подпись:N")
        )
    if mine:
        layers.append(
            alt.Chart(alt.Data(values=mine))
            .mark_circle(size=46, opacity=0.85)
            .encode(**axes, color=colour, description="Подпись:N", href="Ссылка:N")
        )
    coefficients = {row["term"]: row["coefficient"] for row in summary.get("coefficients", [])}
    if "intercept" in coefficients and "wellbeing" in coefficients and layers:
        xs = [point["ИСБШ"] for point in points]
        line = [
            {"ИСБШ": x, "Индекс результатов": coefficients["intercept"] + coefficients["wellbeing"] * x}
            for x in (min(xs), max(xs))
        ]
        layers.append(
            alt.Chart(alt.Data(values=line))
            .mark_line(color="#1b1f24", strokeDash=[6, 4], aria=False)
            .encode(x="ИСБШ:Q", y="Индекс результатов:Q")
        )
    if not layers:
        return ""
    chart = alt.layer(*layers).properties(
        width=560, height=360, title="Результаты и социальные условия: пунктир — ожидаемый по условиям результат"
    )
    return svg_of(chart, hover_titles=True)


def cached_index_scatter(run: IdentificationRun, lines: QuerySet[RunSchool], *, link: Callable[[str], str]) -> str:
    """:func:`index_scatter` of the run with the user's ``lines`` in colour, kept for an hour.

    A finished run never changes, so the drawing is kept per run and set of visible schools.
    """
    ids = ",".join(str(pk) for pk in lines.order_by("pk").values_list("pk", flat=True))
    key = f"opora:index-scatter:{run.pk}:{run.output_checksum}:{hashlib.sha256(ids.encode()).hexdigest()}"
    svg = cache.get(key)
    if svg is None:
        svg = index_scatter(run.schools.all(), lines, run.summary, link=link)
        cache.set(key, svg, timeout=3600)
    return svg
