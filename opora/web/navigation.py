"""The left navigation: the stages of the program cycle and their pages.

A stage appears only once it has pages; each later stage adds its entry to ``STAGES`` in the order
of the program cycle (Данные · Выявление · Рисковые профили · Программы и дорожные карты ·
Сопровождение · Мониторинг и отчёты).
"""

from __future__ import annotations

from dataclasses import dataclass

from opora.accounts.models import Role, User


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # Roles that see the item; empty means every role.
    roles: frozenset[Role] = frozenset()
    # URL namespaces that mark the item as the current one.
    namespaces: tuple[str, ...] = ()

    def visible_to(self, user: User) -> bool:
        return user.is_superuser or not self.roles or Role(user.role) in self.roles


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    items: tuple[NavItem, ...]


STAGES: tuple[Stage, ...] = (
    Stage(
        key="data",
        label="Данные",
        items=(NavItem("Школы", "schools:list", namespaces=("schools",)),),
    ),
)


def stages_for(user: User) -> list[tuple[Stage, list[NavItem]]]:
    """The stages and items the user may open, stages without visible items left out."""
    visible = []
    for stage in STAGES:
        items = [item for item in stage.items if item.visible_to(user)]
        if items:
            visible.append((stage, items))
    return visible
