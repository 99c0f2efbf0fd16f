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


def index_scatter(lines: QuerySet[RunSchool], summary: dict, *, link: Callable[[str], str]) -> str:
    """Each school as a point (ИСБШ, results index) coloured by category, and the fitted line.

    A point shows its school when the pointer rests on it and opens ``link(code)`` when clicked.
    """
    points = [
        {
            "ИСБШ": line.wellbeing_index,
            "Индекс результатов": line.results_index,
            "Категория": category_of(line),
            "Подпись": (
                f"{line.code} {line.school.display_name}: ИСБШ {num(line.wellbeing_index, 2)}, "
                f"индекс {num(line.results_index, 2)} ({category_of(line).lower()})"
            ),
            "Ссылка": link(line.code),
        }
        for line in lines.select_related("school")
        if line.wellbeing_index is not None and line.results_index is not None
    ]
    layers = [
        alt.Chart(alt.Data(values=points))
        .mark_circle(size=46, opacity=0.85)
        .encode(
            x=alt.X("ИСБШ:Q", title="ИСБШ (выше — благоприятнее условия)"),
            y=alt.Y("Индекс результатов:Q"),
            color=alt.Color(
                "Категория:N",
                scale=alt.Scale(domain=list(CATEGORY_COLOURS), range=list(CATEGORY_COLOURS.values())),
            ),
            description="Подпись:N",
            href="Ссылка:N",
        )
    ]
    coefficients = {row["term"]: row["coefficient"] for row in summary.get("coefficients", [])}
    if "intercept" in coefficients and "wellbeing" in coefficients and points:
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
    chart = alt.layer(*layers).properties(
        width=560, height=360, title="Результаты и социальные условия: пунктир — ожидаемый по условиям результат"
    )
    return svg_of(chart, hover_titles=True)


def cached_index_scatter(run: IdentificationRun, lines: QuerySet[RunSchool], *, link: Callable[[str], str]) -> str:
    """:func:`index_scatter`, kept for an hour per run and set of schools (a finished run never changes)."""
    ids = ",".join(str(pk) for pk in lines.order_by("pk").values_list("pk", flat=True))
    key = f"opora:index-scatter:{run.pk}:{run.output_checksum}:{hashlib.sha256(ids.encode()).hexdigest()}"
    svg = cache.get(key)
    if svg is None:
        svg = index_scatter(lines, run.summary, link=link)
        cache.set(key, svg, timeout=3600)
    return svg
