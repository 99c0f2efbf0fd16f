"""Pages of the «Риски» stage: the risk map, a school's profile, factors and rules, questionnaires and their
links, the catalog of measures, and the public page of an anonymous questionnaire.

Thin edges: every write goes through ``opora.risks.services`` (and ``opora.programs.services`` for the
drafts), every read through ``opora.risks.queries``; who may do what is the access table's.
"""

from __future__ import annotations

import secrets
from functools import reduce
from operator import and_

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from opora.accounts.access import Action, can, require
from opora.analytics.risks import LEVELS, RISK_INDICATORS, SOURCES, RiskIndicator
from opora.core.docs import document
from opora.core.downloads import DOCX_CONTENT_TYPE, download_response, xlsx_response
from opora.core.formatting import school_year_label
from opora.core.forms import add_service_errors
from opora.core.search import query_stems
from opora.identification.models import RunStatus
from opora.risks.forms import (
    FactorAddForm,
    FactorForm,
    ItemForm,
    JudgeForm,
    LinksForm,
    MeasureForm,
    PrioritiesForm,
    RuleFormSet,
    RunStartForm,
    SectionForm,
    SurveyForm,
)
from opora.risks.models import (
    Audience,
    LevelOverride,
    Measure,
    MeasureKind,
    ProfileRun,
    QuestionItem,
    Questionnaire,
    QuestionSection,
    RiskFactor,
    SurveyLink,
)
from opora.risks.queries import completion, risk_map, runs_visible_to, school_factors, shown_value
from opora.risks.recovery import interrupted_message
from opora.risks.services import (
    LinkClosed,
    factor_add,
    factor_save,
    item_save,
    latest_factor_set,
    level_judge,
    link_revoke,
    link_state,
    links_create,
    measure_save,
    priorities_set,
    profiles_start,
    response_submit,
    section_save,
)
from opora.schools.models import Region, School, SchoolYear
from opora.schools.queries import chosen_region, home_region, visible_municipalities, visible_school_or_404
from opora.support.queries import visit_evidence

LEVEL_FILTERS = [("", "любой"), *((str(score), name) for score, name in enumerate(LEVELS)), ("none", "нет данных")]
# Public questionnaire pages: how many unknown tokens one address may try, and how many answers one
# device may send through one link, in a window of ten minutes.
TOKEN_MISSES_ALLOWED = 20
ANSWERS_PER_DEVICE = 3
ANSWERS_PER_ADDRESS = 60
THROTTLE_WINDOW = 600
DEVICE_COOKIE = "opora_survey_device"


def _region(request: HttpRequest) -> Region | None:
    """The user's region; an installation administrator of several regions names it with ``?region=``."""
    return chosen_region(request.user, request.GET.get("region") or request.POST.get("region"))


def _region_or_403(request: HttpRequest) -> Region:
    region = _region(request)
    if region is None:
        raise PermissionDenied("Страница относится к одному региону: у вас их несколько или ни одного.")
    return region


def _choose_region(request: HttpRequest, title: str) -> HttpResponse:
    """For an administrator of several regions: which region's page to open."""
    return render(request, "risks/choose_region.html", {"title": title, "regions": Region.objects.order_by("name")})


def _chosen_year(request: HttpRequest) -> SchoolYear | None:
    """The year of the query, or the latest with a computed profile, or the latest with results, or the latest."""
    wanted = request.GET.get("year") or request.POST.get("year")
    if wanted and wanted.isdigit():
        year = SchoolYear.objects.filter(end_year=int(wanted)).first()
        if year is not None:
            return year
    done = runs_visible_to(request.user).filter(status=RunStatus.DONE).order_by("-year__end_year").first()
    if done:
        return done.year
    with_results = SchoolYear.objects.filter(results__isnull=False).distinct().order_by("-end_year").first()
    return with_results or SchoolYear.objects.order_by("-end_year").first()


def _latest_run(request: HttpRequest, year: SchoolYear | None, *, done: bool = True) -> ProfileRun | None:
    if year is None:
        return None
    runs = runs_visible_to(request.user).filter(year=year)
    if done:
        runs = runs.filter(status=RunStatus.DONE)
    return runs.order_by("-created_at", "-pk").first()


# --- the risk map ----------------------------------------------------------------------------------


@login_required
def map_view(request: HttpRequest) -> HttpResponse:
    year = _chosen_year(request)
    run = _latest_run(request, year)
    pending = _latest_run(request, year, done=False)
    if pending is not None and pending.is_finished:
        pending = None
    municipality = request.GET.get("municipality", "")
    factor = request.GET.get("factor", "")
    level = request.GET.get("level", "")
    factors, rows = (
        risk_map(request.user, run, municipality=municipality, factor=factor, level=level)
        if run
        else (
            [],
            [],
        )
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    start_form = (
        RunStartForm(initial={"year": year})
        if can(request.user, Action.RUN_RISK_PROFILES) and home_region(request.user)
        else None
    )
    context = {
        "year": year,
        "years": SchoolYear.objects.order_by("-end_year"),
        "run": run,
        "pending": pending,
        "factors": factors,
        "page": page,
        "rows_total": len(rows),
        "municipalities": [m.name for m in visible_municipalities(request.user)],
        "filters": {"municipality": municipality, "factor": factor, "level": level},
        "level_filters": LEVEL_FILTERS,
        "start_form": start_form,
        "counts": _level_counts(factors, rows),
    }
    return render(request, "risks/map.html", context)


def _level_counts(factors: list[RiskFactor], rows) -> list[dict]:
    """Per factor: how many schools at each level, and with no data."""
    counts = []
    for index, factor in enumerate(factors):
        tally = {name: 0 for name in (*LEVELS, "нет данных")}
        for row in rows:
            tally[row.levels[index][1]] += 1
        counts.append({"factor": factor, "high": tally["высокий"], "medium": tally["средний"],
                       "unknown": tally["нет данных"]})  # fmt: skip
    return counts


@login_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RUN_RISK_PROFILES)
    region = _region_or_403(request)
    form = RunStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Выберите учебный год.")
        return redirect("risks:map")
    run = profiles_start(region=region, year=form.cleaned_data["year"], by=request.user)
    return redirect("risks:run", pk=run.pk)


@login_required
def run_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's progress; when it is done, the map of its year."""
    run = get_object_or_404(runs_visible_to(request.user), pk=pk)
    context = {
        "run": run,
        "can_rerun": can(request.user, Action.RUN_RISK_PROFILES) and home_region(request.user) is not None,
        "interrupted_message": interrupted_message(run) if run.is_interrupted else "",
    }
    if request.htmx and request.htmx.target == "run-status":
        response = render(request, "risks/_run_status.html", context)
        if run.status == RunStatus.DONE:
            response["HX-Redirect"] = f"{reverse('risks:map')}?year={run.year.end_year}"
        return response
    if run.status == RunStatus.DONE:
        return redirect(f"{reverse('risks:map')}?year={run.year.end_year}")
    return render(request, "risks/run.html", context)


@login_required
def map_export(request: HttpRequest) -> HttpResponse:
    year = _chosen_year(request)
    run = _latest_run(request, year)
    if run is None:
        raise Http404("Рисковые профили за этот год не рассчитаны.")
    factors, rows = risk_map(
        request.user,
        run,
        municipality=request.GET.get("municipality", ""),
        factor=request.GET.get("factor", ""),
        level=request.GET.get("level", ""),
    )
    return xlsx_response(
        filename=f"Карта рисков {run.year.label.replace('/', '-')}.xlsx",
        sheet_title="Карта рисков",
        columns=["Код ОО", "Наименование", "Муниципалитет", *(factor.name for factor in factors)],
        rows=(
            [row.profile.code, row.profile.name, row.profile.municipality, *(name for _l, name, _t in row.levels)]
            for row in rows
        ),
        text_columns=[0],
    )


# --- a school's profile ----------------------------------------------------------------------------


def _school_run(request: HttpRequest, school: School) -> tuple[SchoolYear | None, ProfileRun | None]:
    year = _chosen_year(request)
    run = _latest_run(request, year)
    if run is not None and not run.profiles.filter(school=school).exists():
        run = None
    return year, run


@login_required
def school_view(request: HttpRequest, code: str) -> HttpResponse:
    school = visible_school_or_404(request.user, code)
    year, run = _school_run(request, school)
    states = school_factors(request.user, school, run) if run else []
    factors = [state.factor for state in states]
    history = (
        LevelOverride.objects.filter(school=school, year=run.year).select_related("created_by").order_by("-created_at")
        if run
        else LevelOverride.objects.none()
    )
    names = {factor.key: factor.name for factor in factors}
    user = request.user
    context = {
        "visit_checks": visit_evidence(school),
        "school": school,
        "year": year,
        "years": SchoolYear.objects.filter(
            profile_runs__status=RunStatus.DONE, profile_runs__region=school.municipality.region
        )
        .distinct()
        .order_by("-end_year"),
        "run": run,
        "states": states,
        "chart": _profile_chart(states),
        "history": [(override, names.get(override.factor_key, override.factor_key)) for override in history],
        "judge_form": JudgeForm(factors=factors) if run and can(user, Action.JUDGE_RISK_LEVEL) else None,
        "priorities_form": PrioritiesForm(
            factors=factors, initial={"factors": [s.factor.key for s in states if s.priority]}
        )
        if run and can(user, Action.CHOOSE_PRIORITIES)
        else None,
        "priorities": [state for state in states if state.priority],
        "can_draft": bool(run) and can(user, Action.DRAFT_PROGRAMS),
        "completion": [row for row in completion(user, run.year, School.objects.filter(pk=school.pk))] if run else [],
        "audiences": dict(Audience.choices),
    }
    return render(request, "risks/school.html", context)


def _profile_chart(states) -> list[dict]:
    """Bars of the levels in force (high: the whole track; «нет риска»: a stub), with the level in words."""
    return [
        {
            "number": state.factor.number,
            "name": state.factor.name,
            "width": 0 if state.level is None else max(3, round(100 * state.level / (len(LEVELS) - 1))),
            "tone": state.tone,
            "level": state.level_name,
        }
        for state in states
    ]


def profile_url(school: School, run: ProfileRun) -> str:
    return f"{reverse('risks:school', args=[school.code])}?year={run.year.end_year}"


def post_run(request: HttpRequest, school: School) -> ProfileRun:
    """The done run of the form's «run» field (by default the latest) that holds the school's profile; else 404."""
    runs = runs_visible_to(request.user).filter(status=RunStatus.DONE, profiles__school=school)
    wanted = request.POST.get("run", "")
    run = runs.filter(pk=int(wanted)).first() if wanted.isdigit() else runs.order_by("-created_at", "-pk").first()
    if run is None:
        raise Http404("В этом расчёте нет профиля школы.")
    return run


@login_required
@require_POST
def judge_view(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.JUDGE_RISK_LEVEL)
    school = visible_school_or_404(request.user, code)
    run = post_run(request, school)
    factors = list(run.factor_set.factors.filter(retired=False).order_by("number"))
    form = JudgeForm(request.POST, factors=factors)
    if form.is_valid():
        try:
            level_judge(
                school=school,
                year=run.year,
                factor_key=form.cleaned_data["factor_key"],
                level=form.chosen_level(),
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Экспертная оценка сохранена рядом с рассчитанным уровнем.")
    else:
        problems = " ".join(problem for errors in form.errors.values() for problem in errors)
        messages.error(request, f"Оценка не сохранена: {problems}")
    return redirect(profile_url(school, run))


@login_required
@require_POST
def priorities_view(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.CHOOSE_PRIORITIES)
    school = visible_school_or_404(request.user, code)
    run = post_run(request, school)
    factors = list(run.factor_set.factors.filter(retired=False).order_by("number"))
    form = PrioritiesForm(request.POST, factors=factors)
    if form.is_valid():
        priorities_set(school=school, year=run.year, factor_keys=form.cleaned_data["factors"], by=request.user)
        messages.success(request, "Приоритетные факторы сохранены.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(profile_url(school, run))


@login_required
def recommendations_view(request: HttpRequest, code: str) -> HttpResponse:
    from opora.risks.documents import recommendations_context, recommendations_docx

    school = visible_school_or_404(request.user, code)
    _year, run = _school_run(request, school)
    if run is None:
        raise Http404("Рисковый профиль школы за этот год не рассчитан.")
    content = recommendations_docx(recommendations_context(school, run, request.user))
    return download_response(
        content,
        filename=f"Адресные рекомендации {school.code} {run.year.label.replace('/', '-')}.docx",
        content_type=DOCX_CONTENT_TYPE,
    )


@login_required
def risks_docs(request: HttpRequest) -> HttpResponse:
    """docs/risks.md as a page: the factors, their rules and the reasons for the defaults."""
    text, toc = document("risks")
    return render(request, "risks/docs.html", {"text": text, "toc": toc})


# --- factors and rules -----------------------------------------------------------------------------


@login_required
def factors_view(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    if region is None:
        return _choose_region(request, "Факторы риска и правила")
    factor_set = latest_factor_set(region)
    factors = factor_set.factors.prefetch_related("rules").order_by("number")
    rows = []
    for factor in factors:
        rules = [
            {
                "indicator": _indicator(rule.indicator).label,
                "source": SOURCES.get(_indicator(rule.indicator).source, ""),
                "audience": Audience(rule.audience).label if rule.audience else "",
                "direction": "больше — выше риск" if rule.operator == ">=" else "меньше — выше риск",
                "thresholds": _rule_thresholds(rule),
                "weight": rule.weight,
                "explanation": rule.explanation,
            }
            for rule in factor.rules.all()
        ]
        rows.append({"factor": factor, "rules": rules})
    return render(
        request,
        "risks/factors.html",
        {
            "factor_set": factor_set,
            "rows": rows,
            "versions": factor_set.region.factor_sets.order_by("-version"),
            "can_edit": can(request.user, Action.EDIT_RISK_RULES),
        },
    )


def _indicator(key: str) -> RiskIndicator:
    return RISK_INDICATORS.get(key) or RiskIndicator(key, key, "", "")


def _rule_thresholds(rule) -> str:
    unit = RISK_INDICATORS[rule.indicator].unit if rule.indicator in RISK_INDICATORS else ""
    sign = "≥" if rule.operator == ">=" else "≤"
    parts = [
        f"{name} {sign} {shown_value(value, unit)}"
        for value, name in ((rule.high, "высокий"), (rule.medium, "средний"), (rule.low, "низкий"))
        if value is not None
    ]
    return "; ".join(parts) or "пороги не заданы"


def _factor_or_404(request: HttpRequest, pk: int) -> RiskFactor:
    factors = RiskFactor.objects.select_related("factor_set__region")
    if not request.user.is_superuser:
        factors = factors.filter(factor_set__region=home_region(request.user))
    return get_object_or_404(factors, pk=pk)


@login_required
def factor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.EDIT_RISK_RULES)
    factor = _factor_or_404(request, pk)
    initial_rules = [
        {
            "indicator": rule.indicator,
            "audience": rule.audience,
            "operator": rule.operator,
            "high": rule.high,
            "medium": rule.medium,
            "low": rule.low,
            "weight": rule.weight,
            "explanation": rule.explanation,
        }
        for rule in factor.rules.all()
    ]
    form = FactorForm(
        request.POST or None,
        initial={"name": factor.name, "description": factor.description, "retired": factor.retired},
    )
    rules = RuleFormSet(request.POST or None, initial=initial_rules, prefix="rules")
    if request.method == "POST" and form.is_valid() and rules.is_valid():
        chosen = [rule for rule in (item.rule() for item in rules.forms) if rule is not None]
        try:
            saved = factor_save(
                factor=factor,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                retired=form.cleaned_data["retired"],
                rules=chosen,
                by=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Сохранено в версии {saved.factor_set.version} набора факторов; профили прежних расчётов не меняются.",
            )
            return redirect("risks:factors")
    return render(request, "risks/factor_edit.html", {"factor": factor, "form": form, "rules": rules})


@login_required
def factor_add_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.EDIT_RISK_RULES)
    region = _region(request)
    if region is None:
        return _choose_region(request, "Новый фактор риска")
    form = FactorAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            factor = factor_add(region=region, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Фактор добавлен. Задайте его правила, иначе его уровень — «нет данных».")
            return redirect("risks:factor_edit", pk=factor.pk)
    return render(request, "risks/factor_add.html", {"form": form})


# --- questionnaires and links ----------------------------------------------------------------------


@login_required
def questionnaires_view(request: HttpRequest) -> HttpResponse:
    questionnaires = Questionnaire.objects.visible_to(request.user).prefetch_related("sections__items")
    rows = [
        {
            "questionnaire": questionnaire,
            "items": sum(section.items.count() for section in questionnaire.sections.all()),
            "sections": questionnaire.sections.count(),
        }
        for questionnaire in questionnaires
    ]
    return render(
        request,
        "risks/questionnaires.html",
        {"rows": rows, "can_links": can(request.user, Action.MANAGE_SURVEY_LINKS)},
    )


def _questionnaire_or_404(request: HttpRequest, pk: int) -> Questionnaire:
    return get_object_or_404(Questionnaire.objects.visible_to(request.user), pk=pk)


@login_required
def questionnaire_view(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire_or_404(request, pk)
    factors = {factor.key: factor.name for factor in latest_factor_set(questionnaire.region).factors.all()}
    sections = [
        (section, [(item, factors.get(item.factor_key, item.factor_key)) for item in section.items.all()])
        for section in questionnaire.sections.prefetch_related("items")
    ]
    return render(
        request,
        "risks/questionnaire.html",
        {
            "questionnaire": questionnaire,
            "sections": sections,
            "can_edit": can(request.user, Action.EDIT_QUESTIONNAIRES),
        },
    )


@login_required
def item_edit(request: HttpRequest, pk: int, section: int, item: int | None = None) -> HttpResponse:
    require(request.user, Action.EDIT_QUESTIONNAIRES)
    questionnaire = _questionnaire_or_404(request, pk)
    section_obj = get_object_or_404(QuestionSection, pk=section, questionnaire=questionnaire)
    item_obj = get_object_or_404(QuestionItem, pk=item, section=section_obj) if item is not None else None
    factors = list(latest_factor_set(questionnaire.region).factors.filter(retired=False).order_by("number"))
    initial = (
        {"text": item_obj.text, "scale": item_obj.scale, "factor_key": item_obj.factor_key, "reverse": item_obj.reverse}
        if item_obj
        else {}
    )
    form = ItemForm(request.POST or None, initial=initial, factors=factors)
    if request.method == "POST" and form.is_valid():
        try:
            item_save(item=item_obj, section=section_obj, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Вопрос сохранён.")
            return redirect("risks:questionnaire", pk=questionnaire.pk)
    return render(
        request,
        "risks/item_edit.html",
        {"questionnaire": questionnaire, "section": section_obj, "item": item_obj, "form": form},
    )


@login_required
def section_edit(request: HttpRequest, pk: int, section: int | None = None) -> HttpResponse:
    require(request.user, Action.EDIT_QUESTIONNAIRES)
    questionnaire = _questionnaire_or_404(request, pk)
    section_obj = get_object_or_404(QuestionSection, pk=section, questionnaire=questionnaire) if section else None
    form = SectionForm(request.POST or None, initial={"title": section_obj.title} if section_obj else {})
    if request.method == "POST" and form.is_valid():
        try:
            section_save(questionnaire=questionnaire, section=section_obj, title=form.cleaned_data["title"])
        except ValidationError as error:
            form.add_error("title", " ".join(error.messages))
        else:
            messages.success(request, "Раздел сохранён.")
            return redirect("risks:questionnaire", pk=questionnaire.pk)
    return render(
        request,
        "risks/section_edit.html",
        {"questionnaire": questionnaire, "section": section_obj, "form": form},
    )


@login_required
def links_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_SURVEY_LINKS)
    schools = School.objects.visible_to(request.user).filter(is_active=True).order_by("code")
    questionnaires = Questionnaire.objects.visible_to(request.user)
    form = LinksForm(request.POST or None, questionnaires=questionnaires, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = list(data["schools"]) or list(schools)
        try:
            created = links_create(
                schools=chosen,
                questionnaire=data["questionnaire"],
                year=data["year"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Создано ссылок: {len(created)}. Выгрузите их в Excel, чтобы разослать школам.")
            return redirect(f"{reverse('risks:links')}?year={data['year'].end_year}")
    year = _chosen_year(request)
    links = (
        SurveyLink.objects.visible_to(request.user)
        .filter(year=year)
        .select_related("school", "questionnaire")
        .order_by("school__code", "questionnaire__audience", "-created_at")
    )
    page = Paginator(links, 50).get_page(request.GET.get("page"))
    rows = [(link, link_state(link), request.build_absolute_uri(reverse("survey", args=[link.token]))) for link in page]
    return render(
        request,
        "risks/links.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "year": year,
            "years": SchoolYear.objects.order_by("-end_year"),
            "completion": completion(request.user, year, schools) if year else [],
            "audiences": dict(Audience.choices),
        },
    )


@login_required
def links_export(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_SURVEY_LINKS)
    year = _chosen_year(request)
    links = (
        SurveyLink.objects.visible_to(request.user)
        .filter(year=year)
        .select_related("school", "questionnaire")
        .order_by("school__code", "questionnaire__audience")
    )
    return xlsx_response(
        filename=f"Ссылки на анкеты {school_year_label(year.end_year).replace('/', '-')}.xlsx",
        sheet_title="Ссылки на анкеты",
        columns=["Код ОО", "Школа", "Анкета", "Ссылка", "Открыта с", "Открыта по", "Состояние"],
        rows=(
            [
                link.school.code,
                link.school.display_name,
                link.questionnaire.title,
                request.build_absolute_uri(reverse("survey", args=[link.token])),
                link.opens_on,
                link.closes_on,
                link_state(link),
            ]
            for link in links
        ),
        text_columns=[0],
    )


@login_required
@require_POST
def link_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.MANAGE_SURVEY_LINKS)
    link = get_object_or_404(SurveyLink.objects.visible_to(request.user), pk=pk)
    link_revoke(link=link, by=request.user)
    messages.success(request, f"Ссылка школы {link.school.code} на анкету «{link.questionnaire}» отозвана.")
    return redirect(f"{reverse('risks:links')}?year={link.year.end_year}")


# --- the public questionnaire ----------------------------------------------------------------------


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def survey_view(request: HttpRequest, token: str) -> HttpResponse:
    """The anonymous questionnaire of a link: no login; nothing of the person is stored."""
    misses_key = f"survey-misses:{_client_address(request)}"
    if (cache.get(misses_key) or 0) >= TOKEN_MISSES_ALLOWED:
        return render(request, "risks/survey_closed.html", {"message": _TOO_MANY_TRIES}, status=429)
    link = SurveyLink.objects.select_related("questionnaire", "school").filter(token=token).first()
    if link is None:
        cache.add(misses_key, 0, THROTTLE_WINDOW)
        cache.incr(misses_key)
        return render(
            request,
            "risks/survey_closed.html",
            {"message": "Такой анкеты нет. Проверьте ссылку: её выдаёт школа."},
            status=404,
        )
    state = link_state(link)
    if state != "открыта":
        return render(
            request,
            "risks/survey_closed.html",
            {"message": f"Анкета {state}: ответы по этой ссылке не принимаются.", "link": link},
            status=410,
        )
    items = list(QuestionItem.objects.filter(section__questionnaire=link.questionnaire).select_related("section"))
    form = SurveyForm(request.POST or None, items=items)
    cookie = request.COOKIES.get(DEVICE_COOKIE)
    device = cookie or secrets.token_hex(12)
    if request.method == "POST":
        # A device is its cookie; a client that keeps no cookie counts by its address, where a whole
        # school may sit behind one, so with a larger allowance.
        rate_key = f"survey-answers:{link.pk}:{cookie or 'address:' + _client_address(request)}"
        allowed = ANSWERS_PER_DEVICE if cookie else ANSWERS_PER_ADDRESS
        if (cache.get(rate_key) or 0) >= allowed:
            return render(
                request,
                "risks/survey_closed.html",
                {"message": "С этого устройства уже отправлено несколько анкет. Попробуйте позже.", "link": link},
                status=429,
            )
        if form.is_valid():
            try:
                response_submit(link=link, answers=form.answers())
            except LinkClosed as closed:
                return render(request, "risks/survey_closed.html", {"message": str(closed), "link": link}, status=410)
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                cache.add(rate_key, 0, THROTTLE_WINDOW)
                cache.incr(rate_key)
                return render(request, "risks/survey_done.html", {"link": link})
    sections: dict[int, tuple[QuestionSection, list]] = {}
    for item in items:
        sections.setdefault(item.section_id, (item.section, []))[1].append(form[item.key])
    response = render(request, "risks/survey.html", {"link": link, "form": form, "sections": list(sections.values())})
    response.set_cookie(DEVICE_COOKIE, device, max_age=THROTTLE_WINDOW, httponly=True, samesite="Lax")
    return response


_TOO_MANY_TRIES = "Слишком много попыток открыть несуществующие анкеты с этого адреса. Попробуйте через 10 минут."


# --- the catalog of measures -----------------------------------------------------------------------


def _catalog(request: HttpRequest, region: Region):
    measures = Measure.objects.filter(region=region).order_by("ident")
    query = request.GET.get("q", "").strip()
    stems = query_stems(query)
    if stems:
        # The stored stems are padded with spaces: a stem of the query matches a whole word, not a part of one.
        measures = measures.filter(reduce(and_, (Q(search_text__contains=f" {stem} ") for stem in stems)))
    kind = request.GET.get("kind", "")
    if kind in MeasureKind.values:
        measures = measures.filter(kind=kind)
    factor = request.GET.get("factor", "")
    chosen = [m for m in measures if not factor or factor in m.factor_keys]
    return chosen, {"q": query, "factor": factor, "kind": kind}


@login_required
def catalog_view(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    if region is None:
        return _choose_region(request, "Каталог мер")
    measures, filters = _catalog(request, region)
    names = {factor.key: factor.name for factor in latest_factor_set(region).factors.all()}
    page = Paginator(measures, 30).get_page(request.GET.get("page"))
    rows = [(measure, [names.get(key, key) for key in measure.factor_keys]) for measure in page]
    return render(
        request,
        "risks/catalog.html",
        {
            "page": page,
            "rows": rows,
            "total": len(measures),
            "filters": filters,
            "factors": sorted(names.items(), key=lambda pair: pair[1]),
            "kinds": MeasureKind.choices,
            "can_edit": can(request.user, Action.EDIT_CATALOG),
        },
    )


@login_required
def catalog_export(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    if region is None:
        return _choose_region(request, "Каталог мер")
    measures, _filters = _catalog(request, region)
    names = {factor.key: factor.name for factor in latest_factor_set(region).factors.all()}
    kinds = dict(MeasureKind.choices)
    return xlsx_response(
        filename="Каталог мер.xlsx",
        sheet_title="Каталог мер",
        columns=[
            "№ в каталоге",
            "Мера",
            "Факторы риска",
            "Вид",
            "Типичный исполнитель",
            "Типичные сроки",
            "Ожидаемый результат",
            "Источник",
            "Раздел источника",
        ],
        rows=(
            [
                m.ident,
                m.text,
                "; ".join(names.get(key, key) for key in m.factor_keys),
                kinds.get(m.kind, m.kind),
                m.owner,
                m.timing,
                m.expected_result,
                m.source,
                m.section,
            ]
            for m in measures
        ),
        text_columns=[0],
    )


@login_required
def measure_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, Action.EDIT_CATALOG)
    if pk is not None:
        measures = Measure.objects.all() if request.user.is_superuser else Measure.objects.filter(
            region=home_region(request.user)
        )
        measure = get_object_or_404(measures, pk=pk)
        region = measure.region
    else:
        measure, region = None, _region(request)
        if region is None:
            return _choose_region(request, "Новая мера")
    factors = list(latest_factor_set(region).factors.filter(retired=False).order_by("number"))
    initial = (
        {
            "text": measure.text,
            "factor_keys": measure.factor_keys,
            "kind": measure.kind,
            "owner": measure.owner,
            "timing": measure.timing,
            "expected_result": measure.expected_result,
            "source": measure.source,
        }
        if measure
        else {}
    )
    form = MeasureForm(request.POST or None, initial=initial, factors=factors)
    if request.method == "POST" and form.is_valid():
        try:
            saved = measure_save(region=region, measure=measure, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Мера {saved.ident} сохранена.")
            return redirect("risks:catalog")
    return render(request, "risks/measure_edit.html", {"form": form, "measure": measure})
