"""The bank's pages: the public page without personal data, downloads, the measure filter, the form."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from opora.practices.models import Practice, PracticeStatus
from opora.practices.services import material_add, practice_publish, practice_save, practice_send
from opora.risks.models import Measure
from opora.students.models import Student
from opora.support.models import Teacher
from tests.factories import UserFactory

AUTHOR_NAME = ("Евлампия", "Феофилактовна", "Череззаборногузадерищенская")
AUTHOR_EMAIL = "evlampiya.unique@example.org"


@pytest.fixture
def author(world):
    first, middle, last = AUTHOR_NAME
    user = UserFactory(
        username="evlampiya_author",
        first_name=first,
        last_name=last,
        email=AUTHOR_EMAIL,
        role="school_team",
        region=world.region,
        municipality=world.municipality,
        school=world.school,
    )
    if hasattr(user, "middle_name"):
        user.middle_name = middle
        user.save()
    return user


def _practice(world, by, title="Наставничество в математике", publish=True, **data):
    practice = practice_save(
        practice=None,
        school=world.school,
        data={"title": title, "summary": "Кратко о сути", "description": "Описание практики", **data},
        by=by,
    )
    if publish:
        practice_send(practice=practice, by=by)
        practice_publish(practice=practice, by=world.users["coordinator"])
    return practice


def test_the_public_page_shows_a_practice_only_once_published(world, client, author):
    # Given a practice on its way through moderation
    practice = _practice(world, author, "Клуб юных математиков", publish=False)
    public = reverse("practices:public") + f"?region={world.region.pk}"
    detail = reverse("practices:public_detail", kwargs={"pk": practice.pk})

    def shown() -> bool:
        return "Клуб юных математиков" in client.get(public).content.decode()

    # When it is a draft, under moderation, returned: it is not on the public page
    assert not shown() and client.get(detail).status_code == 404
    practice_send(practice=practice, by=author)
    assert not shown()

    # Then, once published, it is, without login
    practice_publish(practice=practice, by=world.users["coordinator"])
    assert shown() and client.get(detail).status_code == 200


def test_the_public_page_has_no_personal_data(world, client, author):
    # Given a published practice whose author has a distinctive name and e-mail, and people in its school
    world.school.director = "Неповторимов Аристарх Модестович"
    world.school.save()
    Teacher.objects.create(school=world.school, code="T-77", full_name="Вышеславцев Аполлинарий Игнатьевич")
    Student.objects.create(school=world.school, code="У-0001", grade=5, full_name="Остроумова Прасковья")
    coordinator = world.users["coordinator"]
    coordinator.first_name, coordinator.last_name, coordinator.email = "Модест", "Курослепов", "kuroslepov@example.org"
    coordinator.save()
    practice = _practice(world, author, publish=False)
    material_add(practice=practice, upload=SimpleUploadedFile("план.pdf", b"%PDF-1.4"), by=None)
    practice_send(practice=practice, by=author)
    practice_publish(practice=practice, by=coordinator)
    practice = Practice.objects.get(pk=practice.pk)
    assert practice.status == PracticeStatus.PUBLISHED

    # When an anonymous visitor opens the public page and the practice
    pages = [
        client.get(reverse("practices:public"), {"region": world.region.pk}),
        client.get(reverse("practices:public_detail", kwargs={"pk": practice.pk})),
    ]

    # Then both show the practice, its school and municipality, and no person at all
    forbidden = [
        *AUTHOR_NAME,
        AUTHOR_EMAIL,
        "evlampiya_author",
        "Неповторимов",
        "Вышеславцев",
        "Остроумова",
        "У-0001",
        "Курослепов",
        "kuroslepov",
        "coordinator",
        "Выйти",
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "Наставничество в математике" in html
        assert world.school.display_name in html and world.municipality.name in html
        assert [word for word in forbidden if word in html] == []


def test_the_public_page_asks_for_a_region_when_there_are_several(world, client):
    page = client.get(reverse("practices:public"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"?region={world.region.pk}" in html and f"?region={world.other_region.pk}" in html


def test_the_signed_in_page_shows_the_author(world, client, author):
    practice = _practice(world, author)
    client.force_login(world.users["observer"])
    html = client.get(reverse("practices:detail", kwargs={"pk": practice.pk})).content.decode()
    assert AUTHOR_NAME[2] in html


@pytest.mark.parametrize("public", [False, True])
def test_a_material_is_always_a_download_never_a_page(world, client, author, public):
    practice = _practice(world, author, publish=False)
    material = material_add(
        practice=practice, upload=SimpleUploadedFile("заметка.txt", "Текст урока".encode()), by=author
    )
    practice_send(practice=practice, by=author)
    practice_publish(practice=practice, by=world.users["coordinator"])
    if public:
        url = reverse("practices:public_material", kwargs={"pk": material.pk})
    else:
        client.force_login(world.users["curator"])
        url = reverse("practices:material", kwargs={"pk": material.pk})

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "text/html" not in response["Content-Type"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == "Текст урока".encode()


def test_the_measure_filter_shows_the_practices_of_a_catalog_measure(world, client, author):
    # Given a practice implementing a catalog measure and one that does not
    measure = Measure.objects.filter(region=world.region).order_by("ident").first()
    _practice(world, author, "Практика по мере", measures=[measure])
    _practice(world, author, "Другая практика")
    client.force_login(world.users["observer"])

    # When the catalog links to the bank with ?measure=
    html = client.get(reverse("practices:list"), {"measure": measure.pk}).content.decode()

    # Then only that practice is listed, and the measure is shown as the active filter
    assert "Практика по мере" in html and "Другая практика" not in html
    assert measure.text[:40] in html
    everything = client.get(reverse("practices:list")).content.decode()
    assert "Практика по мере" in everything and "Другая практика" in everything


def test_the_list_searches_in_russian_and_filters_by_factor_and_subject(world, client, author):
    _practice(world, author, "Математика для всех", subjects="математика", factor_keys=["parents"])
    _practice(world, author, "Клуб чтения", subjects="литература")
    client.force_login(world.users["school_team"])
    url = reverse("practices:list")

    def titles(**params) -> set[str]:
        html = client.get(url, params).content.decode()
        return {title for title in ("Математика для всех", "Клуб чтения") if title in html}

    assert titles(q="математике") == {"Математика для всех"}
    assert titles(factor="parents") == {"Математика для всех"}
    assert titles(subject="литература") == {"Клуб чтения"}
    assert titles() == {"Математика для всех", "Клуб чтения"}


def test_the_draft_tab_is_for_authors_and_moderators(world, client, author):
    _practice(world, author, "Черновик школы", publish=False)
    url = reverse("practices:list")
    client.force_login(world.users["coordinator"])
    assert "Черновик школы" in client.get(url, {"status": "draft"}).content.decode()
    client.force_login(world.users["observer"])
    assert "Черновик школы" not in client.get(url, {"status": "draft"}).content.decode()


def test_the_form_writes_a_draft_and_the_moderator_publishes_it(world, client):
    client.force_login(world.users["school_team"])
    response = client.post(
        reverse("practices:add"),
        {
            "school": world.school.pk,
            "kind": "practice",
            "title": "Шефство старшеклассников",
            "summary": "Старшие помогают младшим",
            "description": "Раз в неделю старшеклассники занимаются с пятиклассниками.",
            "subjects": "математика",
            "factor_keys": ["school_climate"],
        },
    )
    practice = Practice.objects.get(title="Шефство старшеклассников")
    assert response.status_code == 302 and practice.author == world.users["school_team"]
    assert client.post(reverse("practices:send", kwargs={"pk": practice.pk})).status_code == 302
    client.force_login(world.users["coordinator"])
    queue = client.get(reverse("practices:moderation")).content.decode()
    assert "Шефство старшеклассников" in queue
    client.post(reverse("practices:publish", kwargs={"pk": practice.pk}))
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PUBLISHED


def test_the_form_shows_an_empty_description_beside_its_field(world, client):
    client.force_login(world.users["school_team"])
    response = client.post(reverse("practices:add"), {"school": world.school.pk, "kind": "practice", "title": "x"})
    assert response.status_code == 200
    assert "Исправьте ошибки" in response.content.decode()
    assert not Practice.objects.exists()


def test_the_export_has_the_list_without_authors(world, client, author):
    _practice(world, author)
    client.force_login(world.users["region_admin"])
    response = client.get(reverse("practices:export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Название", "Вид", "Код ОО", "Школа"]
    assert rows[1][:3] == ["Наставничество в математике", "практика", world.school.code]
    assert not any(AUTHOR_NAME[2] in str(value) for row in rows for value in row)


def test_the_admin_opens_a_practice_with_its_materials_and_steps(world, client, author):
    practice = _practice(world, author)
    client.force_login(world.users["superuser"])
    response = client.get(reverse("admin:practices_practice_change", args=[practice.pk]))
    assert response.status_code == 200
    assert "История модерации практик" in response.content.decode() or "шаг модерации" in response.content.decode()
