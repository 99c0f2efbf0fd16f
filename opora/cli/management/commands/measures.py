"""``opora measures --out FILE.xlsx``: a region's catalog of measures against the risk factors, as a table."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opora.cli.management.commands.risks import region_named
from opora.core.tables import csv_bytes
from opora.risks.export import CATALOG_SHEET, catalog_frame, frame_workbook


class Command(BaseCommand):
    help = (
        "Записывает каталог мер региона (мера, факторы риска, вид, исполнитель, сроки, ожидаемый результат, "
        "документ-источник) в Excel или CSV."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", help="регион (обязателен, если регионов несколько)")
        parser.add_argument("--out", required=True, help="файл результата: .xlsx или .csv")

    def handle(self, *args, region: str | None, out: str, **options):
        path = Path(out)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("Файл результата должен быть .xlsx или .csv.")
        target = region_named(region)
        frame = catalog_frame(target)
        if frame.is_empty():
            raise CommandError(f"В каталоге мер региона «{target}» нет ни одной меры.")
        if path.suffix.lower() == ".csv":
            path.write_bytes(csv_bytes(frame))
        else:
            path.write_bytes(frame_workbook(frame, sheet_title=CATALOG_SHEET))
        sources = frame["Источник"].n_unique()
        self.stdout.write(
            self.style.SUCCESS(
                f"Каталог мер региона «{target}»: мер {frame.height}, источников {sources}. Записан {path}."
            )
        )
