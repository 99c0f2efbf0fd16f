"""Rosobrnadzor's list of schools with signs of non-objective results, imported and checked against a run."""

from django.urls import reverse

from opora.identification.models import RosobrnadzorListing
from opora.identification.queries import lines_visible_to, rosobrnadzor_agreement
from opora.intake.models import ImportStatus
from tests.intake.test_scope_and_grouping import upload

LETTER = "письмо Рособрнадзора от 01.10.2026 № 02-55"


def test_the_list_imports_and_the_run_shows_where_it_agrees(client, world):
    # Given the region's list: the coordinator's school (for ВПР and ОГЭ) and the sibling school
    client.force_login(world.users["region_admin"])
    text = (
        "Код ОО;Учебный год;Процедура;Источник\n"
        f"{world.school.code};2025/2026;ВПР;{LETTER}\n"
        f"{world.school.code};2025/2026;Основной государственный экзамен;{LETTER}\n"
        f"{world.sibling.code};2025/2026;ВПР;{LETTER}\n"
    )
    batch = upload(client, text, "перечень.csv")
    assert batch.form_key == "rosobrnadzor-list" and batch.status == ImportStatus.READY
    client.post(reverse("intake:import_apply", args=[batch.pk]))
    assert RosobrnadzorListing.objects.count() == 3

    # and a run that flags the school and another, but not the sibling
    world.run.schools.update(objectivity_risk=False)
    world.run.schools.filter(code__in=[world.school.code, world.neighbour_school.code]).update(objectivity_risk=True)

    agreement = rosobrnadzor_agreement(world.run, lines_visible_to(world.users["region_admin"], world.run))
    assert [line.code for line in agreement.both] == [world.school.code]
    assert [line.code for line in agreement.only_list] == [world.sibling.code]
    assert [line.code for line in agreement.only_opora] == [world.neighbour_school.code]
    assert agreement.listed[world.school.code] == ["ВПР", "ОГЭ"]
    assert agreement.agreed_share == 0.5

    page = client.get(reverse("identification:run", args=[world.run.pk])).content.decode()
    assert "Сверка с перечнем Рособрнадзора: совпало 1 школа (50,0\u00a0% перечня)" in page
    why = client.get(reverse("identification:school", args=[world.run.pk, world.sibling.code])).content.decode()
    assert "школа в перечне (ВПР, " + LETTER in why and "Опора риска не находит" in why


def test_a_procedure_outside_the_list_is_refused(client, world):
    client.force_login(world.users["region_admin"])
    text = f"Код ОО;Учебный год;Процедура;Источник\n{world.school.code};2025/2026;Годовые отметки;{LETTER}\n"
    batch = upload(client, text, "перечень.csv", "rosobrnadzor-list")
    assert batch.status == ImportStatus.INVALID
    assert not RosobrnadzorListing.objects.exists()


def test_without_a_list_the_run_page_says_nothing_of_it(client, world):
    client.force_login(world.users["region_admin"])
    assert rosobrnadzor_agreement(world.run, world.run.schools.all()) is None
    assert "Сверка с перечнем" not in client.get(reverse("identification:run", args=[world.run.pk])).content.decode()
