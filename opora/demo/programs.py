"""Demo programs: a school's roadmap with every kind of content, for benches and tests of the program pages.

Sections, activities of every status (some overdue, some with a catalog measure), events and
comments on them, indicators with actuals, workflow steps, a progress review, an approved version
it differs from and a child antirisk program.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from opora.programs.models import (
    Activity,
    ActivityEvent,
    ActivityStatus,
    Comment,
    IndicatorActual,
    Program,
    ProgramIndicator,
    ProgramKind,
    ProgramReview,
    ProgramSection,
    ProgramStatus,
    ProgramVersion,
    ReviewProgress,
    StatusChange,
)
from opora.programs.services import program_content


def demo_roadmap(
    school, activities: int, *, team, curator, factor_key: str = "", measures: list | None = None
) -> Program:
    """A school's roadmap of ``activities`` activities with everything its page and the dashboard show."""
    measures = measures or []
    statuses = list(ActivityStatus.values)
    today = timezone.localdate()
    region = school.municipality.region
    program = Program.objects.create(
        region=region,
        municipality=school.municipality,
        school=school,
        kind=ProgramKind.ROADMAP,
        title=f"Дорожная карта {school.short_name} по повышению качества образования",
        tasks="Повысить качество обучения\nРазвить внеурочную деятельность\nРаботать с родителями",
        goal="Повышение образовательных результатов обучающихся",
        factor_key=factor_key,
        status=ProgramStatus.APPROVED,
        order_number="1-од",
        order_date=today,
        next_review_on=today + datetime.timedelta(days=(school.pk % 40) - 20),
        created_by=team,
    )
    sections = ProgramSection.objects.bulk_create(
        ProgramSection(program=program, number=f"{index}.", title=f"Направление {index}", position=index)
        for index in range(1, 1 + max(2, activities // 40))
    )
    items = Activity.objects.bulk_create(
        (
            Activity(
                program=program,
                section=sections[index % len(sections)] if index % 7 else None,
                number=str(index + 1),
                position=index,
                content=f"Мероприятие {index + 1}: методический семинар учителей по итогам ВПР и плану работы",
                deadline="в течение учебного года",
                starts_on=today - datetime.timedelta(days=60),
                ends_on=today + datetime.timedelta(days=(index % 90) - 45),
                owners=f"Заместитель директора по УВР {index % 4}",
                expected_result="Проведён семинар, принят план работы",
                measure=measures[index % len(measures)] if measures and index % 5 == 0 else None,
                status=statuses[index % len(statuses)],
            )
            for index in range(activities)
        ),
        batch_size=500,
    )
    ActivityEvent.objects.bulk_create(
        (
            ActivityEvent(
                activity=item,
                status_from=ActivityStatus.NOT_STARTED,
                status_to=item.status,
                report="Сделано по плану",
                created_by=team,
            )
            for item in items[::3]
        ),
        batch_size=500,
    )
    comments = Comment.objects.bulk_create(
        (Comment(activity=item, author=curator, text="Приложите протокол") for item in items[::4]), batch_size=500
    )
    Comment.objects.bulk_create(
        (Comment(activity=comment.activity, parent=comment, author=team, text="Приложили") for comment in comments),
        batch_size=500,
    )
    indicators = ProgramIndicator.objects.bulk_create(
        ProgramIndicator(
            program=program,
            number=str(index + 1),
            position=index,
            name=f"Доля обучающихся с отметками «4» и «5», показатель {index + 1}",
            unit="%",
            baseline="40",
            targets={"2025/2026": 45 + index, "2026/2027": 50 + index},
        )
        for index in range(max(2, activities // 20))
    )
    IndicatorActual.objects.bulk_create(
        IndicatorActual(
            indicator=indicator, period=period, value=44.0 + index, source="ВПР", measured_on=today, entered_by=team
        )
        for index, indicator in enumerate(indicators)
        for period in ("2025/2026", "2026/2027")[: 1 + index % 2]
    )
    StatusChange.objects.create(
        program=program, status_from=ProgramStatus.DRAFT, status_to=ProgramStatus.REVIEW, created_by=team
    )
    StatusChange.objects.create(
        program=program,
        status_from=ProgramStatus.REVIEW,
        status_to=ProgramStatus.APPROVED,
        checklist={"structure": "yes"},
        created_by=curator,
    )
    ProgramReview.objects.create(
        program=program,
        reviewed_on=today,
        overall=ReviewProgress.SOME,
        tasks={"Повысить качество обучения": "some"},
        created_by=curator,
    )
    content = program_content(program)
    content["activities"] = content["activities"][1:]  # the roadmap has changed since its approved version
    ProgramVersion.objects.create(program=program, number=1, content=content, order_number="1-од", created_by=team)
    Program.objects.create(
        region=region,
        municipality=school.municipality,
        school=school,
        kind=ProgramKind.ANTIRISK,
        title="Антирисковая программа",
        parent=program,
        created_by=team,
    )
    return program
