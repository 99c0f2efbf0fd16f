"""Error bodies of the API: always JSON, always in Russian, always the same shape.

``{"detail": "<what went wrong>", "errors": {"<field>": ["<problem>", …]}}`` — ``errors`` only
when the request's data had problems. A domain service's ``ValidationError`` (the same one the
pages show beside a field) becomes a 400 with its messages, a refused save against a version
someone has changed since a 409; Django's ``PermissionDenied`` keeps
the Russian refusal of the access table; an object outside the user's scope is a plain 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

INVALID = "Запрос не выполнен: проверьте данные."
NOT_FOUND = "Не найдено (или недоступно вам)."


def _as_list(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return [str(value)]


def service_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """The messages of a service's ValidationError by field; the form-wide ones under ``non_field_errors``."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(message) for message in messages]
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": [str(message) for message in error.messages]}


def _flatten(detail: Any) -> dict[str, list[str]]:
    """DRF's validation detail (nested dicts and lists) as ``field → messages``; nested fields joined by dots."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and any(isinstance(item, (dict, list)) for item in value):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), inner)
        else:
            flat.setdefault(prefix or "non_field_errors", []).extend(_as_list(value))

    walk("", detail)
    return flat


def handle(exc: Exception, context: dict) -> Response | None:
    """DRF's exception handler with Russian, uniform bodies (settings: ``EXCEPTION_HANDLER``)."""
    if isinstance(exc, DjangoValidationError) and getattr(exc, "code", None) == "stale":
        # Someone saved the object since the caller read it: nothing was written (optimistic locking).
        return Response({"detail": str(exc.messages[0])}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": INVALID, "errors": service_errors(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": INVALID, "errors": _flatten(exc.detail)}
    elif isinstance(exc, exceptions.NotFound):
        response.data = {"detail": NOT_FOUND}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response


@csrf_exempt  # an answer with no effect: a write to a wrong address is told so, not refused as a forged form
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other address under /api/: a JSON 404, not the HTML page of the site."""
    return JsonResponse({"detail": "Такого адреса в API нет. Список адресов: /api/."}, status=404)
