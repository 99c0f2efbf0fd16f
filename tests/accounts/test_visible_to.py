"""Every table whose rows belong to a region, a municipality or a school is filtered by ``visible_to``."""

import pytest
from django.apps import apps
from django.db import models

from opora.accounts.scopes import ScopedQuerySet

OWNERS = {("schools", "Region"), ("schools", "Municipality"), ("schools", "School")}


def owned_models() -> list[type[models.Model]]:
    """Models of the product with a foreign key to a region, a municipality or a school."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in {"schools", "results", "intake", "support", "identification"}:
            continue
        if model.__name__.startswith("Historical"):
            continue  # the change journal of simple-history, read only through its model's admin
        pointers = {
            (field.related_model._meta.app_label, field.related_model.__name__)
            for field in model._meta.fields
            if field.is_relation and field.related_model is not None
        }
        if pointers & OWNERS or (model._meta.app_label, model.__name__) in OWNERS - {("schools", "Region")}:
            found.append(model)
    return found


@pytest.mark.parametrize("model", owned_models(), ids=lambda model: model._meta.label)
def test_model_is_scoped(model):
    assert isinstance(model._default_manager.all(), ScopedQuerySet), model._meta.label


def test_other_regions_administrator_sees_no_row_of_the_region(world):
    # Given the rows of the first region (schools, context, outcomes, runs, lists, methodology, imports)
    stranger = world.users["other_region_admin"]
    for model in owned_models():
        rows = model._default_manager.all()
        # Then the other region's administrator reaches only rows of the other region
        visible = set(rows.visible_to(stranger).values_list("pk", flat=True))
        ours = set(rows.visible_to(world.users["region_admin"]).values_list("pk", flat=True))
        assert not visible & ours, model._meta.label
