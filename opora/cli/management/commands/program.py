"""``opora program import|list|export``: programs' roadmaps and indicator tables from the command line.

``opora program import FILE`` reads a roadmap (форма 6) or an indicator table (форма 7) from a
.docx or .xlsx file, prints what it found and writes it, as the upload page does: into the
program given by ``--program`` (its roadmap or indicators replaced) or into a new draft of the
school (``--school``), the municipality (``--municipality``) or the region. A file with errors
writes nothing and the command ends with a non-zero code. ``opora program list`` prints the
programs the user sees; ``opora program export ID --out FILE`` writes one as the official .docx
or as .xlsx.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from opora.accounts.access import Action
from opora.accounts.models import User
from opora.accounts.scopes import scope_of
from opora.cli.actors import acting_user
from opora.programs.importing import program_import_apply, program_import_check
from opora.programs.models import Program
from opora.programs.writing import program_docx, program_xlsx
from opora.schools.models import Municipality, Region, School
from opora.schools.queries import home_region

USER_HELP = "от имени пользователя (его права и область доступа); без него — от имени установки"


class Command(BaseCommand):
    help = (
        "Программы и дорожные карты: загрузка дорожной карты или таблицы показателей из .docx или .xlsx "
        "(import), список программ (list), выгрузка программы в .docx или .xlsx (export)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="import|list|export")
        loading = actions.add_parser("import", help="загрузить дорожную карту или показатели из файла")
        loading.add_argument("file", help="файл .docx или .xlsx")
        loading.add_argument(
            "--kind",
            choices=["roadmap", "indicators"],
            help="что загрузить: дорожную карту или показатели (по умолчанию — что найдётся в файле)",
        )
        whose = loading.add_mutually_exclusive_group()
        whose.add_argument("--school", help="код ОО: новая программа школы")
        whose.add_argument("--municipality", help="муниципалитет: новая программа муниципалитета")
        loading.add_argument("--program", type=int, help="номер программы, в которую загрузить (заменив)")
        loading.add_argument("--title", help="наименование новой программы (по умолчанию — из документа)")
        loading.add_argument("--region", help="регион (если регионов несколько)")
        loading.add_argument("--user", help=USER_HELP)
        listing = actions.add_parser("list", help="программы, которые видит пользователь")
        listing.add_argument("--user", help=USER_HELP)
        export = actions.add_parser("export", help="выгрузить программу в .docx (приказ с приложением) или .xlsx")
        export.add_argument("id", type=int, help="номер программы")
        export.add_argument("--out", required=True, help="файл результата: .docx или .xlsx")
        export.add_argument("--user", help=USER_HELP)

    def handle(self, *args, action: str, **options) -> None:
        if action == "import":
            self.load(options)
        elif action == "list":
            self.list(options)
        else:
            self.export(options)

    # -- import

    def load(self, options: dict) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Файл «{options['file']}» не найден.")
        actor = acting_user(options.get("user"), Action.IMPORT_PROGRAM)
        program, school, municipality, region = self._target(options, actor)
        preview = program_import_check(path.read_bytes(), path.name, options.get("kind"), program=program)
        for line in preview.report():
            self.stdout.write(line)
        if not preview.ok:
            raise CommandError(f"Ошибок в файле: {len(preview.errors)}. Ничего не записано.")
        try:
            with transaction.atomic():
                program = program_import_apply(
                    preview,
                    program=program,
                    school=school,
                    municipality=municipality,
                    region=region,
                    by=actor,
                    title=options.get("title"),
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages) + " Ничего не записано.") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Программа № {program.pk}: разделов {program.sections.count()}, "
                f"мероприятий {program.activities.count()}, показателей {program.indicators.count()}"
            )
        )

    def _target(
        self, options: dict, actor: User | None
    ) -> tuple[Program | None, School | None, Municipality | None, Region]:
        """The program, or the school, municipality and region of a new one, within the user's scope."""
        if options.get("program") is not None:
            if options.get("school") or options.get("municipality"):
                raise CommandError("Укажите либо --program, либо --school или --municipality для новой программы.")
            program = _visible_programs(actor).filter(pk=options["program"]).first()
            if program is None:
                raise CommandError(f"Программа № {options['program']} не найдена{_for(actor)}.")
            return program, program.school, program.municipality, program.region
        if options.get("school"):
            school = _visible(School, actor).filter(code=options["school"]).select_related("municipality").first()
            if school is None:
                raise CommandError(f"Школа с кодом «{options['school']}» не найдена{_for(actor, 'ней')}.")
            return None, school, school.municipality, school.municipality.region
        if options.get("municipality"):
            found = _visible(Municipality, actor).filter(name=options["municipality"])
            if options.get("region"):
                found = found.filter(region__name=options["region"])
            municipalities = list(found[:2])
            if not municipalities:
                raise CommandError(f"Муниципалитет «{options['municipality']}» не найден{_for(actor, 'нему')}.")
            if len(municipalities) > 1:
                raise CommandError(f"Муниципалитетов «{options['municipality']}» несколько: укажите --region.")
            return None, None, municipalities[0], municipalities[0].region
        region = self._region(options.get("region"), actor)
        scope = scope_of(actor) if actor is not None else None
        if (
            scope is not None
            and not scope.everything
            and (scope.region_id != region.pk or scope.municipality_ids is not None)
        ):
            raise CommandError(
                f"Пользователь {actor.username} не составляет программы региона: укажите --school или --municipality."
            )
        return None, None, None, region

    def _region(self, name: str | None, actor: User | None) -> Region:
        if actor is not None and not actor.is_superuser:
            own = home_region(actor)
            if own is None or (name and own.name != name):
                raise CommandError(f"Пользователь {actor.username} работает только со своим регионом.")
            return own
        if name:
            region = Region.objects.filter(name=name).first()
            if region is None:
                raise CommandError(f"Регион «{name}» не найден.")
            return region
        regions = list(Region.objects.all()[:2])
        if len(regions) == 1:
            return regions[0]
        raise CommandError("Укажите --region." if regions else "В базе нет регионов: загрузите реестр ОО.")

    # -- list and export

    def list(self, options: dict) -> None:
        actor = _viewer(options.get("user"))
        programs = _visible_programs(actor).select_related("school", "municipality", "region").order_by("pk")
        count = 0
        for program in programs:
            whose = (
                program.school.display_name
                if program.school_id
                else (program.municipality.name if program.municipality_id else program.region.name)
            )
            self.stdout.write(
                f"{program.pk}\t{program.get_kind_display()}\t{program.title}\t{whose}\t{program.get_status_display()}"
            )
            count += 1
        if not count:
            self.stdout.write(
                "Программ нет." if actor is None else f"Пользователь {actor.username} не видит ни одной программы."
            )

    def export(self, options: dict) -> None:
        path = Path(options["out"])
        if path.suffix.lower() not in (".docx", ".xlsx"):
            raise CommandError("Файл результата должен быть .docx или .xlsx.")
        actor = _viewer(options.get("user"))
        program = _visible_programs(actor).filter(pk=options["id"]).first()
        if program is None:
            raise CommandError(f"Программа № {options['id']} не найдена{_for(actor)}.")
        path.write_bytes(program_docx(program) if path.suffix.lower() == ".docx" else program_xlsx(program))
        self.stdout.write(self.style.SUCCESS(f"Программа № {program.pk} «{program.title}» записана: {path}."))


def _viewer(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Пользователь «{username}» не найден или отключён.")
    return user


def _visible_programs(actor: User | None):
    return Program.objects.all() if actor is None else Program.objects.visible_to(actor)


def _visible(model, actor: User | None):
    return model.objects.all() if actor is None else model.objects.visible_to(actor)


def _for(actor: User | None, whom: str = "ней") -> str:
    return "" if actor is None else f" (или у пользователя {actor.username} нет к {whom} доступа)"
