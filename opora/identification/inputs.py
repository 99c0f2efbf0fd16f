"""The stored data an identification run reads, as frames for the analytics, with their checksums.

The data are read through the frames of the apps that own them (schools, results); nothing here
knows the file forms.
"""

from __future__ import annotations

import hashlib

import polars as pl

from opora.results.frames import outcomes_frame, results_frame, student_results_frame
from opora.schools.frames import context_frame, schools_frame
from opora.schools.models import Region


def region_inputs(
    region: Region, *, year: int, window: int, student_results: bool = True
) -> dict[str, pl.DataFrame | None]:
    """Forms 1, 2, 3 and 5 of the region's active schools for the years of the window, and form 4.

    Form 4 (participants' results) is ``None`` when none is loaded for the window or when the
    methodology does not use it (``student_results=False``).
    """
    years = list(range(year - window + 1, year + 1))
    schools = schools_frame(region)
    active = pl.col("code").is_in(schools["code"].implode())
    participants = student_results_frame(region, years=years).filter(active) if student_results else None
    return {
        "schools": schools,
        "context": context_frame(region, years=years).filter(active),
        "results": results_frame(region, years=years).filter(active),
        "outcomes": outcomes_frame(region, years=years).filter(active),
        "student_results": participants if participants is not None and participants.height else None,
    }


def frame_checksum(frame: pl.DataFrame) -> str:
    """SHA-256 of a frame's rows in a fixed order: equal data give equal sums."""
    ordered = frame.sort(frame.columns) if frame.height else frame
    return hashlib.sha256(ordered.write_csv().encode("utf-8")).hexdigest()
