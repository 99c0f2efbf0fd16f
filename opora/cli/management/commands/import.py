"""``opora import FILE``: the same import as the web page, from the command line."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from opora.accounts.access import Action
from opora.accounts.models import User
from opora.cli import print_progress
from opora.cli.actors import acting_user
from opora.core.formatting import num, quantity
from opora.intake.formats import FORMS
from opora.intake.models import ImportBatch, ImportStatus
from opora.intake.reading import FileRefused, read_table
from opora.intake.recognition import recognise
from opora.intake.regions import region_create
from opora.intake.services import ImportRefused, discard_files, import_apply, import_check, import_upload
from opora.intake.surveys import SURVEY_TITLES
from opora.schools.models import Region
from opora.schools.queries import home_region


class Command(BaseCommand):
    help = (
        "Загружает файл формы (реестр ОО, контекст, результаты, результаты участников, итоги года, педагоги): "
        "проверяет, показывает, что изменится, и записывает. При ошибках ничего не записывает и завершается с "
        "ненулевым кодом."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="файл .xlsx или .csv")
        parser.add_argument(
            "--kind", choices=[*FORMS, *SURVEY_TITLES], help="форма файла (по умолчанию — по столбцам)"
        )
        parser.add_argument("--region", help="регион (обязателен, если регионов несколько)")
        parser.add_argument("--dry-run", action="store_true", help="только проверить и показать изменения")
        parser.add_argument(
            "--user", help="от имени пользователя (его права и область доступа); без него — от имени установки"
        )

    def handle(
        self, *args, file: str, kind: str | None, region: str | None, dry_run: bool, user: str | None, **options
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Файл «{file}» не найден.")
        actor = acting_user(user, Action.IMPORT_DATA)
        content = path.read_bytes()
        if dry_run:
            with transaction.atomic():  # a new region of a dry run goes with its rollback
                target_region = self._region(region, kind or self._recognised(path), actor)
                batch = import_upload(
                    region=target_region, file_name=path.name, content=content, form_key=kind, by=actor
                )
                try:
                    batch = import_check(batch=batch, progress=print_progress)
                    self._print_report(batch)
                finally:
                    discard_files(batch)
                    transaction.set_rollback(True)
            if batch.status != ImportStatus.READY:
                raise CommandError(f"Ошибок в файле: {batch.error_count}. Ничего не записано.")
            self.stdout.write("Проверка без записи (--dry-run): база данных не изменена.")
            return
        target_region = self._region(region, kind or self._recognised(path), actor)
        batch = import_upload(region=target_region, file_name=path.name, content=content, form_key=kind, by=actor)
        batch = import_check(batch=batch, progress=print_progress)
        self._print_report(batch)
        if batch.status != ImportStatus.READY:
            raise CommandError(f"Ошибок в файле: {batch.error_count}. Ничего не записано (загрузка № {batch.pk}).")
        try:
            batch = import_apply(batch=batch, by=actor, progress=print_progress)
        except ImportRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        sys.stderr.write("\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Загружено: добавлено {num(batch.added)}, изменено {num(batch.changed)}, без изменений "
                f"{num(batch.unchanged)}"
                + (f", пропущено строк других муниципалитетов {num(batch.skipped)}" if batch.skipped else "")
                + f" (загрузка № {batch.pk})."
            )
        )

    def _region(self, name: str | None, kind: str | None, actor: User | None) -> Region:
        if actor is not None and not actor.is_superuser:
            own = home_region(actor)
            if own is None or (name and own.name != name):
                raise CommandError(f"Пользователь {actor.username} загружает файлы только своего региона.")
            return own
        if name:
            region = Region.objects.filter(name=name).first()
            if region is None:
                if kind != "schools":
                    raise CommandError(f"Регион «{name}» не найден. Новый регион создаётся загрузкой реестра ОО.")
                region = region_create(name=name)
            return region
        regions = list(Region.objects.all()[:2])
        if len(regions) == 1:
            return regions[0]
        if not regions:
            raise CommandError(
                "В базе нет регионов: укажите --region «Название» и загрузите реестр ОО (--kind schools)."
            )
        raise CommandError("В базе несколько регионов: укажите --region.")

    def _recognised(self, path: Path) -> str | None:
        """The form of the file by its columns, read before a new region is created for it."""
        try:
            recognition = recognise(read_table(path).headers)
        except FileRefused:
            return None
        return recognition.form.key if recognition is not None else None

    def _print_report(self, batch: ImportBatch) -> None:
        sys.stderr.write("\n")
        report = batch.report
        self.stdout.write(report.get("summary", ""))
        for note in report.get("notes", []):
            self.stdout.write(f"  {note}")
        groups = report.get("groups") or [
            {"level": "error", "count": 1, "rows": [], "example": error} for error in report.get("errors", [])
        ]
        for group in groups:
            label = "Ошибка" if group["level"] == "error" else "Предупреждение"
            more = group["count"] - 1
            tail = f" — и ещё {quantity(more, 'такая строка', 'такие строки', 'таких строк')}" if more > 0 else ""
            self.stdout.write(f"{label}. {group['example']}{tail}")
        if report.get("skipped"):
            self.stdout.write(report["skipped"]["message"])
        if batch.status == ImportStatus.READY:
            self.stdout.write(
                f"Форма «{batch.form_title}»: строк {num(batch.rows)}; будет добавлено {num(batch.added)}, "
                f"изменено {num(batch.changed)}, без изменений {num(batch.unchanged)}."
            )
            for change in report.get("preview", {}).get("changed", [])[:20]:
                details = "; ".join(f"{c['column']}: {c['old']} → {c['new']}" for c in change["changes"])
                self.stdout.write(f"  изменится {change['key']}: {details}")
