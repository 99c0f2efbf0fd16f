"""Every parameter of the methodology in an official's words: name, explanation, unit, group.

The pages, the edit form and the movement reasons read parameters through this registry, so
no internal key reaches a page. Each parameter has a section in ``docs/methodology.md`` with
the anchor ``p-<name>``; a test checks that every field of the analytics' methodology has an
entry here and an anchor there.
"""

from dataclasses import dataclass, fields
from typing import Any

from opora.analytics import Methodology as MethodologyParameters
from opora.analytics.wellbeing import CONTEXT_VARIABLES
from opora.core.formatting import num

GROUPS = (
    ("identity", "Версия"),
    ("low", "Низкие результаты (ШНОР)"),
    ("index", "Индекс результатов"),
    ("context", "Социальный контекст (ШНСУ) и причины"),
    ("clusters", "Кластеры школ"),
    ("objectivity", "Необъективность результатов"),
    ("failure", "Неуспеваемость"),
)


@dataclass(frozen=True)
class Parameter:
    """One methodology parameter as an official reads it."""

    name: str
    label: str
    help: str
    group: str
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    editable: bool = True
    percent: bool = False
    """A share shown and entered as a fraction (0,10), read with its percentage beside it."""

    @property
    def anchor(self) -> str:
        return f"p-{self.name}"

    def show(self, value: Any) -> str:
        """The value as a page shows it: Russian numbers, choices by name, «да»/«нет»."""
        if value is None:
            return "нет данных"
        if self.choices:
            return dict(self.choices).get(value, str(value))
        if isinstance(value, bool):
            return "да" if value else "нет"
        if isinstance(value, int | float):
            text = _short(value)
            if self.percent:
                text += f" ({num(value * 100, 0)} %)"
            elif self.unit:
                text += f" {self.unit}"
            return text
        if isinstance(value, dict):
            return "; ".join(f"{key}: {_short(weight)}" for key, weight in value.items()) or "не заданы"
        if isinstance(value, list | tuple):
            return ", ".join(_covariate(item) for item in value) or "нет"
        return str(value)


def _short(value: float | int) -> str:
    """A number with up to four decimals and no trailing zeros: 0,1; 0,005; 1 024."""
    if isinstance(value, int):
        return num(value, 0)
    text = num(value, 4)
    return text.rstrip("0").rstrip(",") if "," in text else text


COVARIATES = {
    "wellbeing": "ИСБШ",
    "log_students": "число обучающихся (логарифм)",
    "rural": "сельская школа",
    "school_type": "тип школы",
}


def _covariate(item: Any) -> str:
    if isinstance(item, dict):
        return variable_label(item.get("name", ""))
    return COVARIATES.get(str(item), str(item))


def variable_label(name: str) -> str:
    definition = CONTEXT_VARIABLES.get(name)
    return definition.label if definition else name


P = Parameter
PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        P("name", "Название методики", "Под этим названием версии методики хранятся в регионе.", "identity",
          editable=False),
        P("version", "Номер версии", "Каждое изменение параметров сохраняется новой версией; расчёты по прежним "
          "версиям не меняются.", "identity", editable=False),
        P("years_window", "Число лет анализа (N)", "Сколько последних учебных лет учитывается при отборе ШНОР.",
          "low", "лет"),
        P("years_required", "Лет в нижней группе для ШНОР (K из N)", "Школа попадает в ШНОР, если была в нижней "
          "группе не меньше K лет из N.", "low", "лет"),
        P("bottom_share", "Доля школ в нижней группе", "Какая доля школ региона с самыми низкими результатами "
          "составляет нижнюю группу каждого года.", "low", percent=True),
        P("low_results_rule", "Правило низких результатов", "По какому признаку школа попадает в нижнюю группу.",
          "low", choices=(("index", "по индексу результатов с учётом неопределённости"),
                          ("rank", "по месту в рейтинге без сглаживания"),
                          ("rosobrnadzor", "правило Рособрнадзора (доля «2»)"))),
        P("low_results_decision", "Как составляется перечень из вероятностей", "У каждой школы есть вероятность "
          "быть в нижней группе K лет из N; правило решает, сколько школ с наибольшей вероятностью войдут в "
          "перечень.", "low", choices=(("expected_count", "столько школ, сколько их ожидается"),
                                        ("expected_f1", "при наибольшей ожидаемой точности (F1)"),
                                        ("probability", "все школы с вероятностью не ниже порога"))),
        P("exit_years_out", "Лет вне нижней группы для выхода из перечня", "Школа, которую поддерживали в году, "
          "выходит из перечня, если столько последних лет подряд была вне нижней группы и сократила разрыв с "
          "медианой региона.", "low", "лет"),
        P("exit_gap_share", "Доля сокращения разрыва с медианой для выхода", "Насколько школа должна сократить "
          "отставание своего индекса от медианы региона по сравнению с годом входа в нижнюю группу.", "low",
          percent=True),
        P("low_results_min_probability", "Порог вероятности для перечня", "Используется правилом «все школы с "
          "вероятностью не ниже порога».", "low", percent=True),
        P("probability_draws", "Число повторов при оценке вероятности", "Сколько раз результаты случайно "
          "варьируются в пределах их погрешности; больше повторов — точнее вероятность, но дольше расчёт.",
          "low", "повторов", editable=False),
        P("probability_random_state", "Начальное число генератора случайных чисел", "Одно и то же число даёт один "
          "и тот же расчёт при повторном запуске.", "low", editable=False),
        P("procedure_weights", "Веса процедур в индексе результатов", "С каким весом каждая оценочная процедура "
          "входит в индекс; 0 — процедура не учитывается.", "index"),
        P("subject_weights", "Веса предметов", "Особые веса отдельных предметов; остальные предметы имеют вес по "
          "умолчанию.", "index", editable=False),
        P("default_subject_weight", "Вес предмета по умолчанию", "Вес предмета, для которого особый вес не задан.",
          "index", editable=False),
        P("procedure_combination", "Как объединяются процедуры", "Точные результаты больших классов весят "
          "больше, чем результаты нескольких участников.", "index",
          choices=(("precision", "с учётом точности каждого результата"), ("fixed", "только по весам процедур")),
          editable=False),
        P("min_cell_participants", "Минимум участников в ячейке (класс × предмет)", "Результаты меньшего числа "
          "участников не учитываются в индексе.", "index", "участников"),
        P("failure_weight", "Вес неудач в индексе", "Насколько доля «2» и результатов ниже минимального порога "
          "снижает индекс наряду со средним баллом (0 — неудачи не учитываются).", "index"),
        P("failure_chance_band", "Граница случайности доли неудач", "Доля неудач учитывается, когда она отличается "
          "от ожидаемой больше, чем на столько стандартных ошибок.", "index", "ст. ош.", editable=False),
        P("use_student_results", "Использовать результаты участников (форма 4)", "Если загружены результаты "
          "каждого участника, разброс баллов и связь результатов одного ученика по предметам оцениваются по ним.",
          "index"),
        P("same_students_correlation", "Связь результатов одного ученика по предметам", "Используется, когда "
          "формы 4 нет; по форме 4 оценивается по данным.", "index"),
        P("ege_score_sd", "Разброс баллов ЕГЭ внутри школы", "Стандартное отклонение тестового балла ЕГЭ в школе, "
          "когда формы 4 нет; по форме 4 оценивается по данным.", "index", "баллов"),
        P("shrinkage_target", "К чему приближаются результаты малых школ", "Результаты малых школ неточны; их "
          "индекс приближается к ориентиру тем сильнее, чем меньше участников.", "index",
          choices=(("region_mean", "к среднему по региону"), ("context", "к ожидаемому по контексту школы"))),
        P("borrow_strength_over_years", "Учитывать другие годы школы", "Индекс года уточняется результатами школы в "
          "соседние годы настолько, насколько они устойчивы.", "index"),
        P("confidence_level", "Доверительная вероятность интервалов", "С какой вероятностью интервал содержит "
          "истинное значение показателя.", "index", percent=True),
        P("wellbeing_variables", "Показатели ИСБШ", "Из каких показателей контекста складывается индекс "
          "социального благополучия школы, с весами и направлениями (таблица ниже).", "context", editable=False),
        P("wellbeing_min_completeness", "Минимальная полнота данных для ИСБШ", "Если известны показатели с меньшей "
          "долей общего веса, ИСБШ школы не вычисляется («нет данных»).", "context", percent=True),
        P("wellbeing_clip_z", "Ограничение выбросов в ИСБШ", "Значения показателей дальше этого числа стандартных "
          "отклонений от среднего приравниваются к границе.", "context", "ст. откл.", editable=False),
        P("wellbeing_years", "Лет для ИСБШ", "ИСБШ года — среднее за столько последних лет: условия школы "
          "меняются медленно, а малые числа колеблются случайно.", "context", "лет"),
        P("unfavourable_share", "Доля школ с худшим ИСБШ (ШНСУ)", "Какая доля школ с самым низким ИСБШ относится к "
          "ШНСУ.", "context", percent=True),
        P("value_added_covariates", "Что учитывается в ожидаемых результатах", "Показатели, по которым "
          "рассчитываются ожидаемые результаты школы и добавленная ценность.", "context", editable=False),
        P("internal_cause_threshold", "Порог добавленной ценности для внутришкольных причин", "Причина низких "
          "результатов — внутришкольная, если верхняя граница добавленной ценности ниже этого порога (0 — значимо "
          "ниже ожидаемого по контексту).", "context"),
        P("context_cause_margin", "Допуск для причины «контекст»", "Причина — контекст, если нижняя граница "
          "добавленной ценности не ниже минус этой доли разброса результатов школ в сходных условиях.", "context"),
        P("resilient_rule", "Правило резильентности", "Какая ШНСУ считается резильентной.", "context",
          choices=(("above_median", "индекс выше медианы региона"),
                   ("above_prediction", "результаты значимо выше ожидаемых по контексту"))),
        P("cluster_method", "Способ кластеризации", "Как школы группируются по сходству условий.", "clusters",
          choices=(("kmeans", "метод k-средних"), ("ward", "иерархический метод Уорда")), editable=False),
        P("cluster_k_min", "Кластеров не меньше", "Наименьшее число групп школ со сходными условиями.", "clusters"),
        P("cluster_k_max", "Кластеров не больше", "Наибольшее число групп школ со сходными условиями.", "clusters"),
        P("cluster_criterion", "Как выбирается число кластеров", "Критерий качества разбиения на группы.",
          "clusters", choices=(("silhouette", "по силуэту"), ("calinski_harabasz", "по Калинскому — Харабашу")),
          editable=False),
        P("cluster_random_state", "Начальное число для кластеризации", "Одно и то же число даёт одно и то же "
          "разбиение.", "clusters", editable=False),
        P("cluster_sample_size", "Выборка для кластеризации", "В большом регионе группы находятся по выборке "
          "стольких школ, затем каждая школа относится к ближайшей группе.", "clusters", "школ", editable=False),
        P("objectivity_min_participants", "Минимум участников ВПР для признаков необъективности", "Школа с меньшим "
          "числом результатов проверяется, но если риск не найден, итог — «нет данных», а не «нет».",
          "objectivity", "участников"),
        P("objectivity_false_flag_rate", "Допустимая доля ложных отметок", "Честная школа получает отметку риска "
          "необъективности не чаще, чем с этой вероятностью; порог рассчитывается по данным региона.",
          "objectivity", percent=True),
        P("objectivity_fdr", "Доля ложных среди отмеченных", "Среди всех отмеченных школ ожидаемая доля честных — "
          "не больше этой (поправка Бенджамини — Хохберга на проверку тысяч школ).", "objectivity", percent=True),
        P("exclude_vpr_when_at_risk", "Не учитывать ВПР школы с риском необъективности", "Индекс результатов такой "
          "школы считается без ВПР.", "objectivity"),
        P("failure_share", "Доля неуспевающих для списка «более 50 %»", "Школа входит в список массовой "
          "неуспеваемости, если доля неуспевающих больше этой.", "failure", percent=True),
        P("rosobrnadzor_fail_share", "Доля «2» по правилу Рособрнадзора", "Процедура считается низкой, если доля "
          "«2» в ней не меньше этой.", "failure", percent=True),
    )
}
EDITABLE = tuple(name for name, parameter in PARAMETERS.items() if parameter.editable)
FIELD_NAMES = tuple(field.name for field in fields(MethodologyParameters))


def parameter(name: str) -> Parameter:
    """The registry entry; a field unknown to the registry is named by itself (never expected)."""
    return PARAMETERS.get(name) or Parameter(name, name, "", "identity", editable=False)


def grouped(values: dict[str, Any], defaults: dict[str, Any] | None = None) -> list[tuple[str, list[dict]]]:
    """The parameters by group for a page: Russian name, value, default and explanation."""
    defaults = defaults if defaults is not None else MethodologyParameters().to_dict()
    rows: dict[str, list[dict]] = {}
    for name, value in values.items():
        if name not in PARAMETERS:
            continue
        entry = PARAMETERS[name]
        default = defaults.get(name)
        rows.setdefault(entry.group, []).append(
            {
                "parameter": entry,
                "value": entry.show(value),
                "default": entry.show(default),
                "changed": _normal(value) != _normal(default),
            }
        )
    return [(label, rows[key]) for key, label in GROUPS if key in rows]


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What differs between two versions' parameters, as «название: было → стало»."""
    lines = []
    for name in FIELD_NAMES:
        if name in ("name", "version"):
            continue
        old, new = before.get(name), after.get(name)
        if _normal(old) != _normal(new):
            entry = parameter(name)
            lines.append(f"{entry.label}: {entry.show(old)} → {entry.show(new)}")
    return lines


def changed_values(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """(название, было, стало) of each parameter that differs; a parameter absent before is «—»."""
    before, after = before or {}, after or {}
    rows = []
    for name in FIELD_NAMES:
        if name in ("name", "version"):
            continue
        old, new = before.get(name), after.get(name)
        if _normal(old) != _normal(new):
            entry = parameter(name)
            rows.append((entry.label, "—" if old is None else entry.show(old), entry.show(new)))
    return rows


def _normal(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_normal(item) for item in value]
    if isinstance(value, list):
        return [_normal(item) for item in value]
    if isinstance(value, dict):
        return {key: _normal(item) for key, item in value.items()}
    return value
