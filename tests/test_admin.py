"""The installation administrator opens the list and the form of every model in Django's admin."""

import pytest
from django.contrib import admin
from django.urls import reverse


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_admin_pages_of_every_model_open(model, client, world):
    client.force_login(world.users["superuser"])
    info = (model._meta.app_label, model._meta.model_name)
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    instance = model.objects.first()
    if instance is not None:
        assert client.get(reverse("admin:{}_{}_change".format(*info), args=[instance.pk])).status_code == 200


def test_every_product_model_is_in_the_admin():
    from django.apps import apps

    product = {
        m for m in apps.get_models() if m.__module__.startswith("opora.") and not m.__name__.startswith("Historical")
    }
    assert product - set(admin.site._registry) == set()


def test_every_section_and_model_of_the_admin_is_named_in_russian(client, world):
    client.force_login(world.users["superuser"])
    response = client.get(reverse("admin:index"))
    cyrillic = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
    for app in response.context["app_list"]:
        assert cyrillic & set(app["name"].lower()), app["name"]
        for model in app["models"]:
            assert cyrillic & set(str(model["name"]).lower()), model["name"]
    assert "Опора: администрирование" in response.content.decode()
