"""The access cases of the bank of good practices (joined into ``tests/test_access.py``)."""

from dataclasses import dataclass

from tests.access_cases import EVERYONE, FORBIDDEN, NOT_FOUND, OK, REDIRECT, Case, _only
from tests.conftest import PERSONAS, World


@dataclass(frozen=True)
class PracticeObjects:
    """A draft of the world's school with a material, and a published practice with a material."""

    draft: object
    draft_material: object
    published: object
    published_material: object


def _practices(world: World) -> PracticeObjects:
    """The bank's objects of the world, made once per test."""
    cached = getattr(world, "_practices", None)
    if cached is not None:
        return cached
    from django.core.files.uploadedfile import SimpleUploadedFile

    from opora.practices.services import material_add, practice_publish, practice_save, practice_send

    team, coordinator = world.users["school_team"], world.users["coordinator"]

    def practice(title: str):
        return practice_save(
            practice=None,
            school=world.school,
            data={"title": title, "summary": "Кратко о практике", "description": "Описание", "subjects": "математика"},
            by=team,
        )

    def material(item, name: str):
        upload = SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")
        return material_add(practice=item, upload=upload, by=team)

    draft = practice("Черновик практики")
    draft_material = material(draft, "черновик.pdf")
    published = practice("Опубликованная практика")
    published_material = material(published, "опубликовано.pdf")
    practice_send(practice=published, by=team)
    practice_publish(practice=published, by=coordinator)
    objects = PracticeObjects(draft, draft_material, published, published_material)
    world._practices = objects
    return objects


REGION_PERSONAS = ("superuser", "region_admin", "coordinator", "curator", "school_team", "observer")
IN_REGION = _only(*REGION_PERSONAS)
WORKERS = _only(
    "superuser", "region_admin", "coordinator", "curator", "school_team", "other_region_admin", otherwise=FORBIDDEN
)
WORKERS_IN_SCOPE = {**WORKERS, "other_region_admin": NOT_FOUND}
MODERATORS = _only("superuser", "region_admin", "coordinator", "other_region_admin", otherwise=FORBIDDEN)
# A POST that is allowed answers with a redirect back to the practice (with a message when refused).
_workers_post = {**dict.fromkeys(PERSONAS, REDIRECT), "observer": FORBIDDEN, "other_region_admin": NOT_FOUND}
_moderators_post = {
    **dict.fromkeys(PERSONAS, FORBIDDEN),
    **dict.fromkeys(("superuser", "region_admin", "coordinator"), REDIRECT),
    "other_region_admin": NOT_FOUND,
}


def _draft(world: World) -> dict:
    return {"pk": _practices(world).draft.pk}


def _published(world: World) -> dict:
    return {"pk": _practices(world).published.pk}


CASES = (
    Case("practices:list", "банк лучших практик", EVERYONE, kwargs=lambda world: _practices(world) and {}),
    Case("practices:export", "банк лучших практик в Excel", EVERYONE, kwargs=lambda world: _practices(world) and {}),
    Case("practices:add", "новая практика", WORKERS),
    Case("practices:moderation", "практики на модерации", MODERATORS),
    Case("practices:detail", "опубликованная практика региона", IN_REGION, kwargs=_published),
    Case("practices:detail", "черновик практики школы", IN_REGION, kwargs=_draft),
    Case("practices:edit", "изменение черновика практики", WORKERS_IN_SCOPE, kwargs=_draft),
    Case("practices:send", "отправка практики на модерацию", _workers_post, kwargs=_draft, method="post"),
    *(
        Case(name, title, _moderators_post, kwargs=kwargs, method="post")
        for name, title, kwargs in (
            ("practices:publish", "публикация практики", _draft),
            ("practices:return", "возврат практики на доработку", _draft),
            ("practices:unpublish", "снятие практики с публикации", _published),
        )
    ),
    Case("practices:material_add", "материал практики", _workers_post, kwargs=_draft, method="post"),
    Case(
        "practices:material_remove",
        "удаление материала практики",
        _workers_post,
        kwargs=lambda world: {"pk": _practices(world).draft.pk, "material": _practices(world).draft_material.pk},
        method="post",
    ),
    Case(
        "practices:material",
        "материал опубликованной практики",
        IN_REGION,
        kwargs=lambda world: {"pk": _practices(world).published_material.pk},
    ),
    Case(
        "practices:material",
        "материал черновика практики",
        IN_REGION,
        kwargs=lambda world: {"pk": _practices(world).draft_material.pk},
    ),
    Case("practices:public", "открытая страница банка", EVERYONE, anonymous=OK),
    Case("practices:public_detail", "опубликованная практика без входа", EVERYONE, anonymous=OK, kwargs=_published),
    Case(
        "practices:public_detail",
        "черновик практики без входа",
        dict.fromkeys(PERSONAS, NOT_FOUND),
        anonymous=NOT_FOUND,
        kwargs=_draft,
    ),
    Case(
        "practices:public_material",
        "материал опубликованной практики без входа",
        EVERYONE,
        anonymous=OK,
        kwargs=lambda world: {"pk": _practices(world).published_material.pk},
    ),
    Case(
        "practices:public_material",
        "материал черновика без входа",
        dict.fromkeys(PERSONAS, NOT_FOUND),
        anonymous=NOT_FOUND,
        kwargs=lambda world: {"pk": _practices(world).draft_material.pk},
    ),
)
