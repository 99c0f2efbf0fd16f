"""The bank of students with difficulties that a school keeps, under pseudonymous codes.

A student is known outside the school only as a number in a count: the codes, the names (kept
only when the school chooses to keep them) and every record of a student are seen by the school's
team alone. Each view of a student's record is logged; a deletion on request removes the rows and
leaves only a :class:`DeletionRecord` (who, when, how many), never a code or a name.

No ``simple_history`` here on purpose: a history table would keep the personal data a deletion
must remove.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from opora.accounts.scopes import SCHOOL_ROWS, ScopePaths, scoped_queryset
from opora.schools.models import School

STUDENT_ROWS = ScopePaths(
    region="student__school__municipality__region",
    municipality="student__school__municipality",
    school="student__school",
)
ROUTE_ROWS = ScopePaths(
    region="route__student__school__municipality__region",
    municipality="route__student__school__municipality",
    school="route__student__school",
)

CODE_PATTERN = r"^[0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё\-_/.]{0,19}$"


class StudentBank(models.Model):
    """A school's choice about its bank: whether the team keeps students' names beside the codes."""

    school = models.OneToOneField(School, models.CASCADE, related_name="student_bank", verbose_name="школа")
    keeps_names = models.BooleanField(
        "хранить фамилии и имена",
        default=False,
        help_text="Фамилии видит только команда школы; в числах за пределами школы их нет никогда.",
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "настройка банка обучающихся"
        verbose_name_plural = "настройки банков обучающихся"

    def __str__(self) -> str:
        return f"Банк обучающихся {self.school.code}"


class Student(models.Model):
    """A student who struggles, under a code unique in the school (e.g. «У-0001»)."""

    school = models.ForeignKey(School, models.PROTECT, related_name="students_with_difficulties", verbose_name="школа")
    code = models.CharField(
        "код",
        max_length=20,
        validators=[RegexValidator(CODE_PATTERN, "Код — буквы, цифры и знаки «-», «_», «/», «.», до 20 знаков.")],
    )
    grade = models.PositiveSmallIntegerField(
        "класс (параллель)", validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    class_letter = models.CharField("литера класса", max_length=4, blank=True)
    full_name = models.CharField("фамилия и имя", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="внёс"
    )
    created_at = models.DateTimeField("внесён", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "обучающийся с трудностями"
        verbose_name_plural = "обучающиеся с трудностями"
        ordering = ["school", "code"]
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="student_code_unique_in_school")]

    def __str__(self) -> str:
        return self.code

    @property
    def class_label(self) -> str:
        return f"{self.grade}{self.class_letter}"


class DifficultyKind(models.TextChoices):
    SUBJECT = "subject", "трудности в обучении по предмету"
    READING = "reading", "чтение и понимание текста"
    BEHAVIOUR = "behaviour", "поведение"
    ATTENDANCE = "attendance", "пропуски занятий"
    LANGUAGE = "language", "язык обучения (билингвизм, мигранты)"
    HEALTH = "health", "здоровье, ОВЗ, инвалидность"
    FAMILY = "family", "трудная семейная ситуация"
    PSYCHOLOGICAL = "psychological", "психологические трудности"
    MOTIVATION = "motivation", "низкая учебная мотивация"
    OTHER = "other", "другое"


class Difficulty(models.Model):
    student = models.ForeignKey(Student, models.CASCADE, related_name="difficulties", verbose_name="обучающийся")
    kind = models.CharField("вид трудности", max_length=16, choices=DifficultyKind.choices)
    subject = models.CharField("предмет", max_length=100, blank=True)
    note = models.TextField("в чём проявляется", blank=True)
    noted_on = models.DateField("выявлена")

    objects = scoped_queryset(STUDENT_ROWS).as_manager()

    class Meta:
        verbose_name = "трудность обучающегося"
        verbose_name_plural = "трудности обучающихся"
        ordering = ["student", "noted_on", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}" if self.subject else self.get_kind_display()


class IndividualRoute(models.Model):
    """An individual educational route (ИОМ): subjects, measures, the responsible teacher and the period."""

    student = models.ForeignKey(Student, models.CASCADE, related_name="routes", verbose_name="обучающийся")
    subjects = models.CharField("предметы", max_length=300, blank=True)
    measures = models.TextField("меры", help_text="По одной мере в строке.")
    # The teachers live in opora.support, a sibling layer: the responsible person is named as text.
    responsible = models.CharField("ответственный педагог", max_length=200)
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание")
    created_at = models.DateTimeField("создан", auto_now_add=True)

    objects = scoped_queryset(STUDENT_ROWS).as_manager()

    class Meta:
        verbose_name = "индивидуальный образовательный маршрут"
        verbose_name_plural = "индивидуальные образовательные маршруты"
        ordering = ["student", "-starts_on", "pk"]

    def __str__(self) -> str:
        return f"ИОМ {self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"

    @property
    def measure_lines(self) -> list[str]:
        return [line.strip() for line in self.measures.splitlines() if line.strip()]


class RouteReview(models.Model):
    """A review of a route: planned (no note yet) or held (with what was found)."""

    route = models.ForeignKey(IndividualRoute, models.CASCADE, related_name="reviews", verbose_name="маршрут")
    review_on = models.DateField("дата пересмотра")
    note = models.TextField("итог пересмотра", blank=True, help_text="Пусто — пересмотр запланирован.")

    objects = scoped_queryset(ROUTE_ROWS).as_manager()

    class Meta:
        verbose_name = "пересмотр маршрута"
        verbose_name_plural = "пересмотры маршрутов"
        ordering = ["route", "review_on", "pk"]

    def __str__(self) -> str:
        return f"Пересмотр {self.review_on:%d.%m.%Y}"


class ConsiliumDecision(models.Model):
    """A decision of the school's psychological and pedagogical consilium (ППк)."""

    student = models.ForeignKey(Student, models.CASCADE, related_name="consilium_decisions", verbose_name="обучающийся")
    decided_on = models.DateField("дата заседания")
    decision = models.TextField("решение")
    specialists = models.CharField(
        "специалисты", max_length=300, help_text="Например: педагог-психолог, учитель-логопед, социальный педагог."
    )

    objects = scoped_queryset(STUDENT_ROWS).as_manager()

    class Meta:
        verbose_name = "решение ППк"
        verbose_name_plural = "решения ППк"
        ordering = ["student", "decided_on", "pk"]

    def __str__(self) -> str:
        return f"ППк {self.decided_on:%d.%m.%Y}"


class Term(models.TextChoices):
    FIRST = "1", "1-я четверть"
    SECOND = "2", "2-я четверть"
    THIRD = "3", "3-я четверть"
    FOURTH = "4", "4-я четверть"
    HALF_1 = "h1", "1-е полугодие"
    HALF_2 = "h2", "2-е полугодие"
    YEAR = "year", "учебный год"


TERM_ORDER = {"1": 1, "h1": 2, "2": 2, "3": 3, "h2": 4, "4": 4, "year": 5}


class Outcome(models.TextChoices):
    IMPROVED = "improved", "улучшение"
    UNCHANGED = "unchanged", "без изменений"
    WORSE = "worse", "ухудшение"
    LEFT = "left", "выбыл из школы"


class TermOutcome(models.Model):
    """What changed for a student by the end of a term (четверть, полугодие or the year)."""

    student = models.ForeignKey(Student, models.CASCADE, related_name="outcomes", verbose_name="обучающийся")
    end_year = models.PositiveSmallIntegerField(
        "учебный год", validators=[MinValueValidator(2000), MaxValueValidator(2100)], help_text="Год окончания."
    )
    term = models.CharField("период", max_length=4, choices=Term.choices)
    outcome = models.CharField("итог", max_length=16, choices=Outcome.choices)
    note = models.TextField("пояснение", blank=True)

    objects = scoped_queryset(STUDENT_ROWS).as_manager()

    class Meta:
        verbose_name = "итог периода"
        verbose_name_plural = "итоги периодов"
        ordering = ["student", "end_year", "term"]
        constraints = [
            models.UniqueConstraint(fields=["student", "end_year", "term"], name="student_outcome_once_per_term")
        ]

    def __str__(self) -> str:
        return f"{self.end_year - 1}/{self.end_year}, {self.get_term_display()}: {self.get_outcome_display()}"

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.end_year, TERM_ORDER[self.term])


class ViewKind(models.TextChoices):
    LIST = "list", "список банка"
    CARD = "card", "карточка обучающегося"
    EXPORT = "export", "выгрузка банка в Excel"


class StudentRecordView(models.Model):
    """Who looked at a student's record, or exported the bank, and when (personal data, item 7 of the issue).

    Written by the pages that show records, on GET: ``written_on_read`` tells the access test that
    this table, and only this one, is expected to grow when a page is read.
    """

    written_on_read = True

    school = models.ForeignKey(School, models.CASCADE, related_name="+", verbose_name="школа")
    student = models.ForeignKey(
        Student, models.CASCADE, null=True, blank=True, related_name="views", verbose_name="обучающийся"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="пользователь")
    kind = models.CharField("что", max_length=8, choices=ViewKind.choices)
    students = models.PositiveIntegerField("записей", default=1)
    viewed_at = models.DateTimeField("когда", auto_now_add=True)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "просмотр записи об обучающемся"
        verbose_name_plural = "журнал просмотров записей об обучающихся"
        ordering = ["-viewed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.viewed_at:%d.%m.%Y %H:%M}"


class DeletionScope(models.TextChoices):
    ONE = "one", "запись одного обучающегося"
    ALL = "all", "все записи банка"


class DeletionRecord(models.Model):
    """That records were deleted on request: by whom, when, how many. Never a code or a name."""

    school = models.ForeignKey(School, models.CASCADE, related_name="+", verbose_name="школа")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="удалил")
    deleted_at = models.DateTimeField("когда", auto_now_add=True)
    scope = models.CharField("что удалено", max_length=4, choices=DeletionScope.choices)
    students = models.PositiveIntegerField("записей об обучающихся")

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "удаление записей по запросу"
        verbose_name_plural = "удаления записей по запросу"
        ordering = ["-deleted_at", "-pk"]

    def __str__(self) -> str:
        return f"Удалено {self.students} ({self.deleted_at:%d.%m.%Y})"
