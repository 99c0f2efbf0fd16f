import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opora.intake.formats import CONTEXT, FORMS, OUTCOMES, RESULTS, STUDENT_RESULTS
from opora.intake.recognition import recognise, score_forms
from tests.intake.form_data import FORM_KEYS


@pytest.mark.parametrize("key", FORM_KEYS)
def test_every_form_is_recognised_from_its_own_headers(key):
    recognition = recognise(FORMS[key].headers)

    assert recognition.form is FORMS[key]
    assert recognition.confidence == 1.0
    assert recognition.missing == ()
    assert not recognition.ambiguous


def test_form_3_and_form_4_are_told_apart():
    aggregated = ["Код ОО", "Учебный год", "Процедура", "Класс", "Предмет", "Участников", "2", "3", "4", "5"]
    students = ["Код ОО", "Учебный год", "Процедура", "Класс", "Предмет", "Код участника", "Отметка"]

    assert recognise(aggregated).form is RESULTS
    assert recognise(aggregated).runner_up is STUDENT_RESULTS
    assert recognise(students).form is STUDENT_RESULTS


def test_names_as_people_write_them_are_recognised():
    recognition = recognise(["КОД ОО:", "учебный  год", "«Обучающихся на конец года»", "Примечание"])

    assert recognition.form is OUTCOMES
    assert recognition.confidence == pytest.approx(0.75 + 0.25 * 3 / 4)


def test_only_the_shared_columns_leave_the_choice_to_the_user():
    recognition = recognise(["Код ОО", "Учебный год"])

    assert recognition.form is CONTEXT
    assert recognition.runner_up is OUTCOMES
    assert recognition.ambiguous
    assert recognition.missing == ("Обучающихся",)


@pytest.mark.parametrize("headers", [[], ["Фамилия", "Имя", "Отчество"], ["Код ОО"], ["", " ", "1"]])
def test_nothing_fits(headers):
    assert recognise(headers) is None


def test_scores_are_ordered_and_explain_themselves():
    scores = score_forms(["Код ОО", "Учебный год", "Обучающихся", "С ОВЗ"])

    assert scores[0].form is CONTEXT and scores[0].score == 1.0
    assert scores[0].matched == ("code", "year", "students", "students_disabled")
    assert [s.score for s in scores] == sorted((s.score for s in scores), reverse=True)


@settings(max_examples=100)
@given(st.sampled_from(FORM_KEYS), st.data())
def test_any_order_and_any_extra_columns_keep_the_form(key, data):
    form = FORMS[key]
    optional = [c.header for c in form.columns if not c.required]
    chosen = data.draw(st.lists(st.sampled_from(optional), unique=True)) if optional else []
    extra = data.draw(
        st.lists(st.sampled_from(["Примечание", "№", "Ответственный"]), unique=True, max_size=2)
    )
    headers = data.draw(st.permutations([c.header for c in form.required_columns] + chosen + extra))

    recognition = recognise(headers)

    assert recognition.form is form
    assert recognition.missing == ()


@settings(max_examples=100)
@given(st.lists(st.text(max_size=30), max_size=12))
def test_any_headers_give_a_form_or_none(headers):
    recognition = recognise(headers)

    assert recognition is None or 0.0 < recognition.confidence <= 1.0
