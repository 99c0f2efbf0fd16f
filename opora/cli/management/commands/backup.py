"""``opora backup FILE.zip``: every table's rows and every uploaded file of the installation."""

from django.core.management.base import BaseCommand, CommandError

from opora.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Записывает резервную копию установки в архив .zip: все записи всех таблиц и все загруженные файлы. "
        "Копия SQLite восстанавливается в PostgreSQL и наоборот (opora restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="архив резервной копии, .zip")

    def handle(self, *args, file: str, **options):
        try:
            report = backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Резервная копия записана в {report.path}: {report.summary}.")
