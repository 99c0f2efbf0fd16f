"""The list of schools where more than half the students fail, made for a period (the first term in December)."""

import io

from django.urls import reverse

from opora.intake.models import ImportBatch, ImportStatus
from opora.results.models import Period, YearOutcome


def upload(client, text: str) -> ImportBatch:
    content = io.BytesIO(text.encode("utf-8"))
    content.name = "итоги.csv"
    client.post(reverse("intake:imports"), {"file": content})
    return ImportBatch.objects.latest("pk")


def test_outcomes_of_a_term_import_beside_the_years_and_make_the_list(world, client):
    # Given the first-term outcomes of two schools, one with most of its students failing
    client.force_login(world.users["region_admin"])
    batch = upload(
        client,
        "Код ОО;Учебный год;Период;Обучающихся на конец года;Неуспевающих\n"
        f"{world.school.code};2025/2026;I полугодие;100;60\n"
        f"{world.sibling.code};2025/2026;первое полугодие;200;10\n",
    )
    assert batch.status == ImportStatus.READY and batch.added == 2
    client.post(reverse("intake:import_apply", args=[batch.pk]))

    # Then the year's outcomes stay as they were, and the term's are kept apart
    term = YearOutcome.objects.filter(period=Period.HALF_1)
    assert term.count() == 2
    assert YearOutcome.objects.filter(period=Period.YEAR, year__end_year=2026).count() == 4

    # and the list for the first term names the school above half, and the schools without data
    response = client.get(reverse("identification:failure"), {"year": 2026, "period": "1 полугодие"})
    assert [row.school.code for row in response.context["above"]] == [world.school.code]
    assert response.context["above"][0].share == 0.6
    assert {row.school.code for row in response.context["unknown"]} == {world.neighbour_school.code}
    page = response.content.decode()
    assert "60,0\xa0%" in page and "Нет данных за этот период" in page

    exported = client.get(reverse("identification:failure"), {"year": 2026, "period": "1 полугодие", "format": "xlsx"})
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_file_without_a_period_is_of_the_year(world, client):
    client.force_login(world.users["region_admin"])
    batch = upload(client, f"Код ОО;Учебный год;Обучающихся на конец года\n{world.school.code};2025/2026;321\n")
    client.post(reverse("intake:import_apply", args=[batch.pk]))
    assert YearOutcome.objects.get(school=world.school, year__end_year=2026, period=Period.YEAR).students_end == 321
