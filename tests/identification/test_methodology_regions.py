"""A methodology belongs to a region: a new region gets the default one, no one edits another region's."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from opora.demo.generator import export_region, generate_region
from opora.identification.models import IdentificationRun, Methodology, RunStatus
from opora.identification.services import methodology_save, region_methodology, run_start
from opora.schools.models import Region, SchoolYear


def test_each_region_has_its_own_default_methodology(world):
    ours, theirs = region_methodology(world.region), region_methodology(world.other_region)
    assert ours != theirs
    assert (ours.name, ours.version) == (theirs.name, theirs.version) == ("Методика Опоры", 1)


def test_a_change_makes_a_version_of_that_region_only(world):
    admin = world.users["region_admin"]
    saved = methodology_save(
        base=region_methodology(world.region), parameters={"bottom_share": 0.15}, comment="Шире.", by=admin
    )
    assert saved.region == world.region and saved.version == 2
    assert region_methodology(world.other_region).version == 1
    assert region_methodology(world.other_region).params.bottom_share == 0.10


def test_another_regions_administrator_neither_sees_nor_edits_the_methodology(world, client):
    ours = region_methodology(world.region)
    client.force_login(world.users["other_region_admin"])

    listed = client.get(reverse("identification:methodologies")).context["methodologies"]
    detail = client.get(reverse("identification:methodology", args=[ours.pk]))
    edit = client.post(reverse("identification:methodology_edit", args=[ours.pk]), {"comment": "чужая"})

    assert ours not in listed and all(item.region == world.other_region for item in listed)
    assert detail.status_code == 404
    assert edit.status_code == 404
    assert Methodology.objects.filter(region=world.region).count() == 1


def test_a_run_takes_only_its_regions_methodology(world):
    with pytest.raises(ValidationError):
        run_start(
            region=world.region,
            year=SchoolYear.objects.get(end_year=2026),
            methodology=region_methodology(world.other_region),
            by=None,
        )
    assert not IdentificationRun.objects.filter(region=world.region, methodology__region=world.other_region)


def test_pages_that_show_methodologies_write_nothing(world, client):
    before = Methodology.objects.count()
    client.force_login(world.users["region_admin"])
    for name in ("identification:runs", "identification:methodologies"):
        assert client.get(reverse(name)).status_code == 200
    assert Methodology.objects.count() == before


def test_identify_works_on_a_region_that_was_just_imported(db, tmp_path):
    # Given the files of a region loaded into an empty database from the command line
    export_region(generate_region(seed=41, n_schools=12, with_students=False), tmp_path)
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("import", str(tmp_path / "01_schools.xlsx"), "--region", "Новая область", **quiet)
    for name in ("02_context.xlsx", "03_results.xlsx", "05_outcomes.xlsx"):
        call_command("import", str(tmp_path / name), **quiet)

    # When identification is run for it
    out = tmp_path / "выявление.xlsx"
    call_command("identify", "--year", "2026", "--out", str(out), **quiet)

    # Then the region's default methodology was there and the run is done
    region = Region.objects.get(name="Новая область")
    run = IdentificationRun.objects.get()
    assert run.methodology == region_methodology(region)
    assert run.status == RunStatus.DONE and out.exists()
