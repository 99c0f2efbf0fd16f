"""Stored data of the identification app as frames: Rosobrnadzor's list imported from a file."""

from __future__ import annotations

from opora.identification.models import RosobrnadzorListing
from opora.schools.frames import StoredTable

ROSOBRNADZOR_LIST = StoredTable.of(RosobrnadzorListing)
