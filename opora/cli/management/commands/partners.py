"""``opora partners --year 2024 [--capacity N] --out FILE``: the optimal assignment of partner schools."""

from pathlib import Path

import polars as pl
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from opora.accounts.access import Action
from opora.cli.actors import acting_user
from opora.cli.management.commands.risks import region_named
from opora.core.tables import csv_bytes, workbook_bytes
from opora.network.partners import partner_matching
from opora.schools.queries import home_region

COLUMNS = ("Код ОО", "Школа-партнёр (код)", "Школа-партнёр", "Обоснование")


class Command(BaseCommand):
    help = (
        "Подбирает школы-партнёры для ШНОР региона на учебный год (оптимальное распределение с учётом "
        "предельного числа школ на одного партнёра) и записывает его в CSV или Excel: одна строка на ШНОР."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="учебный год по году окончания: 2024 — 2023/2024")
        parser.add_argument("--capacity", type=int, default=2, help="сколько школ может поддерживать один партнёр")
        parser.add_argument("--region", help="регион (обязателен, если регионов несколько)")
        parser.add_argument("--out", required=True, help="файл результата: .csv или .xlsx")
        parser.add_argument(
            "--user", help="от имени пользователя (его права и область доступа); без него — от имени установки"
        )

    def handle(self, *args, year: int, capacity: int, region: str | None, out: str, user: str | None, **options):
        path = Path(out)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("Файл результата должен быть .csv или .xlsx.")
        if capacity < 1:
            raise CommandError("--capacity: школа-партнёр должна поддерживать хотя бы одну школу.")
        actor = acting_user(user, Action.CONFIRM_PARTNERS)
        target = region_named(region, home_region(actor) if actor is not None else None)
        if actor is not None and not actor.is_superuser and home_region(actor) != target:
            raise CommandError(f"Пользователь {actor.username} не работает с регионом «{target}».")
        try:
            matching = partner_matching(region=target, year=year, capacity=capacity)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        rows = [
            (
                pair.school.code,
                pair.candidate.partner.code if pair.candidate else None,
                pair.candidate.partner.name if pair.candidate else None,
                pair.explanation,
            )
            for pair in matching.assignment
        ]
        frame = pl.DataFrame(rows, schema=dict.fromkeys(COLUMNS, pl.String), orient="row")
        if path.suffix.lower() == ".csv":
            path.write_bytes(csv_bytes(frame))
        else:
            path.write_bytes(
                workbook_bytes(sheet_title="Школы-партнёры", columns=list(COLUMNS), rows=rows, text_columns=[0, 1])
            )
        found = sum(1 for pair in matching.assignment if pair.candidate)
        self.stdout.write(
            self.style.SUCCESS(f"Источник: {matching.source}. ШНОР {len(rows)}, с партнёром {found}. Записан {path}.")
        )
