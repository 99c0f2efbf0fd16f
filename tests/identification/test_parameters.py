"""The methodology in an official's words: every parameter named, explained and documented."""

import dataclasses
import re
from pathlib import Path

from django.urls import reverse

from opora.analytics import Methodology as MethodologyParameters
from opora.identification.parameters import PARAMETERS, changes, grouped
from opora.identification.services import region_methodology

DOC = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"
FIELDS = [field.name for field in dataclasses.fields(MethodologyParameters)]


def test_every_parameter_has_a_russian_name_an_explanation_and_a_section():
    text = DOC.read_text(encoding="utf-8")
    assert sorted(PARAMETERS) == sorted(FIELDS)
    for name in FIELDS:
        entry = PARAMETERS[name]
        assert re.search("[а-яА-Я]", entry.label) and entry.help, name
        assert f'id="{entry.anchor}"' in text, f"в docs/methodology.md нет раздела параметра {name}"


def test_values_are_shown_in_russian_never_as_keys():
    defaults = MethodologyParameters().to_dict()
    shown = " ".join(row["value"] for _group, rows in grouped(defaults) for row in rows)
    for key in ("expected_count", "region_mean", "silhouette", "kmeans", "True", "False", "low_income_share"):
        assert key not in shown
    assert PARAMETERS["bottom_share"].show(0.1) == "0,1 (10 %)"
    assert PARAMETERS["use_student_results"].show(True) == "да"


def test_changes_name_parameters_by_their_russian_names():
    before = MethodologyParameters().to_dict()
    after = {**before, "bottom_share": 0.15, "resilient_rule": "above_prediction"}
    assert changes(before, after) == [
        "Доля школ в нижней группе: 0,1 (10 %) → 0,15 (15 %)",
        "Правило резильентности: индекс выше медианы региона → результаты значимо выше ожидаемых по контексту",
    ]


def test_methodology_page_shows_no_internal_key(world, client):
    methodology = world.run.methodology
    client.force_login(world.users["observer"])
    response = client.get(reverse("identification:methodology", args=[methodology.pk]))
    page = response.content.decode()
    body = page[page.index("<main") :]
    visible = re.sub(r"<[^>]+>", " ", body)
    for name in FIELDS:
        if name in ("name", "version"):
            continue
        assert name not in visible, name
    assert "{'name'" not in visible and "direction" not in visible
    assert "Доля обучающихся из малообеспеченных семей" in visible
    assert "чем больше, тем менее благополучны условия" in visible
    assert reverse("identification:methodology_docs") + "#p-bottom_share" in body


def test_methodology_document_opens_as_a_page(world, client):
    client.force_login(world.users["observer"])
    page = client.get(reverse("identification:methodology_docs")).content.decode()
    assert 'id="p-bottom_share"' in page
    assert "<table" in page
    assert "cdn" not in page and "<script src=\"http" not in page


def test_every_range_error_shows_on_the_first_submit(world, client):
    base = world.run.methodology
    client.force_login(world.users["region_admin"])
    url = reverse("identification:methodology_edit", args=[base.pk])
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    data = {key: ("on" if value is True else value) for key, value in data.items() if value is not False}
    data.update(
        {
            "bottom_share": "1,5",
            "unfavourable_share": "0",
            "years_required": "5",
            "cluster_k_min": "9",
            "weight__ВПР": "-1",
            "comment": "Проверка",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"bottom_share", "unfavourable_share", "years_required", "cluster_k_max", "weight__ВПР"}
    page = response.content.decode()
    assert page.count('class="field-error"') >= 5
    assert "Исправьте ошибки" in page
    assert region_methodology(world.region).pk == base.pk


def test_each_objectivity_signal_says_which_way_is_suspicious_and_why_not_this_value():
    from opora.identification.views import signal_reading

    base = {"direction": "больше", "centre": 0.2, "threshold": 0.9, "statistic": 1.0}
    calm = signal_reading({**base, "value": 0.1, "fired": False})
    assert "подозрительно, когда значение больше обычного для школ региона (0,20)" in calm
    assert "не больше обычного, признака нет" in calm
    noisy = signal_reading({**base, "value": 0.5, "fired": False})
    assert "в пределах случайных колебаний" in noisy and "со значения 0,90" in noisy
    fired = signal_reading({**base, "value": 1.35, "fired": True, "statistic": 4.2})
    assert "признак есть" in fired
    lower = signal_reading({**base, "direction": "меньше", "value": 0.3, "fired": False})
    assert "значение меньше обычного" in lower and "не меньше обычного" in lower
    assert signal_reading({**base, "value": None, "statistic": None}).startswith("нет данных")
