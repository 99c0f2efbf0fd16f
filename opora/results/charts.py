"""Charts of results as SVG, drawn on the server: no script and no internet needed to see them.

They are plain SVG (``opora.core.svg``): a school card shows two per procedure, and every school
opens its card.
"""

from __future__ import annotations

import math

import polars as pl

from opora.core import svg

MARK_COLOURS = {"«2»": "#c0392b", "«3»": "#e6a23c", "«4»": "#6b9bd1", "«5»": "#1d4f91"}


def year_label(year: int) -> str:
    return f"{year - 1}/{str(year)[-2:]}"


# УО and КО: each its own colour and mark, the same in every panel and in the legend.
SHARE_STYLES = {"УО": ("#1d4f91", "circle", [1, 0]), "КО": ("#d35400", "square", [5, 3])}


PANEL_WIDTH, PANEL_HEIGHT, COLUMNS = 170, 150, 3


def _panel_names(frame: pl.DataFrame, column: str) -> list[str]:
    return sorted(frame.get_column(column).unique().to_list())


def _point(shape: str, x: float, y: float, colour: str, caption: str) -> str:
    if shape == "square":
        element = f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"'
    else:
        element = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"'
    return svg.titled(element, caption)


def _legend(x: float, y: float, items: list[tuple[str, str, str]]) -> list[str]:
    """A legend in one line: (name, colour, shape) each."""
    parts = []
    for name, colour, shape in items:
        parts.append(_point(shape, x + 5, y - 4, colour, name))
        parts.append(svg.text(x + 14, y, name))
        x += 24 + svg.text_width(name)
    return parts


def shares_by_year(summary: pl.DataFrame, *, title: str) -> str:
    """УО and КО of each subject over the years (lines), in per cent: one small panel per subject."""
    rows = summary.select(
        "subject",
        "year",
        (pl.col("success_share") * 100).alias("УО"),
        (pl.col("quality_share") * 100).alias("КО"),
    )
    subjects = _panel_names(rows, "subject")
    years = sorted(rows.get_column("year").unique().to_list())
    left, top, gap = 34, 52, 28
    shown = max(1, min(COLUMNS, len(subjects)))
    lines = math.ceil(len(subjects) / COLUMNS) or 1
    cell_width, cell_height = PANEL_WIDTH + gap, PANEL_HEIGHT + 58
    parts = svg.opening(left + shown * cell_width, top + lines * cell_height, title)
    parts += _legend(left, 38, [(name, colour, shape) for name, (colour, shape, _dash) in SHARE_STYLES.items()])
    values = {(row["subject"], row["year"]): row for row in rows.iter_rows(named=True)}
    for index, subject in enumerate(subjects):
        x0 = left + (index % COLUMNS) * cell_width
        y0 = top + (index // COLUMNS) * cell_height + 18
        parts.append(svg.text(x0, y0 - 6, svg.clipped(subject, PANEL_WIDTH), extra=' font-weight="bold"'))
        for tick in range(0, 101, 20):
            y = y0 + PANEL_HEIGHT * (1 - tick / 100)
            parts.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + PANEL_WIDTH}" y2="{y:.1f}" stroke="{svg.GRID}"/>')
            parts.append(svg.text(x0 - 4, y + 4, str(tick), anchor="end", fill=svg.MUTED))
        step = PANEL_WIDTH / max(len(years), 1)
        positions = {year: x0 + step * (position + 0.5) for position, year in enumerate(years)}
        for year, x in positions.items():
            parts.append(svg.text(x, y0 + PANEL_HEIGHT + 14, year_label(year), anchor="middle", fill=svg.MUTED))
        for name, (colour, shape, dash) in SHARE_STYLES.items():
            points = [
                (positions[year], y0 + PANEL_HEIGHT * (1 - values[(subject, year)][name] / 100), year)
                for year in years
                if (subject, year) in values and values[(subject, year)][name] is not None
            ]
            if len(points) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _year in points)
                pattern = ",".join(str(item) for item in dash)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
                    f'stroke-dasharray="{pattern}"/>'
                )
            for x, y, year in points:
                share = values[(subject, year)][name]
                caption = f"{subject}, {year_label(year)}: {name} {svg.number(share, decimals=1)}\u00a0%"
                parts.append(_point(shape, x, y, colour, caption))
    parts.append("</svg>")
    return "".join(parts)


def mark_distribution(summary: pl.DataFrame, *, title: str) -> str:
    """The share of each mark per subject and year (stacked bars)."""
    rows = summary.filter(pl.col("participants") > 0)
    subjects = _panel_names(rows, "subject") if rows.height else []
    width, bar, gap, label = 360, 16, 2, 64
    left, top = 150, 40
    by_subject = {
        subject: sorted(rows.filter(pl.col("subject") == subject).iter_rows(named=True), key=lambda row: row["year"])
        for subject in subjects
    }
    height = top + sum(len(items) * (bar + gap) + 12 for items in by_subject.values()) + 34
    parts = svg.opening(left + label + width + 20, height, title)
    parts += _legend(left + label, 32, [(name, colour, "square") for name, colour in MARK_COLOURS.items()])
    x0 = left + label
    bottom = height - 34
    for tick in range(0, 101, 20):  # the grid first, under the bars
        x = x0 + width * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom - 12:.1f}" stroke="{svg.GRID}"/>')
        parts.append(svg.text(x, bottom + 2, f"{tick}\u00a0%", anchor="middle", fill=svg.MUTED))
    parts.append(svg.text(x0 + width / 2, bottom + 18, "Доля участников", anchor="middle", fill=svg.MUTED))
    y = top
    for subject, items in by_subject.items():
        parts.append(svg.text(0, y + bar - 3, svg.clipped(subject, left - 8), extra=' font-weight="bold"'))
        for row in items:
            parts.append(svg.text(x0 - 6, y + bar - 4, year_label(row["year"]), anchor="end", fill=svg.MUTED))
            counts = [row[f"marks_{mark}"] or 0 for mark in (2, 3, 4, 5)]
            total = sum(counts)
            x = x0
            for (name, colour), count in zip(MARK_COLOURS.items(), counts, strict=True):
                if not total or not count:
                    continue
                share = count / row["participants"] * 100
                piece = width * count / total
                caption = f"{subject}, {year_label(row['year'])}: {name} — {svg.number(share, decimals=1)}\u00a0%"
                element = f'<rect x="{x:.1f}" y="{y:.1f}" width="{piece:.1f}" height="{bar}" fill="{colour}"'
                parts.append(svg.titled(element, caption))
                x += piece
            y += bar + gap
        y += 12
    parts.append("</svg>")
    return "".join(parts)
