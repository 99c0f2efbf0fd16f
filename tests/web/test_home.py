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
