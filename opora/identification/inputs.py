"""The stored data an identification run reads, as frames for the analytics, with their checksums."""

from __future__ import annotations

import hashlib

import polars as pl

from opora.intake.targets import PK, TARGETS
from opora.schools.models import Region, School

SCHOOL_FIELDS = ("code", "name", "municipality", "school_type", "locality")


def region_schools(region: Region) -> pl.DataFrame:
    rows = (
        School.objects.filter(municipality__region=region, is_active=True)
        .order_by("code")
        .values_list("code", "name", "municipality__name", "school_type", "locality")
    )
    frame = pl.DataFrame(list(rows), schema=dict.fromkeys(SCHOOL_FIELDS, pl.Utf8), orient="row")
    return frame.with_columns(pl.col(name).replace("", None) for name in ("school_type", "locality"))


def region_inputs(region: Region, *, year: int, window: int) -> dict[str, pl.DataFrame]:
    """Forms 1, 2, 3 and 5 of the region's active schools for the years of the window."""
    years = list(range(year - window + 1, year + 1))
    schools = region_schools(region)
    codes = schools["code"]
    frames = {"schools": schools}
    for key in ("context", "results", "outcomes"):
        stored = TARGETS[key].stored(region, years=years).drop(PK)
        frames[key] = stored.filter(pl.col("code").is_in(codes.implode())).sort(stored.columns)
    return frames


def frame_checksum(frame: pl.DataFrame) -> str:
    """SHA-256 of a frame's rows in a fixed order: equal data give equal sums."""
    ordered = frame.sort(frame.columns) if frame.height else frame
    return hashlib.sha256(ordered.write_csv().encode("utf-8")).hexdigest()
