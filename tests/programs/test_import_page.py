"""The upload page of a roadmap: check and preview first, write on confirmation, nothing written on errors."""

import io
from pathlib import Path

from django.urls import reverse

from opora.programs.models import Program

FIXTURES = Path(__file__).parent / "fixtures"


def _file(name: str, content: bytes | None = None):
    upload = io.BytesIO(content if content is not None else (FIXTURES / name).read_bytes())
    upload.name = name
    return upload


def test_a_roadmap_is_previewed_then_written_as_a_new_draft(world, client):
    client.force_login(world.users["school_team"])
    before = Program.objects.count()
    page = client.post(
        reverse("programs:import"), {"file": _file("seed_002.docx"), "kind": "roadmap", "school": world.school.pk}
    )
    assert page.status_code == 200
    preview = page.context["preview"]
    assert preview.ok and preview.counts["activities"] > 0
    assert "Что будет записано" in page.content.decode()
    assert Program.objects.count() == before  # a check writes nothing

    response = client.post(reverse("programs:import"), {"token": page.context["token"]})
    program = Program.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("programs:detail", args=[program.pk])
    assert program.school == world.school
    assert program.activities.count() == preview.counts["activities"]
    assert program.sections.count() == preview.counts["sections"]


def test_a_file_that_is_not_a_table_is_refused_and_nothing_is_written(world, client):
    client.force_login(world.users["coordinator"])
    before = Program.objects.count()
    page = client.post(reverse("programs:import"), {"file": _file("план.docx", b"not a document")})
    assert page.status_code == 200
    assert page.context["preview"] is None or not page.context["preview"].ok
    assert "Записать" not in page.content.decode()
    assert Program.objects.count() == before


def test_a_stale_confirmation_is_refused(world, client):
    client.force_login(world.users["coordinator"])
    response = client.post(reverse("programs:import"), {"token": "0" * 32})
    assert response.status_code == 302
    assert Program.objects.filter(created_by=world.users["coordinator"]).count() == 0


def test_an_export_imports_back_through_the_page(world, client):
    from opora.programs.services import activity_save, program_create

    team = world.users["school_team"]
    program = program_create(by=team, kind="roadmap", title="Дорожная карта", school=world.school)
    activity_save(program=program, activity=None, data={"content": "Совещание", "deadline": "октябрь 2026"}, by=team)
    client.force_login(team)
    exported = client.get(reverse("programs:export_xlsx", args=[program.pk]))
    assert exported.status_code == 200
    page = client.post(
        reverse("programs:import"),
        {"file": _file("карта.xlsx", exported.content), "kind": "roadmap", "school": world.school.pk},
    )
    assert page.context["preview"].ok
    assert [line.row.content for line in page.context["preview"].activities] == ["Совещание"]
