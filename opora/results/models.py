"""Assessment results aggregated per school (form 3) and the outcomes of a school year (form 5)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from opora.accounts.scopes import SCHOOL_ROWS, scoped_queryset
from opora.core.records import ImportedRecord
from opora.schools.models import School, SchoolYear


class Procedure(models.TextChoices):
    VPR = "ВПР", "ВПР"
    OGE = "ОГЭ", "ОГЭ"
    EGE = "ЕГЭ", "ЕГЭ"
    YEAR_MARKS = "Годовые отметки", "Годовые отметки"
    CONTROL = "Контрольный срез", "Контрольный срез"


MARKED_PROCEDURES = frozenset({Procedure.VPR, Procedure.OGE, Procedure.YEAR_MARKS, Procedure.CONTROL})


class SchoolResult(ImportedRecord):
    """Results of one procedure in one grade and subject of a school in a school year."""

    school = models.ForeignKey(School, models.CASCADE, related_name="results", verbose_name="школа")
    year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="results", verbose_name="учебный год")
    procedure = models.CharField("процедура", max_length=32, choices=Procedure.choices)
    grade = models.PositiveSmallIntegerField("класс")
    subject = models.CharField("предмет", max_length=200)
    participants = models.PositiveIntegerField("участников")
    marks_2 = models.PositiveIntegerField("«2»", null=True, blank=True)
    marks_3 = models.PositiveIntegerField("«3»", null=True, blank=True)
    marks_4 = models.PositiveIntegerField("«4»", null=True, blank=True)
    marks_5 = models.PositiveIntegerField("«5»", null=True, blank=True)
    mean_score = models.DecimalField("средний балл", max_digits=6, decimal_places=2, null=True, blank=True)
    below_threshold = models.PositiveIntegerField("не преодолели минимальный порог", null=True, blank=True)
    lowered = models.PositiveIntegerField("понизили", null=True, blank=True)
    confirmed = models.PositiveIntegerField("подтвердили", null=True, blank=True)
    raised = models.PositiveIntegerField("повысили", null=True, blank=True)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "результат ОО"
        verbose_name_plural = "результаты ОО"
        ordering = ["school", "year", "procedure", "grade", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "procedure", "grade", "subject"], name="result_unique_key"
            ),
            models.CheckConstraint(
                condition=models.Q(grade__gte=1, grade__lte=11), name="result_grade_range"
            ),
        ]
        indexes = [models.Index(fields=["year", "procedure", "subject"])]

    def __str__(self) -> str:
        return f"{self.school.code} {self.year} {self.procedure} {self.grade} кл. {self.subject}"

    @property
    def marks(self) -> tuple[int | None, int | None, int | None, int | None]:
        return (self.marks_2, self.marks_3, self.marks_4, self.marks_5)

    def clean(self) -> None:
        marks = self.marks
        if all(mark is not None for mark in marks) and sum(marks) != self.participants:
            raise ValidationError(
                f"Сумма отметок ({sum(marks)}) не равна числу участников ({self.participants})."
            )
        comparison = (self.lowered, self.confirmed, self.raised)
        if all(value is not None for value in comparison) and sum(comparison) != self.participants:
            raise ValidationError("«Понизили» + «Подтвердили» + «Повысили» не равно числу участников.")
        if self.below_threshold is not None and self.below_threshold > self.participants:
            raise ValidationError("Не преодолевших порог больше, чем участников.")


class Period(models.TextChoices):
    """The part of a school year outcomes are given for (the year by default)."""

    YEAR = "год", "учебный год"
    HALF_1 = "1 полугодие", "1 полугодие"
    HALF_2 = "2 полугодие", "2 полугодие"
    QUARTER_1 = "1 четверть", "1 четверть"
    QUARTER_2 = "2 четверть", "2 четверть"
    QUARTER_3 = "3 четверть", "3 четверть"
    QUARTER_4 = "4 четверть", "4 четверть"
    TRIMESTER_1 = "1 триместр", "1 триместр"
    TRIMESTER_2 = "2 триместр", "2 триместр"
    TRIMESTER_3 = "3 триместр", "3 триместр"


class YearOutcome(ImportedRecord):
    """Outcomes of a school year (or of a part of it) for a school: failing students, repeaters, certificates.

    Form 5. The list of schools where more than half the students fail is made in December from
    the first term, so outcomes are kept per period; identification uses the year's.
    """

    school = models.ForeignKey(School, models.CASCADE, related_name="outcomes", verbose_name="школа")
    year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="outcomes", verbose_name="учебный год")
    period = models.CharField("период", max_length=16, choices=Period.choices, default=Period.YEAR)
    students_end = models.PositiveIntegerField("обучающихся на конец года")
    failing = models.PositiveIntegerField("неуспевающих", null=True, blank=True)
    repeating = models.PositiveIntegerField("оставлены на повторное обучение", null=True, blank=True)
    graduates_9 = models.PositiveIntegerField("выпускников 9 классов", null=True, blank=True)
    no_certificate_9 = models.PositiveIntegerField("не получили аттестат (9)", null=True, blank=True)
    graduates_11 = models.PositiveIntegerField("выпускников 11 классов", null=True, blank=True)
    no_certificate_11 = models.PositiveIntegerField("не получили аттестат (11)", null=True, blank=True)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "итоги учебного года"
        verbose_name_plural = "итоги учебного года"
        ordering = ["school", "year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "period"], name="outcome_unique_school_year_period")
        ]

    def __str__(self) -> str:
        return f"{self.school.code} {self.year} ({self.get_period_display()})"

    @property
    def failing_share(self) -> float | None:
        if self.failing is None or not self.students_end:
            return None
        return self.failing / self.students_end


class StudentResult(ImportedRecord):
    """One participant's result (form 4); participants are known only by an anonymous code."""

    school = models.ForeignKey(School, models.CASCADE, related_name="student_results", verbose_name="школа")
    year = models.ForeignKey(
        SchoolYear, models.PROTECT, related_name="student_results", verbose_name="учебный год"
    )
    procedure = models.CharField("процедура", max_length=32, choices=Procedure.choices)
    grade = models.PositiveSmallIntegerField("класс")
    subject = models.CharField("предмет", max_length=200)
    participant_code = models.CharField("код участника", max_length=64)
    primary_score = models.DecimalField(
        "первичный балл", max_digits=6, decimal_places=2, null=True, blank=True
    )
    test_score = models.PositiveSmallIntegerField("тестовый балл", null=True, blank=True)
    mark = models.PositiveSmallIntegerField("отметка", null=True, blank=True)
    journal_mark = models.PositiveSmallIntegerField("отметка по журналу", null=True, blank=True)
    # A participant's result always comes from a file.
    import_batch = models.ForeignKey(
        "intake.ImportBatch", models.PROTECT, related_name="+", verbose_name="добавлен загрузкой"
    )

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "результат участника"
        verbose_name_plural = "результаты участников"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "procedure", "subject", "participant_code"],
                name="student_result_unique_key",
            )
        ]
        indexes = [models.Index(fields=["year", "procedure", "subject"])]

    def __str__(self) -> str:
        return f"{self.school.code} {self.year} {self.procedure} {self.subject} {self.participant_code}"
