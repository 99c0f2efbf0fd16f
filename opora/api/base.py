"""What every endpoint of the API shares: the access table, read-only or written views."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import Http404
from rest_framework import permissions, viewsets

from opora.accounts.access import ACCESS, Action, can


class ActionAllowed(permissions.BasePermission):
    """A write is allowed by the access table: the view names the action of each of its writes.

    ``write_actions`` maps a view's action (``create``, ``partial_update``, ``status``, …) to the
    :class:`~opora.accounts.access.Action` of the pages; the refusal is the table's own Russian text.
    Reads need only a signed-in user: which rows they see is the scope of the queryset.
    """

    def has_permission(self, request: Any, view: Any) -> bool:
        action = view.write_actions.get(getattr(view, "action", None) or "")
        if action is None:
            return True
        if not can(request.user, action):
            self.message = ACCESS[action].refusal
            return False
        return True


MAX_ID = 2**63 - 1


class ReadView(viewsets.ReadOnlyModelViewSet):
    """A list and a detail of rows the user may see (``get_queryset`` applies the scope)."""

    permission_classes: ClassVar[list] = [permissions.IsAuthenticated, ActionAllowed]
    write_actions: ClassVar[dict[str, Action]] = {}
    lookup_value_regex = "[0-9]+"

    def get_object(self) -> Any:
        """The object of the address; an id no database holds is «не найдено» like any other."""
        if int(self.kwargs[self.lookup_field]) > MAX_ID:
            raise Http404
        return super().get_object()


class WriteView(ReadView, viewsets.GenericViewSet):
    """A view that also writes, through the services of its domain."""

    http_method_names: ClassVar[list[str]] = ["get", "post", "patch", "delete", "head", "options"]

