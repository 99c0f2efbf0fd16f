"""The error answers of every operation in the OpenAPI schema (a drf-spectacular postprocessing hook).

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


def error_answers(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Add the error answers and their body to every operation of the schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
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
