from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from opora.identification.flags import FLAGS
from opora.identification.queries import (
    approved_lists_visible_to,
    done_runs,
    flag_counts,
    lines_visible_to,
    runs_visible_to,
)
from opora.results.queries import scope_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    latest_run = done_runs(runs_visible_to(request.user)).first()
    context = {
        "summary": scope_summary(request.user),
        "latest_run": latest_run,
        "latest_counts": flag_counts(lines_visible_to(request.user, latest_run)) if latest_run else None,
        "latest_list": approved_lists_visible_to(request.user).first(),
        "flags": FLAGS.values(),
    }
    return render(request, "web/home.html", context)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check: a Russian page in the product's layout, with the way back."""
    return render(request, "403_csrf.html", {"reason": ""}, status=403)
