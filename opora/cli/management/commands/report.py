"""``opora report KIND --school CODE|--municipality NAME --year YEAR --out FILE.docx``: the documents of monitoring.

KIND is one of:

- ``analytic-note`` — the school's analytic note (``--school``);
- ``recommendations`` — the school's recommendations by its latest risk profile (``--school``);
- ``council-report`` — the half-year report to the council of heads (``--municipality``; ``--half 1|2``,
  by default the last finished half);
- ``effectiveness`` — the annual analysis of effectiveness (``--municipality``, or the region without it);
- ``support-list`` — the schools needing individual methodological support next year;
- ``low-results-order`` — the order approving the list of ШНОР and ШНСУ in force for the year.

``--out`` ending in .pdf converts the document through LibreOffice, when it is installed.
With ``--user`` the user's scope applies: only the schools and municipalities they see.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opora.accounts.models import User
from opora.cli.management.commands.risks import region_named
from opora.effectiveness.documents import (
    DocumentTemplateError,
    analytic_note,
    council_report,
    effectiveness_report,
    last_finished_half,
    support_list,
    to_pdf,
)
from opora.identification.documents import approved_list_docx
from opora.identification.models import RunStatus
from opora.identification.queries import approved_list_document, entries_visible_to, lists_in_force
from opora.programs.computed import current_school_year
from opora.risks.documents import recommendations_context, recommendations_docx
from opora.risks.models import ProfileRun
from opora.schools.models import Municipality, Region, School
from opora.schools.queries import home_region

SCHOOL_KINDS = ("analytic-note", "recommendations")
TERRITORY_KINDS = ("council-report", "effectiveness", "support-list", "low-results-order")
KINDS = SCHOOL_KINDS + TERRITORY_KINDS
USER_HELP = "от имени пользователя (его область доступа); без него — от имени установки"


class Command(BaseCommand):
    help = (
        "Выгружает документ мониторинга в Word (.docx) или PDF: аналитическую справку школы (analytic-note), "
        "адресные рекомендации (recommendations), отчёт совету руководителей за полугодие (council-report), "
        "анализ эффективности за год (effectiveness), перечень школ для индивидуального сопровождения "
        "(support-list), приказ о перечне ШНОР и ШНСУ (low-results-order)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="вид документа: " + ", ".join(KINDS))
        parser.add_argument("--school", help="код ОО (для analytic-note и recommendations)")
        parser.add_argument("--municipality", help="муниципалитет (без него — регион)")
        parser.add_argument("--year", type=int, help="учебный год по году окончания: 2027 — 2026/2027")
        parser.add_argument("--half", type=int, choices=(1, 2), help="полугодие для council-report")
        parser.add_argument("--region", help="регион (обязателен, если регионов несколько)")
        parser.add_argument("--out", required=True, help="файл результата: .docx или .pdf")
        parser.add_argument("--user", help=USER_HELP)

    def handle(self, *args, kind: str, out: str, **options):
        if kind not in KINDS:
            raise CommandError(f"Неизвестный вид документа «{kind}». Допустимые: {', '.join(KINDS)}.")
        path = Path(out)
        suffix = path.suffix.lower()
        if suffix not in (".docx", ".pdf"):
            raise CommandError("Файл результата должен быть .docx или .pdf.")
        actor = _viewer(options.get("user"))
        year = options.get("year") or current_school_year()
        try:
            content, described = self._document(kind, year, actor, options)
        except DocumentTemplateError as error:
            raise CommandError(str(error)) from error
        if suffix == ".pdf":
            converted = to_pdf(content)
            if converted is None:
                raise CommandError(
                    "LibreOffice не установлен: PDF не получить. Выгрузите документ в .docx (--out ФАЙЛ.docx) "
                    "или установите LibreOffice (команда soffice)."
                )
            content = converted
        path.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"{described}. Записан {path}."))

    def _document(self, kind: str, year: int, actor: User | None, options: dict) -> tuple[bytes, str]:
        if kind in SCHOOL_KINDS:
            school = _school(options.get("school"), actor)
            if kind == "analytic-note":
                return analytic_note(school, year), f"Аналитическая справка: {school.display_name}"
            return _recommendations(school, year, actor), f"Адресные рекомендации: {school.display_name}"
        region = region_named(options.get("region"), home_region(actor) if actor is not None else None)
        if actor is not None and not actor.is_superuser and home_region(actor) != region:
            raise CommandError(f"Пользователь {actor.username} не работает с регионом «{region}».")
        municipality = _municipality(options.get("municipality"), region, actor)
        schools = _schools(region, municipality, actor)
        territory = municipality.name if municipality is not None else region.name
        if kind == "council-report":
            half = options.get("half")
            if half is None:
                # The last half that has ended: of the year asked for, else the latest one.
                year_of_half, last_half = last_finished_half()
                wanted = options.get("year")
                if wanted is None or wanted == year_of_half:
                    year, half = year_of_half, last_half
                else:
                    half = 2 if wanted < year_of_half else 1
            content = council_report(region, municipality, year, half, schools=schools)
            return content, f"Отчёт совету руководителей: {territory}, {half} полугодие {year - 1}/{year}"
        if kind == "effectiveness":
            content = effectiveness_report(region, municipality, year, schools=schools)
            return content, f"Анализ эффективности: {territory}, {year - 1}/{year}"
        if kind == "support-list":
            content = support_list(region, municipality, year, schools=schools)
            return content, f"Перечень для индивидуального сопровождения: {territory}, на {year}/{year + 1}"
        return _order(
            region, municipality, year, actor
        ), f"Приказ о перечне ШНОР и ШНСУ: {territory}, {year - 1}/{year}"


def _viewer(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Пользователь «{username}» не найден или отключён.")
    return user


def _school(code: str | None, actor: User | None) -> School:
    if not code:
        raise CommandError("Укажите школу: --school КОД_ОО.")
    schools = School.objects.select_related("municipality__region")
    if actor is not None:
        schools = schools.visible_to(actor)
    school = schools.filter(code=code).first()
    if school is None:
        whom = "" if actor is None else f" (или у пользователя {actor.username} нет к ней доступа)"
        raise CommandError(f"Школа с кодом «{code}» не найдена{whom}.")
    return school


def _municipality(name: str | None, region: Region, actor: User | None) -> Municipality | None:
    if actor is not None and actor.municipality_id and not actor.is_superuser:
        if name and name != actor.municipality.name:
            raise CommandError(
                f"Пользователь {actor.username} работает только с муниципалитетом «{actor.municipality}»."
            )
        return actor.municipality
    if not name:
        return None
    municipality = Municipality.objects.filter(region=region, name=name).first()
    if municipality is None:
        raise CommandError(f"Муниципалитет «{name}» не найден в регионе «{region}».")
    return municipality


def _schools(region: Region, municipality: Municipality | None, actor: User | None) -> list[School]:
    schools = School.objects.filter(municipality__region=region).select_related("municipality")
    if municipality is not None:
        schools = schools.filter(municipality=municipality)
    if actor is not None:
        schools = schools.visible_to(actor)
    return list(schools)


def _recommendations(school: School, year: int, actor: User | None) -> bytes:
    run = (
        ProfileRun.objects.filter(
            region=school.municipality.region, status=RunStatus.DONE, year__end_year__lte=year, profiles__school=school
        )
        .select_related("year", "factor_set", "region")
        .order_by("-year__end_year", "-created_at")
        .first()
    )
    if run is None:
        raise CommandError(f"Рисковый профиль школы {school.code} не рассчитан: рекомендаций нет.")
    # Without --user the installation prepares the document (it sees everything).
    author = actor or User(username="Опора", is_superuser=True, is_active=True)
    return recommendations_docx(recommendations_context(school, run, author))


def _order(region: Region, municipality: Municipality | None, year: int, actor: User | None) -> bytes:
    lists = lists_in_force(region, year, municipality)
    own = [item for item in lists if item.municipality_id == (municipality.pk if municipality else None)]
    approved = (own or lists or [None])[0]
    if approved is None:
        raise CommandError(f"Нет перечня ШНОР и ШНСУ, действующего в {year - 1}/{year} учебном году.")
    entries = entries_visible_to(actor, approved) if actor is not None else approved.entries.order_by("number")
    return approved_list_docx(approved_list_document(approved, entries))
