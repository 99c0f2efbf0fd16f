"""The bank's services: the moderation, the scope of reading, the search in Russian, the materials."""

import os
import types

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opora.practices import services
from opora.practices.demo import load_demo_practices
from opora.practices.models import Practice, PracticeStatus, StepKind
from opora.practices.services import (
    material_add,
    material_remove,
    practice_publish,
    practice_return,
    practice_save,
    practice_search,
    practice_send,
    practice_unpublish,
)
from opora.risks.models import Measure
from tests.factories import UserFactory

PDF = b"%PDF-1.4 test"


def _practice(world, title="Наставничество в математике", by=None, **data):
    return practice_save(
        practice=None,
        school=world.school,
        data={"title": title, "summary": "Кратко", "description": "Описание практики", **data},
        by=by or world.users["school_team"],
    )


def _published(world, title="Наставничество в математике", **data):
    practice = _practice(world, title, **data)
    practice_send(practice=practice, by=world.users["school_team"])
    practice_publish(practice=practice, by=world.users["coordinator"])
    return practice


def test_moderation_goes_draft_moderation_returned_moderation_published(world):
    # Given a draft of the school's team
    team, coordinator = world.users["school_team"], world.users["coordinator"]
    practice = _practice(world)
    assert practice.status == PracticeStatus.DRAFT

    # When it is sent, returned with remarks, changed, sent again and published
    practice_send(practice=practice, by=team)
    assert practice.status == PracticeStatus.MODERATION
    practice_return(practice=practice, remarks="Опишите результаты", by=coordinator)
    practice.refresh_from_db()
    assert (practice.status, practice.moderation_remarks) == (PracticeStatus.RETURNED, "Опишите результаты")
    practice_save(
        practice=practice,
        school=world.school,
        data={"title": practice.title, "summary": "Кратко", "description": "Описание", "results": "Выросли баллы"},
        by=team,
    )
    practice_send(practice=practice, by=team)
    practice_publish(practice=practice, by=coordinator)

    # Then it is published, and every step is kept with who took it
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PUBLISHED
    assert practice.published_at is not None and practice.moderated_by == coordinator
    assert practice.moderation_remarks == ""
    assert [(step.kind, step.by) for step in practice.steps.all()] == [
        (StepKind.CREATED, team),
        (StepKind.SUBMITTED, team),
        (StepKind.RETURNED, coordinator),
        (StepKind.SUBMITTED, team),
        (StepKind.PUBLISHED, coordinator),
    ]
    assert practice.steps.get(kind=StepKind.RETURNED).note == "Опишите результаты"


def test_a_return_needs_remarks_and_only_a_practice_under_moderation_is_moderated(world):
    practice = _practice(world)
    coordinator = world.users["coordinator"]
    with pytest.raises(ValidationError, match="на модерации"):
        practice_publish(practice=practice, by=coordinator)
    practice_send(practice=practice, by=world.users["school_team"])
    with pytest.raises(ValidationError) as refused:
        practice_return(practice=practice, remarks="  ", by=coordinator)
    assert refused.value.message_dict == {"remarks": ["Напишите замечания: что исправить перед публикацией."]}
    with pytest.raises(ValidationError, match="изменить её сейчас нельзя"):
        practice_save(practice=practice, school=world.school, data={"title": "x", "description": "y"}, by=None)


def test_the_school_team_may_not_publish_and_another_region_may_not_touch(world):
    practice = _practice(world)
    practice_send(practice=practice, by=world.users["school_team"])
    with pytest.raises(PermissionDenied):
        practice_publish(practice=practice, by=world.users["school_team"])
    with pytest.raises(ValidationError, match="вне вашей области"):
        practice_publish(practice=practice, by=world.users["other_region_admin"])
    with pytest.raises(ValidationError) as refused:
        practice_save(
            practice=None,
            school=world.far_school,
            data={"title": "x", "description": "y"},
            by=world.users["school_team"],
        )
    assert "school" in refused.value.message_dict


def test_a_sent_practice_needs_a_summary_and_a_draft_a_title_and_description(world):
    with pytest.raises(ValidationError) as refused:
        practice_save(practice=None, school=world.school, data={"title": " "}, by=world.users["school_team"])
    assert set(refused.value.message_dict) == {"title", "description"}
    practice = _practice(world, summary="")
    with pytest.raises(ValidationError, match="кратко"):
        practice_send(practice=practice, by=world.users["school_team"])


def test_unpublishing_takes_it_off_and_it_may_be_sent_again(world):
    practice = _published(world)
    with pytest.raises(ValidationError):
        practice_unpublish(practice=practice, reason="", by=world.users["coordinator"])
    practice_unpublish(practice=practice, reason="Устарела", by=world.users["coordinator"])
    assert practice.status == PracticeStatus.UNPUBLISHED
    assert not Practice.objects.published().filter(pk=practice.pk).exists()
    practice_send(practice=practice, by=world.users["school_team"])
    assert practice.status == PracticeStatus.MODERATION


def test_published_practices_are_read_in_the_whole_region_drafts_only_in_scope(world):
    # Given a draft and a published practice of the school, and a team of a school of another municipality
    draft = _practice(world, "Черновик")
    published = _published(world, "Опубликованная")
    neighbour_team = UserFactory(
        username="neighbour_team",
        role="school_team",
        region=world.region,
        municipality=world.neighbour,
        school=world.neighbour_school,
    )

    # Then the neighbour reads the published one only; another region reads neither
    assert set(Practice.objects.readable_by(neighbour_team)) == {published}
    assert not Practice.objects.visible_to(neighbour_team).exists()
    assert not Practice.objects.readable_by(world.users["other_region_admin"]).exists()
    assert set(Practice.objects.readable_by(world.users["school_team"])) == {draft, published}


def test_search_in_russian_finds_an_inflected_word(world):
    """On whichever database the suite runs (SQLite, then PostgreSQL): «математике» finds «математика»."""
    found = _practice(world, "Математика для всех: наставничество", description="Работа с отстающими")
    _practice(world, "Клуб чтения", description="Читательская грамотность")

    assert list(practice_search(Practice.objects.all(), "математике")) == [found]
    assert list(practice_search(Practice.objects.all(), "наставничеству математики")) == [found]
    assert list(practice_search(Practice.objects.all(), "физика")) == []
    assert practice_search(Practice.objects.all(), "  ").count() == 2


def test_search_by_stems_without_postgresql(world, monkeypatch):
    """The SQLite way, whatever the database: every stem of the query among the practice's stems."""
    monkeypatch.setattr(services, "connection", types.SimpleNamespace(vendor="sqlite"))
    found = _practice(world, "Математика в 5 классе", subjects="Математика")
    _practice(world, "Уроки русского языка")

    assert found.search_text.startswith(" ") and " математик " in found.search_text
    assert list(practice_search(Practice.objects.all(), "математике")) == [found]
    assert list(practice_search(Practice.objects.all(), "математике русский")) == []
    # A stem matches a whole word, not a part of one
    assert list(practice_search(Practice.objects.all(), "мат")) == []


RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗ0123456789 -,.!?«»&|:*()'\"<>\\"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet=RUSSIAN, max_size=60))
def test_search_on_any_russian_text_never_raises(db, query):
    assert practice_search(Practice.objects.all(), query).count() == 0


def test_factors_and_measures_are_of_the_school_region(world):
    with pytest.raises(ValidationError) as refused:
        _practice(world, factor_keys=["nothing_such"])
    assert "factor_keys" in refused.value.message_dict
    far_measure = Measure.objects.filter(region=world.other_region).first()
    with pytest.raises(ValidationError) as refused:
        _practice(world, measures=[far_measure])
    assert "measures" in refused.value.message_dict
    measure = Measure.objects.filter(region=world.region).first()
    practice = _practice(world, factor_keys=["parents", "parents"], measures=[measure], subjects="Математика; ФИЗИКА")
    assert (practice.factor_keys, list(practice.measures.all()), practice.subjects) == (
        ["parents"],
        [measure],
        "математика, физика",
    )


# ── materials ─────────────────────────────────────────────────────────────────────────────────────


def test_a_material_is_stored_under_its_practice_by_a_random_name(world, django_capture_on_commit_callbacks):
    practice = _practice(world)
    material = material_add(
        practice=practice, upload=SimpleUploadedFile("План урока.pdf", PDF), by=world.users["school_team"]
    )
    assert (material.original_name, material.content_type, material.size) == ("План урока.pdf", "application/pdf", 13)
    assert material.file.name.startswith(f"practices/{practice.pk}/") and material.file.name.endswith(".pdf")
    assert "План" not in material.file.name
    stored = material.file.path
    with django_capture_on_commit_callbacks(execute=True):
        material_remove(material=material, by=world.users["school_team"])
    assert not practice.materials.exists()
    assert not os.path.exists(stored)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("страница.html", b"<html><script>alert(1)</script></html>", "такие файлы не принимаются"),
        ("отчёт.pdf", b"<html>not a pdf</html>", "содержимое не похоже на файл .pdf"),
        ("таблица.xlsx", b"%PDF-1.4", "содержимое не похоже на файл .xlsx"),
        ("заметка.txt", b"<!DOCTYPE html><html></html>", "содержимое не похоже на файл .txt"),
        ("пусто.pdf", b"", "файл пуст"),
    ],
)
def test_a_material_of_a_wrong_type_is_refused_in_russian(world, name, content, message):
    practice = _practice(world)
    with pytest.raises(ValidationError) as refused:
        material_add(practice=practice, upload=SimpleUploadedFile(name, content), by=world.users["school_team"])
    assert message in refused.value.message_dict["file"][0]
    assert not practice.materials.exists()


def test_a_material_larger_than_the_setting_is_refused(world, settings):
    settings.OPORA_PRACTICE_MATERIAL_MAX_BYTES = 2 * 1024 * 1024
    practice = _practice(world)
    upload = SimpleUploadedFile("большой.pdf", PDF + b"0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        material_add(practice=practice, upload=upload, by=world.users["school_team"])
    assert refused.value.message_dict["file"] == [
        "«большой.pdf»: файл больше 2 МБ; уменьшите его или разделите на части."
    ]


def test_plain_text_in_russian_is_a_material(world):
    practice = _practice(world)
    for name, content in (("утф.txt", "План урока".encode()), ("1251.txt", "План урока".encode("cp1251"))):
        material = material_add(practice=practice, upload=SimpleUploadedFile(name, content), by=None)
        assert material.content_type == "text/plain"


def test_materials_of_a_practice_under_moderation_do_not_change(world):
    practice = _practice(world)
    practice_send(practice=practice, by=world.users["school_team"])
    with pytest.raises(ValidationError, match="материалы сейчас не меняются"):
        material_add(practice=practice, upload=SimpleUploadedFile("a.pdf", PDF), by=world.users["school_team"])


def test_demo_practices(world):
    users = list(world.users.values())
    created = load_demo_practices(region=world.region, schools=[world.school, world.sibling], users=users)
    practices = Practice.objects.filter(school__municipality__region=world.region)
    assert created == practices.count() == 5
    assert practices.filter(status=PracticeStatus.PUBLISHED).count() == 4
    assert practices.filter(status=PracticeStatus.MODERATION).count() == 1
    assert all(practice.factor_keys for practice in practices)
    assert load_demo_practices(region=world.region, schools=[world.school, world.sibling], users=users) == 0
