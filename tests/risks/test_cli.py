"""``opora risks`` and ``opora measures``: the profiles and the catalog as tables, for whom and with what."""

import io
import re

import openpyxl
import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from opora.accounts.models import User
from opora.analytics.risks import LEVELS
from opora.demo.generator import generate_region
from opora.demo.services import demo_region_load
from opora.risks.export import CATALOG_COLUMNS
from opora.risks.models import MeasureKind, ProfileFactor, ProfileRun
from opora.risks.services import latest_factor_set, level_judge, priorities_set
from opora.schools.models import Region, School, SchoolYear

QUIET = {"stdout": io.StringIO(), "stderr": io.StringIO()}


@pytest.fixture(scope="module")
def demo_data():
    return generate_region(seed=8, n_schools=60, with_students=False)


@pytest.fixture
def demo(db, demo_data):
    return demo_region_load(region_data=demo_data)


def factor_names() -> list[str]:
    factor_set = latest_factor_set(Region.objects.get())
    return list(factor_set.factors.filter(retired=False).order_by("number").values_list("name", flat=True))


def read_csv(path) -> pl.DataFrame:
    return pl.read_csv(path, separator=";", infer_schema=False)


def test_risks_writes_every_school_with_the_exact_header(demo, tmp_path):
    # When the profiles of 2025/2026 are computed from the command line
    out = tmp_path / "профили.csv"
    call_command("risks", "--year", "2026", "--out", str(out), **QUIET)

    # Then the file opens in Russian Excel and has one row per school, one column per factor
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = read_csv(out)
    names = factor_names()
    assert len(names) == 14
    assert frame.columns == ["Код ОО", "Наименование", *names, "Приоритетные факторы"]
    assert frame.height == 60
    assert frame["Код ОО"].str.len_chars().min() == 6
    # And each cell is a level or empty: no data is never «нет риска»
    for name in names:
        assert set(frame[name].unique().to_list()) <= {*LEVELS, None}, name
    assert frame["Низкая учебная мотивация обучающихся"].null_count() == 60  # no questionnaires answered yet
    assert frame["Высокая доля обучающихся с рисками учебной неуспешности"].null_count() == 0
    assert frame["Приоритетные факторы"].null_count() == 60
    assert ProfileRun.objects.get().profiles.count() == 60


def test_risks_shows_the_experts_level_and_the_priorities(demo, tmp_path):
    # Given an expert's judgement of one school's objectivity, and a judgement withdrawn for another
    year = SchoolYear.objects.get(end_year=2026)
    first, second = School.objects.order_by("code")[:2]
    curator = User.objects.get(username="curator")
    level_judge(school=first, year=year, factor_key="objectivity", level=3, reason="Видели на ВПР.", by=curator)
    level_judge(school=second, year=year, factor_key="objectivity", level=3, reason="Ошибочно.", by=curator)
    level_judge(school=second, year=year, factor_key="objectivity", level=None, reason="Отозвано.", by=curator)
    # And the first school's priorities, chosen in another order than the factors' numbers
    team = User.objects.get(username="school")
    priorities_set(school=first, year=year, factor_keys=["management", "equipment"], by=team)

    # When the profiles are written
    out = tmp_path / "профили.csv"
    call_command("risks", "--year", "2026", "--out", str(out), **QUIET)

    # Then the first school shows the expert's level over the computed one
    run = ProfileRun.objects.get()
    rows = {row["Код ОО"]: row for row in read_csv(out).iter_rows(named=True)}
    assert ProfileFactor.objects.get(profile__run=run, profile__school=first, factor__key="objectivity").level != 3
    assert rows[first.code]["Необъективность оценивания"] == "высокий"
    # And its priorities in the factors' order
    assert rows[first.code]["Приоритетные факторы"] == "Низкий уровень оснащения школы; Низкая эффективность управления"
    # And the second school the computed level again
    computed = ProfileFactor.objects.get(profile__run=run, profile__school=second, factor__key="objectivity").level
    assert rows[second.code]["Необъективность оценивания"] == (None if computed is None else LEVELS[computed])
    assert rows[second.code]["Приоритетные факторы"] is None


def test_risks_for_a_coordinator_lists_only_the_municipalitys_schools(demo, tmp_path):
    coordinator = User.objects.get(username="coordinator")
    out = tmp_path / "профили.xlsx"

    call_command("risks", "--year", "2026", "--user", "coordinator", "--out", str(out), **QUIET)

    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert list(rows[0]) == ["Код ОО", "Наименование", *factor_names(), "Приоритетные факторы"]
    own = set(School.objects.filter(municipality=coordinator.municipality).values_list("code", flat=True))
    assert 0 < len(own) < 60
    assert {row[0] for row in rows[1:]} == own
    assert ProfileRun.objects.get().created_by == coordinator


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--user", "observer"], "Рассчитывать рисковые профили могут региональный администратор"),
        (["--user", "nobody"], "Пользователь «nobody» не найден"),
        (["--region", "Нет такой"], "Регион «Нет такой» не найден."),
        (["--year", "2031"], "Нет данных за 2030/2031 учебный год."),
        (["--out", "профили.txt"], "Файл результата должен быть .csv или .xlsx."),
    ],
)
def test_risks_refuses_in_russian(demo, tmp_path, arguments, message):
    options = {"--year": "2026", "--out": str(tmp_path / "профили.csv")}
    extra = dict(zip(arguments[::2], arguments[1::2], strict=True))
    argv = [part for key, value in {**options, **extra}.items() for part in (key, value)]
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("risks", *argv, **QUIET)
    assert not ProfileRun.objects.exists()


def test_measures_writes_the_catalog_with_its_sources(demo, tmp_path):
    out = tmp_path / "каталог.xlsx"

    call_command("measures", "--out", str(out), **QUIET)

    rows = list(openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == list(CATALOG_COLUMNS) == [
        "№ в каталоге", "Мера", "Факторы риска", "Вид", "Типичный исполнитель", "Типичные сроки",
        "Ожидаемый результат", "Источник", "Раздел источника",
    ]  # fmt: skip
    measures = rows[1:]
    assert len(measures) >= 150
    assert all(row[0] and row[1] and row[7] for row in measures)  # number, wording and source document
    assert len({row[7] for row in measures}) == 5
    assert {row[3] for row in measures} <= set(MeasureKind.labels)
    known = set(factor_names())
    assert all(set(row[2].split("; ")) <= known for row in measures)


def test_measures_refuses_an_unknown_region(demo, tmp_path):
    with pytest.raises(CommandError, match=re.escape("Регион «Нет такой» не найден.")):
        call_command("measures", "--region", "Нет такой", "--out", str(tmp_path / "каталог.xlsx"), **QUIET)
