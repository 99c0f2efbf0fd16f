"""Every write of the support network, and what a curator's page needs to know.

Curators are assigned to schools for a period by an order; the assignments in force are
mirrored into ``User.curated_schools`` (the curator's scope). A curator may not curate a school
where they work or have worked: such workplaces are recorded, and an assignment to one of them
is refused. A monitoring visit has a structured protocol (a checklist by area and risk factor,
findings, recommendations, the date of the follow-up); a recommendation becomes an activity of
the school's roadmap, and the checklist's findings are expert evidence on the school's risk
profile. An engagement concern is raised, escalated to the coordinator, commented and resolved,
and each step is kept. Partnerships of schools are confirmed by the coordinator with their
agreement and joint activities; teachers' diagnostics, plans, courses and mentoring are kept here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from opora.accounts.models import Role, User
from opora.programs.computed import current_school_year
from opora.programs.deadlines import parse_deadline, school_year_period
from opora.programs.models import UNFINISHED, Activity, Program, ProgramKind, ProgramStatus
from opora.programs.services import activity_save
from opora.risks.models import PriorityFactor, RiskProfile, SurveyLink
from opora.schools.models import School
from opora.support.models import (
    CheckState,
    ConcernStatus,
    ConcernStep,
    ConcernStepKind,
    CuratorAssignment,
    CuratorWorkplace,
    EngagementConcern,
    MentoringPair,
    MonitoringVisit,
    Partnership,
    PartnershipActivity,
    PartnershipStatus,
    Teacher,
    VisitArea,
    VisitCheck,
    VisitRecommendation,
    VisitStatus,
)

# The checklist a new protocol starts with: what is checked in each area (seed 002 item 14, seed 004 1.5).
CHECKLIST: dict[str, tuple[str, ...]] = {
    VisitArea.MANAGEMENT: (
        "Назначен ответственный за реализацию антирисковых программ, определены сроки и исполнители",
        "Управленческие решения по итогам анализа результатов приняты и исполняются",
    ),
    VisitArea.QUALITY_CONTROL: (
        "Результаты оценочных процедур проанализированы по предметам и классам",
        "Внутришкольный контроль включает посещение уроков педагогов с дефицитами",
    ),
    VisitArea.LOCAL_ACTS: ("Локальные акты о ВСОКО и об объективности оценивания приняты и соответствуют практике",),
    VisitArea.PROGRAMS: (
        "Программа развития и антирисковые программы утверждены и соответствуют рисковому профилю",
        "Мероприятия дорожной карты выполняются в срок, есть подтверждения",
    ),
    VisitArea.INFRASTRUCTURE: ("Материально-техническое обеспечение позволяет реализовать мероприятия программы",),
    VisitArea.TEACHER_PLANS: (
        "У педагогов с выявленными дефицитами есть индивидуальные образовательные маршруты",
        "Пункты маршрутов выполняются, педагоги прошли курсы повышения квалификации",
    ),
}


def today() -> datetime.date:
    return timezone.localdate()


# ── curators ──────────────────────────────────────────────────────────────────────────────────────


def conflicts_of(curator: User, schools) -> dict[int, CuratorWorkplace]:
    """The schools (by pk) among ``schools`` where the curator works or has worked."""
    return {
        place.school_id: place
        for place in CuratorWorkplace.objects.filter(curator=curator, school__in=schools).select_related("school")
    }


def _conflict_message(place: CuratorWorkplace) -> str:
    when = "работает" if place.until_year is None else f"работал(а) до {place.until_year} года"
    return (
        f"Конфликт интересов: куратор {place.curator} {when} в школе {place.school.display_name}"
        f"{' (' + place.position + ')' if place.position else ''}. Закрепите за школой другого куратора."
    )


def sync_curated_schools(curator: User, day: datetime.date | None = None) -> None:
    """Mirror the curator's assignments in force into ``curated_schools`` (the curator's scope)."""
    day = day or today()
    in_force = [
        assignment.school_id
        for assignment in CuratorAssignment.objects.filter(curator=curator)
        if assignment.in_force(day)
    ]
    curator.curated_schools.set(in_force)


@transaction.atomic
def curator_assign(
    *,
    curator: User,
    schools: list[School],
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    order_number: str = "",
    order_date: datetime.date | None = None,
    by: User | None,
) -> list[CuratorAssignment]:
    """Assign a curator to schools from a date; refused for a school where the curator works or worked."""
    if curator.role != Role.CURATOR or not curator.is_active:
        raise ValidationError({"curator": ["Закрепить можно только действующего пользователя с ролью «Куратор»."]})
    if not schools:
        raise ValidationError({"schools": ["Выберите хотя бы одну школу."]})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": ["Закрепление заканчивается раньше, чем начинается."]})
    foreign = [school for school in schools if curator.region_id and school.municipality.region_id != curator.region_id]
    if foreign:
        raise ValidationError({"schools": [f"Школа {foreign[0].display_name} не входит в регион куратора."]})
    conflicts = conflicts_of(curator, schools)
    if conflicts:
        raise ValidationError({"schools": [_conflict_message(place) for place in conflicts.values()]})
    overlapping = CuratorAssignment.objects.filter(curator=curator, school__in=schools).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    )
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    taken = list(overlapping.select_related("school"))
    if taken:
        raise ValidationError(
            {"schools": [f"Куратор уже закреплён за школой {item.school.display_name} на это время." for item in taken]}
        )
    created = [
        CuratorAssignment.objects.create(
            curator=curator,
            school=school,
            starts_on=starts_on,
            ends_on=ends_on,
            order_number=order_number.strip(),
            order_date=order_date,
            created_by=by,
        )
        for school in schools
    ]
    sync_curated_schools(curator)
    return created


@transaction.atomic
def assignment_end(*, assignment: CuratorAssignment, ends_on: datetime.date, by: User | None) -> CuratorAssignment:
    """End an assignment on a date (the record stays: who curated the school when)."""
    if ends_on < assignment.starts_on:
        raise ValidationError({"ends_on": ["Дата окончания раньше начала закрепления."]})
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    sync_curated_schools(assignment.curator)
    return assignment


@transaction.atomic
def workplace_record(
    *,
    curator: User,
    school: School,
    position: str = "",
    since_year: int | None = None,
    until_year: int | None = None,
    by: User | None,
) -> tuple[CuratorWorkplace, list[CuratorAssignment]]:
    """Record where a curator works or worked; returns it with the assignments it puts in conflict."""
    if since_year and until_year and until_year < since_year:
        raise ValidationError({"until_year": ["Год окончания работы раньше года начала."]})
    place, _ = CuratorWorkplace.objects.update_or_create(
        curator=curator,
        school=school,
        defaults={"position": position.strip(), "since_year": since_year, "until_year": until_year, "created_by": by},
    )
    clashing = [
        assignment
        for assignment in CuratorAssignment.objects.filter(curator=curator, school=school)
        if assignment.ends_on is None or assignment.ends_on >= today()
    ]
    return place, clashing


def assignment_conflicts(assignments) -> dict[int, CuratorWorkplace]:
    """Assignments (by pk) that clash with a recorded workplace of their curator."""
    assignments = list(assignments)
    places = {
        (place.curator_id, place.school_id): place
        for place in CuratorWorkplace.objects.filter(
            curator__in={item.curator_id for item in assignments}, school__in={item.school_id for item in assignments}
        )
    }
    return {
        item.pk: places[(item.curator_id, item.school_id)]
        for item in assignments
        if (item.curator_id, item.school_id) in places
    }


# ── what needs a curator's attention ──────────────────────────────────────────────────────────────


@dataclass
class Attention:
    """What needs attention at one school of a curator."""

    school: School
    overdue: list[Activity] = field(default_factory=list)
    missed_reviews: list[Program] = field(default_factory=list)
    profile_without_priorities: RiskProfile | None = None
    questionnaires_unfilled: list[SurveyLink] = field(default_factory=list)
    no_program: bool = False
    open_concerns: int = 0
    follow_ups_due: list[MonitoringVisit] = field(default_factory=list)
    last_visit: MonitoringVisit | None = None

    @property
    def count(self) -> int:
        return (
            len(self.overdue)
            + len(self.missed_reviews)
            + (1 if self.profile_without_priorities else 0)
            + len(self.questionnaires_unfilled)
            + (1 if self.no_program else 0)
            + len(self.follow_ups_due)
        )


def attention_for(schools, day: datetime.date | None = None) -> list[Attention]:
    """For each school: overdue activities, missed reviews, a profile without priorities, unfilled
    questionnaires, no program, open concerns, visits whose follow-up date has passed.

    A fixed number of queries whatever the number of schools.
    """
    day = day or today()
    schools = list(schools)
    by_school = {school.pk: Attention(school=school) for school in schools}
    ids = list(by_school)
    overdue = (
        Activity.objects.filter(program__school__in=ids, ends_on__lt=day, status__in=UNFINISHED)
        # A draft never approved is not being carried out yet: its dates are a plan.
        .exclude(program__status=ProgramStatus.DRAFT, program__order_number="")
        .select_related("program")
        .order_by("ends_on", "pk")
    )
    for activity in overdue:
        by_school[activity.program.school_id].overdue.append(activity)
    programs = Program.objects.filter(school__in=ids).only(
        "pk", "school_id", "title", "status", "next_review_on", "kind"
    )
    has_program: set[int] = set()
    for program in programs:
        has_program.add(program.school_id)
        if program.next_review_on is not None and program.next_review_on < day:
            by_school[program.school_id].missed_reviews.append(program)
    last_runs = {
        row["school_id"]: row["last"]
        for row in RiskProfile.objects.filter(school__in=ids).values("school_id").annotate(last=Max("run_id"))
    }
    if last_runs:
        chosen = set(PriorityFactor.objects.filter(school__in=list(last_runs)).values_list("school_id", "year_id"))
        profiles = RiskProfile.objects.filter(school__in=list(last_runs), run_id__in=set(last_runs.values()))
        for profile in profiles.select_related("run"):
            # Priorities are chosen for the year of the profile's data.
            if (
                last_runs[profile.school_id] == profile.run_id
                and (profile.school_id, profile.run.year_id) not in chosen
            ):
                by_school[profile.school_id].profile_without_priorities = profile
    links = (
        SurveyLink.objects.filter(school__in=ids, revoked_at__isnull=True, opens_on__lte=day)
        .annotate(answers=Count("responses"))
        .filter(answers=0)
        .select_related("questionnaire")
    )
    for link in links:
        by_school[link.school_id].questionnaires_unfilled.append(link)
    for school_id in ids:
        by_school[school_id].no_program = school_id not in has_program
    for row in (
        EngagementConcern.objects.filter(school__in=ids)
        .exclude(status=ConcernStatus.RESOLVED)
        .values("school_id")
        .annotate(n=Count("pk"))
    ):
        by_school[row["school_id"]].open_concerns = row["n"]
    held = MonitoringVisit.objects.filter(school__in=ids, status=VisitStatus.HELD).order_by(
        "school_id", "-visited_on", "-pk"
    )
    for visit in held:
        entry = by_school[visit.school_id]
        if entry.last_visit is None:
            entry.last_visit = visit
            # The follow-up is due when its date has passed and no visit was held since.
            if visit.follow_up_on is not None and visit.follow_up_on < day:
                entry.follow_ups_due.append(visit)
    return sorted(by_school.values(), key=lambda item: (-item.count, item.school.code))


# ── monitoring visits ─────────────────────────────────────────────────────────────────────────────


def _visit_dates(visited_on: datetime.date, follow_up_on: datetime.date | None) -> None:
    if follow_up_on is not None and follow_up_on <= visited_on:
        raise ValidationError({"follow_up_on": ["Повторный контроль назначают позже выезда."]})


@transaction.atomic
def visit_plan(
    *,
    school: School,
    curator: User,
    visited_on: datetime.date,
    purpose: str = "",
    factor_keys: list[str] | None = None,
    by: User | None,
) -> MonitoringVisit:
    """A visit with its checklist: the standard questions by area, and one per given risk factor."""
    visit = MonitoringVisit.objects.create(
        school=school, curator=curator, visited_on=visited_on, purpose=purpose.strip(), created_by=by
    )
    position = 0
    checks = []
    for area, questions in CHECKLIST.items():
        for question in questions:
            position += 1
            checks.append(VisitCheck(visit=visit, position=position, area=area, question=question))
    for key in factor_keys or []:
        position += 1
        checks.append(
            VisitCheck(
                visit=visit,
                position=position,
                area=VisitArea.PROGRAMS,
                factor_key=key,
                question="Меры по фактору риска реализуются, есть признаки снижения риска",
            )
        )
    VisitCheck.objects.bulk_create(checks)
    return visit


@transaction.atomic
def visit_protocol_save(
    *,
    visit: MonitoringVisit,
    status: str,
    participants: str,
    findings: str,
    follow_up_on: datetime.date | None,
    checks: dict[int, tuple[str, str]],
    recommendations: list[dict],
    by: User | None,
) -> MonitoringVisit:
    """Save a visit's protocol: the checklist's marks and notes (by check pk), findings, recommendations."""
    if status not in VisitStatus.values:
        raise ValidationError({"status": ["Укажите, состоялся ли выезд."]})
    _visit_dates(visit.visited_on, follow_up_on)
    known = {check.pk: check for check in visit.checks.all()}
    errors = []
    for pk, (state, note) in checks.items():
        if pk not in known:
            raise ValidationError("Пункт протокола не найден: обновите страницу.")
        if state not in CheckState.values:
            errors.append(f"Пункт «{known[pk].question}»: выберите оценку.")
        if state in (CheckState.NOT_MET, CheckState.PARTLY) and not note.strip():
            errors.append(f"Пункт «{known[pk].question}»: опишите, что не соответствует.")
    if status == VisitStatus.HELD and not findings.strip():
        errors.append("Запишите выводы по итогам выезда.")
    if errors:
        raise ValidationError(errors)
    for pk, (state, note) in checks.items():
        check = known[pk]
        check.state, check.note = state, note.strip()
        check.save(update_fields=["state", "note"])
    visit.status, visit.participants, visit.findings, visit.follow_up_on = (
        status,
        participants.strip(),
        findings.strip(),
        follow_up_on,
    )
    visit.save()
    kept = [item for item in recommendations if (item.get("text") or "").strip()]
    existing = list(visit.recommendations.all())
    for index, item in enumerate(kept):
        target = existing[index] if index < len(existing) else VisitRecommendation(visit=visit)
        target.position = index + 1
        target.text = item["text"].strip()
        target.factor_key = item.get("factor_key", "") or ""
        target.deadline = (item.get("deadline") or "").strip()
        target.owners = (item.get("owners") or "").strip()
        target.save()
    for stale in existing[len(kept) :]:
        if stale.activities.exists():
            raise ValidationError(
                f"Рекомендация «{stale.text[:60]}» уже стала мероприятием дорожной карты: её нельзя удалить."
            )
        stale.delete()
    return visit


def roadmaps_of(school: School):
    """The school's programs a recommendation may go to: roadmaps first, then antirisk programs."""
    order = {ProgramKind.ROADMAP: 0, ProgramKind.ANTIRISK: 1}
    programs = list(Program.objects.filter(school=school).exclude(status=ProgramStatus.REVIEW))
    return sorted(programs, key=lambda program: (order.get(program.kind, 2), -program.pk))


@transaction.atomic
def recommendation_to_activity(*, recommendation: VisitRecommendation, program: Program, by: User) -> Activity:
    """The recommendation becomes an activity of the school's roadmap (linked both ways)."""
    visit = recommendation.visit
    if program.school_id != visit.school_id:
        raise ValidationError({"program": ["Мероприятие добавляют в программу той же школы."]})
    if recommendation.activities.exists():
        raise ValidationError("Эта рекомендация уже есть в дорожной карте.")
    if program.starts_on and program.ends_on:
        period = (program.starts_on, program.ends_on)
    else:
        end_year = program.year.end_year if program.year else current_school_year(visit.visited_on)
        period = school_year_period(end_year)
    starts_on, ends_on = parse_deadline(recommendation.deadline, *period) if recommendation.deadline else (None, None)
    activity = activity_save(
        program=program,
        activity=None,
        data={
            "content": recommendation.text,
            "deadline": recommendation.deadline,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "owners": recommendation.owners,
            "factor_key": recommendation.factor_key,
            "expected_result": f"Рекомендация выездного мониторинга {visit.visited_on:%d.%m.%Y} выполнена",
        },
        by=by,
    )
    activity.recommendation = recommendation
    activity.save(update_fields=["recommendation"])
    return activity


# ── engagement concerns ───────────────────────────────────────────────────────────────────────────


@transaction.atomic
def concern_raise(*, school: School, reason: str, description: str, by: User) -> EngagementConcern:
    """A curator records that a school does not take part."""
    if not description.strip():
        raise ValidationError({"description": ["Опишите, в чём неучастие школы."]})
    concern = EngagementConcern.objects.create(
        school=school, reason=reason, description=description.strip(), raised_by=by
    )
    ConcernStep.objects.create(concern=concern, kind=ConcernStepKind.RAISED, note=description.strip(), by=by)
    return concern


_STEPS = {
    ConcernStepKind.ESCALATED: ({ConcernStatus.OPEN}, ConcernStatus.ESCALATED),
    ConcernStepKind.RESOLVED: ({ConcernStatus.OPEN, ConcernStatus.ESCALATED}, ConcernStatus.RESOLVED),
    ConcernStepKind.NOTE: ({ConcernStatus.OPEN, ConcernStatus.ESCALATED, ConcernStatus.RESOLVED}, None),
}


@transaction.atomic
def concern_step(*, concern: EngagementConcern, kind: str, note: str, by: User) -> ConcernStep:
    """Escalate, comment on or resolve a concern; every step is kept with who and when."""
    if kind not in _STEPS:
        raise ValidationError("Неизвестный шаг.")
    allowed, to = _STEPS[ConcernStepKind(kind)]
    if concern.status not in allowed:
        raise ValidationError(f"Замечание в состоянии «{concern.get_status_display()}»: этот шаг невозможен.")
    if kind in (ConcernStepKind.RESOLVED, ConcernStepKind.NOTE) and not note.strip():
        raise ValidationError({"note": ["Напишите комментарий: что сделано или решено."]})
    step = ConcernStep.objects.create(concern=concern, kind=kind, note=note.strip(), by=by)
    if to is not None:
        concern.status = to
        concern.save(update_fields=["status"])
    return step


# ── partnerships ──────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def partnership_confirm(
    *, school: School, partner: School, year: int, reasons: str, subjects: str = "", by: User | None
) -> Partnership:
    """The coordinator confirms a pair «ШНОР — школа-партнёр» for a school year."""
    if school.pk == partner.pk:
        raise ValidationError("Школа не может быть партнёром самой себе.")
    if school.municipality.region_id != partner.municipality.region_id:
        raise ValidationError("Школа-партнёр должна быть того же региона.")
    pair, created = Partnership.objects.get_or_create(
        school=school,
        partner=partner,
        year=year,
        defaults={"reasons": reasons, "subjects": subjects, "confirmed_by": by},
    )
    if not created and pair.status != PartnershipStatus.CONFIRMED:
        pair.status = PartnershipStatus.CONFIRMED
        pair.save(update_fields=["status"])
    return pair


@transaction.atomic
def partnership_save(*, partnership: Partnership, data: dict, by: User | None) -> Partnership:
    """The agreement of a partnership: number, date, subjects, planned joint activities, state."""
    if data.get("agreement_number") and not data.get("agreement_date"):
        raise ValidationError({"agreement_date": ["Укажите дату соглашения."]})
    for name in ("agreement_number", "agreement_date", "subjects", "planned_activities", "status"):
        if name in data:
            value = data[name]
            setattr(partnership, name, value.strip() if isinstance(value, str) else value)
    if partnership.status not in PartnershipStatus.values:
        raise ValidationError({"status": ["Неизвестное состояние партнёрства."]})
    partnership.save()
    return partnership


@transaction.atomic
def partnership_activity_add(
    *, partnership: Partnership, held_on: datetime.date, title: str, participants: str, result: str, by: User | None
) -> PartnershipActivity:
    if not title.strip():
        raise ValidationError({"title": ["Назовите мероприятие."]})
    return PartnershipActivity.objects.create(
        partnership=partnership,
        held_on=held_on,
        title=title.strip(),
        participants=participants.strip(),
        result=result.strip(),
        created_by=by,
    )


# ── teachers ──────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def teacher_save(*, school: School, teacher: Teacher | None, data: dict, by: User | None) -> Teacher:
    """Add a teacher to a school's roster by hand, or change one."""
    code = (data.get("code") or "").strip()
    if not code:
        raise ValidationError({"code": ["Укажите код педагога (табельный номер или иной код школы)."]})
    clash = Teacher.objects.filter(school=school, code=code)
    if teacher is not None:
        clash = clash.exclude(pk=teacher.pk)
    if clash.exists():
        raise ValidationError({"code": [f"В школе уже есть педагог с кодом {code}."]})
    teacher = teacher or Teacher(school=school)
    for name in ("code", "full_name", "subjects", "experience_years", "category", "age"):
        if name in data:
            value = data[name]
            setattr(teacher, name, value.strip() if isinstance(value, str) else value)
    teacher.save()
    return teacher


def _subject_words(text: str) -> set[str]:
    return {part.strip().lower() for part in text.replace(";", ",").split(",") if part.strip()}


@dataclass(frozen=True)
class MentorSuggestion:
    mentee: Teacher
    mentor: Teacher
    subject: str
    reasons: tuple[str, ...]


def mentor_suggestions(school: School, year: int, limit: int = 3) -> list[MentorSuggestion]:
    """For each teacher of the school with a deficit: strong teachers of the same subject, from the
    school's partner schools first, then from its own school.

    «Strong» means no recorded deficit, and a higher category and longer experience first.
    """
    mentees = [
        teacher
        for teacher in Teacher.objects.filter(school=school).prefetch_related("diagnostics")
        if teacher.deficits.strip() or any(item.deficits.strip() for item in teacher.diagnostics.all())
    ]
    partners = list(
        Partnership.objects.filter(school=school, year=year, status=PartnershipStatus.CONFIRMED).values_list(
            "partner_id", flat=True
        )
    )
    pool = list(
        Teacher.objects.filter(Q(school__in=partners) | Q(school=school))
        .filter(deficits="")
        .exclude(diagnostics__deficits__gt="")
        .select_related("school")
    )
    taken = set(MentoringPair.objects.filter(mentee__in=mentees).values_list("mentee_id", "subject"))

    def rank(teacher: Teacher) -> tuple:
        category = teacher.category.lower()
        level = 0 if "высш" in category else 1 if "перв" in category else 2
        return (0 if teacher.school_id != school.pk else 1, level, -(teacher.experience_years or 0), teacher.code)

    suggestions = []
    for mentee in mentees:
        for subject in sorted(_subject_words(mentee.subjects)):
            if (mentee.pk, subject) in taken:
                continue
            mentors = sorted(
                (
                    teacher
                    for teacher in pool
                    if teacher.pk != mentee.pk and subject in _subject_words(teacher.subjects)
                ),
                key=rank,
            )[:limit]
            for mentor in mentors:
                reasons = [f"тот же предмет: {subject}"]
                reasons.append("школа-партнёр" if mentor.school_id != school.pk else "своя школа")
                if mentor.category:
                    reasons.append(f"категория: {mentor.category}")
                if mentor.experience_years is not None:
                    reasons.append(f"стаж {mentor.experience_years} лет")
                reasons.append("дефицитов не выявлено")
                suggestions.append(MentorSuggestion(mentee, mentor, subject, tuple(reasons)))
    return suggestions


@transaction.atomic
def mentoring_pair_create(
    *, mentor: Teacher, mentee: Teacher, subject: str, starts_on: datetime.date, reasons: str = "", by: User | None
) -> MentoringPair:
    if mentor.pk == mentee.pk:
        raise ValidationError("Наставник и наставляемый — разные педагоги.")
    if MentoringPair.objects.filter(mentor=mentor, mentee=mentee, subject=subject).exists():
        raise ValidationError("Такая наставническая пара уже есть.")
    return MentoringPair.objects.create(
        mentor=mentor, mentee=mentee, subject=subject, starts_on=starts_on, reasons=reasons, created_by=by
    )


@dataclass(frozen=True)
class TeacherShares:
    """Seed 003 2.2: of a group of teachers, how many were diagnosed, have a plan, were trained."""

    teachers: int
    diagnosed: int
    with_plan: int
    trained: int

    def share(self, part: int) -> float | None:
        """The share of the group; None («нет данных») for a school with no teachers listed."""
        return part / self.teachers if self.teachers else None

    @property
    def diagnosed_share(self) -> float | None:
        return self.share(self.diagnosed)

    @property
    def plan_share(self) -> float | None:
        return self.share(self.with_plan)

    @property
    def trained_share(self) -> float | None:
        return self.share(self.trained)


def teacher_shares_by_school(teachers, *, since: datetime.date) -> dict[int, TeacherShares]:
    """Counts over ``teachers`` (a queryset) per school, in one query: diagnosed (a diagnostics record
    or a diagnostics date of form 8) since the date, with a development plan in force since it,
    trained (a course finished or form 8's training year) since it."""
    teachers = teachers.annotate(
        n_diag=Count("diagnostics", filter=Q(diagnostics__held_on__gte=since), distinct=True),
        n_plan=Count("plans", filter=Q(plans__ends_on__gte=since), distinct=True),
        n_course=Count("courses", filter=Q(courses__finished_on__gte=since), distinct=True),
    ).values("school_id", "n_diag", "n_plan", "n_course", "diagnostics_date", "last_training_year")
    counts: dict[int, list[int]] = {}
    for row in teachers:
        tally = counts.setdefault(row["school_id"], [0, 0, 0, 0])
        tally[0] += 1
        tally[1] += bool(row["n_diag"] or (row["diagnostics_date"] and row["diagnostics_date"] >= since))
        tally[2] += bool(row["n_plan"])
        tally[3] += bool(row["n_course"] or (row["last_training_year"] and row["last_training_year"] >= since.year))
    return {school: TeacherShares(*tally) for school, tally in counts.items()}


def teacher_shares(teachers, *, since: datetime.date) -> TeacherShares:
    """The counts of :func:`teacher_shares_by_school` over all the teachers together."""
    tallies = list(teacher_shares_by_school(teachers, since=since).values())
    return TeacherShares(
        sum(t.teachers for t in tallies),
        sum(t.diagnosed for t in tallies),
        sum(t.with_plan for t in tallies),
        sum(t.trained for t in tallies),
    )
