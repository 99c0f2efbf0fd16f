"""Regions created before risk profiles existed get their defaults: factors, questionnaires, catalog."""

from django.db import migrations

from opora.risks.defaults import load


def defaults_for_every_region(apps, schema_editor):
    for region_id in apps.get_model("schools", "Region").objects.values_list("pk", flat=True):
        load(region_id, apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial"), ("schools", "0001_initial")]

    operations = [migrations.RunPython(defaults_for_every_region, migrations.RunPython.noop)]
