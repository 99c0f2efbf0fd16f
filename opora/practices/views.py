"""Pages of the bank of good practices: the bank with its search, a practice, the form, the
moderation queue, the materials; and the public page of published practices, open without login.
Thin: every write is a service, every list a query."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from opora.accounts.access import Action, can, require
from opora.core.downloads import xlsx_response
from opora.core.forms import add_service_errors
from opora.practices.forms import MaterialForm, PracticeForm
from opora.practices.models import Practice, PracticeKind, PracticeMaterial, PracticeStatus
from opora.practices.queries import PracticeFilters, factor_names, practices_filtered, subject_options
from opora.practices.services import (
    material_add,
    material_remove,
    practice_publish,
    practice_return,
    practice_save,
    practice_send,
    practice_unpublish,
)
from opora.risks.models import Measure
from opora.schools.models import Region, School
from opora.schools.queries import home_region

PAGE_SIZE = 20
# The tabs of the bank for its authors and moderators (the published practices are the first tab).
STATUS_TABS = (
    (PracticeStatus.DRAFT, "Черновики"),
    (PracticeStatus.MODERATION, "На модерации"),
    (PracticeStatus.RETURNED, "Возвращённые на доработку"),
    (PracticeStatus.UNPUBLISHED, "Снятые с публикации"),
)


def _region(request: HttpRequest) -> Region | None:
    """The user's region; an installation administrator of several regions names it with ``?region=``."""
    region = home_region(request.user)
    if region is None and request.user.is_superuser:
        wanted = request.GET.get("region") or request.POST.get("region") or ""
        region = Region.objects.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    return region


def _may_see_statuses(user) -> bool:
    return can(user, Action.SUBMIT_PRACTICE) or can(user, Action.MODERATE_PRACTICES)


def _listed(request: HttpRequest) -> tuple[object, PracticeFilters, str]:
    """The bank as the user reads it: published practices, or (for authors and moderators) a status."""
    user = request.user
    status = request.GET.get("status", "")
    if status in PracticeStatus.values and status != PracticeStatus.PUBLISHED and _may_see_statuses(user):
        practices = Practice.objects.visible_to(user).filter(status=status)
    else:
        status = PracticeStatus.PUBLISHED
        practices = Practice.objects.readable_by(user).published()
    filters = PracticeFilters.of(request.GET, Measure.objects.visible_to(user))
    return practices_filtered(practices, filters), filters, status


@login_required
def practice_list(request: HttpRequest) -> HttpResponse:
    """The bank: search in Russian, filters by risk factor, subject, kind and catalog measure."""
    practices, filters, status = _listed(request)
    names = factor_names(home_region(request.user))
    page = Paginator(practices.order_by("-published_at", "-updated_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for practice in page:
        practice.factor_names = [names.get(key, key) for key in practice.factor_keys]
    return render(
        request,
        "practices/list.html",
        {
            "page": page,
            "total": page.paginator.count,
            "filters": filters,
            "status": status,
            "statuses": STATUS_TABS if _may_see_statuses(request.user) else (),
            "factors": sorted(names.items(), key=lambda pair: pair[1]),
            "subjects": subject_options(Practice.objects.readable_by(request.user)),
            "kinds": PracticeKind.choices,
            "can_add": can(request.user, Action.SUBMIT_PRACTICE),
            "can_moderate": can(request.user, Action.MODERATE_PRACTICES),
        },
    )


@login_required
def practice_export(request: HttpRequest) -> HttpResponse:
    """The list as it is filtered, in Excel (without the authors: the table goes further than the bank)."""
    practices, _filters, _status = _listed(request)
    names = factor_names(home_region(request.user))
    return xlsx_response(
        filename="Банк лучших практик.xlsx",
        sheet_title="Практики",
        columns=(
            "Название",
            "Вид",
            "Код ОО",
            "Школа",
            "Муниципалитет",
            "Предметы",
            "Факторы риска",
            "Кратко",
            "Состояние",
            "Опубликована",
        ),
        rows=(
            (
                practice.title,
                practice.get_kind_display(),
                practice.school.code,
                practice.school.display_name,
                practice.school.municipality.name,
                practice.subjects,
                "; ".join(names.get(key, key) for key in practice.factor_keys),
                practice.summary,
                practice.get_status_display(),
                practice.published_at.date() if practice.published_at else None,
            )
            for practice in practices.order_by("-published_at", "-updated_at", "-pk")
        ),
        text_columns=(2,),
    )


def _readable_or_404(request: HttpRequest, pk: int) -> Practice:
    return get_object_or_404(
        Practice.objects.readable_by(request.user).select_related("school__municipality__region", "author"), pk=pk
    )


def _writable_or_404(request: HttpRequest, pk: int) -> Practice:
    return get_object_or_404(Practice.objects.visible_to(request.user).select_related("school__municipality"), pk=pk)


@login_required
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _readable_or_404(request, pk)
    user = request.user
    in_scope = Practice.objects.visible_to(user).filter(pk=practice.pk).exists()
    names = factor_names(practice.school.municipality.region)
    may_submit = in_scope and can(user, Action.SUBMIT_PRACTICE)
    may_moderate = in_scope and can(user, Action.MODERATE_PRACTICES)
    return render(
        request,
        "practices/detail.html",
        {
            "practice": practice,
            "factor_names": [names.get(key, key) for key in practice.factor_keys],
            "measures": practice.measures.order_by("ident"),
            "materials": practice.materials.all(),
            "steps": practice.steps.select_related("by") if in_scope else [],
            "may_edit": may_submit and practice.editable,
            "may_moderate": may_moderate,
            "material_form": MaterialForm() if may_submit and practice.editable else None,
            "is_published": practice.status == PracticeStatus.PUBLISHED,
        },
    )


def _form_page(request: HttpRequest, practice: Practice | None) -> HttpResponse:
    require(request.user, Action.SUBMIT_PRACTICE)
    region = practice.school.municipality.region if practice else _region(request)
    if region is None:
        return render(
            request,
            "practices/choose_region.html",
            {"title": "Новая практика", "regions": Region.objects.order_by("name")},
        )
    schools = School.objects.visible_to(request.user).select_related("municipality").order_by("code")
    if practice is not None:
        initial = {
            "school": practice.school,
            "kind": practice.kind,
            "title": practice.title,
            "summary": practice.summary,
            "description": practice.description,
            "results": practice.results,
            "subjects": practice.subjects,
            "factor_keys": practice.factor_keys,
            "measures": list(practice.measures.all()),
        }
    else:
        initial = {"school": request.user.school} if request.user.school_id else {}
        wanted = request.GET.get("measure", "")
        if wanted.isdigit():
            initial["measures"] = list(Measure.objects.filter(region=region, pk=int(wanted)))
    form = PracticeForm(request.POST or None, region=region, schools=schools, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = practice_save(practice=practice, school=data["school"], data=data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Практика сохранена. Приложите материалы и отправьте её на модерацию."
                if practice is None
                else "Изменения сохранены.",
            )
            return redirect("practices:detail", pk=saved.pk)
    return render(request, "practices/form.html", {"form": form, "practice": practice, "region": region})


@login_required
def practice_add(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@login_required
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.SUBMIT_PRACTICE)
    practice = _writable_or_404(request, pk)
    if not practice.editable:
        messages.error(request, f"Практика в состоянии «{practice.get_status_display()}»: изменить её сейчас нельзя.")
        return redirect("practices:detail", pk=practice.pk)
    return _form_page(request, practice)


def _done(request: HttpRequest, practice: Practice, service, success: str, **kwargs) -> HttpResponse:
    try:
        service(practice=practice, by=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("practices:detail", pk=practice.pk)


@login_required
@require_POST
def practice_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.SUBMIT_PRACTICE)
    practice = _writable_or_404(request, pk)
    return _done(request, practice, practice_send, "Практика отправлена на модерацию.")


@login_required
@require_POST
def practice_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.MODERATE_PRACTICES)
    practice = _writable_or_404(request, pk)
    return _done(
        request,
        practice,
        practice_publish,
        "Практика опубликована: её видят все пользователи региона и открытая страница банка.",
        note=request.POST.get("note", ""),
    )


@login_required
@require_POST
def practice_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.MODERATE_PRACTICES)
    practice = _writable_or_404(request, pk)
    return _done(
        request,
        practice,
        practice_return,
        "Практика возвращена авторам с замечаниями.",
        remarks=request.POST.get("remarks", ""),
    )


@login_required
@require_POST
def practice_unpublish_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.MODERATE_PRACTICES)
    practice = _writable_or_404(request, pk)
    return _done(
        request, practice, practice_unpublish, "Практика снята с публикации.", reason=request.POST.get("reason", "")
    )


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    """The practices waiting for the moderator, oldest first."""
    require(request.user, Action.MODERATE_PRACTICES)
    waiting = (
        Practice.objects.visible_to(request.user)
        .filter(status=PracticeStatus.MODERATION)
        .select_related("school__municipality", "author")
        .order_by("updated_at", "pk")
    )
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "practices/moderation.html", {"page": page, "total": page.paginator.count})


@login_required
@require_POST
def material_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.SUBMIT_PRACTICE)
    practice = _writable_or_404(request, pk)
    form = MaterialForm(request.POST, request.FILES)
    upload = request.FILES.get("file") if form.is_valid() else None
    try:
        material = material_add(practice=practice, upload=upload, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Материал «{material.original_name}» приложен.")
    return redirect("practices:detail", pk=practice.pk)


@login_required
@require_POST
def material_remove_view(request: HttpRequest, pk: int, material: int) -> HttpResponse:
    require(request.user, Action.SUBMIT_PRACTICE)
    practice = _writable_or_404(request, pk)
    found = practice.materials.filter(pk=material).first()
    if found is None:
        messages.info(request, "Этого материала уже нет.")
        return redirect("practices:detail", pk=practice.pk)
    try:
        material_remove(material=found, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Материал «{found.original_name}» удалён.")
    return redirect("practices:detail", pk=practice.pk)


def _attachment(material: PracticeMaterial) -> FileResponse:
    """A material always as a download, never as a page (whatever its content)."""
    response = FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=material.original_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def material_download(request: HttpRequest, pk: int) -> HttpResponse:
    material = get_object_or_404(
        PracticeMaterial.objects.filter(practice__in=Practice.objects.readable_by(request.user)), pk=pk
    )
    return _attachment(material)


# ── the public page: no login, published practices only, no personal data ─────────────────────────


def _public_practices():
    return Practice.objects.published().select_related("school__municipality__region")


def public(request: HttpRequest) -> HttpResponse:
    """Published practices and methodological recommendations, for the education department's website.

    Shows the school and its municipality, never a person: no author, no names, no e-mails.
    """
    regions = list(Region.objects.order_by("name"))
    wanted = request.GET.get("region", "")
    region = next((item for item in regions if str(item.pk) == wanted), None)
    if region is None and len(regions) == 1:
        region = regions[0]
    if region is None:
        return render(request, "practices/public_regions.html", {"regions": regions})
    filters = PracticeFilters.of(request.GET, Measure.objects.filter(region=region))
    practices = practices_filtered(_public_practices().filter(school__municipality__region=region), filters)
    names = factor_names(region)
    page = Paginator(practices.order_by("-published_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    for practice in page:
        practice.factor_names = [names.get(key, key) for key in practice.factor_keys]
    return render(
        request,
        "practices/public.html",
        {
            "region": region,
            "several_regions": len(regions) > 1,
            "page": page,
            "total": page.paginator.count,
            "filters": filters,
            "factors": sorted(names.items(), key=lambda pair: pair[1]),
            "kinds": PracticeKind.choices,
        },
    )


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_object_or_404(_public_practices(), pk=pk)
    names = factor_names(practice.school.municipality.region)
    return render(
        request,
        "practices/public_detail.html",
        {
            "practice": practice,
            "factor_names": [names.get(key, key) for key in practice.factor_keys],
            "measures": practice.measures.order_by("ident"),
            "materials": practice.materials.all(),
        },
    )


def public_material(request: HttpRequest, pk: int) -> HttpResponse:
    """A material of a published practice: it was checked by the moderator with the practice."""
    material = get_object_or_404(PracticeMaterial.objects.filter(practice__in=_public_practices()), pk=pk)
    return _attachment(material)
