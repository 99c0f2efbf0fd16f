"""Loading the synthetic demo region into the database, with one demo user per role."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Count

from opora.accounts.models import Role, User
from opora.demo.events import demo_events_load
from opora.demo.generator import DemoRegion
from opora.demo.students import demo_students_load
from opora.effectiveness.services import decision_add, decision_update, meeting_save
from opora.identification.models import Methodology
from opora.intake.formats import CONTEXT, OUTCOMES, RESULTS, SCHOOLS, TEACHERS, FileForm, parse_school_year
from opora.intake.models import ImportStatus
from opora.intake.regions import region_create
from opora.intake.services import import_apply, import_check, import_upload
from opora.network.services import visit_plan, visit_protocol_save
from opora.practices.demo import load_demo_practices
from opora.results.models import SchoolResult, YearOutcome
from opora.schools.models import Municipality, Region, School, SchoolContext, SchoolYear
from opora.support.models import CheckState, CuratorAssignment, CuratorWorkplace, Teacher, VisitArea, VisitStatus

DEMO_PASSWORD = "opora-demo"
DEMO_BASIS_TITLE = (
    "приказ министерства образования Демонстрационной области «Об утверждении методики выявления школ с низкими "
    "образовательными результатами и школ, функционирующих в неблагоприятных социальных условиях»"
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    last_name: str
    first_name: str
    patronymic: str
    position: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "region_admin",
        Role.REGION_ADMIN,
        "Соколова",
        "Ирина",
        "Павловна",
        "Главный специалист регионального центра оценки качества образования",
    ),
    DemoUser(
        "coordinator",
        Role.MUNICIPAL_COORDINATOR,
        "Петров",
        "Алексей",
        "Николаевич",
        "Ведущий специалист управления образования",
    ),
    DemoUser("curator", Role.CURATOR, "Миронова", "Елена", "Викторовна", "Методист, куратор ШНОР"),
    DemoUser("school", Role.SCHOOL_TEAM, "Кузнецова", "Наталья", "Сергеевна", "Заместитель директора по УВР"),
    DemoUser("observer", Role.OBSERVER, "Васильев", "Дмитрий", "Олегович", "Член совета руководителей"),
)
DEMO_ADMIN = "admin"
CURATED_SCHOOLS = 6


@dataclass(frozen=True)
class DemoLoadReport:
    region: Region
    schools: int
    contexts: int
    results: int
    outcomes: int
    teachers: int
    student_results: int
    users: list[tuple[str, str]]


class DemoAlreadyLoaded(Exception):
    pass


def _records(frame: pl.DataFrame, form: FileForm) -> Iterator[dict[str, Any]]:
    """Rows of a form's frame as {model field: value}, school years as end years."""
    present = [column for column in form.columns if column.header in frame.columns]
    for row in frame.select([column.header for column in present]).iter_rows():
        record: dict[str, Any] = {}
        for column, value in zip(present, row, strict=True):
            if column.kind == "school_year" and value is not None:
                value = parse_school_year(value)
            elif column.kind == "decimal" and value is not None:
                value = Decimal(str(round(float(value), 6)))
            elif column.kind == "text":
                value = "" if value is None else str(value)
            record[column.field] = value
        yield record


def _bulk(model: type, objects: Iterable[Any]) -> int:
    created = model.objects.bulk_create(list(objects), batch_size=2000)
    return len(created)


@transaction.atomic
def demo_region_load(*, region_data: DemoRegion) -> DemoLoadReport:
    """Store the demo region and create its demo users; refuses when the region exists."""
    if Region.objects.filter(name=region_data.region_name).exists():
        raise DemoAlreadyLoaded(f"Регион «{region_data.region_name}» уже загружен.")
    region = region_create(name=region_data.region_name)
    # The demo region's methodology is approved by a document of its own, as a real region's is.
    Methodology.objects.filter(region=region).update(
        basis_title=DEMO_BASIS_TITLE, basis_number="314", basis_date=datetime.date(2026, 9, 1)
    )

    school_records = list(_records(region_data.schools, SCHOOLS))
    municipalities = {
        name: Municipality.objects.create(region=region, name=name)
        for name in dict.fromkeys(record["municipality"] for record in school_records)
    }
    for record in school_records:
        record["municipality"] = municipalities[record["municipality"]]
    new_schools = [School(**record) for record in school_records]
    for school in new_schools:
        school.fill_search_text()
    _bulk(School, new_schools)
    schools = {school.code: school for school in School.objects.filter(municipality__region=region)}

    years: dict[int, SchoolYear] = {}

    def year_of(end_year: int) -> SchoolYear:
        if end_year not in years:
            years[end_year], _ = SchoolYear.objects.get_or_create(end_year=end_year)
        return years[end_year]

    def attach(record: dict[str, Any]) -> dict[str, Any]:
        record["school"] = schools[record.pop("code")]
        record["year"] = year_of(record["year"])
        return record

    contexts = _bulk(
        SchoolContext, (SchoolContext(**attach(r)) for r in _records(region_data.context, CONTEXT))
    )
    results = _bulk(SchoolResult, (SchoolResult(**attach(r)) for r in _records(region_data.results, RESULTS)))
    outcomes = _bulk(
        YearOutcome, (YearOutcome(**attach(r)) for r in _records(region_data.outcomes, OUTCOMES))
    )
    teachers = _bulk(
        Teacher,
        (
            Teacher(school=schools[record.pop("code")], code=record.pop("teacher_code"), **record)
            for record in _records(region_data.teachers, TEACHERS)
        ),
    )
    students = _load_student_results(region, region_data)
    users = _create_demo_users(region)
    demo_students_load(region)
    team = User.objects.filter(region=region, role=Role.SCHOOL_TEAM).select_related("school").first()
    demo_events_load(region, team.school if team else None)
    practice_schools = list(School.objects.filter(municipality__region=region).order_by("code")[:4])
    if team is not None:
        practice_schools = [team.school, *(school for school in practice_schools if school != team.school)]
    load_demo_practices(region=region, schools=practice_schools, users=list(User.objects.filter(region=region)))
    if team is not None:
        _demo_council(region, team.school.municipality)
    return DemoLoadReport(
        region=region,
        schools=len(schools),
        contexts=contexts,
        results=results,
        outcomes=outcomes,
        teachers=teachers,
        student_results=students,
        users=users,
    )


def _load_student_results(region: Region, region_data: DemoRegion) -> int:
    """Participants' results go in as a file would: an import of form 4, kept in the history."""
    if region_data.student_results is None or region_data.student_results.is_empty():
        return 0
    content = b"\xef\xbb\xbf" + region_data.student_results.write_csv(separator=";").encode("utf-8")
    batch = import_upload(
        region=region,
        file_name="Демонстрационный регион — результаты участников.csv",
        content=content,
        form_key="student-results",
        by=None,
    )
    batch = import_check(batch=batch)
    if batch.status != ImportStatus.READY:
        raise DemoAlreadyLoaded(f"Результаты участников демонстрационного региона не прошли проверку: {batch.report}")
    return import_apply(batch=batch, by=None).added


def _create_demo_users(region: Region) -> list[tuple[str, str]]:
    """One user per role; the coordinator's municipality is the one with the most schools."""
    municipality = (
        Municipality.objects.filter(region=region)
        .annotate(count=Count("schools"))
        .order_by("-count", "name")
        .first()
    )
    schools = list(School.objects.filter(municipality=municipality).order_by("code"))
    # The curator works with small rural schools, the usual case of support.
    rural = [school for school in schools if school.locality == "село"] or schools
    curated = rural[:CURATED_SCHOOLS]
    credentials = []
    for spec in DEMO_USERS:
        user = User(
            username=spec.username,
            role=spec.role,
            last_name=spec.last_name,
            first_name=spec.first_name,
            patronymic=spec.patronymic,
            position=spec.position,
            region=region,
        )
        if spec.role in (Role.MUNICIPAL_COORDINATOR, Role.SCHOOL_TEAM):
            user.municipality = municipality
        if spec.role == Role.SCHOOL_TEAM:
            user.school = curated[0]
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
        if spec.role == Role.CURATOR:
            _assign_demo_curator(user, curated, others=[school for school in schools if school not in curated])
        credentials.append((spec.username, spec.role.label))
    if not User.objects.filter(username=DEMO_ADMIN).exists():
        User.objects.create_superuser(DEMO_ADMIN, password=DEMO_PASSWORD, last_name="Администратор")
        credentials.append((DEMO_ADMIN, "Администратор системы"))
    return credentials


def _assign_demo_curator(curator: User, curated: list[School], others: list[School]) -> None:
    """The curator's schools by an order of this school year; the school she worked at is recorded."""
    today = datetime.date.today()
    start = datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    CuratorAssignment.objects.bulk_create(
        CuratorAssignment(curator=curator, school=school, starts_on=start, order_number="112", order_date=start)
        for school in curated
    )
    if others:
        CuratorWorkplace.objects.create(
            curator=curator, school=others[0], position="учитель математики", since_year=2008, until_year=2019
        )
    curator.curated_schools.set(curated)
    if curated:
        visit = visit_plan(
            school=curated[0],
            curator=curator,
            visited_on=today - datetime.timedelta(days=21),
            purpose="Выездной мониторинг: исполнение дорожной карты и работа с педагогами",
            by=curator,
        )
        weak = visit.checks.filter(area=VisitArea.TEACHER_PLANS).first()
        visit_protocol_save(
            visit=visit,
            status=VisitStatus.HELD,
            participants="Директор, заместитель директора по УВР",
            findings="Антирисковые программы утверждены; индивидуальные маршруты есть не у всех педагогов "
            "с дефицитами.",
            follow_up_on=today + datetime.timedelta(days=60),
            checks={weak.pk: (CheckState.PARTLY, "ИОМ разработаны у 2 из 5 педагогов с дефицитами")},
            recommendations=[
                {
                    "text": "Разработать ИОМ для всех педагогов с выявленными дефицитами",
                    "deadline": "в течение года",
                    "owners": "Заместитель директора по УВР",
                }
            ],
            by=curator,
        )


def _demo_council(region: Region, municipality: Municipality) -> None:
    """A meeting of the council of heads two months ago with its decisions: one done, one under way, one late."""
    today = datetime.date.today()
    meeting = meeting_save(
        meeting=None,
        region=region,
        municipality=municipality,
        data={
            "held_on": today - datetime.timedelta(days=60),
            "protocol_number": "3",
            "agenda": "О результатах выявления ШНОР и ШНСУ; о закреплении кураторов и школ-партнёров.",
        },
        by=None,
    )
    done = decision_add(
        meeting=meeting,
        text="Закрепить кураторов за ШНОР на учебный год приказом управления образования.",
        owner="Муниципальная методическая служба",
        deadline=today - datetime.timedelta(days=40),
        by=None,
    )
    decision_update(decision=done, status="done", report="Приказ № 112 издан, кураторы закреплены.", by=None)
    decision_add(
        meeting=meeting,
        text="Заключить соглашения ШНОР со школами-партнёрами.",
        owner="Руководители ШНОР и школ-партнёров",
        deadline=today + datetime.timedelta(days=30),
        by=None,
    )
    decision_add(
        meeting=meeting,
        text="Провести диагностику профессиональных дефицитов педагогов ШНОР.",
        owner="Руководители ШНОР",
        deadline=today - datetime.timedelta(days=7),
        by=None,
    )


def demo_users_present() -> list[tuple[str, str]]:
    """The demo users that exist, with their roles, for printing at start-up."""
    usernames = [spec.username for spec in DEMO_USERS] + [DEMO_ADMIN]
    users = {user.username: user for user in User.objects.filter(username__in=usernames, is_active=True)}
    return [
        (name, "Администратор системы" if users[name].is_superuser else users[name].get_role_display())
        for name in usernames
        if name in users
    ]
