"""What a coordinator sees when a file holds the whole region, repeats one error, or is previewed."""

import io

import openpyxl
from django.urls import reverse

from opora.intake.models import ImportBatch, ImportStatus
from opora.schools.models import SchoolContext


def upload(client, text: str, name: str, form_key: str = "") -> ImportBatch:
    content = io.BytesIO(text.encode("utf-8"))
    content.name = name
    client.post(reverse("intake:imports"), {"file": content, "form_key": form_key})
    return ImportBatch.objects.latest("pk")


def test_rows_of_other_municipalities_are_one_message_and_the_rest_imports(client, world):
    # Given a coordinator's file of the whole region: one school of theirs, one of the neighbour
    client.force_login(world.users["coordinator"])
    text = "Код ОО;Учебный год;Обучающихся\n010001;2025/2026;333\n020001;2025/2026;999\n"

    # When it is checked
    batch = upload(client, text, "регион.csv")
    page = client.get(reverse("intake:import", args=[batch.pk])).content.decode()

    # Then the other municipality's row is set aside in one grouped message, never «not found»
    assert batch.status == ImportStatus.READY
    assert batch.skipped == 1 and batch.changed == 1
    assert "Строк о школах других муниципалитетов: 1 (Озёрный район — 1); они не будут загружены." in page
    assert "не найдена" not in page
    assert "Загрузить, пропустив 1 строку других муниципалитетов" in page

    # and confirming writes the coordinator's row only; the history says what was skipped
    client.post(reverse("intake:import_apply", args=[batch.pk]))
    assert SchoolContext.objects.get(school=world.school, year__end_year=2026).students == 333
    assert SchoolContext.objects.get(school=world.neighbour_school, year__end_year=2026).students == 300
    history = openpyxl.load_workbook(io.BytesIO(client.get(reverse("intake:imports_export")).content)).active
    header = [cell.value for cell in history[1]]
    row = [cell.value for cell in history[2]]
    assert row[header.index("Пропущено строк других муниципалитетов")] == 1


def test_a_code_unknown_in_the_region_is_still_an_error(client, world):
    client.force_login(world.users["coordinator"])
    batch = upload(client, "Код ОО;Учебный год;Обучающихся\n777777;2025/2026;10\n", "чужой.csv")
    assert batch.status == ImportStatus.INVALID
    assert "школа с кодом «777777» не найдена среди школ региона" in batch.report["groups"][0]["example"]


def test_a_repeated_error_is_one_line_and_the_full_list_downloads(client, world):
    # Given a file with the same mistake in 300 rows
    client.force_login(world.users["region_admin"])
    rows = "".join(f"010001;{2000 + i}/{2001 + i};x\n" for i in range(60)) * 5
    batch = upload(client, "Код ОО;Учебный год;Обучающихся\n" + rows, "ошибки.csv", "context")

    # When its page is shown
    response = client.get(reverse("intake:import", args=[batch.pk]))
    page = response.content.decode()

    # Then the mistake is one line with its count and first rows, and the page stays short
    assert batch.status == ImportStatus.INVALID and batch.error_count >= 300
    groups = response.context["error_groups"]
    not_a_number = next(group for group in groups if "не является числом" in group["example"])
    assert not_a_number["count"] == 300
    assert not_a_number["rows"][:3] == [2, 3, 4]
    assert "и ещё 299 таких строк" in page
    assert page.count("не является числом") == 1

    # and the full list downloads with sheet, row, column, value and message
    download = client.get(reverse("intake:import_problems", args=[batch.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert [cell.value for cell in sheet[1]] == ["Вид", "Лист", "Строка", "Столбец", "Значение в файле", "Что не так"]
    listed = [row for row in sheet.iter_rows(min_row=2, values_only=True) if "не является числом" in row[5]]
    assert len(listed) == 300
    assert listed[0][:5] == ("ошибка", None, 2, "Обучающихся", "x")


def test_preview_writes_school_years_numbers_and_plurals_in_russian(client, world):
    client.force_login(world.users["region_admin"])
    batch = upload(client, "Код ОО;Учебный год;Обучающихся\n010001;2025/2026;301\n010002;2026/2027;150\n", "к.csv")

    page = client.get(reverse("intake:import", args=[batch.pk])).content.decode()

    assert "2025/2026" in page and "2026/2027" in page
    assert "2 026" not in page and "2\xa0026" not in page
    assert "строка будет изменена" in page and "строка будет добавлена" in page
    assert "Что изменится" in page
    client.post(reverse("intake:import_apply", args=[batch.pk]))
    after = client.get(reverse("intake:import", args=[batch.pk])).content.decode()
    assert "Что изменилось" in after and "строка изменена" in after
