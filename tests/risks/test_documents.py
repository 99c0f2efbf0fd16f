"""«Адресные рекомендации» of a school: read from its profile, its identification and the catalog, as a .docx."""

import datetime
import io

import docx
import pytest

from opora.risks.documents import (
    TITLE,
    measures_for,
    recommendations_context,
    recommendations_docx,
    typical_owner,
    typical_timing,
)
from opora.risks.models import ExternalLevel, Measure, MeasureKind
from opora.risks.services import level_judge, priorities_set, profiles_now, risk_defaults_create
from opora.schools.models import SchoolYear
from tests.factories import SchoolFactory

REASON = "На посещении уроков куратор видел, что управленческие решения по итогам ВПР принимаются."


def _text(document: docx.document.Document) -> str:
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _profile_row(document: docx.document.Document, factor_name: str) -> list[str]:
    table = document.tables[1]
    assert [cell.text for cell in table.rows[0].cells][:2] == ["Фактор риска", "Уровень"]
    return next(
        [cell.text for cell in row.cells]
        for row in table.rows[1:]
        if row.cells[0].text.partition(". ")[2].removesuffix(" ★") == factor_name
    )


@pytest.fixture
def profile(world):
    """The region's profiles of 2025/2026: the school's management at «высокий», its equipment without data."""
    risk_defaults_create(region=world.region)  # the region already has them: nothing changes
    year = SchoolYear.objects.get(end_year=2026)
    run = profiles_now(region=world.region, year=year, by=None, progress=lambda percent, message: None)
    return run


def _docx(world, run, user_key="curator"):
    context = recommendations_context(world.school, run, world.users[user_key], today=datetime.date(2026, 11, 25))
    return context, docx.Document(io.BytesIO(recommendations_docx(context)))


def test_recommendations_name_the_priorities_their_measures_and_the_expert_reason(world, profile):
    # Given: the school chose two priorities and an expert lowered one of them
    curator = world.users["curator"]
    priorities_set(school=world.school, year=profile.year, factor_keys=["management", "disabilities"], by=curator)
    level_judge(school=world.school, year=profile.year, factor_key="management", level=2, reason=REASON, by=curator)

    # When
    context, document = _docx(world, profile)
    text = _text(document)

    # Then: the heading names the document and the school
    assert document.paragraphs[0].text == TITLE
    assert world.school.name in text
    assert "Заречный район" in text
    assert "на 2026/2027 учебный год" in text
    # the identification line in words, the index with its interval
    assert "Школа с низкими образовательными результатами" in text
    assert "−1,00 (интервал −1,30 … −0,70)" in text
    assert "Пояснение расчёта: Пояснение для проверки." in text
    # each priority with measures of the catalog against it and their sources
    assert "Приоритетные направления выбраны школой" in text
    catalog = list(Measure.objects.filter(region=world.region))
    for name, key in (
        ("Низкая эффективность управления", "management"),
        ("Высокая доля обучающихся с ОВЗ", "disabilities"),
    ):
        assert f"«{name}»" in text
        chosen = measures_for(catalog, key)
        assert 1 <= len(chosen) <= 6
        assert chosen[0].text in text
        assert f"Источник: {chosen[0].source}" in text
        assert f"мера каталога № {chosen[0].ident}" in text
    # the expert's judgement with its reason, the computed level beside it
    assert f"Обоснование: {REASON.removesuffix('.')} (Иванова Мария, " in text
    assert _profile_row(document, "Низкая эффективность управления")[1] == (
        "средний (экспертная оценка; по расчёту — высокий)"
    )
    # the prepared-by line
    assert "Рекомендации подготовил(а): Иванова Мария, куратор" in text
    assert "25 ноября 2026 г." in text
    assert [direction.name for direction in context.directions] == [  # in the order of the factors
        "Высокая доля обучающихся с ОВЗ",
        "Низкая эффективность управления",
    ]


def test_a_factor_without_data_says_no_data_never_no_risk(world, profile):
    # Given: the equipment factor has no indicator with a value for the school
    context, document = _docx(world, profile)

    # When
    row = _profile_row(document, "Низкий уровень оснащения школы")

    # Then
    assert row[1] == "нет данных"
    assert "нет данных" in row[2]
    assert not any("нет риска" in cell for cell in row)
    assert "Низкий уровень оснащения школы" in context.unknown_factors
    assert "Нет данных по факторам: «Низкий уровень оснащения школы»" in _text(document)


def test_fioko_levels_stand_beside_the_computed_ones(world, profile):
    # Given: ФИОКО gave the school's management «средний»
    ExternalLevel.objects.create(
        school=world.school, year=profile.year, factor="Низкая эффективность управления", level="средний"
    )

    # When
    _, document = _docx(world, profile)

    # Then
    assert [cell.text for cell in document.tables[1].rows[0].cells][-1] == "Уровень по ФИОКО"
    assert _profile_row(document, "Низкая эффективность управления")[-1] == "средний"
    assert _profile_row(document, "Низкий уровень оснащения школы")[-1] == "нет данных"


def test_a_school_in_no_run_gets_no_data_everywhere_and_no_measures(world, profile):
    # Given: a school opened after both runs
    school = SchoolFactory(municipality=world.municipality, code="010009")

    # When
    context = recommendations_context(school, profile, world.users["region_admin"], today=datetime.date(2026, 12, 1))
    document = docx.Document(io.BytesIO(recommendations_docx(context)))
    text = _text(document)

    # Then
    assert "Школа не входила ни в один завершённый расчёт выявления" in text
    assert all(state == "нет данных" for _, state in context.flags)
    assert context.results_index == context.wellbeing_index == "нет данных"
    assert {row.level for row in context.profile} == {"нет данных"}
    assert "нет риска" not in text
    assert context.directions == []
    assert "Меры не предлагаются: приоритетные направления не определены." in text
    assert "Показателей с высоким или средним уровнем нет." in text
    assert "Рекомендации подготовил(а): Иванова Мария, региональный администратор" in text


def test_without_chosen_priorities_the_highest_levels_are_taken_and_said_so(world, profile):
    # Given: no priorities; the computed levels: management «высокий», staff and disabilities «низкий»
    # When
    context, document = _docx(world, profile)
    text = _text(document)

    # Then
    assert "Школа ещё не выбрала приоритетные факторы риска" in text
    assert "по уровню риска" in text
    assert context.priorities_chosen is False
    assert [direction.name for direction in context.directions] == [
        "Низкая эффективность управления",  # «высокий», then the «низкий» ones in the order of the factors
        "Дефицит педагогических кадров",
        "Высокая доля обучающихся с ОВЗ",
    ]


def test_what_to_watch_gives_the_value_and_the_threshold_that_lowers_the_level(world, profile):
    # When
    context, _ = _docx(world, profile)

    # Then: value added −0,40 is «высокий» (≤ −0,30), «средний» past −0,30, «низкий» past −0,15
    line = next(line for line in context.watch if line.indicator.startswith("Результаты с учётом условий"))
    assert line.value == "−0,40 ст. откл."
    assert line.level == "высокий"
    assert line.target == "больше −0,30 ст. откл. — уровень «средний»; больше −0,15 ст. откл. — уровень «низкий»"
    assert all(line.level in ("высокий", "средний") for line in context.watch)


def test_measures_are_of_several_kinds_and_at_most_six(world):
    # Given: eight methodological seminars (two worded alike), a meeting with parents, a measure for staff
    topics = ("правила", "внимание", "поощрение", "конфликты", "тьюторы", "наставники", "медиация")
    catalog = [
        Measure(pk=number, ident=f"т-{number:02d}", text=f"Семинар для педагогов: {topic}",
                factor_keys=["discipline"], kind=MeasureKind.METHODOLOGICAL, owner="Заместитель директора")
        for number, topic in enumerate(topics, start=1)
    ]  # fmt: skip
    catalog.append(Measure(pk=9, ident="т-09", text="Семинар для педагогов: правила.", factor_keys=["discipline"],
                           kind=MeasureKind.METHODOLOGICAL))  # fmt: skip
    catalog.append(Measure(pk=20, ident="т-20", text="Собрание с родителями", factor_keys=["discipline"],
                           kind=MeasureKind.PARENTS, owner="Управление образования"))  # fmt: skip
    catalog.append(Measure(pk=21, ident="т-21", text="Курсы для классных руководителей",
                           factor_keys=["discipline", "parents"], kind=MeasureKind.STAFF))  # fmt: skip

    # When
    chosen = measures_for(catalog, "discipline")

    # Then: one of each other kind, the rest methodological, none worded as another; in the order of the kinds
    assert [measure.ident for measure in chosen] == ["т-21", "т-01", "т-02", "т-03", "т-04", "т-20"]


def test_owners_and_timings_of_the_catalog_lose_names_and_years():
    assert typical_owner("Куратор, директор МОУ «СОШ №7» Портнова Г.П., команда школы") == (
        "Куратор, директор МОУ «СОШ №7», команда школы"
    )
    assert typical_owner("Гайворонская Н.И. Суворина Т.В.") == "определяет школа"
    assert typical_owner("Управление образования, ИМО") == "Управление образования, ИМО"
    assert typical_timing("Октябрь 2020, далее ежегодно") == "Октябрь, далее ежегодно"
    assert typical_timing("По завершению 2023-2024 у.г.") == "По завершению учебного года"
    assert typical_timing("Октябрь 2020 – Апрель 2021") == "Октябрь – Апрель"
    assert typical_timing("") == "по плану школы"
