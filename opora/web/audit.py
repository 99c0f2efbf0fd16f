"""The journal of changes for a period: every change of every audited model, on a page and in Excel.

The region's administrator reads the changes of the region's objects; the installation
administrator reads them all. The rows come from ``opora.core.audit``; the command line's
``opora audit`` writes the same workbook.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from opora.accounts.access import Action, require
from opora.core.audit import audit_workbook, period_entries, restriction_for
from opora.core.downloads import download_response

PAGE_ROWS = 200
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    start = forms.DateField(label="С", widget=DATE)
    end = forms.DateField(label="По (включительно)", widget=DATE)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "Конец периода раньше его начала.")
        return data


@login_required
def audit_page(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_AUDIT)
    today = timezone.localdate()
    initial = {"start": today - datetime.timedelta(days=30), "end": today}
    form = PeriodForm(request.GET if "start" in request.GET else None, initial=initial)
    if form.is_bound and not form.is_valid():
        return render(request, "web/audit.html", {"form": form, "entries": None})
    start, end = (form.cleaned_data["start"], form.cleaned_data["end"]) if form.is_bound else (initial["start"], today)
    entries = period_entries(start, end, restrict=restriction_for(request.user))
    if request.GET.get("format") == "xlsx":
        name = f"Журнал изменений {start:%d.%m.%Y}–{end:%d.%m.%Y}.xlsx"
        return download_response(audit_workbook(entries), filename=name)
    return render(
        request,
        "web/audit.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "entries": list(reversed(entries))[:PAGE_ROWS],
            "total": len(entries),
            "page_rows": PAGE_ROWS,
        },
    )
