"""Pages of the programs: the drafts made from risk profiles (their full editing and approval come next)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from opora.accounts.access import Action, require
from opora.programs.models import Program, ProgramKind
from opora.programs.services import antirisk_drafts_create
from opora.risks.models import RiskFactor
from opora.risks.views import post_run, profile_url
from opora.schools.queries import visible_school_or_404


def _programs(request: HttpRequest):
    return Program.objects.visible_to(request.user).select_related("school", "municipality", "year", "parent")


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    programs = _programs(request)
    school = request.GET.get("school", "").strip()
    if school:
        programs = programs.filter(school__code=school)
    kind = request.GET.get("kind", "")
    if kind in ProgramKind.values:
        programs = programs.filter(kind=kind)
    page = Paginator(programs.order_by("school__code", "-created_at"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/list.html",
        {"page": page, "filters": {"school": school, "kind": kind}, "kinds": ProgramKind.choices},
    )


@login_required
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(_programs(request), pk=pk)
    sections = []
    activities = program.activities.select_related("section", "measure").order_by("position")
    by_section: dict[int | None, list] = {}
    for activity in activities:
        by_section.setdefault(activity.section_id, []).append(activity)
    for section in program.sections.order_by("position"):
        sections.append((section, by_section.pop(section.pk, [])))
    if by_section.get(None):
        sections.append((None, by_section.pop(None)))
    factor_names = dict(
        RiskFactor.objects.filter(factor_set__region=program.region)
        .values_list("key", "name")
        .order_by("factor_set__version")
    )
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "sections": sections,
            "indicators": program.indicators.order_by("position"),
            "children": _programs(request).filter(parent=program),
            "factor_name": factor_names.get(program.factor_key, ""),
        },
    )


@login_required
@require_POST
def drafts_create(request: HttpRequest, code: str) -> HttpResponse:
    """One click on a school's risk profile: its antirisk programs and roadmap drafted from the catalog."""
    require(request.user, Action.DRAFT_PROGRAMS)
    school = visible_school_or_404(request.user, code)
    run = post_run(request, school)
    try:
        programs = antirisk_drafts_create(school=school, run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(profile_url(school, run))
    messages.success(request, f"Составлены черновики: {len(programs)}. Их можно править; прежние черновики заменены.")
    return redirect(f"{reverse('programs:list')}?school={school.code}")
