from django.http import HttpRequest

from opora.accounts.scopes import describe_scope
from opora.web.navigation import stages_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = request.resolver_match
    namespace = match.namespace if match else ""
    view_name = match.view_name if match else ""
    return {
        "nav_stages": stages_for(user, namespace, view_name),
        "nav_view_name": view_name,
        "scope_label": describe_scope(user),
        "role_label": "Администратор системы" if user.is_superuser else user.get_role_display(),
    }
