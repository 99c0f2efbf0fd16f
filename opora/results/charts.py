"""Charts of results as SVG, drawn on the server: no script and no internet needed to see them."""

from __future__ import annotations

import altair as alt
import polars as pl

from opora.core.charts import svg_of

MARK_COLOURS = {"«2»": "#c0392b", "«3»": "#e6a23c", "«4»": "#6b9bd1", "«5»": "#1d4f91"}


def year_label(year: int) -> str:
    return f"{year - 1}/{str(year)[-2:]}"


def _percent(column: str) -> pl.Expr:
    """«12,5 %» from a number of per cent."""
    return pl.concat_str(
        pl.col(column).round(1, mode="half_away_from_zero").cast(pl.String).str.replace(".", ",", literal=True),
        pl.lit("\u00a0%"),
    )


# УО and КО: each its own colour and mark, the same in every panel and in the legend.
SHARE_STYLES = {"УО": ("#1d4f91", "circle", [1, 0]), "КО": ("#d35400", "square", [5, 3])}


def shares_by_year(summary: pl.DataFrame, *, title: str) -> str:
    """УО and КО of each subject over the years (lines), in per cent: one small panel per subject."""
    long = (
        summary.select(
            "subject",
            pl.col("year").map_elements(year_label, return_dtype=pl.Utf8).alias("Учебный год"),
            (pl.col("success_share") * 100).alias("УО"),
            (pl.col("quality_share") * 100).alias("КО"),
        )
        .unpivot(index=["subject", "Учебный год"], variable_name="Показатель", value_name="Процент")
        .drop_nulls("Процент")
        .rename({"subject": "Предмет"})
        .with_columns(
            pl.concat_str(
                "Предмет", pl.lit(", "), "Учебный год", pl.lit(": "), "Показатель", pl.lit(" "), _percent("Процент")
            ).alias("Подпись")
        )
    )
    names = list(SHARE_STYLES)
    legend = alt.Legend(title="Показатель", orient="top")
    chart = (
        alt.Chart(alt.Data(values=long.to_dicts()))
        .mark_line(point=alt.OverlayMarkDef(size=60, filled=True))
        .encode(
            x=alt.X("Учебный год:N", title=None),
            y=alt.Y("Процент:Q", scale=alt.Scale(domain=[0, 100]), title="%"),
            color=alt.Color(
                "Показатель:N",
                scale=alt.Scale(domain=names, range=[SHARE_STYLES[name][0] for name in names]),
                legend=legend,
            ),
            shape=alt.Shape(
                "Показатель:N",
                scale=alt.Scale(domain=names, range=[SHARE_STYLES[name][1] for name in names]),
                legend=legend,
            ),
            strokeDash=alt.StrokeDash(
                "Показатель:N",
                scale=alt.Scale(domain=names, range=[SHARE_STYLES[name][2] for name in names]),
                legend=legend,
            ),
            description="Подпись:N",
        )
        .properties(width=170, height=150)
        .facet(facet=alt.Facet("Предмет:N", title=None), columns=3, title=title)
    )
    return svg_of(chart, hover_titles=True)


def mark_distribution(summary: pl.DataFrame, *, title: str) -> str:
    """The share of each mark per subject and year (stacked bars)."""
    long = (
        summary.filter(pl.col("participants") > 0)
        .select(
            pl.col("subject").alias("Предмет"),
            pl.col("year").map_elements(year_label, return_dtype=pl.Utf8).alias("Учебный год"),
            *(
                (pl.col(f"marks_{mark}") / pl.col("participants") * 100).alias(f"«{mark}»")
                for mark in (2, 3, 4, 5)
            ),
        )
        .unpivot(index=["Предмет", "Учебный год"], variable_name="Отметка", value_name="Процент")
        .drop_nulls("Процент")
        .with_columns(
            pl.concat_str(
                "Предмет", pl.lit(", "), "Учебный год", pl.lit(": "), "Отметка", pl.lit(" — "), _percent("Процент")
            ).alias("Подпись")
        )
    )
    chart = (
        alt.Chart(alt.Data(values=long.to_dicts()), title=title)
        .mark_bar()
        .encode(
            y=alt.Y("Учебный год:N", title=None),
            x=alt.X("Процент:Q", stack="normalize", title="Доля участников", axis=alt.Axis(format="%")),
            color=alt.Color(
                "Отметка:N",
                scale=alt.Scale(domain=list(MARK_COLOURS), range=list(MARK_COLOURS.values())),
                sort=list(MARK_COLOURS),
            ),
            row=alt.Row("Предмет:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
            order=alt.Order("Отметка:N"),
            description="Подпись:N",
        )
        .properties(width=360, height=alt.Step(16))
    )
    return svg_of(chart, hover_titles=True)
