"""A methodology belongs to a region; flags of runs and lists have a third state, «not known».

Existing methodologies go to the regions whose runs used them: a methodology used by the runs
of several regions is copied for each of them (the runs are repointed to their region's copy),
and one no run used goes to every region. A region left without a methodology gets the default
one. Methodologies of an installation without regions are removed: no run can use them.
"""

import django.db.models.deletion
from django.db import migrations, models

from opora.analytics import Methodology as MethodologyParameters


def _copy(methodology, region):
    clone = type(methodology)(
        region=region,
        name=methodology.name,
        version=methodology.version,
        parameters=methodology.parameters,
        comment=methodology.comment,
        created_by_id=methodology.created_by_id,
    )
    clone.save()
    type(methodology).objects.filter(pk=clone.pk).update(created_at=methodology.created_at)
    return clone


def assign_regions(apps, schema_editor):
    Methodology = apps.get_model("identification", "Methodology")
    IdentificationRun = apps.get_model("identification", "IdentificationRun")
    Region = apps.get_model("schools", "Region")
    regions = list(Region.objects.order_by("pk"))
    if not regions:
        Methodology.objects.all().delete()
        return
    for methodology in list(Methodology.objects.filter(region__isnull=True).order_by("pk")):
        used = list(
            Region.objects.filter(pk__in=IdentificationRun.objects.filter(methodology=methodology).values("region"))
            .order_by("pk")
        ) or regions
        first, *others = used
        for region in others:
            clone = _copy(methodology, region)
            IdentificationRun.objects.filter(methodology=methodology, region=region).update(methodology=clone)
        methodology.region = first
        methodology.save(update_fields=["region"])
    defaults = MethodologyParameters().to_dict()
    name = defaults.pop("name")
    defaults.pop("version")
    for region in regions:
        if not Methodology.objects.filter(region=region).exists():
            Methodology.objects.create(
                region=region, name=name, version=1, parameters=defaults, comment="Параметры по умолчанию."
            )


class Migration(migrations.Migration):
    dependencies = [
        ("identification", "0001_initial"),
        ("schools", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="methodology", name="methodology_unique_version"),
        migrations.AddField(
            model_name="methodology",
            name="region",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="methodologies",
                to="schools.region",
                verbose_name="регион",
            ),
        ),
        migrations.RunPython(assign_regions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="methodology",
            name="region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="methodologies",
                to="schools.region",
                verbose_name="регион",
            ),
        ),
        migrations.AlterModelOptions(
            name="methodology",
            options={"ordering": ["region", "name", "-version"], "verbose_name": "методика", "verbose_name_plural": "методики"},
        ),
        migrations.AddConstraint(
            model_name="methodology",
            constraint=models.UniqueConstraint(fields=("region", "name", "version"), name="methodology_unique_version"),
        ),
        *(
            migrations.AlterField(
                model_name=model,
                name=name,
                field=models.BooleanField(null=True, verbose_name=verbose),
            )
            for model in ("runschool", "approvedlistentry")
            for name, verbose in (
                ("low_results", "ШНОР"),
                ("unfavourable", "ШНСУ"),
                ("resilient", "резильентная"),
                ("objectivity_risk", "риск необъективности"),
                ("learning_failure", "неуспешность более 50%"),
            )
        ),
        migrations.AlterField(
            model_name="approvedlistentry",
            name="years_in_bottom",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="лет в нижней группе"),
        ),
    ]
