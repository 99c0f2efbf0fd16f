"""Regions come into Опора with their registry of schools, and with every module's defaults as data.

A region is created by the first registry file loaded for it (``opora import --region``), by
the installation administrator in the administration pages, or by the demo. Whichever way, it
gets the default methodology of identification, so that a run works on a region that was just
imported, and the default risk factors with their rules, questionnaires and catalog of measures;
later modules add their own defaults here.
"""

from __future__ import annotations

from django.db import transaction

from opora.identification.services import methodology_defaults_create
from opora.risks.services import risk_defaults_create
from opora.schools.models import Region


@transaction.atomic
def region_defaults_ensure(*, region: Region) -> Region:
    """Give the region every default it lacks (idempotent: existing data is never changed)."""
    methodology_defaults_create(region=region)
    risk_defaults_create(region=region)
    return region


@transaction.atomic
def region_create(*, name: str) -> Region:
    """Create a region with its defaults."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("Укажите название региона.")
    return region_defaults_ensure(region=Region.objects.create(name=name))
