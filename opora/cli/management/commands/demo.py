"""``opora demo``: build the synthetic demo region, load it, or write it as files."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from opora.demo.cycle import demo_cycle_load
from opora.demo.generator import export_region, generate_region, write_truth
from opora.demo.services import DEMO_PASSWORD, DemoAlreadyLoaded, demo_region_load, demo_users_present
from opora.schools.models import School


class Command(BaseCommand):
    help = (
        "Создаёт демонстрационный регион (синтетические данные) и пользователей для каждой роли; "
        "с --export записывает данные в файлы форм вместо загрузки в базу."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="зерно генератора (по умолчанию 2026)")
        parser.add_argument("--schools", type=int, default=150, help="число школ (по умолчанию 150)")
        parser.add_argument("--export", metavar="DIR", help="записать файлы форм в папку DIR, не загружая в базу")
        parser.add_argument(
            "--truth",
            metavar="FILE",
            help="куда записать скрытую истину модели (только для тестов и замеров)",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="загрузить, только если в базе ещё нет ни одной школы"
        )
        parser.add_argument(
            "--data-only",
            action="store_true",
            help="только данные: без расчёта выявления, утверждённого перечня, рисковых профилей и черновиков программ",
        )

    def handle(
        self,
        *args,
        seed: int,
        schools: int,
        export: str | None,
        truth: str | None,
        if_empty: bool,
        data_only: bool = False,
        **kw,
    ):
        if schools < 5:
            raise CommandError("Число школ должно быть не меньше 5.")
        if export is None and if_empty and School.objects.exists():
            self.stdout.write("В базе уже есть школы: демонстрационный регион не загружается.")
            self._print_users(demo_users_present())
            return
        region = generate_region(seed=seed, n_schools=schools)
        if export is not None:
            directory = Path(export)
            directory.mkdir(parents=True, exist_ok=True)
            for path in export_region(region, directory):
                self.stdout.write(f"Записан файл {path}")
            truth_path = write_truth(region, Path(truth) if truth else directory / "hidden_truth.csv")
            self.stdout.write(f"Скрытая истина модели: {truth_path}")
            return
        try:
            report = demo_region_load(region_data=region)
        except DemoAlreadyLoaded as error:
            raise CommandError(f"{error} Используйте новую базу данных.") from error
        truth_path = write_truth(region, Path(truth) if truth else Path(settings.VAR_DIR) / "demo_hidden_truth.csv")
        self.stdout.write(
            self.style.SUCCESS(
                f"Загружен регион «{report.region.name}»: школ {report.schools}, "
                f"строк контекста {report.contexts}, результатов {report.results}, "
                f"итогов года {report.outcomes}, педагогов {report.teachers}, "
                f"результатов участников {report.student_results}."
            )
        )
        self.stdout.write(f"Скрытая истина модели (продукт её не читает): {truth_path}")
        if not data_only:
            self._cycle(report.region)
        self._print_users(report.users)

    def _cycle(self, region) -> None:
        """The first steps of the program's cycle, so that every stage has something to show."""
        self.stdout.write("Выявление, перечень, рисковые профили и черновики программ…")
        cycle = demo_cycle_load(region)
        counts = cycle.run.summary.get("counts", {})
        self.stdout.write(
            f"Расчёт выявления № {cycle.run.pk} за {cycle.run.year.label}: ШНОР {counts.get('low_results', 0)}, "
            f"ШНСУ {counts.get('unfavourable', 0)}."
        )
        if cycle.approved is not None:
            self.stdout.write(
                f"Перечень на {cycle.approved.year.label} утверждён приказом № {cycle.approved.order_number} "
                f"({cycle.approved.municipality}): школ {cycle.approved.entries.count()}."
            )
        self.stdout.write(f"Рисковые профили школ за {cycle.profiles.year.label}: {cycle.profiles.profiles.count()}.")
        if cycle.programs:
            school = cycle.programs[0].school
            self.stdout.write(f"Черновики программ школы {school.display_name}: {len(cycle.programs)}.")

    def _print_users(self, users: list[tuple[str, str]]) -> None:
        if not users:
            return
        self.stdout.write(f"Демонстрационные пользователи (пароль «{DEMO_PASSWORD}»):")
        for username, role in users:
            self.stdout.write(f"  {username:<14} {role}")
