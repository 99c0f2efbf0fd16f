"""Stored data of the risks app as frames: the factors' levels given by ФИОКО, imported from a file."""

from __future__ import annotations

from opora.risks.models import ExternalLevel
from opora.schools.frames import StoredTable

EXTERNAL_LEVELS = StoredTable.of(ExternalLevel)
