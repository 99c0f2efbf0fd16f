"""``opora identify --year 2024 --out FILE``: identification of a region's schools from the command line."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opora.accounts.access import Action
from opora.cli import print_progress
from opora.cli.actors import acting_user
from opora.core.tables import csv_bytes
from opora.identification.flags import FLAGS
from opora.identification.models import Methodology
from opora.identification.queries import report_workbook, run_report_frame
from opora.identification.services import region_methodology, run_now
from opora.schools.models import Region, SchoolYear
from opora.schools.queries import home_region


class Command(BaseCommand):
    help = (
        "Выявляет ШНОР, ШНСУ и резильентные школы региона за учебный год по методике, сохраняет расчёт "
        "и записывает таблицу по школам в CSV или Excel."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="учебный год по году окончания: 2024 — 2023/2024")
        parser.add_argument(
            "--methodology", help="название методики (по умолчанию — «Методика Опоры», последняя версия)"
        )
        parser.add_argument("--region", help="регион (обязателен, если регионов несколько)")
        parser.add_argument("--out", required=True, help="файл результата: .csv или .xlsx")
        parser.add_argument(
            "--user", help="от имени пользователя (его права и область доступа); без него — от имени установки"
        )

    def handle(
        self, *args, year: int, methodology: str | None, region: str | None, out: str, user: str | None, **options
    ):
        path = Path(out)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("Файл результата должен быть .csv или .xlsx.")
        actor = acting_user(user, Action.RUN_IDENTIFICATION)
        target = self._region(region)
        if actor is not None and not actor.is_superuser and home_region(actor) != target:
            raise CommandError(f"Пользователь {actor.username} не работает с регионом «{target}».")
        school_year = SchoolYear.objects.filter(end_year=year).first()
        if school_year is None:
            raise CommandError(f"Нет данных за {year - 1}/{year} учебный год.")
        try:
            version = region_methodology(target, methodology)
        except Methodology.DoesNotExist as error:
            raise CommandError(str(error)) from error
        try:
            run = run_now(region=target, year=school_year, methodology=version, by=actor, progress=print_progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        sys.stderr.write("\n")
        frame = run_report_frame(run)
        if path.suffix.lower() == ".csv":
            path.write_bytes(csv_bytes(frame))
        else:
            path.write_bytes(report_workbook(frame))
        counts = run.summary["counts"]
        figures = ", ".join(f"{flag.counted} {counts[flag.key]}" for flag in FLAGS.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Расчёт № {run.pk} ({version}): школ {run.summary['schools']}, {figures}. Записан {path}."
            )
        )

    def _region(self, name: str | None) -> Region:
        if name:
            region = Region.objects.filter(name=name).first()
            if region is None:
                raise CommandError(f"Регион «{name}» не найден.")
            return region
        regions = list(Region.objects.all()[:2])
        if len(regions) == 1:
            return regions[0]
        raise CommandError("Укажите --region." if regions else "В базе нет регионов: загрузите реестр ОО.")
