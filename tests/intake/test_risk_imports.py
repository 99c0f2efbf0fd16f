"""The risks' two imports: ФИОКО's levels of the factors, and the answers to a questionnaire from an online form."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from opora.analytics.risks import LEVELS
from opora.intake.formats import FORMS
from opora.intake.formats.risk_levels import RISK_LEVELS
from opora.intake.forms import UploadForm
from opora.intake.models import ImportStatus
from opora.intake.recognition import recognise
from opora.intake.surveys import survey_forms
from opora.risks import defaults
from opora.risks.models import ExternalLevel, QuestionItem, SurveyResponse
from tests.intake.test_scope_and_grouping import upload

FIOKO_HEADER = "Код ОО;Учебный год;Фактор риска;Уровень\n"


# --- «Рисковый профиль ФИОКО» ----------------------------------------------------------------------


def test_the_form_takes_the_default_factors_and_the_levels_of_the_analytics():
    form = FORMS["risk-levels"]
    assert form.column("factor").choices == tuple(factor.name for factor in defaults.FACTORS)
    assert set(RISK_LEVELS) == set(LEVELS)
    assert recognise(form.headers).form is form


def test_fioko_levels_import_with_their_spellings_and_a_second_import_changes_only_the_new_level(client, world):
    # Given ФИОКО's profile with levels and factors written in their own ways
    client.force_login(world.users["region_admin"])
    text = (
        FIOKO_HEADER + f"{world.school.code};2025/2026;Низкий уровень оснащения школы;высокий риск\n"
        f"{world.school.code};2025/2026;ДЕФИЦИТ ПЕДАГОГИЧЕСКИХ КАДРОВ;Средний уровень риска\n"
        f"{world.sibling.code};2025/2026;Низкий уровень вовлеченности родителей;риск отсутствует\n"
    )

    # When it is uploaded without naming the form, then confirmed
    batch = upload(client, text, "профиль ФИОКО.csv")
    assert batch.form_key == "risk-levels" and batch.status == ImportStatus.READY
    assert (batch.added, batch.changed, batch.unchanged) == (3, 0, 0)
    client.post(reverse("intake:import_apply", args=[batch.pk]))

    # Then the levels are stored under the factors' own names, marked with the import
    stored = {(level.school.code, level.factor): level.level for level in ExternalLevel.objects.all()}
    assert stored == {
        (world.school.code, "Низкий уровень оснащения школы"): "высокий",
        (world.school.code, "Дефицит педагогических кадров"): "средний",
        (world.sibling.code, "Низкий уровень вовлечённости родителей"): "нет риска",
    }
    assert set(ExternalLevel.objects.values_list("import_batch", flat=True)) == {batch.pk}

    # and a corrected profile changes one level, the rest unchanged, the old level shown
    corrected = text.replace("высокий риск", "низкий")
    again = upload(client, corrected, "профиль ФИОКО, исправленный.csv", "risk-levels")
    assert (again.added, again.changed, again.unchanged) == (0, 1, 2)
    page = client.get(reverse("intake:import", args=[again.pk])).content.decode()
    assert "высокий" in page and "низкий" in page
    client.post(reverse("intake:import_apply", args=[again.pk]))
    assert ExternalLevel.objects.get(school=world.school, factor="Низкий уровень оснащения школы").level == "низкий"

    # and undoing the correction puts the earlier level back
    client.post(reverse("intake:import_rollback", args=[again.pk]))
    assert ExternalLevel.objects.get(school=world.school, factor="Низкий уровень оснащения школы").level == "высокий"


def test_a_level_outside_the_list_is_refused_naming_its_row_and_column(client, world):
    client.force_login(world.users["region_admin"])
    text = (
        FIOKO_HEADER + f"{world.school.code};2025/2026;Низкий уровень оснащения школы;высокий\n"
        f"{world.school.code};2025/2026;Дефицит педагогических кадров;очень большой\n"
    )

    batch = upload(client, text, "профиль.csv", "risk-levels")

    assert batch.status == ImportStatus.INVALID and batch.error_count == 1
    assert batch.report["groups"][0]["example"] == (
        "Строка 3, столбец «Уровень»: значение «очень большой» не входит в список допустимых; ожидается одно из "
        "значений: высокий, средний, низкий, нет риска"
    )
    assert not ExternalLevel.objects.exists()


def test_a_factor_that_is_not_a_default_factor_is_refused(client, world):
    client.force_login(world.users["region_admin"])
    text = FIOKO_HEADER + f"{world.school.code};2025/2026;Плохая погода;высокий\n"

    batch = upload(client, text, "профиль.csv", "risk-levels")

    assert batch.status == ImportStatus.INVALID
    example = batch.report["groups"][0]["example"]
    assert example.startswith(
        "Строка 2, столбец «Фактор риска»: значение «Плохая погода» не входит в список допустимых"
    )
    assert "Дефицит педагогических кадров" in example
    assert not ExternalLevel.objects.exists()


# --- answers to a questionnaire -------------------------------------------------------------------


def _items(world, audience: str) -> list[QuestionItem]:
    items = QuestionItem.objects.filter(
        section__questionnaire__region=world.region, section__questionnaire__audience=audience
    )
    return list(items.order_by("section__number", "number"))


def _teachers_file(world, *, unanswered: bool = False) -> str:
    """An export of the teachers' questionnaire: answers as text and as numbers, one left empty."""
    first, second, third = _items(world, "teachers")[:3]
    rows = [
        f"Отметка времени;Код ОО;Учебный год;{first.text};{second.text};{third.key}",
        f"15.03.2026 10:25:41;{world.school.code};2025/2026;{first.answers[3]};5;",
        f"15.03.2026 10:31:02;{world.sibling.code};2025/2026;1;Полностью согласна;{third.answers[2]}",
    ]
    if unanswered:
        rows.append(f"15.03.2026 10:40:00;{world.school.code};2025/2026;;;")
    return "\n".join(rows) + "\n"


def test_a_row_with_no_answer_is_an_error_naming_the_row(client, world):
    client.force_login(world.users["region_admin"])

    batch = upload(client, _teachers_file(world, unanswered=True), "ответы педагогов.csv")

    assert batch.form_key == "survey-teachers"
    assert batch.status == ImportStatus.INVALID and batch.error_count == 1
    assert batch.report["groups"][0]["example"] == (
        "Строка 4: нет ответа ни на один вопрос анкеты; ожидается ответ хотя бы на один вопрос"
    )
    assert not SurveyResponse.objects.exists()


def test_answers_are_checked_previewed_and_stored_once_and_an_undo_removes_them(client, world):
    # Given the teachers' answers exported from an online form (recognised by their questions)
    client.force_login(world.users["region_admin"])
    text = _teachers_file(world)

    # When it is checked
    batch = upload(client, text, "ответы педагогов.csv")
    response = client.get(reverse("intake:import", args=[batch.pk]))
    page = response.content.decode()

    # Then it reads as the teachers' questionnaire, two responses to add
    assert batch.form_key == "survey-teachers" and batch.status == ImportStatus.READY, batch.report
    assert batch.form_title == "Ответы на анкету: педагоги"
    assert (batch.added, batch.changed, batch.unchanged) == (2, 0, 0)
    assert "Ответы на анкету: педагоги" in page
    assert response.context["cards"][0] == (2, "строки будут добавлены")
    assert response.context["preview"]["added"][0] == {
        "Код ОО": world.school.code,
        "Учебный год": "2025/2026",
        "Отметка времени": "15.03.2026 10:25:41",
        "Ответов": 2,
        "Ответы": "t01 — 4, t02 — 5",
    }
    assert "t01 — 4, t02 — 5" in page

    # and confirming stores each row as a response with the answers of its filled cells
    client.post(reverse("intake:import_apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    responses = {response.school.code: response for response in SurveyResponse.objects.all()}
    assert responses[world.school.code].answers == {"t01": 4, "t02": 5}
    assert responses[world.sibling.code].answers == {"t01": 1, "t02": 5, "t03": 3}
    own = responses[world.school.code]
    assert own.questionnaire.audience == "teachers" and own.year.end_year == 2026 and own.link is None
    assert timezone.localtime(own.submitted_at).replace(tzinfo=None) == dt.datetime(2026, 3, 15, 10, 25, 41)
    assert own.import_batch_id == batch.pk

    # and the same file loaded again adds nothing: its rows are «без изменений»
    again = upload(client, text, "ответы педагогов (ещё раз).csv", "survey-teachers")
    assert again.status == ImportStatus.READY
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)
    assert (2, "строки без изменений") in client.get(reverse("intake:import", args=[again.pk])).context["cards"]
    client.post(reverse("intake:import_apply", args=[again.pk]))
    assert SurveyResponse.objects.count() == 2

    # and undoing the first import removes its responses
    client.post(reverse("intake:import_rollback", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.ROLLED_BACK
    assert not SurveyResponse.objects.exists()


def test_alike_answers_without_a_time_stay_two_responses_and_are_not_doubled(client, world):
    client.force_login(world.users["region_admin"])
    first = _items(world, "students")[0]
    text = (
        f"Код ОО;Учебный год;{first.text}\n"
        f"{world.school.code};2025/2026;Скорее согласен\n"
        f"{world.school.code};2025/2026;Скорее согласен\n"
    )

    batch = upload(client, text, "ответы обучающихся.csv", "survey-students")
    client.post(reverse("intake:import_apply", args=[batch.pk]))
    again = upload(client, text, "ответы обучающихся.csv", "survey-students")

    assert (batch.added, again.added, again.unchanged) == (2, 0, 2)
    assert list(SurveyResponse.objects.values_list("answers", flat=True)) == [{first.key: 4}, {first.key: 4}]


def test_an_answer_off_the_scale_and_a_time_that_is_no_time_are_errors(client, world):
    client.force_login(world.users["region_admin"])
    first, second = _items(world, "teachers")[:2]
    text = f"Отметка времени;Код ОО;Учебный год;{first.text};{second.text}\nвчера;{world.school.code};2025/2026;7;5\n"

    batch = upload(client, text, "ответы.csv", "survey-teachers")

    assert batch.status == ImportStatus.INVALID
    examples = [group["example"] for group in batch.report["groups"]]
    assert any(
        example.startswith(f"Строка 2, столбец «{first.text}»: значение «7» не входит в список допустимых")
        for example in examples
    )
    assert any(example.startswith("Строка 2, столбец «Отметка времени»: значение «вчера»") for example in examples)


def test_a_coordinators_answers_of_another_municipality_are_skipped_in_one_message(client, world):
    # Given a coordinator's export with a row of a school of the neighbouring municipality
    client.force_login(world.users["coordinator"])
    first = _items(world, "parents")[0]
    text = (
        f"Отметка времени;Код ОО;Учебный год;{first.text}\n"
        f"16.03.2026 09:00:00;{world.school.code};2025/2026;Полностью согласен\n"
        f"16.03.2026 09:05:00;{world.neighbour_school.code};2025/2026;2\n"
    )

    # When it is checked and confirmed
    batch = upload(client, text, "ответы родителей.csv")
    page = client.get(reverse("intake:import", args=[batch.pk])).content.decode()
    client.post(reverse("intake:import_apply", args=[batch.pk]))

    # Then the other municipality's row is one grouped message and only the own school's row is stored
    assert batch.form_key == "survey-parents" and batch.status == ImportStatus.READY
    assert (batch.added, batch.skipped) == (1, 1)
    assert "Строк о школах других муниципалитетов: 1 (Озёрный район — 1); они не будут загружены." in page
    assert [response.school for response in SurveyResponse.objects.all()] == [world.school]


def test_the_upload_form_offers_the_questionnaires_and_the_forms_follow_the_region(world):
    choices = dict(UploadForm(choose_region=False).fields["form_key"].choices)
    assert choices["survey-director"] == "Ответы на анкету: директор"
    assert choices["risk-levels"] == "Рисковый профиль ФИОКО"

    forms = survey_forms(world.region)
    assert list(forms) == ["survey-director", "survey-teachers", "survey-students", "survey-parents"]
    items = _items(world, "director")
    assert forms["survey-director"].headers[3:] == [item.text for item in items]
    assert recognise(forms["survey-director"].headers, forms.values()).form is forms["survey-director"]
    # A file of the school and the year only is no questionnaire's
    assert recognise(["Код ОО", "Учебный год"], forms.values()) is None


def test_the_answers_to_a_questionnaire_the_region_lacks_are_not_checked(client, world):
    text = _teachers_file(world)
    world.region.questionnaires.filter(audience="teachers").delete()
    client.force_login(world.users["region_admin"])

    batch = upload(client, text, "ответы педагогов.csv", "survey-teachers")

    assert batch.status == ImportStatus.INVALID
    assert batch.report["errors"] == [
        "Форма «Ответы на анкету: педагоги»: у региона «Тестовая область» нет такой анкеты; файл не проверен."
    ]
