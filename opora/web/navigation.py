"""The left navigation: the stages of the program cycle and their pages.

A stage appears only once it has pages; each later stage adds its entry to ``STAGES`` in the order
of the program cycle (Данные · Выявление · Рисковые профили · Программы и дорожные карты ·
Сопровождение · Мониторинг и отчёты).
"""

from __future__ import annotations

from dataclasses import dataclass

from opora.accounts.access import Action, can
from opora.accounts.models import User


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # The action of the access table the page needs; None: every signed-in user may open it.
    action: Action | None = None
    # URL namespaces, or view names, that mark the item as the current one.
    namespaces: tuple[str, ...] = ()
    view_names: tuple[str, ...] = ()

    def is_current(self, namespace: str, view_name: str) -> bool:
        return namespace in self.namespaces or view_name in self.view_names

    def visible_to(self, user: User) -> bool:
        return self.action is None or can(user, self.action)


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    items: tuple[NavItem, ...]


STAGES: tuple[Stage, ...] = (
    Stage(
        key="data",
        label="Данные",
        items=(
            NavItem("Школы", "schools:list", namespaces=("schools",)),
            NavItem("Полнота данных", "intake:completeness", view_names=("intake:completeness",)),
            NavItem(
                "Загрузка файлов",
                "intake:imports",
                action=Action.IMPORT_DATA,
                view_names=("intake:imports", "intake:import"),
            ),
            NavItem("Шаблоны и выгрузка", "intake:forms", view_names=("intake:forms",)),
        ),
    ),
    Stage(
        key="identification",
        label="Выявление",
        items=(
            NavItem(
                "Расчёты",
                "identification:runs",
                view_names=(
                    "identification:runs",
                    "identification:run",
                    "identification:school",
                    "identification:compare",
                    "identification:approve",
                ),
            ),
            NavItem("Неуспешность более 50 %", "identification:failure", view_names=("identification:failure",)),
            NavItem(
                "Перечни ШНОР и ШНСУ",
                "identification:lists",
                view_names=("identification:lists", "identification:list"),
            ),
            NavItem(
                "Методика",
                "identification:methodologies",
                view_names=(
                    "identification:methodologies",
                    "identification:methodology",
                    "identification:methodology_edit",
                    "identification:methodology_docs",
                ),
            ),
        ),
    ),
    Stage(
        key="risks",
        label="Риски",
        items=(
            NavItem(
                "Карта рисков",
                "risks:map",
                view_names=("risks:map", "risks:run", "risks:school"),
            ),
            NavItem(
                "Факторы и правила",
                "risks:factors",
                view_names=("risks:factors", "risks:factor_edit", "risks:factor_add", "risks:docs"),
            ),
            NavItem(
                "Анкеты",
                "risks:questionnaires",
                view_names=(
                    "risks:questionnaires",
                    "risks:questionnaire",
                    "risks:item_edit",
                    "risks:item_add",
                    "risks:section_add",
                    "risks:section_edit",
                    "risks:links",
                ),
            ),
            NavItem(
                "Каталог мер", "risks:catalog", view_names=("risks:catalog", "risks:measure_edit", "risks:measure_add")
            ),
        ),
    ),
    Stage(
        key="programs",
        label="Программы",
        items=(
            NavItem(
                "Программы и дорожные карты",
                "programs:list",
                view_names=(
                    "programs:list",
                    "programs:detail",
                    "programs:create",
                    "programs:import",
                    "programs:edit",
                    "programs:activity",
                    "programs:activity_add",
                    "programs:activity_edit",
                    "programs:version",
                ),
            ),
            NavItem("Мониторинг исполнения", "programs:dashboard", view_names=("programs:dashboard",)),
            NavItem("Уведомления", "programs:notifications", view_names=("programs:notifications",)),
        ),
    ),
    Stage(
        key="support",
        label="Сопровождение",
        items=(
            NavItem(
                "Курирование",
                "network:curator",
                action=Action.RECORD_VISIT,
                view_names=("network:curator", "network:curator_detail"),
            ),
            NavItem(
                "Закрепление кураторов",
                "network:curators",
                action=Action.ASSIGN_CURATORS,
                view_names=("network:curators",),
            ),
            NavItem(
                "Выездной мониторинг",
                "network:visits",
                view_names=("network:visits", "network:visit", "network:visit_add", "network:visit_edit"),
            ),
            NavItem(
                "Замечания о неучастии",
                "network:concerns",
                view_names=("network:concerns", "network:concern", "network:concern_add"),
            ),
            NavItem(
                "Партнёрства школ",
                "network:partnerships",
                view_names=("network:partnerships", "network:partnership", "network:partners"),
            ),
            NavItem("Мероприятия", "events:list", namespaces=("events",)),
            NavItem(
                "Банк лучших практик",
                "practices:list",
                namespaces=("practices",),
            ),
            NavItem(
                "Обучающиеся с трудностями",
                "students:counts",
                namespaces=("students",),
            ),
            NavItem(
                "Педагоги",
                "network:teachers",
                action=Action.VIEW_TEACHERS,
                view_names=(
                    "network:teachers",
                    "network:school_teachers",
                    "network:teacher",
                    "network:teacher_add",
                    "network:mentoring",
                ),
            ),
        ),
    ),
    Stage(
        key="monitoring",
        label="Мониторинг и отчёты",
        items=(
            NavItem(
                "Состояние программы",
                "effectiveness:dashboard",
                view_names=("effectiveness:dashboard", "effectiveness:school_dashboard"),
            ),
            NavItem("Эффективность программы", "effectiveness:overview", view_names=("effectiveness:overview",)),
            NavItem(
                "Совет руководителей",
                "effectiveness:meetings",
                view_names=("effectiveness:meetings", "effectiveness:meeting"),
            ),
            NavItem("Журнал изменений", "web:audit", action=Action.VIEW_AUDIT, view_names=("web:audit",)),
        ),
    ),
)


def stages_for(user: User, namespace: str = "", view_name: str = "") -> list[tuple[Stage, list[tuple[NavItem, bool]]]]:
    """The stages and items the user may open, each item with whether it is the current page."""
    visible = []
    for stage in STAGES:
        items = [(item, item.is_current(namespace, view_name)) for item in stage.items if item.visible_to(user)]
        if items:
            visible.append((stage, items))
    return visible
