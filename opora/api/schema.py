"""The error answers and the Russian words of the OpenAPI schema (a drf-spectacular postprocessing hook).

Every operation may answer 401 (no key or a wrong one) and 404 (an object outside the user's
scope, or a page past the last); one with parameters or a body 400; a write 403 (the access
table refuses), a change of an activity 409 (changed since it was read). All of them have the body
of :mod:`opora.api.errors`.
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "description": "Ошибка: что не так, по-русски; errors — замечания по полям запроса.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["detail"],
}
ANSWERS = {
    "400": "Запрос не выполнен: данные или параметры с ошибками (по полям в errors).",
    "401": "Нет ключа или ключ неверен.",
    "403": "Действие не разрешено роли пользователя (таблица доступа).",
    "404": "Не найдено или недоступно пользователю; нет такой страницы списка.",
    "409": "Объект изменили после того, как система его прочитала (поле version): ничего не записано.",
}
WRITES = {"post", "put", "patch", "delete"}

# The schema's pages speak Russian: each group of operations (drf-spectacular names it by the
# address, ``activities``) gets its Russian name and description, each operation a Russian summary.
GROUPS = {
    "municipalities": ("Муниципалитеты", "Муниципалитеты, школы которых видит пользователь."),
    "schools": ("Школы", "Реестр ОО в области доступа пользователя: поиск и отбор."),
    "contexts": ("Контекстные данные", "Контекстные данные школ по учебным годам; пустое — «нет данных»."),
    "results": ("Результаты", "Результаты ВПР, ОГЭ, ЕГЭ и годовых отметок по ОО, предметам и классам."),
    "identification-runs": ("Расчёты выявления", "Расчёты выявления ШНОР, ШНСУ и резильентных школ."),
    "run-schools": (
        "Строки расчётов",
        "Индексы, признаки (true, false или null — «нет данных») и пояснения по каждой школе расчёта.",
    ),
    "lists": ("Перечни", "Утверждённые перечни ШНОР и ШНСУ с приказами и строками."),
    "risk-profiles": ("Рисковые профили", "Уровень каждого фактора риска школы (null — «нет данных») и основания."),
    "programs": ("Программы", "Программы и дорожные карты: паспорт, разделы, состояние согласования."),
    "activities": ("Мероприятия программ", "Мероприятия дорожных карт: сроки, исполнители, состояние и история."),
    "indicators": ("Показатели программ", "Показатели: цели по годам и фактические значения."),
    "partnerships": ("Партнёрства", "Пары «ШНОР — школа-партнёр» по учебным годам."),
    "events": ("Мероприятия (события)", "Семинары, курсы, конкурсы и другие мероприятия территории."),
    "registrations": ("Записи на мероприятия", "Записи школ и педагогов на мероприятия и отметки посещения."),
}
SUMMARIES = {
    "list": "Список (страницами, с отбором)",
    "retrieve": "Одна запись по id",
    "create": "Создать",
    "partial_update": "Изменить (только переданные поля)",
    "destroy": "Удалить",
    "status_create": "Новое состояние с отчётом",
    "history_list": "История состояний",
    "actuals_create": "Внести фактическое значение",
    "register_create": "Записать школу",
}


def error_answers(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Add the error answers and their body to every operation, and the Russian names of the groups."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    result["tags"] = [{"name": name, "description": text} for name, text in GROUPS.values()]
    for path, operations in result.get("paths", {}).items():
        group = path.removeprefix("/api/").split("/", 1)[0]
        for method, operation in operations.items():
            if group in GROUPS:
                operation["tags"] = [GROUPS[group][0]]
                suffix = operation.get("operationId", "").removeprefix(group.replace("-", "_") + "_")
                operation["summary"] = SUMMARIES.get(suffix, operation.get("summary", ""))
                # The views' docstrings are the code's (in English): the page shows the group's Russian text.
                operation["description"] = GROUPS[group][1]
            codes = ["401", "404"]
            if operation.get("parameters") or operation.get("requestBody"):
                codes.append("400")
            if method in WRITES:
                codes += ["400", "403"]
                if "version" in str(operation.get("requestBody", "")) or "/activities/" in path:
                    codes.append("409")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {"description": ANSWERS[code], "content": reference})
    return result
