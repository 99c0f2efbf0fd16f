"""``opora risks --year 2024 --out FILE``: the risk profiles of a region's schools from the command line."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opora.accounts.access import Action
from opora.cli import print_progress
from opora.cli.actors import acting_user
from opora.core.tables import csv_bytes
from opora.risks.export import PROFILES_SHEET, frame_workbook, profiles_frame
from opora.risks.models import FactorSet
from opora.risks.services import profiles_now
from opora.schools.models import Region, SchoolYear
from opora.schools.queries import home_region


class Command(BaseCommand):
    help = (
        "Рассчитывает рисковые профили школ региона за учебный год по последней версии набора факторов, "
        "сохраняет расчёт и записывает таблицу «школа × фактор риска» в CSV или Excel."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="учебный год по году окончания: 2024 — 2023/2024")
        parser.add_argument("--region", help="регион (обязателен, если регионов несколько)")
        parser.add_argument("--out", required=True, help="файл результата: .csv или .xlsx")
        parser.add_argument(
            "--user", help="от имени пользователя (его права и область доступа); без него — от имени установки"
        )

    def handle(self, *args, year: int, region: str | None, out: str, user: str | None, **options):
        path = Path(out)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("Файл результата должен быть .csv или .xlsx.")
        actor = acting_user(user, Action.RUN_RISK_PROFILES)
        target = region_named(region, home_region(actor) if actor is not None else None)
        if actor is not None and not actor.is_superuser and home_region(actor) != target:
            raise CommandError(f"Пользователь {actor.username} не работает с регионом «{target}».")
        school_year = SchoolYear.objects.filter(end_year=year).first()
        if school_year is None:
            raise CommandError(f"Нет данных за {year - 1}/{year} учебный год.")
        try:
            run = profiles_now(region=target, year=school_year, by=actor, progress=print_progress)
        except FactorSet.DoesNotExist as error:
            raise CommandError(str(error)) from error
        except ValueError as error:
            raise CommandError(f"Расчёт не выполнен: {error}") from error
        sys.stderr.write("\n")
        frame = profiles_frame(run, user=actor)
        if path.suffix.lower() == ".csv":
            path.write_bytes(csv_bytes(frame))
        else:
            path.write_bytes(frame_workbook(frame, sheet_title=PROFILES_SHEET))
        high = sum(by_level.get("высокий", 0) for by_level in run.summary["levels"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Расчёт № {run.pk} ({run.factor_set}): школ {run.summary['schools']}, "
                f"высоких уровней факторов {high}; в таблице школ {frame.height}. Записан {path}."
            )
        )


def region_named(name: str | None, default: Region | None = None) -> Region:
    """The region of ``--region``; without it, ``default`` (the user's region) or the only region there is."""
    if name:
        region = Region.objects.filter(name=name).first()
        if region is None:
            raise CommandError(f"Регион «{name}» не найден.")
        return region
    if default is not None:
        return default
    regions = list(Region.objects.all()[:2])
    if len(regions) == 1:
        return regions[0]
    raise CommandError("Укажите --region." if regions else "В базе нет регионов: загрузите реестр ОО.")
