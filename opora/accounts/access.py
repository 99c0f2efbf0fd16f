"""Who may do what: the one table of actions × roles.

Pages, navigation, the command line and the API ask :func:`can` (or :func:`require`, which
refuses with a Russian message) before an action; which *rows* an action may touch is the
scope of ``opora.accounts.scopes`` (``Model.objects.visible_to(user)``). A new module adds its
actions here, and ``tests/test_access.py`` checks every page against this table.

An installation administrator (superuser) may do everything; so may the command line when it
runs without ``--user`` (it acts for the installation).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from opora.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from opora.accounts.models import User


class Action(StrEnum):
    IMPORT_DATA = "import_data"
    RUN_IDENTIFICATION = "run_identification"
    APPROVE_LIST = "approve_list"
    EDIT_METHODOLOGY = "edit_methodology"
    EDIT_SCHOOL_DATA = "edit_school_data"
    RUN_RISK_PROFILES = "run_risk_profiles"
    EDIT_RISK_RULES = "edit_risk_rules"
    JUDGE_RISK_LEVEL = "judge_risk_level"
    CHOOSE_PRIORITIES = "choose_priorities"
    EDIT_QUESTIONNAIRES = "edit_questionnaires"
    MANAGE_SURVEY_LINKS = "manage_survey_links"
    EDIT_CATALOG = "edit_catalog"
    DRAFT_PROGRAMS = "draft_programs"
    EDIT_PROGRAM = "edit_program"
    SEND_PROGRAM_FOR_REVIEW = "send_program_for_review"
    REVIEW_PROGRAM = "review_program"
    APPROVE_PROGRAM = "approve_program"
    UPDATE_ACTIVITY = "update_activity"
    COMMENT_ACTIVITY = "comment_activity"
    RECORD_PROGRESS_REVIEW = "record_progress_review"
    ENTER_INDICATOR_ACTUAL = "enter_indicator_actual"
    IMPORT_PROGRAM = "import_program"
    ASSIGN_CURATORS = "assign_curators"
    RECORD_VISIT = "record_visit"
    RECORD_CONCERN = "record_concern"
    RESOLVE_CONCERN = "resolve_concern"
    CONFIRM_PARTNERS = "confirm_partners"
    EDIT_PARTNERSHIP = "edit_partnership"
    VIEW_TEACHERS = "view_teachers"
    EDIT_TEACHERS = "edit_teachers"
    KEEP_STUDENTS = "keep_students"
    MANAGE_EVENTS = "manage_events"
    REGISTER_FOR_EVENTS = "register_for_events"
    SUBMIT_PRACTICE = "submit_practice"
    MODERATE_PRACTICES = "moderate_practices"
    RECORD_DECISIONS = "record_decisions"
    MAKE_REPORTS = "make_reports"
    VIEW_AUDIT = "view_audit"


@dataclass(frozen=True)
class Rule:
    """An action: its name in Russian, the roles that may take it and the refusal for the others."""

    label: str
    roles: frozenset[Role]
    refusal: str


_COORDINATORS = frozenset({Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR})
_SUPPORTERS = frozenset({Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR, Role.CURATOR})
_WORKERS = frozenset({Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR, Role.CURATOR, Role.SCHOOL_TEAM})

ACCESS: dict[Action, Rule] = {
    Action.IMPORT_DATA: Rule(
        "Загрузка файлов: проверка, запись и отмена загрузок, история загрузок",
        _COORDINATORS,
        "Загружать файлы могут региональный администратор и муниципальный координатор.",
    ),
    Action.RUN_IDENTIFICATION: Rule(
        "Запуск расчёта выявления",
        _COORDINATORS,
        "Запускать расчёт могут региональный администратор и муниципальный координатор.",
    ),
    Action.APPROVE_LIST: Rule(
        "Утверждение перечня ШНОР и ШНСУ приказом",
        _COORDINATORS,
        "Утверждать перечень могут муниципальный координатор и региональный администратор.",
    ),
    Action.EDIT_METHODOLOGY: Rule(
        "Изменение методики выявления региона",
        frozenset({Role.REGION_ADMIN}),
        "Изменять методику может региональный администратор.",
    ),
    Action.EDIT_SCHOOL_DATA: Rule(
        "Изменение данных своей школы (или школ своей территории)",
        frozenset({Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR, Role.SCHOOL_TEAM}),
        "Изменять данные школы могут её команда, муниципальный координатор и региональный администратор.",
    ),
    Action.RUN_RISK_PROFILES: Rule(
        "Расчёт рисковых профилей школ",
        _COORDINATORS,
        "Рассчитывать рисковые профили могут региональный администратор и муниципальный координатор.",
    ),
    Action.EDIT_RISK_RULES: Rule(
        "Изменение факторов риска и их правил",
        frozenset({Role.REGION_ADMIN}),
        "Факторы риска и их правила меняет региональный администратор.",
    ),
    Action.JUDGE_RISK_LEVEL: Rule(
        "Экспертная оценка уровня фактора риска",
        frozenset({Role.SCHOOL_TEAM, Role.CURATOR}),
        "Экспертную оценку уровня фактора дают команда школы и её куратор.",
    ),
    Action.CHOOSE_PRIORITIES: Rule(
        "Выбор приоритетных факторов риска школы",
        frozenset({Role.SCHOOL_TEAM}),
        "Приоритетные факторы выбирает команда школы.",
    ),
    Action.EDIT_QUESTIONNAIRES: Rule(
        "Изменение анкет (разделы, вопросы, шкалы)",
        frozenset({Role.REGION_ADMIN}),
        "Анкеты меняет региональный администратор.",
    ),
    Action.MANAGE_SURVEY_LINKS: Rule(
        "Ссылки на анкеты: создание и отзыв",
        frozenset({Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR, Role.SCHOOL_TEAM}),
        "Ссылки на анкеты создают команда школы, муниципальный координатор и региональный администратор.",
    ),
    Action.EDIT_CATALOG: Rule(
        "Изменение каталога мер",
        frozenset({Role.REGION_ADMIN}),
        "Каталог мер меняет региональный администратор.",
    ),
    Action.DRAFT_PROGRAMS: Rule(
        "Черновики антирисковых программ по рисковому профилю",
        frozenset({Role.SCHOOL_TEAM, Role.CURATOR}),
        "Черновики антирисковых программ составляют команда школы и её куратор.",
    ),
    Action.EDIT_PROGRAM: Rule(
        "Изменение программы или дорожной карты (паспорт, разделы, мероприятия, показатели)",
        frozenset({Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR, Role.SCHOOL_TEAM}),
        "Программу меняют её разработчики: команда школы, муниципальный координатор, региональный администратор.",
    ),
    Action.SEND_PROGRAM_FOR_REVIEW: Rule(
        "Отправка программы на согласование",
        frozenset({Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR, Role.SCHOOL_TEAM}),
        "Отправить программу на согласование могут её разработчики.",
    ),
    Action.REVIEW_PROGRAM: Rule(
        "Экспертиза программы: возврат на доработку с замечаниями",
        frozenset({Role.CURATOR, Role.MUNICIPAL_COORDINATOR, Role.REGION_ADMIN}),
        "Вернуть программу на доработку могут куратор, муниципальный координатор и региональный администратор.",
    ),
    Action.APPROVE_PROGRAM: Rule(
        "Утверждение программы",
        _COORDINATORS,
        "Утверждают программу муниципальный координатор (программы школ) и региональный администратор.",
    ),
    Action.UPDATE_ACTIVITY: Rule(
        "Отметка о выполнении мероприятия с отчётом и подтверждающими файлами",
        frozenset({Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR, Role.SCHOOL_TEAM}),
        "Отмечать выполнение мероприятий могут их исполнители: команда школы, координатор, администратор.",
    ),
    Action.COMMENT_ACTIVITY: Rule(
        "Комментарии к мероприятиям",
        frozenset({Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR, Role.CURATOR, Role.SCHOOL_TEAM}),
        "Комментировать мероприятия могут команда школы, куратор, координатор и администратор.",
    ),
    Action.RECORD_PROGRESS_REVIEW: Rule(
        "Обзор прогресса программы",
        frozenset({Role.CURATOR, Role.MUNICIPAL_COORDINATOR, Role.REGION_ADMIN}),
        "Обзор прогресса проводят куратор, муниципальный координатор и региональный администратор.",
    ),
    Action.ENTER_INDICATOR_ACTUAL: Rule(
        "Ввод фактических значений показателей",
        frozenset({Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR, Role.SCHOOL_TEAM}),
        "Фактические значения показателей вносят команда школы, координатор и администратор.",
    ),
    Action.IMPORT_PROGRAM: Rule(
        "Загрузка дорожной карты или таблицы показателей из документа",
        frozenset({Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR, Role.SCHOOL_TEAM}),
        "Загружать дорожные карты и показатели могут разработчики программ.",
    ),
    Action.ASSIGN_CURATORS: Rule(
        "Закрепление кураторов за школами, приказ о закреплении, места работы кураторов",
        _COORDINATORS,
        "Закреплять кураторов могут муниципальный координатор и региональный администратор.",
    ),
    Action.RECORD_VISIT: Rule(
        "Протокол выездного мониторинга школы",
        _SUPPORTERS,
        "Протокол выезда ведут куратор, муниципальный координатор и региональный администратор.",
    ),
    Action.RECORD_CONCERN: Rule(
        "Замечание о неучастии школы: запись и передача координатору",
        _SUPPORTERS,
        "Замечания о неучастии школы записывают куратор и координатор.",
    ),
    Action.RESOLVE_CONCERN: Rule(
        "Снятие замечания о неучастии школы",
        _SUPPORTERS,
        "Снять замечание могут куратор, муниципальный координатор и региональный администратор.",
    ),
    Action.CONFIRM_PARTNERS: Rule(
        "Подбор и утверждение школ-партнёров",
        _COORDINATORS,
        "Пары «ШНОР — школа-партнёр» утверждают муниципальный координатор и региональный администратор.",
    ),
    Action.EDIT_PARTNERSHIP: Rule(
        "Соглашение о партнёрстве и совместные мероприятия",
        _WORKERS,
        "Соглашение и совместные мероприятия ведут школы-участники, куратор и координатор.",
    ),
    Action.VIEW_TEACHERS: Rule(
        "Просмотр педагогов школы: диагностика, планы, курсы, наставничество",
        _WORKERS,
        "Сведения о педагогах видят команда школы, её куратор, координатор и администратор.",
    ),
    Action.EDIT_TEACHERS: Rule(
        "Педагоги школы: список, диагностика дефицитов, ИОМ, курсы, наставничество",
        frozenset({Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR, Role.SCHOOL_TEAM}),
        "Сведения о педагогах вносят команда школы, координатор и администратор.",
    ),
    Action.KEEP_STUDENTS: Rule(
        "Банк обучающихся с трудностями: записи, маршруты, консилиумы, итоги",
        frozenset({Role.SCHOOL_TEAM}),
        "Записи об обучающихся ведёт и видит только команда школы; за её пределами видны лишь числа.",
    ),
    Action.MANAGE_EVENTS: Rule(
        "Мероприятия: создание, изменение, отметка посещаемости",
        _COORDINATORS,
        "Мероприятия ведут муниципальный координатор и региональный администратор.",
    ),
    Action.REGISTER_FOR_EVENTS: Rule(
        "Запись школы и педагогов на мероприятие",
        frozenset({Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR, Role.SCHOOL_TEAM}),
        "Записать школу на мероприятие могут её команда, координатор и администратор.",
    ),
    Action.SUBMIT_PRACTICE: Rule(
        "Описание практики для банка лучших практик",
        _WORKERS,
        "Практики предлагают команды школ, кураторы и координаторы.",
    ),
    Action.MODERATE_PRACTICES: Rule(
        "Модерация банка лучших практик: публикация и возврат",
        _COORDINATORS,
        "Публикуют практики муниципальный координатор и региональный администратор.",
    ),
    Action.RECORD_DECISIONS: Rule(
        "Заседания совета руководителей и управленческие решения: запись и отметка исполнения",
        _COORDINATORS,
        "Решения совета руководителей ведут муниципальный координатор и региональный администратор.",
    ),
    Action.MAKE_REPORTS: Rule(
        "Отчёты территории в Word: совету руководителей, анализ эффективности, перечень для сопровождения",
        frozenset({Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR, Role.CURATOR, Role.OBSERVER}),
        "Отчёты территории составляют региональный администратор, координатор, куратор и наблюдатель; "
        "команде школы — аналитическая справка своей школы.",
    ),
    Action.VIEW_AUDIT: Rule(
        "Журнал изменений за период: кто, когда и что изменил (выгрузка в Excel)",
        frozenset({Role.REGION_ADMIN}),
        "Журнал изменений за период выгружает региональный администратор.",
    ),
}


def can(user: User | AnonymousUser | None, action: Action) -> bool:
    """Whether the user may take the action; ``None`` is the installation (the command line)."""
    if user is None:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Role(user.role) in ACCESS[action].roles


def require(user: User | AnonymousUser | None, action: Action) -> None:
    """Refuse (403, with the Russian reason) unless the user may take the action."""
    if not can(user, action):
        raise PermissionDenied(ACCESS[action].refusal)


def allowed_actions(user: User | AnonymousUser | None) -> frozenset[Action]:
    """Every action the user may take (for pages that show or hide their buttons)."""
    return frozenset(action for action in Action if can(user, action))
