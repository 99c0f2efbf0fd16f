"""The risk pages through the test client: the map, a run, a profile, judgements, priorities, drafts,
factors, questionnaires, links, the catalog and the public questionnaire."""

import datetime
import html
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from opora.identification.models import RunStatus
from opora.programs.models import Program, ProgramKind
from opora.risks.models import (
    Audience,
    FactorSet,
    IndicatorRule,
    LevelOverride,
    Measure,
    MeasureKind,
    PriorityFactor,
    ProfileRun,
    QuestionItem,
    Questionnaire,
    SurveyLink,
    SurveyResponse,
)
from opora.risks.services import latest_factor_set, link_revoke, links_create, priorities_set, profiles_now
from opora.risks.views import ANSWERS_PER_DEVICE, TOKEN_MISSES_ALLOWED

TODAY = timezone.localdate()  # the product's today (Europe/Moscow), not the machine's
MAP = reverse("risks:map")


@pytest.fixture
def run(world) -> ProfileRun:
    """The region's profiles of 2025/2026: the school's management «высокий», its equipment «нет данных»."""
    return profiles_now(region=world.region, year=world.run.year, by=None, progress=lambda percent, message: None)


def login(client, world, persona: str):
    client.force_login(world.users[persona])
    return client


def text(response) -> str:
    """The page's text without tags, entities decoded and spaces collapsed."""
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(content).split())


def map_rows(response) -> dict[str, list[str]]:
    """The map as {school code: [level of each factor, in words]}."""
    body = response.content.decode().split('class="data risk-map"', 1)[1].split("</tbody>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\".*?</tr>", body, flags=re.S):
        code = re.search(r">(\d{6}) ", row).group(1)
        rows[code] = re.findall(r'<span class="level level-\w+">([^<]+)</span>', row)
    return rows


def factor_index(world, key: str) -> int:
    keys = list(latest_factor_set(world.region).factors.order_by("number").values_list("key", flat=True))
    return keys.index(key)


def open_link(world, school=None, audience=Audience.STUDENTS, **dates) -> SurveyLink:
    questionnaire = Questionnaire.objects.get(region=world.region, audience=audience)
    dates = {"opens_on": TODAY, "closes_on": TODAY + datetime.timedelta(days=30), **dates}
    (link,) = links_create(
        schools=[school or world.school], questionnaire=questionnaire, year=world.run.year, by=None, **dates
    )
    return link


# --- the map -------------------------------------------------------------------------------------


def test_the_map_shows_every_schools_levels_in_words(client, world, run):
    # When
    response = login(client, world, "region_admin").get(MAP, {"year": 2026})

    # Then: every school of the region, one level in words per factor
    assert response.status_code == 200
    rows = map_rows(response)
    assert set(rows) == {world.school.code, world.sibling.code, world.neighbour_school.code}
    factors = latest_factor_set(world.region).factors.count()
    words = {"нет риска", "низкий", "средний", "высокий", "нет данных"}
    for levels in rows.values():
        assert len(levels) == factors and set(levels) <= words
    assert rows[world.school.code][factor_index(world, "management")] == "высокий"
    assert rows[world.school.code][factor_index(world, "equipment")] == "нет данных"
    assert "Школ: 3" in text(response)
    assert f"Расчёт № {run.pk}" in text(response)


def test_the_map_filters_by_municipality_factor_and_level(client, world, run):
    login(client, world, "region_admin")

    by_municipality = map_rows(client.get(MAP, {"year": 2026, "municipality": "Озёрный район"}))
    high_management = map_rows(client.get(MAP, {"year": 2026, "factor": "management", "level": "3"}))
    no_equipment_data = map_rows(client.get(MAP, {"year": 2026, "factor": "equipment", "level": "none"}))
    no_risk_equipment = client.get(MAP, {"year": 2026, "factor": "equipment", "level": "0"})

    assert set(by_municipality) == {world.neighbour_school.code}
    assert set(high_management) == {world.school.code}
    assert len(no_equipment_data) == 3
    assert map_rows(no_risk_equipment) == {}
    assert "Нет школ, отвечающих отбору." in text(no_risk_equipment)


def test_the_map_shows_the_experts_level(client, world, run):
    from opora.risks.services import level_judge

    level_judge(school=world.school, year=run.year, factor_key="equipment", level=1, reason="Видели.",
                by=world.users["curator"])  # fmt: skip

    rows = map_rows(login(client, world, "coordinator").get(MAP, {"year": 2026}))

    assert rows[world.school.code][factor_index(world, "equipment")] == "низкий"
    # the coordinator sees the schools of the municipality only
    assert set(rows) == {world.school.code, world.sibling.code}


def test_the_map_exports_to_excel_with_factor_names_as_headers(client, world, run):
    # When
    response = login(client, world, "region_admin").get(
        reverse("risks:map_export"), {"year": 2026, "factor": "management", "level": "3"}
    )

    # Then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    names = list(latest_factor_set(world.region).factors.order_by("number").values_list("name", flat=True))
    assert list(rows[0]) == ["Код ОО", "Наименование", "Муниципалитет", *names]
    assert len(rows) == 2
    school = rows[1]
    assert school[:3] == (world.school.code, world.school.name, "Заречный район")
    assert school[3 + factor_index(world, "management")] == "высокий"
    assert school[3 + factor_index(world, "equipment")] == "нет данных"


def test_the_map_before_any_run_says_so(client, world):
    response = login(client, world, "observer").get(MAP, {"year": 2026})
    assert response.status_code == 200
    assert "Рисковые профили за 2025/2026 ещё не рассчитаны." in text(response)
    assert "Рассчитать профили" not in text(response)  # the observer may not start a run


# --- a run ---------------------------------------------------------------------------------------


def test_a_coordinator_starts_a_run_and_ends_on_the_map(client, world):
    login(client, world, "coordinator")
    assert "Рассчитать профили за 2025/2026" in text(client.get(MAP, {"year": 2026}))

    # When
    response = client.post(reverse("risks:run_start"), {"year": "2026"})

    # Then: the run's page, and (the tasks run at once here) the run is done and leads to the map
    run = ProfileRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("risks:run", args=[run.pk])
    assert (run.status, run.region, run.created_by) == (RunStatus.DONE, world.region, world.users["coordinator"])
    page = client.get(response["Location"])
    assert page.status_code == 302 and page["Location"] == f"{MAP}?year=2026"
    assert world.school.code in map_rows(client.get(page["Location"]))


def test_the_year_and_the_run_go_into_links_and_forms_as_plain_numbers(client, world):
    # Given: a run whose number is past a thousand (a page writes 2026 as «2 026» in Russian text)
    from opora.risks.execution import profiles_execute

    year = world.run.year
    run = profiles_execute(
        run=ProfileRun.objects.create(
            pk=12345, region=world.region, year=year, factor_set=latest_factor_set(world.region)
        )
    )
    login(client, world, "curator")

    # When the map and the profile are opened
    map_page = client.get(MAP, {"year": 2026}).content.decode()
    profile = profile_page(client, world).content.decode()

    # Then the values a browser sends back are plain numbers
    assert '<option value="2026" selected>2025/2026</option>' in map_page
    assert f'href="/risks/schools/{world.school.code}/?year=2026"' in map_page
    assert 'href="/risks/?year=2026"' in profile
    assert profile.count('<input type="hidden" name="run" value="12345">') == 2  # the judgement, the drafts
    for page in (map_page, profile):
        assert re.findall(r'(?:value|href)="[^"]*\d\xa0\d[^"]*"', page) == []

    # And the start form of the map sends the year back as it is shown
    login(client, world, "coordinator")
    page = client.get(MAP, {"year": 2026}).content.decode()
    sent = re.search(r'<input type="hidden" name="year" value="([^"]+)">', page).group(1)
    response = client.post(reverse("risks:run_start"), {"year": sent})
    assert sent == "2026"
    assert response.status_code == 302
    assert ProfileRun.objects.exclude(pk=run.pk).get().year == year


def test_a_running_run_polls_and_redirects_to_the_map_when_done(client, world, run):
    # Given: a run still being computed
    running = ProfileRun.objects.create(
        region=world.region,
        year=run.year,
        factor_set=run.factor_set,
        status=RunStatus.RUNNING,
        progress=55,
        progress_message="Показатели и уровни факторов",
    )
    login(client, world, "coordinator")

    # When / Then: its page polls its status
    page = client.get(reverse("risks:run", args=[running.pk]))
    assert page.status_code == 200
    assert 'hx-trigger="every 1s"' in page.content.decode()
    assert "55 % · Показатели и уровни факторов" in text(page)
    poll = {"HX-Request": "true", "HX-Target": "run-status"}
    polled = client.get(reverse("risks:run", args=[running.pk]), headers=poll)
    assert polled.content.decode().lstrip().startswith('<div id="run-status"')
    assert "HX-Redirect" not in polled
    # and the map shows that a run is under way
    assert "Рисковые профили за 2025/2026: идёт расчёт" in text(client.get(MAP, {"year": 2026}))

    # When it is done, the poll sends the browser to the map of its year
    ProfileRun.objects.filter(pk=running.pk).update(status=RunStatus.DONE)
    finished = client.get(reverse("risks:run", args=[running.pk]), headers=poll)
    assert finished["HX-Redirect"] == f"{MAP}?year=2026"


def test_an_observer_may_not_start_a_run(client, world):
    response = login(client, world, "observer").post(reverse("risks:run_start"), {"year": "2026"})
    assert response.status_code == 403
    assert not ProfileRun.objects.exists()


# --- a school's profile --------------------------------------------------------------------------


def profile_page(client, world, school=None):
    return client.get(reverse("risks:school", args=[(school or world.school).code]), {"year": 2026})


def test_the_profile_shows_the_evidence_and_no_data(client, world, run):
    response = profile_page(login(client, world, "curator"), world)

    assert response.status_code == 200
    page = text(response)
    assert "Рисковый профиль: МБОУ ООШ с. Берёзовка" in page
    # the evidence of the management: the identification's values with their thresholds and levels
    assert "Низкая эффективность управления: высокий" in page
    assert "Лет в нижней группе по результатам 3 лет высокий ≥ 3 лет; средний ≥ 2 лет; низкий ≥ 1 лет высокий" in page
    # a factor without data says so, never «нет риска»
    assert "Низкий уровень оснащения школы: нет данных" in page
    assert "Нет данных ни по одному показателю фактора: уровень не рассчитан." in page
    # the chart and the table of levels
    assert response.content.decode().count('<span class="track"') == latest_factor_set(world.region).factors.count()


def test_a_judgement_without_a_reason_is_refused_in_russian(client, world, run):
    login(client, world, "curator")

    response = client.post(
        reverse("risks:judge", args=[world.school.code]),
        {"run": run.pk, "factor_key": "management", "level": "1", "reason": "  "},
        follow=True,
    )

    assert "Оценка не сохранена: Обязательное поле." in text(response)
    assert not LevelOverride.objects.exists()


def test_a_judgement_with_a_reason_is_kept_in_the_history(client, world, run):
    login(client, world, "curator")
    url = reverse("risks:judge", args=[world.school.code])

    # When the curator lowers the management, then withdraws the judgement
    client.post(url, {"run": run.pk, "factor_key": "management", "level": "1", "reason": "Сменился директор."})
    response = client.post(
        url, {"run": run.pk, "factor_key": "management", "level": "", "reason": "Рано судить."}, follow=True
    )

    # Then both are in the history; the computed level is in force again
    page = text(response)
    assert "Экспертная оценка сохранена рядом с рассчитанным уровнем." in page
    history = page.split("История экспертных оценок", 1)[1]
    assert "Низкая эффективность управления возвращён рассчитанный Рано судить. Мария Иванова" in history
    assert "Низкая эффективность управления низкий Сменился директор. Мария Иванова" in history
    assert LevelOverride.objects.count() == 2
    assert map_rows(client.get(MAP, {"year": 2026}))[world.school.code][factor_index(world, "management")] == (
        "высокий"
    )


def test_an_observer_may_not_judge(client, world, run):
    response = login(client, world, "observer").post(
        reverse("risks:judge", args=[world.school.code]),
        {"run": run.pk, "factor_key": "management", "level": "1", "reason": "Так."},
    )
    assert response.status_code == 403


def test_the_priorities_form_rejects_four(client, world, run):
    login(client, world, "school_team")
    url = reverse("risks:priorities", args=[world.school.code])

    response = client.post(
        url, {"run": run.pk, "factors": ["management", "equipment", "parents", "discipline"]}, follow=True
    )

    assert "Выберите не больше 3 факторов." in text(response)
    assert not PriorityFactor.objects.exists()

    response = client.post(url, {"run": run.pk, "factors": ["management", "parents"]}, follow=True)
    assert "Приоритетные факторы сохранены." in text(response)
    assert sorted(PriorityFactor.objects.values_list("factor_key", flat=True)) == ["management", "parents"]
    assert response.content.decode().count('<span class="badge badge-warn">приоритет</span>') == 2


def test_the_draft_button_creates_drafts_shown_on_the_programs_pages(client, world, run):
    # Given: the school's team chose a priority
    login(client, world, "school_team")
    priorities_set(school=world.school, year=run.year, factor_keys=["management"], by=world.users["school_team"])
    assert "Составить черновики антирисковых программ" in text(profile_page(client, world))

    # When
    response = client.post(reverse("programs:drafts_create", args=[world.school.code]), {"run": run.pk})

    # Then: the list of the school's programs
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('programs:list')}?school={world.school.code}"
    listing = client.get(response["Location"], follow=True)
    page = text(listing)
    assert "Составлены черновики: 2." in page
    assert "Антирисковая программа «Низкая эффективность управления»" in page
    assert "Дорожная карта (план мероприятий)" in page
    program = Program.objects.get(kind=ProgramKind.ANTIRISK)
    detail = text(client.get(reverse("programs:detail", args=[program.pk])))
    assert "Фактор риска Низкая эффективность управления" in detail
    activity = program.activities.order_by("position").first()
    assert f"(мера {activity.measure.ident} каталога)" in detail
    assert "Лет в нижней группе по результатам" in detail


def test_the_draft_button_without_priorities_says_what_to_do(client, world, run):
    login(client, world, "school_team")
    response = client.post(reverse("programs:drafts_create", args=[world.school.code]), {"run": run.pk}, follow=True)
    assert "Сначала выберите приоритетные факторы риска школы (до трёх)." in text(response)
    assert not Program.objects.exists()


# --- factors and rules ---------------------------------------------------------------------------


def factor_form(factor, **changes) -> dict:
    """The edit form of a factor as the page fills it, with its rules, in Russian number format."""

    def number(value):
        return "" if value is None else str(value).replace(".", ",")

    rules = list(factor.rules.all())
    data = {
        "name": factor.name,
        "description": factor.description,
        "comment": "Уточнены пороги.",
        "rules-TOTAL_FORMS": str(len(rules) + 2),
        "rules-INITIAL_FORMS": str(len(rules)),
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    for index, rule in enumerate(rules):
        prefix = f"rules-{index}-"
        data.update(
            {
                f"{prefix}indicator": rule.indicator,
                f"{prefix}audience": rule.audience,
                f"{prefix}operator": rule.operator,
                f"{prefix}high": number(rule.high),
                f"{prefix}medium": number(rule.medium),
                f"{prefix}low": number(rule.low),
                f"{prefix}weight": number(rule.weight),
                f"{prefix}explanation": rule.explanation,
            }
        )
    for index in (len(rules), len(rules) + 1):
        data[f"rules-{index}-operator"] = ">="
    data.update(changes)
    return data


def test_inverted_thresholds_show_the_rule_error_and_save_nothing(client, world, run):
    # Given
    factor = latest_factor_set(world.region).factors.get(key="parents")
    rules_before = list(IndicatorRule.objects.order_by("pk").values_list("pk", "high", "medium", "low"))
    login(client, world, "region_admin")

    # When the second rule's thresholds go up for «больше — хуже»
    response = client.post(
        reverse("risks:factor_edit", args=[factor.pk]),
        factor_form(factor, **{"rules-1-high": "0,1", "rules-1-medium": "0,2", "rules-1-low": "0,3"}),
    )

    # Then
    assert response.status_code == 200
    assert "Правило 2: Для «больше — хуже» пороги идут вниз: высокий ≥ средний ≥ низкий." in text(response)
    assert FactorSet.objects.filter(region=world.region).count() == 1
    assert list(IndicatorRule.objects.order_by("pk").values_list("pk", "high", "medium", "low")) == rules_before


def test_a_valid_factor_edit_after_a_run_creates_a_new_version(client, world, run):
    factor = latest_factor_set(world.region).factors.get(key="parents")
    login(client, world, "region_admin")

    response = client.post(
        reverse("risks:factor_edit", args=[factor.pk]),
        factor_form(factor, name="Низкая вовлечённость родителей", **{"rules-1-high": "0,5"}),
        follow=True,
    )

    assert "Сохранено в версии 2 набора факторов; профили прежних расчётов не меняются." in text(response)
    latest = latest_factor_set(world.region)
    assert latest.version == 2 and latest.comment == "Уточнены пороги."
    edited = latest.factors.get(key="parents")
    assert edited.name == "Низкая вовлечённость родителей"
    assert edited.rules.get(indicator="single_parent_share").high == 0.5
    assert edited.rules.count() == factor.rules.count()
    factor.refresh_from_db()
    assert factor.name == "Низкий уровень вовлечённости родителей"
    assert "Низкая вовлечённость родителей" in text(response)


def test_a_coordinator_may_not_edit_a_factor(client, world):
    factor = latest_factor_set(world.region).factors.get(key="parents")
    response = login(client, world, "coordinator").get(reverse("risks:factor_edit", args=[factor.pk]))
    assert response.status_code == 403


# --- questionnaires ------------------------------------------------------------------------------


def test_a_questionnaire_item_is_edited_and_added(client, world):
    questionnaire = Questionnaire.objects.get(region=world.region, audience=Audience.STUDENTS)
    section = questionnaire.sections.order_by("number").first()
    item = section.items.order_by("number").first()
    login(client, world, "region_admin")
    url = reverse("risks:item_edit", args=[questionnaire.pk, section.pk, item.pk])
    assert item.text in text(client.get(url))

    # When the item is changed
    response = client.post(
        url,
        {"text": "Мне интересно на уроках.", "scale": "frequency5", "factor_key": "low_motivation", "reverse": ""},
        follow=True,
    )

    # Then
    assert "Вопрос сохранён." in text(response)
    item.refresh_from_db()
    assert (item.text, item.scale, item.factor_key, item.reverse) == (
        "Мне интересно на уроках.",
        "frequency5",
        "low_motivation",
        False,
    )
    assert "Мне интересно на уроках." in text(response)

    # When an item is added without text, then with it
    add = reverse("risks:item_add", args=[questionnaire.pk, section.pk])
    refused = client.post(add, {"text": "", "scale": "agree5", "factor_key": "discipline"})
    assert "Обязательное поле." in text(refused)
    client.post(add, {"text": "На уроках шумно.", "scale": "agree5", "factor_key": "discipline", "reverse": "on"})
    added = QuestionItem.objects.get(text="На уроках шумно.")
    assert (added.section, added.reverse, added.factor_key) == (section, True, "discipline")
    assert added.key not in set(
        QuestionItem.objects.filter(section__questionnaire=questionnaire)
        .exclude(pk=added.pk)
        .values_list("key", flat=True)
    )


# --- links ---------------------------------------------------------------------------------------


def test_a_coordinator_creates_links_for_the_municipalitys_schools_and_revokes_one(client, world):
    login(client, world, "coordinator")
    questionnaire = Questionnaire.objects.get(region=world.region, audience=Audience.PARENTS)

    # When no school is chosen
    response = client.post(
        reverse("risks:links"),
        {
            "questionnaire": questionnaire.pk,
            "year": "2026",
            "opens_on": TODAY.isoformat(),
            "closes_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
        },
        follow=True,
    )

    # Then a link for each school of the coordinator's municipality
    assert "Создано ссылок: 2." in text(response)
    links = SurveyLink.objects.order_by("school__code")
    assert [link.school for link in links] == [world.school, world.sibling]
    page = response.content.decode()
    for link in links:
        assert f"http://testserver/survey/{link.token}/" in page

    # When one is revoked
    first = links[0]
    response = client.post(reverse("risks:link_revoke", args=[first.pk]), follow=True)

    # Then
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert f"Ссылка школы {world.school.code} на анкету «{questionnaire}» отозвана." in text(response)
    assert "отозвана" in text(response)
    assert client.get(reverse("survey", args=[first.token])).status_code == 410


def test_a_link_of_another_municipality_is_not_the_coordinators_to_revoke(client, world):
    link = open_link(world, school=world.neighbour_school)
    response = login(client, world, "coordinator").post(reverse("risks:link_revoke", args=[link.pk]))
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_links_with_reversed_dates_are_refused_beside_the_field(client, world):
    login(client, world, "coordinator")
    questionnaire = Questionnaire.objects.get(region=world.region, audience=Audience.PARENTS)
    response = client.post(
        reverse("risks:links"),
        {
            "questionnaire": questionnaire.pk,
            "year": "2026",
            "opens_on": TODAY.isoformat(),
            "closes_on": (TODAY - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Ссылка закрывается раньше, чем открывается." in text(response)
    assert not SurveyLink.objects.exists()


# --- the catalog ---------------------------------------------------------------------------------


def catalog_idents(response) -> list[str]:
    return re.findall(r"<p><strong>([\w-]+)\.</strong>", response.content.decode())


def test_the_catalog_finds_a_measure_by_another_form_of_the_word(client, world):
    login(client, world, "curator")

    # When the word is searched in another form than the measure's («наставничества»)
    response = client.get(reverse("risks:catalog"), {"q": "наставничество"})

    # Then
    found = catalog_idents(response)
    assert found
    for ident in found:
        measure = Measure.objects.get(region=world.region, ident=ident)
        assert "наставничеств" in (measure.text + measure.expected_result + measure.owner).lower()
    assert any("наставничества" in Measure.objects.get(region=world.region, ident=i).text for i in found)
    assert f"Мер: {len(found)}" in text(response)
    # and by two words, each in another form
    both = catalog_idents(client.get(reverse("risks:catalog"), {"q": "наставничеству педагогов"}))
    assert both and set(both) <= set(found)


def test_the_catalog_matches_whole_words_not_parts_of_words(client, world):
    from opora.core.search import stems

    login(client, world, "curator")

    # When «меры» is searched (stem «мер»: also the start of «мероприятие», «измерение»)
    found = catalog_idents(client.get(reverse("risks:catalog"), {"q": "меры"}))

    # Then only measures with a word of that stem are found
    measures = Measure.objects.filter(region=world.region)
    expected = sorted(
        measure.ident
        for measure in measures
        if "мер" in stems(f"{measure.text} {measure.expected_result} {measure.owner}").split()
    )
    assert expected and found == expected[:30]
    assert any("мероприят" in measure.text.lower() for measure in measures.exclude(ident__in=expected))


def test_the_catalog_filters_by_factor_and_kind(client, world):
    login(client, world, "curator")

    response = client.get(
        reverse("risks:catalog"), {"factor": "teacher_competence", "kind": MeasureKind.METHODOLOGICAL}
    )

    expected = sorted(
        measure.ident
        for measure in Measure.objects.filter(region=world.region, kind=MeasureKind.METHODOLOGICAL)
        if "teacher_competence" in measure.factor_keys
    )
    assert expected
    assert f"Мер: {len(expected)}" in text(response)
    assert catalog_idents(response) == expected[:30]
    assert text(client.get(reverse("risks:catalog"), {"q": "абракадабра"})).count("Мер, отвечающих поиску, нет.") == 1


# --- the public questionnaire --------------------------------------------------------------------


def survey_url(token: str) -> str:
    return reverse("survey", args=[token])


def test_the_survey_page_needs_no_login_and_never_asks_for_a_name(client, world):
    link = open_link(world)

    response = client.get(survey_url(link.token))

    assert response.status_code == 200
    page = response.content.decode()
    assert link.questionnaire.title in text(response)
    inputs = re.findall(r"<input[^>]*>", page)
    assert inputs
    kinds = {re.search(r'type="(\w+)"', tag).group(1) for tag in inputs}
    assert kinds == {"radio", "hidden"}
    assert [tag for tag in inputs if 'type="hidden"' in tag and "csrfmiddlewaretoken" not in tag] == []
    assert "<textarea" not in page and "<select" not in page
    names = {re.search(r'name="([^"]+)"', tag).group(1) for tag in inputs if 'type="radio"' in tag}
    assert names == set(
        QuestionItem.objects.filter(section__questionnaire=link.questionnaire).values_list("key", flat=True)
    )
    assert "Анкета анонимна" in text(response)


def test_a_submission_stores_only_the_answers(client, world):
    link = open_link(world)
    client.get(survey_url(link.token))

    response = client.post(survey_url(link.token), {"s01": "4", "s02": "2", "name": "Иван Петров", "email": "a@b.c"})

    assert response.status_code == 200
    assert "Спасибо!" in text(response)
    response_row = SurveyResponse.objects.get()
    assert response_row.answers == {"s01": 4, "s02": 2}
    assert (response_row.school, response_row.link, response_row.import_batch) == (world.school, link, None)
    stored = {field.attname: getattr(response_row, field.attname) for field in SurveyResponse._meta.concrete_fields}
    assert not any("Иван" in str(value) or "a@b.c" in str(value) for value in stored.values())


def test_an_empty_submission_is_refused_with_a_russian_message(client, world):
    link = open_link(world)
    # what a browser sends when no answer is chosen: the form's token only
    response = client.post(survey_url(link.token), {"csrfmiddlewaretoken": "token"})
    assert response.status_code == 200
    assert "Ответьте хотя бы на один вопрос." in text(response)
    assert not SurveyResponse.objects.exists()


def test_a_guessed_token_answers_404_and_twenty_misses_lock_the_address(client, world):
    link = open_link(world)

    # When an address guesses tokens
    for attempt in range(TOKEN_MISSES_ALLOWED):
        response = client.get(survey_url(f"guess-{attempt}"))
        assert response.status_code == 404
        assert "Такой анкеты нет. Проверьте ссылку: её выдаёт школа." in text(response)

    # Then even a valid token answers 429 to that address, in Russian
    locked = client.get(survey_url(link.token))
    assert locked.status_code == 429
    assert "Слишком много попыток открыть несуществующие анкеты с этого адреса." in text(locked)
    assert client.post(survey_url(link.token), {"s01": "5"}).status_code == 429
    assert not SurveyResponse.objects.exists()
    # and another address is not locked
    assert client.get(survey_url(link.token), REMOTE_ADDR="10.0.0.2").status_code == 200


def test_nineteen_misses_do_not_lock_the_address(client, world):
    link = open_link(world)
    for attempt in range(TOKEN_MISSES_ALLOWED - 1):
        client.get(survey_url(f"guess-{attempt}"))
    assert client.get(survey_url(link.token)).status_code == 200


def _days(first: int, last: int) -> dict:
    return {"opens_on": TODAY + datetime.timedelta(days=first), "closes_on": TODAY + datetime.timedelta(days=last)}


@pytest.mark.parametrize(
    ("state", "dates"),
    [("отозвана", {}), ("закрыта", _days(-10, -1)), ("ещё не открыта", _days(1, 5))],
)
def test_a_revoked_or_expired_link_answers_410_in_russian(client, world, state, dates):
    link = open_link(world, **dates)
    if state == "отозвана":
        link_revoke(link=link, by=world.users["coordinator"])

    shown = client.get(survey_url(link.token))
    sent = client.post(survey_url(link.token), {"s01": "5"})

    for response in (shown, sent):
        assert response.status_code == 410
        assert f"Анкета {state}: ответы по этой ссылке не принимаются." in text(response)
        assert "обратитесь в школу «МБОУ ООШ с. Берёзовка»" in text(response)
    assert not SurveyResponse.objects.exists()


def test_more_than_three_submissions_from_one_device_answer_429(client, world):
    # Given: one device (the same cookie) opens the link
    link = open_link(world)
    client.get(survey_url(link.token))

    # When it sends the questionnaire four times
    statuses = [client.post(survey_url(link.token), {"s01": "5"}).status_code for _ in range(ANSWERS_PER_DEVICE + 1)]

    # Then the fourth is refused, in Russian
    assert statuses == [200] * ANSWERS_PER_DEVICE + [429]
    assert SurveyResponse.objects.count() == ANSWERS_PER_DEVICE
    refused = client.post(survey_url(link.token), {"s01": "5"})
    assert "С этого устройства уже отправлено несколько анкет. Попробуйте позже." in text(refused)

    # And another device may still answer
    client.cookies.clear()
    client.get(survey_url(link.token))
    assert client.post(survey_url(link.token), {"s01": "5"}).status_code == 200
    assert SurveyResponse.objects.count() == ANSWERS_PER_DEVICE + 1


def test_the_administrator_adds_and_renames_a_section_of_a_questionnaire(client, world):
    from opora.risks.models import Questionnaire

    questionnaire = Questionnaire.objects.get(region=world.region, audience="parents")
    before = questionnaire.sections.count()
    client.force_login(world.users["region_admin"])
    response = client.post(reverse("risks:section_add", args=[questionnaire.pk]), {"title": "Питание в школе"})
    assert response.status_code == 302
    section = questionnaire.sections.order_by("-number").first()
    assert questionnaire.sections.count() == before + 1
    assert (section.title, section.number) == ("Питание в школе", before + 1)
    client.post(reverse("risks:section_edit", args=[questionnaire.pk, section.pk]), {"title": "Питание"})
    section.refresh_from_db()
    assert section.title == "Питание"
    refused = client.post(reverse("risks:section_add", args=[questionnaire.pk]), {"title": " "})
    assert refused.status_code == 200 and questionnaire.sections.count() == before + 1
