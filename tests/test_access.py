"""Every URL of the product, as every role: allowed, refused (403) or not found (404).

A new page must add its cases here: ``test_every_url_is_covered`` fails until it does.
"""

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from opora.web.navigation import STAGES, stages_for
from tests.access_cases import EVERYONE, FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Case, _only
from tests.access_cases import api as api_cases
from tests.access_cases import audit as audit_cases
from tests.access_cases import effectiveness as effectiveness_cases
from tests.access_cases import events as events_cases
from tests.access_cases import network as network_cases
from tests.access_cases import practices as practices_cases
from tests.access_cases import students as students_cases
from tests.conftest import PERSONAS, World

PRODUCT_APPS = {
    "accounts",
    "schools",
    "results",
    "intake",
    "support",
    "identification",
    "risks",
    "programs",
    "students",
    "events",
    "practices",
    "network",
}

@dataclass(frozen=True)
class RiskObjects:
    """What the risk pages of the world's region show: a computed run, a link, a draft, a factor, …"""

    run: object
    link: object
    program: object
    factor: object
    measure: object
    questionnaire: object
    section: object
    item: object
    activity: object
    evidence: object
    program_section: object
    indicator: object


def _risks(world: World) -> RiskObjects:
    """The risk objects of the world, made once per test (a page case asks for them through its kwargs)."""
    cached = getattr(world, "_risks", None)
    if cached is not None:
        return cached
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from opora.programs.services import (
        activity_status_change,
        antirisk_drafts_create,
        indicator_save,
        program_approve,
        program_send,
        section_save,
    )
    from opora.risks.models import Measure, Questionnaire
    from opora.risks.services import latest_factor_set, links_create, priorities_set, profiles_now

    year = world.run.year
    run = profiles_now(region=world.region, year=year, by=None, progress=lambda percent, message: None)
    questionnaire = Questionnaire.objects.get(region=world.region, audience="students")
    today = timezone.localdate()  # the product's today (Europe/Moscow), not the machine's
    (link,) = links_create(
        schools=[world.school],
        questionnaire=questionnaire,
        year=year,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        by=None,
    )
    factor = latest_factor_set(world.region).factors.order_by("number").first()
    priorities_set(school=world.school, year=year, factor_keys=[factor.key], by=world.users["school_team"])
    program = antirisk_drafts_create(school=world.school, run=run, by=world.users["school_team"])[0]
    activity = program.activities.order_by("position").first()
    event = activity_status_change(
        activity=activity,
        status="in_progress",
        report="Начато",
        files=[SimpleUploadedFile("отчёт.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
        by=world.users["school_team"],
    )
    indicator_save(
        program=program,
        indicator=None,
        data={"name": "Доля обучающихся без «2»", "direction": "higher", "unit": "%", "targets": {"2027": "95"}},
        by=world.users["school_team"],
    )
    section_save(program=program, section=None, number="1", title="Работа с педагогами", by=world.users["school_team"])
    program_send(program=program, by=world.users["school_team"])
    program_approve(program=program, order_number="1", order_date=today, checklist={}, by=world.users["coordinator"])
    section = questionnaire.sections.order_by("number").first()
    objects = RiskObjects(
        run=run,
        link=link,
        program=program,
        factor=factor,
        measure=Measure.objects.filter(region=world.region).order_by("ident").first(),
        questionnaire=questionnaire,
        section=section,
        item=section.items.order_by("number").first(),
        activity=activity,
        evidence=event.evidence.get(),
        program_section=program.sections.first(),
        indicator=program.indicators.first(),
    )
    world._risks = objects
    return objects


PROGRAM_EDITORS = {
    **_only("superuser", "region_admin", "coordinator", "school_team", otherwise=FORBIDDEN),
    "other_region_admin": NOT_FOUND,
}
RISK_EDITORS = {**_only("superuser", "region_admin", otherwise=FORBIDDEN), "other_region_admin": NOT_FOUND}


IMPORTERS = _only("superuser", "region_admin", "coordinator", "other_region_admin", otherwise=FORBIDDEN)
REGION_PERSONAS = ("superuser", "region_admin", "coordinator", "curator", "school_team", "observer")
# A POST that is allowed answers with a redirect back to the import's page.
_redirects = dict.fromkeys(("superuser", "region_admin", "coordinator"), REDIRECT)


CASES = (
    Case("web:home", "главная", EVERYONE),
    Case("accounts:login", "вход", dict.fromkeys(PERSONAS, REDIRECT), anonymous=OK),
    Case("accounts:logout", "выход (только POST)", dict.fromkeys(PERSONAS, NOT_ALLOWED), anonymous=NOT_ALLOWED),
    Case("accounts:password_change", "смена пароля", EVERYONE),
    Case("accounts:password_change_done", "пароль изменён", EVERYONE),
    Case("schools:list", "реестр школ", EVERYONE),
    Case("schools:list_export", "выгрузка реестра", EVERYONE),
    Case(
        "schools:detail",
        "карточка курируемой школы",
        _only("superuser", "region_admin", "coordinator", "curator", "school_team", "observer"),
        kwargs=lambda world: {"code": world.school.code},
    ),
    Case(
        "schools:detail",
        "карточка другой школы муниципалитета",
        _only("superuser", "region_admin", "coordinator", "observer"),
        kwargs=lambda world: {"code": world.sibling.code},
    ),
    Case(
        "schools:detail",
        "карточка школы соседнего муниципалитета",
        _only("superuser", "region_admin", "observer"),
        kwargs=lambda world: {"code": world.neighbour_school.code},
    ),
    Case(
        "schools:detail",
        "карточка школы другого региона",
        _only("superuser", "other_region_admin"),
        kwargs=lambda world: {"code": world.far_school.code},
    ),
    Case(
        "schools:detail",
        "карточка несуществующей школы",
        dict.fromkeys(PERSONAS, NOT_FOUND),
        kwargs=lambda world: {"code": "000000"},
    ),
    Case(
        "schools:results_export",
        "выгрузка результатов курируемой школы",
        _only("superuser", "region_admin", "coordinator", "curator", "school_team", "observer"),
        kwargs=lambda world: {"code": world.school.code},
    ),
    Case(
        "schools:results_export",
        "выгрузка результатов школы другого региона",
        _only("superuser", "other_region_admin"),
        kwargs=lambda world: {"code": world.far_school.code},
    ),
    Case("admin:index", "администрирование", _only("superuser", otherwise=REDIRECT)),
    Case("intake:imports", "загрузка файлов", IMPORTERS),
    Case("intake:imports_export", "выгрузка истории загрузок", IMPORTERS),
    *(
        Case(
            name,
            f"{title} загрузки координатора",
            _only("superuser", "region_admin", "coordinator"),
            kwargs=lambda world: {"pk": world.coordinator_batch.pk},
        )
        for name, title in (("intake:import", "страница"), ("intake:import_status", "ход обработки"))
    ),
    *(
        Case(
            "intake:import_problems",
            f"список ошибок загрузки {title}",
            expected,
            kwargs=kwargs,
        )
        for title, expected, kwargs in (
            (
                "координатора",
                _only("superuser", "region_admin", "coordinator"),
                lambda world: {"pk": world.coordinator_batch.pk},
            ),
            (
                "другого региона",
                _only("superuser", "other_region_admin"),
                lambda world: {"pk": world.far_batch.pk},
            ),
        )
    ),
    Case(
        "intake:import",
        "страница загрузки другого региона",
        _only("superuser", "other_region_admin"),
        kwargs=lambda world: {"pk": world.far_batch.pk},
    ),
    *(
        Case(
            name,
            f"{title} загрузки координатора",
            _only("superuser", "region_admin", "coordinator", otherwise=NOT_FOUND) | _redirects,
            kwargs=lambda world: {"pk": world.coordinator_batch.pk},
            method="post",
        )
        for name, title in (
            ("intake:import_apply", "применение"),
            ("intake:import_discard", "отклонение"),
            ("intake:import_rollback", "отмена"),
        )
    ),
    Case("intake:forms", "шаблоны и выгрузка", EVERYONE),
    Case("intake:form_template", "шаблон формы", EVERYONE, kwargs=lambda world: {"form_key": "context"}),
    Case(
        "intake:form_template",
        "шаблон несуществующей формы",
        dict.fromkeys(PERSONAS, NOT_FOUND),
        kwargs=lambda world: {"form_key": "nothing"},
    ),
    Case("intake:form_export", "выгрузка формы", EVERYONE, kwargs=lambda world: {"form_key": "results"}),
    Case("intake:completeness", "полнота данных", EVERYONE),
    Case("identification:runs", "расчёты выявления", EVERYONE),
    Case("identification:compare", "сравнение расчётов", EVERYONE),
    Case(
        "identification:run",
        "расчёт своего региона",
        _only(*REGION_PERSONAS),
        kwargs=lambda world: {"pk": world.run.pk},
    ),
    Case(
        "identification:run",
        "расчёт другого региона",
        _only("superuser", "other_region_admin"),
        kwargs=lambda world: {"pk": world.far_run.pk},
    ),
    Case(
        "identification:run_export",
        "выгрузка расчёта",
        _only(*REGION_PERSONAS),
        kwargs=lambda world: {"pk": world.run.pk},
    ),
    Case(
        "identification:run_export_csv",
        "выгрузка расчёта в CSV",
        _only(*REGION_PERSONAS),
        kwargs=lambda world: {"pk": world.run.pk},
    ),
    Case(
        "identification:rerun",
        "повтор расчёта",
        {
            **_only("superuser", "region_admin", "coordinator", otherwise=FORBIDDEN),
            "superuser": REDIRECT,
            "region_admin": REDIRECT,
            "coordinator": REDIRECT,
            "other_region_admin": NOT_FOUND,
        },
        kwargs=lambda world: {"pk": world.run.pk},
        method="post",
    ),
    Case(
        "identification:school",
        "пояснение по курируемой школе",
        _only("superuser", "region_admin", "coordinator", "curator", "school_team", "observer"),
        kwargs=lambda world: {"pk": world.run.pk, "code": world.school.code},
    ),
    Case(
        "identification:school",
        "пояснение по школе соседнего муниципалитета",
        _only("superuser", "region_admin", "observer"),
        kwargs=lambda world: {"pk": world.run.pk, "code": world.neighbour_school.code},
    ),
    Case(
        "identification:approve",
        "утверждение перечня",
        {**_only("superuser", "region_admin", "coordinator", otherwise=FORBIDDEN), "other_region_admin": NOT_FOUND},
        kwargs=lambda world: {"pk": world.run.pk},
    ),
    Case("identification:lists", "утверждённые перечни", EVERYONE),
    Case("identification:failure", "неуспешность более 50 % за период", EVERYONE),
    *(
        Case(name, title, _only(*REGION_PERSONAS), kwargs=lambda world: {"pk": world.approved_list.pk})
        for name, title in (
            ("identification:list", "перечень муниципалитета"),
            ("identification:list_docx", "перечень в Word"),
            ("identification:list_xlsx", "перечень в Excel"),
        )
    ),
    *(
        Case(
            name,
            f"{title} перечня муниципалитета приказом",
            {**_only("superuser", "coordinator", otherwise=FORBIDDEN), "other_region_admin": NOT_FOUND},
            kwargs=lambda world: {"pk": world.approved_list.pk},
        )
        for name, title in (("identification:list_amend", "изменение"), ("identification:list_cancel", "отмена"))
    ),
    Case("identification:methodologies", "методики", EVERYONE),
    Case("identification:methodology_docs", "описание методики", EVERYONE),
    Case(
        "identification:methodology",
        "версия методики своего региона",
        _only(*REGION_PERSONAS),
        kwargs=lambda world: {"pk": world.run.methodology_id},
    ),
    Case(
        "identification:methodology_edit",
        "изменение методики своего региона",
        {**_only("superuser", "region_admin", otherwise=FORBIDDEN), "other_region_admin": NOT_FOUND},
        kwargs=lambda world: {"pk": world.run.methodology_id},
    ),
    Case(
        "identification:methodology_edit",
        "изменение методики другого региона",
        {**_only("superuser", "other_region_admin", otherwise=FORBIDDEN), "region_admin": NOT_FOUND},
        kwargs=lambda world: {"pk": world.far_run.methodology_id},
    ),
    Case("intake:completeness_export", "выгрузка полноты данных", EVERYONE),
    Case("risks:map", "карта рисков", EVERYONE, kwargs=lambda world: _risks(world) and {}),
    Case(
        "risks:map_export",
        "карта рисков в Excel",
        {**_only(*REGION_PERSONAS), "other_region_admin": NOT_FOUND},
        kwargs=lambda world: _risks(world) and {},
    ),
    Case(
        "risks:run_start",
        "запуск расчёта профилей",
        {
            **dict.fromkeys(PERSONAS, FORBIDDEN),
            "region_admin": REDIRECT,
            "coordinator": REDIRECT,
            "other_region_admin": REDIRECT,
        },
        anonymous=REDIRECT,
        method="post",
    ),
    Case(
        "risks:run",
        "расчёт профилей (готов: переход к карте)",
        {**dict.fromkeys(REGION_PERSONAS, REDIRECT), "other_region_admin": NOT_FOUND},
        kwargs=lambda world: {"pk": _risks(world).run.pk},
    ),
    Case(
        "risks:school",
        "рисковый профиль курируемой школы",
        _only(*REGION_PERSONAS),
        kwargs=lambda world: _risks(world) and {"code": world.school.code},
    ),
    Case(
        "risks:school",
        "рисковый профиль школы соседнего муниципалитета",
        _only("superuser", "region_admin", "observer"),
        kwargs=lambda world: _risks(world) and {"code": world.neighbour_school.code},
    ),
    Case(
        "risks:recommendations",
        "адресные рекомендации школы (Word)",
        _only(*REGION_PERSONAS),
        kwargs=lambda world: _risks(world) and {"code": world.school.code},
    ),
    Case(
        "risks:judge",
        "экспертная оценка уровня",
        {**dict.fromkeys(PERSONAS, FORBIDDEN), "superuser": REDIRECT, "curator": REDIRECT, "school_team": REDIRECT},
        kwargs=lambda world: _risks(world) and {"code": world.school.code},
        method="post",
    ),
    Case(
        "risks:priorities",
        "выбор приоритетных факторов",
        {**dict.fromkeys(PERSONAS, FORBIDDEN), "superuser": REDIRECT, "school_team": REDIRECT},
        kwargs=lambda world: _risks(world) and {"code": world.school.code},
        method="post",
    ),
    Case(
        "programs:drafts_create",
        "черновики антирисковых программ по профилю",
        {**dict.fromkeys(PERSONAS, FORBIDDEN), "superuser": REDIRECT, "curator": REDIRECT, "school_team": REDIRECT},
        kwargs=lambda world: _risks(world) and {"code": world.school.code},
        method="post",
    ),
    Case("programs:list", "программы", EVERYONE),
    Case(
        "programs:create",
        "новая программа",
        _only("superuser", "region_admin", "coordinator", "school_team", "other_region_admin", otherwise=FORBIDDEN),
    ),
    Case("programs:dashboard", "мониторинг исполнения", EVERYONE, kwargs=lambda world: _risks(world) and {}),
    Case(
        "programs:monitoring_report",
        "справка о мониторинге программ за полугодие",
        EVERYONE,
        kwargs=lambda world: _risks(world) and {},
    ),
    Case("programs:notifications", "уведомления", EVERYONE),
    Case(
        "programs:import",
        "загрузка программы из документа",
        _only("superuser", "region_admin", "coordinator", "school_team", "other_region_admin", otherwise=FORBIDDEN),
    ),
    *(
        Case(name, title, _only(*REGION_PERSONAS), kwargs=lambda world: {"pk": _risks(world).program.pk})
        for name, title in (
            ("programs:export_docx", "программа школы в Word"),
            ("programs:export_xlsx", "программа школы в Excel"),
        )
    ),
    Case(
        "programs:notifications_read",
        "уведомления прочитаны",
        dict.fromkeys(PERSONAS, REDIRECT),
        method="post",
    ),
    Case(
        "programs:evidence",
        "подтверждающий файл мероприятия",
        _only(*REGION_PERSONAS),
        kwargs=lambda world: {"pk": _risks(world).evidence.pk},
    ),
    Case(
        "programs:edit",
        "паспорт программы школы",
        PROGRAM_EDITORS,
        kwargs=lambda world: {"pk": _risks(world).program.pk},
    ),
    Case(
        "programs:indicator_chart",
        "диаграмма показателя программы школы",
        _only(*REGION_PERSONAS),
        kwargs=lambda world: {"pk": _risks(world).indicator.program_id, "indicator": _risks(world).indicator.pk},
    ),
    Case(
        "programs:section_add",
        "новый раздел программы школы",
        PROGRAM_EDITORS,
        kwargs=lambda world: {"pk": _risks(world).program_section.program_id},
    ),
    Case(
        "programs:section_edit",
        "раздел программы школы",
        PROGRAM_EDITORS,
        kwargs=lambda world: {
            "pk": _risks(world).program_section.program_id,
            "section": _risks(world).program_section.pk,
        },
    ),
    Case(
        "programs:indicator_add",
        "новый показатель программы школы",
        PROGRAM_EDITORS,
        kwargs=lambda world: {"pk": _risks(world).indicator.program_id},
    ),
    Case(
        "programs:indicator_edit",
        "показатель программы школы",
        PROGRAM_EDITORS,
        kwargs=lambda world: {"pk": _risks(world).indicator.program_id, "indicator": _risks(world).indicator.pk},
    ),
    *(
        Case(
            name,
            title,
            {
                **dict.fromkeys(PERSONAS, FORBIDDEN),
                **dict.fromkeys(("superuser", "region_admin", "coordinator", "school_team"), REDIRECT),
                "other_region_admin": NOT_FOUND,
            },
            kwargs=kwargs,
            method="post",
        )
        for name, title, kwargs in (
            (
                "programs:actual_add",
                "фактическое значение показателя",
                lambda world: {"pk": _risks(world).indicator.program_id, "indicator": _risks(world).indicator.pk},
            ),
            (
                "programs:actuals_compute",
                "расчёт показателей Опорой",
                lambda world: {"pk": _risks(world).indicator.program_id},
            ),
        )
    ),
    Case(
        "programs:activity_add",
        "новое мероприятие программы школы",
        PROGRAM_EDITORS,
        kwargs=lambda world: {"pk": _risks(world).program.pk},
    ),
    Case(
        "programs:activity",
        "мероприятие программы школы",
        _only(*REGION_PERSONAS),
        kwargs=lambda world: {"pk": _risks(world).program.pk, "activity": _risks(world).activity.pk},
    ),
    Case(
        "programs:activity_edit",
        "изменение мероприятия программы школы",
        PROGRAM_EDITORS,
        kwargs=lambda world: {"pk": _risks(world).program.pk, "activity": _risks(world).activity.pk},
    ),
    Case(
        "programs:version",
        "утверждённая версия программы школы",
        _only(*REGION_PERSONAS),
        kwargs=lambda world: {"pk": _risks(world).program.pk, "number": 1},
    ),
    *(
        Case(
            name,
            title,
            {
                **dict.fromkeys(PERSONAS, FORBIDDEN),
                **dict.fromkeys(allowed, REDIRECT),
                "other_region_admin": NOT_FOUND,
            },
            kwargs=lambda world: {"pk": _risks(world).program.pk},
            method="post",
        )
        for name, title, allowed in (
            (
                "programs:send",
                "отправка программы на согласование",
                ("superuser", "region_admin", "coordinator", "school_team"),
            ),
            (
                "programs:return",
                "возврат программы на доработку",
                ("superuser", "region_admin", "coordinator", "curator"),
            ),
            ("programs:approve", "утверждение программы", ("superuser", "region_admin", "coordinator")),
            (
                "programs:review_add",
                "обзор прогресса программы",
                ("superuser", "region_admin", "coordinator", "curator"),
            ),
        )
    ),
    Case(
        "programs:detail",
        "черновик программы школы",
        _only(*REGION_PERSONAS),
        kwargs=lambda world: {"pk": _risks(world).program.pk},
    ),
    Case("risks:docs", "описание факторов риска", EVERYONE),
    Case("risks:factors", "факторы риска и правила", EVERYONE),
    Case(
        "risks:factor_add",
        "новый фактор риска",
        _only("superuser", "region_admin", "other_region_admin", otherwise=FORBIDDEN),
    ),
    Case(
        "risks:factor_edit",
        "изменение фактора своего региона",
        RISK_EDITORS,
        kwargs=lambda world: {"pk": _risks(world).factor.pk},
    ),
    Case("risks:questionnaires", "анкеты", EVERYONE),
    Case(
        "risks:questionnaire",
        "анкета своего региона",
        _only(*REGION_PERSONAS),
        kwargs=lambda world: {"pk": _risks(world).questionnaire.pk},
    ),
    Case(
        "risks:section_add",
        "новый раздел анкеты",
        RISK_EDITORS,
        kwargs=lambda world: {"pk": _risks(world).questionnaire.pk},
    ),
    Case(
        "risks:section_edit",
        "переименование раздела анкеты",
        RISK_EDITORS,
        kwargs=lambda world: {"pk": _risks(world).questionnaire.pk, "section": _risks(world).section.pk},
    ),
    Case(
        "risks:item_add",
        "новый вопрос анкеты",
        RISK_EDITORS,
        kwargs=lambda world: {"pk": _risks(world).questionnaire.pk, "section": _risks(world).section.pk},
    ),
    Case(
        "risks:item_edit",
        "изменение вопроса анкеты",
        RISK_EDITORS,
        kwargs=lambda world: {
            "pk": _risks(world).questionnaire.pk,
            "section": _risks(world).section.pk,
            "item": _risks(world).item.pk,
        },
    ),
    *(
        Case(
            name,
            title,
            _only("superuser", "region_admin", "coordinator", "school_team", "other_region_admin", otherwise=FORBIDDEN),
            kwargs=lambda world: _risks(world) and {},
        )
        for name, title in (("risks:links", "ссылки на анкеты"), ("risks:links_export", "ссылки на анкеты в Excel"))
    ),
    Case(
        "risks:link_revoke",
        "отзыв ссылки на анкету",
        {
            **dict.fromkeys(PERSONAS, FORBIDDEN),
            "superuser": REDIRECT,
            "region_admin": REDIRECT,
            "coordinator": REDIRECT,
            "school_team": REDIRECT,
            "other_region_admin": NOT_FOUND,
        },
        kwargs=lambda world: {"pk": _risks(world).link.pk},
        method="post",
    ),
    Case(
        "survey",
        "анонимная анкета по ссылке",
        EVERYONE,
        anonymous=OK,
        kwargs=lambda world: {"token": _risks(world).link.token},
    ),
    Case("risks:catalog", "каталог мер", EVERYONE),
    Case("risks:catalog_export", "каталог мер в Excel", EVERYONE),
    Case(
        "risks:measure_add",
        "новая мера каталога",
        _only("superuser", "region_admin", "other_region_admin", otherwise=FORBIDDEN),
    ),
    Case(
        "risks:measure_edit",
        "изменение меры своего региона",
        RISK_EDITORS,
        kwargs=lambda world: {"pk": _risks(world).measure.pk},
    ),
    *network_cases.CASES,
    *students_cases.CASES,
    *events_cases.CASES,
    *practices_cases.CASES,
    *effectiveness_cases.CASES,
    *api_cases.CASES,
    *audit_cases.CASES,
)


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            child = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                continue  # Django's admin: its index is checked, the rest is Django's own
            names |= _url_names(pattern, child)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_is_covered():
    product_urls = _url_names(get_resolver())
    covered = {case.url_name for case in CASES}
    assert product_urls - covered == set()


@pytest.mark.parametrize("persona", PERSONAS)
def test_navigation_shows_exactly_the_pages_the_role_may_open(persona: str, world: World, client):
    # Given a user of the role
    user = world.users[persona]
    client.force_login(user)
    shown = {item.url_name for _stage, items in stages_for(user) for item, _current in items}

    # When every page of the navigation is opened
    opens = {
        item.url_name: client.get(reverse(item.url_name)).status_code == OK for stage in STAGES for item in stage.items
    }

    # Then the navigation shows exactly those that open
    assert shown == {name for name, opened in opens.items() if opened}


def test_pages_write_nothing_when_read(world: World, client):
    """A GET never writes: every page, as every role, leaves every table of the product as it was."""
    urls = [reverse(case.url_name, kwargs=case.kwargs(world)) for case in CASES if case.method == "get"]
    # A log of who read what (a student's record) is the one thing a read writes; it says so itself.
    models = [
        model
        for model in apps.get_models()
        if model._meta.app_label in PRODUCT_APPS and not getattr(model, "written_on_read", False)
    ]
    before = {model._meta.label: model.objects.count() for model in models}
    for persona in PERSONAS:
        client.force_login(world.users[persona])
        for url in urls:
            client.get(url)
        client.logout()
    assert {model._meta.label: model.objects.count() for model in models} == before


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.url_name} ({case.title})")
def test_url_as_every_role(case: Case, world: World, client):
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    send = client.post if case.method == "post" else client.get
    answers = {"anonymous": send(url).status_code}
    for persona in PERSONAS:
        client.force_login(world.users[persona])
        answers[persona] = send(url).status_code
        client.logout()
    assert answers == {"anonymous": case.anonymous, **case.expected}
