"""Identification runs on the demo region: reproducible, recorded, visible by scope, approved as a list."""

import io

import openpyxl
import polars as pl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from opora.accounts.models import User
from opora.analytics import REPORT_COLUMNS
from opora.demo.generator import generate_region
from opora.demo.services import demo_region_load
from opora.identification.models import ApprovedList, IdentificationRun, Methodology, RunStatus
from opora.identification.services import (
    methodology_save,
    region_methodology,
    run_approve,
    run_now,
)
from opora.intake.regions import region_create
from opora.schools.models import Region, SchoolContext, SchoolYear
from tests.conftest import ORDER


def methodology_current() -> Methodology:
    return region_methodology(Region.objects.get())


def _quiet(percent: int, message: str) -> None:
    return None


@pytest.fixture(scope="module")
def demo_data():
    return generate_region(seed=8, n_schools=60, with_students=False)


@pytest.fixture
def demo(db, demo_data):
    return demo_region_load(region_data=demo_data)


def execute(by=None, methodology=None) -> IdentificationRun:
    return run_now(
        region=Region.objects.get(),
        year=SchoolYear.objects.get(end_year=2026),
        methodology=methodology or methodology_current(),
        by=by,
        progress=_quiet,
    )


def test_run_records_inputs_output_and_every_school(demo):
    run = execute()
    assert run.status == RunStatus.DONE
    assert run.schools.count() == 60
    assert set(run.input_checksums) == {"schools", "context", "results", "outcomes"}
    assert len(run.output_checksum) == 64
    assert run.summary["counts"]["low_results"] == run.schools.filter(low_results=True).count() > 0
    assert all(line.explanation for line in run.schools.all())


def test_same_inputs_and_methodology_give_the_identical_output(demo):
    first, second = execute(), execute()
    assert first.output_checksum == second.output_checksum
    assert first.input_checksums == second.input_checksums
    assert list(first.schools.values_list("code", "results_index", "low_results")) == list(
        second.schools.values_list("code", "results_index", "low_results")
    )


def test_changed_data_change_the_input_checksum(demo):
    first = execute()
    context = SchoolContext.objects.filter(year__end_year=2026).first()
    context.students += 1
    context.save()
    assert execute().input_checksums["context"] != first.input_checksums["context"]


def test_run_without_results_fails_with_a_clear_message(db):
    region_create(name="Пустая область")
    SchoolYear.objects.create(end_year=2026)
    with pytest.raises(ValueError, match="Нет результатов"):
        run_now(
            region=Region.objects.get(),
            year=SchoolYear.objects.get(),
            methodology=methodology_current(),
            by=None,
            progress=_quiet,
        )
    run = IdentificationRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert "Нет результатов" in run.error


def test_cli_writes_the_report_with_the_exact_columns(demo, tmp_path):
    out = tmp_path / "выявление.csv"
    call_command("identify", "--year", "2026", "--out", str(out), stdout=io.StringIO(), stderr=io.StringIO())
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as Russian Excel opens it
    frame = pl.read_csv(out, separator=";", schema_overrides={"Код ОО": pl.Utf8}, decimal_comma=True)
    assert frame.columns == list(REPORT_COLUMNS.values())
    index = frame["Индекс результатов"].drop_nulls()
    assert index.dtype == pl.Float64 and (index.round(3) == index).all()  # decimal commas, 3 places
    assert frame.height == 60
    assert set(frame["ШНОР"].unique().to_list()) <= {0, 1}
    assert frame["Код ОО"].str.len_chars().min() == 6


def test_cli_writes_excel_too(demo, tmp_path):
    out = tmp_path / "выявление.xlsx"
    call_command("identify", "--year", "2026", "--out", str(out), stdout=io.StringIO(), stderr=io.StringIO())
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert list(rows[0]) == list(REPORT_COLUMNS.values())
    assert len(rows) == 61


def test_methodology_changes_make_a_new_version_and_keep_the_old(demo):
    admin = User.objects.get(username="region_admin")
    base = methodology_current()
    new = methodology_save(base=base, parameters={"bottom_share": 0.15}, comment="Шире нижняя группа.", by=admin)
    assert (new.name, new.version) == (base.name, 2)
    assert new.params.bottom_share == 0.15
    assert Methodology.objects.get(pk=base.pk).params.bottom_share == 0.10
    assert methodology_current() == new
    wider = execute(methodology=new)
    narrower = execute(methodology=base)
    assert wider.schools.filter(low_results=True).count() >= narrower.schools.filter(low_results=True).count()


def test_invalid_methodology_is_refused_in_russian(demo):
    admin = User.objects.get(username="region_admin")
    with pytest.raises(ValidationError) as error:
        methodology_save(base=methodology_current(), parameters={"bottom_share": 1.5}, comment="x", by=admin)
    assert error.value.message_dict["bottom_share"] == ["Доля должна быть больше 0 и меньше 1."]
    assert Methodology.objects.count() == 1


def test_approved_list_holds_the_municipality_schools_and_never_changes(demo):
    coordinator = User.objects.get(username="coordinator")
    run = execute()
    approved = run_approve(run=run, municipality=coordinator.municipality, order=ORDER, by=coordinator)
    expected = run.schools.filter(school__municipality=coordinator.municipality).filter(
        low_results=True
    ) | run.schools.filter(school__municipality=coordinator.municipality, unfavourable=True)
    assert sorted(approved.entries.values_list("code", flat=True)) == sorted(expected.values_list("code", flat=True))
    assert list(approved.entries.values_list("number", flat=True)) == list(range(1, approved.entries.count() + 1))
    execute()
    assert ApprovedList.objects.get(pk=approved.pk).entries.count() == expected.count()


def test_school_team_sees_only_its_own_school_in_a_run(demo, client):
    run = execute()
    team = User.objects.get(username="school")
    client.force_login(team)
    response = client.get(reverse("identification:run", args=[run.pk]))
    codes = [line.code for line in response.context["lines"].object_list]
    assert codes == [team.school.code]
    exported = client.get(reverse("identification:run_export_csv", args=[run.pk]))
    assert exported.content.decode("utf-8-sig").count("\n") == 2


def test_run_page_filters_by_category_and_shows_the_chart(demo, client):
    run = execute()
    client.force_login(User.objects.get(username="region_admin"))
    response = client.get(reverse("identification:run", args=[run.pk]), {"category": "low_results"})
    lines = response.context["lines"].object_list
    assert len(lines) == run.schools.filter(low_results=True).count()
    assert all(line.low_results for line in lines)
    assert "<svg" in response.content.decode()


def test_run_page_counts_the_users_schools_and_shows_the_region_beside_them(demo, client):
    run = execute()
    coordinator = User.objects.get(username="coordinator")
    mine = run.schools.filter(school__municipality=coordinator.municipality)
    client.force_login(coordinator)
    response = client.get(reverse("identification:run", args=[run.pk]))
    assert response.context["visible_schools"] == mine.count() < run.summary["schools"]
    assert response.context["counts"]["unfavourable"] == mine.filter(unfavourable=True).count()
    assert "в скобках — по всему региону" in response.content.decode()
    assert 'href="?category=objectivity_risk#results"' in response.content.decode()

    client.force_login(User.objects.get(username="region_admin"))
    response = client.get(reverse("identification:run", args=[run.pk]))
    assert response.context["visible_schools"] == run.summary["schools"]
    assert response.context["counts"]["unfavourable"] == run.summary["counts"]["unfavourable"]
    assert "в скобках — по всему региону" not in response.content.decode()


def test_chart_points_name_their_school_and_link_to_its_page_on_this_site(demo, client):
    run = execute()
    client.force_login(User.objects.get(username="coordinator"))
    page = client.get(reverse("identification:run", args=[run.pk])).content.decode()
    chart = page[page.index("<svg") : page.index("</svg>")]
    line = run.schools.filter(school__municipality__name=User.objects.get(username="coordinator").municipality.name)
    line = line.exclude(results_index=None).exclude(wellbeing_index=None).first()
    assert f'xlink:href="{reverse("identification:school", args=[run.pk, line.code])}"' in chart
    assert f"<title>{line.code} {line.school.display_name}: ИСБШ" in chart.replace("&quot;", '"')
    assert "vega.github.io" not in chart and "https://" not in chart
    # the other municipalities' schools are anonymous grey points: no code, no name, no link
    drawn = run.schools.exclude(results_index=None).exclude(wellbeing_index=None)
    mine = drawn.filter(school__municipality=line.school.municipality)
    assert chart.count("<title>школа региона</title>") == drawn.count() - mine.count() > 0
    assert chart.count("xlink:href=") == mine.count()
    for other in drawn.exclude(school__municipality=line.school.municipality):
        assert other.code not in chart and other.school.display_name not in chart


def test_a_school_team_sees_its_school_among_the_region_and_the_line(demo, client):
    run = execute()
    team = User.objects.get(username="school")
    client.force_login(team)
    page = client.get(reverse("identification:run", args=[run.pk])).content.decode()
    chart = page[page.index("<svg") : page.index("</svg>")]
    drawn = run.schools.exclude(results_index=None).exclude(wellbeing_index=None)
    assert chart.count("<title>школа региона</title>") == drawn.count() - 1
    assert f"<title>{team.school.code} " in chart
    assert "Другие школы региона" in chart  # the legend names the grey points
    assert 'stroke-dasharray="6,4"' in chart  # the region's fitted line


def test_why_page_explains_in_plain_russian(demo, client):
    run = execute()
    line = run.schools.filter(low_results=True).first()
    client.force_login(User.objects.get(username="region_admin"))
    page = client.get(reverse("identification:school", args=[run.pk, line.code])).content.decode()
    assert line.explanation in page
    assert "Индекс результатов по годам" in page
    assert "Школы со схожими условиями" in page
    assert "Объективность ВПР" in page


def test_why_page_counts_the_whole_cluster_and_says_how_many_peers_the_user_may_see(demo, client):
    run = execute()
    coordinator = User.objects.get(username="coordinator")
    mine = run.schools.filter(school__municipality=coordinator.municipality)
    line = next(
        item
        for item in mine.exclude(cluster=None)
        if run.schools.filter(cluster=item.cluster).exclude(school__municipality=coordinator.municipality).exists()
    )
    peers_in_region = line.details["row"]["peers"]
    visible = mine.filter(cluster=line.cluster).exclude(pk=line.pk).count()
    client.force_login(coordinator)
    page = client.get(reverse("identification:school", args=[run.pk, line.code])).content.decode()
    assert f"Школ региона в кластере с индексом результатов, кроме этой: {peers_in_region}" in page
    assert f"Вам доступны для просмотра: {visible}." in page


def test_comparison_names_who_entered_and_left(demo, client):
    admin = User.objects.get(username="region_admin")
    before = execute(methodology=methodology_current())
    wider = methodology_save(base=methodology_current(), parameters={"bottom_share": 0.2}, comment="Шире.", by=admin)
    after = execute(methodology=wider)
    client.force_login(admin)
    response = client.get(reverse("identification:compare"), {"before": before.pk, "after": after.pk})
    label, comparison = response.context["comparisons"][0]
    assert label == "ШНОР"
    entered = {item.code for item in comparison.entered}
    assert entered == set(after.schools.filter(low_results=True).values_list("code", flat=True)) - set(
        before.schools.filter(low_results=True).values_list("code", flat=True)
    )
    assert all(item.reason for item in comparison.entered)
    change = "Доля школ в нижней группе: 0,1 (10 %) → 0,2 (20 %)"
    assert all(change in item.reason for item in comparison.entered)
    assert change in response.content.decode()


def test_methodology_form_saves_a_version(demo, client):
    base = methodology_current()
    client.force_login(User.objects.get(username="region_admin"))
    form = client.get(reverse("identification:methodology_edit", args=[base.pk])).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    data = {key: ("on" if value is True else value) for key, value in data.items() if value is not False}
    data.update({"bottom_share": "0,12", "comment": "Проверка формы."})
    response = client.post(reverse("identification:methodology_edit", args=[base.pk]), data)
    assert response.status_code == 302
    assert methodology_current().params.bottom_share == 0.12


def test_a_run_of_the_command_line_gives_signs_of_life_while_it_computes(demo, settings):
    # Given a run computed at once, as `opora identify` does, whose progress we watch
    from opora.identification.recovery import runs_interrupted_fail

    signs = []

    def watch(percent: int, message: str) -> None:
        signs.append(IdentificationRun.objects.values_list("heartbeat_at", flat=True).get())

    region = Region.objects.get()
    run = run_now(
        region=region,
        year=SchoolYear.objects.get(end_year=2026),
        methodology=methodology_current(),
        by=None,
        progress=watch,
    )

    # Then it bore a sign of life from its first step, as a worker's run does (a stopped command
    # then leaves a run seen as interrupted), and a start meanwhile would not take it for abandoned
    assert run.status == RunStatus.DONE
    assert signs and all(sign is not None for sign in signs)
    settings.OPORA_RUN_STALE_SECONDS = 60
    assert runs_interrupted_fail() == []
