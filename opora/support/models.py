"""The people of the support network; so far the teachers of the schools (form 8)."""

from __future__ import annotations

from django.db import models

from opora.accounts.scopes import SCHOOL_ROWS, scoped_queryset
from opora.core.records import ImportedRecord
from opora.schools.models import School


class Teacher(ImportedRecord):
    """A teacher of a school, with the deficits found by diagnostics and the last training year."""

    school = models.ForeignKey(School, models.CASCADE, related_name="teachers", verbose_name="школа")
    code = models.CharField("код педагога", max_length=64)
    full_name = models.CharField("ФИО", max_length=300, blank=True)
    subjects = models.CharField("предметы", max_length=500, blank=True)
    experience_years = models.PositiveSmallIntegerField("стаж, лет", null=True, blank=True)
    category = models.CharField("квалификационная категория", max_length=100, blank=True)
    age = models.PositiveSmallIntegerField("возраст", null=True, blank=True)
    deficits = models.TextField("дефициты", blank=True)
    diagnostics_date = models.DateField("дата диагностики", null=True, blank=True)
    last_training_year = models.PositiveSmallIntegerField(
        "повышение квалификации (год)", null=True, blank=True
    )

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "педагог"
        verbose_name_plural = "педагоги"
        ordering = ["school", "code"]
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="teacher_unique_code")]

    def __str__(self) -> str:
        return f"{self.school.code} {self.code}"
