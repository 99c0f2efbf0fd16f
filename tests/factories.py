"""Factories for the models, one per model, with plausible Russian data."""

import factory

from opora.accounts.models import Role, User
from opora.intake.regions import region_create
from opora.results.models import Procedure, SchoolResult, YearOutcome
from opora.schools.models import Locality, Municipality, Region, School, SchoolContext, SchoolType, SchoolYear


class RegionFactory(factory.django.DjangoModelFactory):
    """A region as the product creates it: with every module's defaults (its methodology, …)."""

    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Область № {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return region_create(**kwargs)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Муниципальный район № {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"{n:06d}")
    name = factory.Sequence(lambda n: f"Муниципальное бюджетное общеобразовательное учреждение «СОШ № {n}»")
    short_name = factory.Sequence(lambda n: f"МБОУ СОШ № {n}")
    school_type = SchoolType.SECONDARY
    locality = Locality.URBAN


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ("end_year",)

    end_year = 2026


class SchoolContextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolContext

    school = factory.SubFactory(SchoolFactory)
    year = factory.SubFactory(SchoolYearFactory)
    students = 300
    students_disabled = 12
    students_low_income = 45
    teachers = 25
    teachers_over_60 = 3


class SchoolResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolResult

    school = factory.SubFactory(SchoolFactory)
    year = factory.SubFactory(SchoolYearFactory)
    procedure = Procedure.VPR
    grade = 5
    subject = "Математика"
    participants = 20
    marks_2 = 2
    marks_3 = 8
    marks_4 = 7
    marks_5 = 3


class YearOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearOutcome

    school = factory.SubFactory(SchoolFactory)
    year = factory.SubFactory(SchoolYearFactory)
    students_end = 298
    failing = 7


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "Иванова"
    first_name = "Мария"
    role = Role.OBSERVER
    password = factory.django.Password("пароль-для-тестов")
