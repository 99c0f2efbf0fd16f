"""``opora restore FILE.zip``: a backup into a freshly migrated, empty database."""

from django.core.management.base import BaseCommand, CommandError

from opora.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Восстанавливает резервную копию (opora backup) в новую пустую базу после opora migrate: все записи и "
        "загруженные файлы. В базу с данными не восстанавливает — так ничего не теряется."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="архив резервной копии, .zip")

    def handle(self, *args, file: str, **options):
        try:
            report = restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Восстановлено из {report.path}: {report.summary}.")
