"""Users, their roles and the territory or schools they work with."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    REGION_ADMIN = "region_admin", "Региональный администратор"
    MUNICIPAL_COORDINATOR = "municipal_coordinator", "Муниципальный координатор"
    CURATOR = "curator", "Куратор"
    SCHOOL_TEAM = "school_team", "Команда школы"
    OBSERVER = "observer", "Наблюдатель"


class User(AbstractUser):
    """A person who works in Опора.

    The scope is given by the role: a regional administrator works with a region, a municipal
    coordinator with a municipality, a curator with the schools assigned to them, a school team
    member with one school; an observer reads a region or, when one is set, a municipality.
    """

    role = models.CharField("роль", max_length=32, choices=Role.choices, default=Role.OBSERVER)
    patronymic = models.CharField("отчество", max_length=150, blank=True)
    position = models.CharField("должность", max_length=300, blank=True)
    region = models.ForeignKey(
        "schools.Region", models.PROTECT, null=True, blank=True, related_name="users", verbose_name="регион"
    )
    municipality = models.ForeignKey(
        "schools.Municipality",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="муниципалитет",
    )
    school = models.ForeignKey(
        "schools.School", models.PROTECT, null=True, blank=True, related_name="team", verbose_name="школа"
    )
    curated_schools = models.ManyToManyField(
        "schools.School", blank=True, related_name="curators", verbose_name="курируемые школы"
    )

    # The password (even hashed) and the time of the last login are not kept in the history.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    # Where a user's history belongs to a region (opora.core.audit.region_restriction).
    audit_region_paths = ("region", "municipality__region", "school__municipality__region")

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs) -> None:
        # A login writes only last_login, which the history does not keep: no empty «изменено» per login.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= {"last_login"}:
            self.skip_history_when_saving = True
            try:
                super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
            return
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    def clean(self) -> None:
        super().clean()
        if self.is_superuser:
            return
        needs = {
            Role.REGION_ADMIN: ("region", "Укажите регион администратора."),
            Role.MUNICIPAL_COORDINATOR: ("municipality", "Укажите муниципалитет координатора."),
            Role.SCHOOL_TEAM: ("school", "Укажите школу."),
            Role.CURATOR: ("region", "Укажите регион куратора."),
            Role.OBSERVER: ("region", "Укажите регион наблюдателя."),
        }
        field, message = needs[Role(self.role)]
        if getattr(self, f"{field}_id") is None:
            raise ValidationError({field: message})
        if self.municipality_id and self.region_id and self.municipality.region_id != self.region_id:
            raise ValidationError({"municipality": "Муниципалитет не входит в регион пользователя."})
