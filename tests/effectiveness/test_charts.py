"""The page's bar charts drawn as plain SVG: well-formed, one bar per known value, «нет данных» for the rest."""

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from opora.effectiveness.charts import bars_svg

SVG = "{http://www.w3.org/2000/svg}"

labels = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80)
values = st.one_of(st.none(), st.integers(-1000, 100000), st.floats(-1e4, 1e6, allow_nan=False))


@given(rows=st.lists(st.tuples(labels, values), min_size=1, max_size=15), unit=st.sampled_from(["", "%", " школ"]))
def test_any_figures_draw_a_well_formed_chart(rows, unit):
    # When any figures are drawn
    svg = bars_svg("Заголовок <&>", tuple(rows), unit)

    # Then the SVG parses, has a bar per known value and says «нет данных» for each unknown one
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert len(root.findall(f"{SVG}rect")) == sum(value is not None for _label, value in rows)
    texts = ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]
    assert sum(text == "нет данных" for text in texts) == sum(value is None for _label, value in rows)


def test_captions_are_russian_numbers_and_long_labels_are_cut_with_their_full_text_kept():
    label = "Школы, вышедшие из перечня ШНОР по правилу выхода за два года подряд и с приростом"
    svg = bars_svg("Движение", ((label, 12.5), ("Вошли", 3), ("Нет сведений", None)), "%", ("#3b7d3b",))
    root = ET.fromstring(svg)
    texts = ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]

    assert "12,5%" in texts and "3%" in texts and "нет данных" in texts
    shown = next(text for text in texts if text.startswith(label) or (text.endswith("…") and label in text))
    assert shown.endswith("…")  # cut on the chart, full in its <title>
    assert root.find(f"{SVG}rect").get("fill") == "#3b7d3b"
