"""``opora audit --from DATE --to DATE --out FILE.xlsx``: the journal of changes for a period, in Excel."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opora.accounts.access import Action
from opora.cli.actors import acting_user
from opora.core.audit import audit_workbook, period_entries, restriction_for
from opora.core.formatting import quantity


def _day(text: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CommandError(f"«{text}» — не дата: укажите ГГГГ-ММ-ДД или ДД.ММ.ГГГГ.")


class Command(BaseCommand):
    help = (
        "Выгружает в Excel журнал изменений за период: кто, когда и что изменил (создал, изменил, удалил), "
        "поле, было и стало — по всем записям с историей (программы, мероприятия, показатели, перечни, методики, "
        "экспертные оценки, пользователи и другие)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="начало периода, ГГГГ-ММ-ДД или ДД.ММ.ГГГГ")
        parser.add_argument("--to", dest="end", required=True, help="конец периода (включительно)")
        parser.add_argument("--out", required=True, help="файл .xlsx")
        parser.add_argument(
            "--user", help="от имени пользователя (его права и область доступа); без него — от имени установки"
        )

    def handle(self, *args, start: str, end: str, out: str, user: str | None = None, **options):
        first, last = _day(start), _day(end)
        if last < first:
            raise CommandError("Конец периода раньше его начала.")
        path = Path(out)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"Журнал записывается в файл .xlsx, а не «{path.name}».")
        actor = acting_user(user, Action.VIEW_AUDIT)
        entries = period_entries(first, last, restrict=restriction_for(actor))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(audit_workbook(entries))
        self.stdout.write(
            f"Журнал изменений с {first:%d.%m.%Y} по {last:%d.%m.%Y} записан в {path}: "
            f"{quantity(len(entries), 'изменение', 'изменения', 'изменений')}."
        )
