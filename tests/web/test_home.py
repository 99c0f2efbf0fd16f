from django.urls import reverse


def test_home_shows_scope_figures_and_the_latest_run(client, world):
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("web:home"))
    summary = response.context["summary"]
    assert (summary.schools, summary.municipalities, summary.students) == (2, 1, 600)
    assert summary.rural_share == 0.5
    assert response.context["latest_run"] == world.run
    # The coordinator's municipality holds one ШНОР of the run (the other one is elsewhere).
    assert response.context["latest_counts"]["low_results"] == 1
    assert "Утверждённый перечень" in response.content.decode()


def test_navigation_shows_only_built_stages_and_the_roles_items(client, world):
    client.force_login(world.users["observer"])
    stages = [
        (stage.label, [item.label for item, _current in items])
        for stage, items in client.get(reverse("web:home")).context["nav_stages"]
    ]
    assert stages == [
        ("Данные", ["Школы", "Полнота данных", "Шаблоны и выгрузка"]),
        ("Выявление", ["Расчёты", "Неуспешность более 50 %", "Перечни ШНОР и ШНСУ", "Методика"]),
        ("Риски", ["Карта рисков", "Факторы и правила", "Анкеты", "Каталог мер"]),
        ("Программы", ["Программы и дорожные карты", "Мониторинг исполнения", "Уведомления"]),
        (
            "Сопровождение",
            [
                "Выездной мониторинг",
                "Замечания о неучастии",
                "Партнёрства школ",
                "Мероприятия",
                "Банк лучших практик",
                "Обучающиеся с трудностями",
            ],
        ),
        ("Мониторинг и отчёты", ["Состояние программы", "Эффективность программы", "Совет руководителей"]),
    ]


def test_home_figures_follow_every_import_and_are_not_recounted_between_imports(client, db, tmp_path):
    import io

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from opora.accounts.models import Role, User
    from opora.demo.generator import export_region, generate_region
    from opora.intake.models import ImportBatch
    from opora.intake.services import import_rollback
    from opora.schools.models import Region

    export_region(generate_region(seed=41, n_schools=6, with_students=False), tmp_path)

    def load(name: str) -> None:
        call_command(
            "import", str(tmp_path / name), "--region", "Область главной", stdout=io.StringIO(), stderr=io.StringIO()
        )

    load("01_schools.xlsx")
    load("02_context.xlsx")
    user = User.objects.create_user(
        "head", password="x", role=Role.REGION_ADMIN, region=Region.objects.get(name="Область главной")
    )
    client.force_login(user)

    def results_loaded() -> int:
        return sum(year.results for year in client.get(reverse("web:home")).context["summary"].years)

    # Given the registry and the context loaded: the home page counts no results yet
    assert results_loaded() == 0
    # When the results are imported, the figures change at once
    load("03_results.xlsx")
    loaded = results_loaded()
    assert loaded > 0
    # Between imports the page does not count the region's rows again
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("web:home"))
    assert not any("results_schoolresult" in query["sql"] for query in again.captured_queries)
    # The school card draws its results section once for all until an import changes the data
    from opora.schools.models import School

    card = reverse("schools:detail", args=[School.objects.order_by("code").first().code])
    assert "Выгрузить все результаты в Excel" in client.get(card).content.decode()
    # And an undone import is seen at once on both pages
    import_rollback(batch=ImportBatch.objects.get(form_key="results"), by=None)
    assert results_loaded() == 0
    assert "Результаты оценочных процедур по этой школе не загружены" in client.get(card).content.decode()
