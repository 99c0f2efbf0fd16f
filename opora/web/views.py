import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from opora.accounts.scopes import scope_of
from opora.identification.flags import FLAGS
from opora.identification.queries import (
    approved_lists_visible_to,
    done_runs,
    flag_counts,
    lines_visible_to,
    runs_visible_to,
)
from opora.intake.queries import data_stamp
from opora.results.queries import ScopeSummary, scope_summary

SUMMARY_SECONDS = 300
"""How long the home page's figures are kept at most: an import changes them at once, an edit in the admin
(which bypasses intake) within this time."""


def _summary(user) -> ScopeSummary:
    """The figures of the user's scope, counted again only after an import (counting a region's rows is slow)."""
    key = "home-summary:" + hashlib.sha256(f"{scope_of(user)!r}|{data_stamp()}".encode()).hexdigest()
    summary = cache.get(key)
    if summary is None:
        summary = scope_summary(user)
        cache.set(key, summary, SUMMARY_SECONDS)
    return summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    latest_run = done_runs(runs_visible_to(request.user)).first()
    context = {
        "summary": _summary(request.user),
        "latest_run": latest_run,
        "latest_counts": flag_counts(lines_visible_to(request.user, latest_run)) if latest_run else None,
        "latest_list": approved_lists_visible_to(request.user).first(),
        "flags": FLAGS.values(),
    }
    return render(request, "web/home.html", context)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check: a Russian page in the product's layout, with the way back."""
    return render(request, "403_csrf.html", {"reason": ""}, status=403)
