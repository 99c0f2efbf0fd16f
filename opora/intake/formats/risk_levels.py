"""«Рисковый профиль ФИОКО»: the level of each risk factor that ФИОКО gives a school of project 500+.

One row per school, year and factor. The factor is named as ФИОКО names it: one of the default
factors' names (``opora.risks.defaults.FACTORS``, which is pure Python like this package), so the
risk pages show it beside the computed level of the factor of that name.
"""

from __future__ import annotations

from opora.intake.formats.columns import Column, FileForm
from opora.intake.formats.common import school_code, school_year
from opora.risks.defaults import FACTORS

RISK_LEVELS = ("высокий", "средний", "низкий", "нет риска")
"""The levels a file may give: the names of ``opora.analytics.risks.LEVELS``, from the highest."""

FACTOR_NAMES = tuple(factor.name for factor in FACTORS)

# Other spellings met in ФИОКО's tables and the regions' orders, by the factor's key.
_FACTOR_SPELLINGS = {
    "equipment": ("Низкий уровень оснащения", "Низкий уровень оснащённости школы"),
    "teacher_competence": (
        "Недостаточная предметная и методическая компетентность педагогов",
        "Недостаточная предметная и методическая компетентность учителей",
    ),
    "low_adaptivity": ("Низкая адаптивность учебного процесса", "Риск низкой адаптивности учебного процесса"),
    "internal_training": ("Несформированность внутришкольной системы профессионального развития",),
    "low_motivation": ("Низкая учебная мотивация", "Низкая учебная мотивация учащихся"),
    "school_climate": ("Пониженный уровень качества образовательной и воспитательной среды",),
    "failure_risk": (
        "Высокая доля обучающихся с риском учебной неуспешности",
        "Высокая доля учащихся с рисками учебной неуспешности",
    ),
    "discipline": ("Низкий уровень дисциплины", "Низкий уровень дисциплины на уроках"),
    "parents": ("Низкая вовлечённость родителей", "Низкий уровень вовлечённости родителей в образовательный процесс"),
    "disabilities": ("Высокая доля обучающихся с ограниченными возможностями здоровья",),
    "management": ("Низкая эффективность управления школой",),
    "objectivity": ("Необъективность оценивания образовательных результатов", "Необъективность оценки"),
}
_NAME_OF = {factor.key: factor.name for factor in FACTORS}

_LEVEL_SPELLINGS = (
    ("высокий риск", "высокий"),
    ("высокий уровень", "высокий"),
    ("высокий уровень риска", "высокий"),
    ("средний риск", "средний"),
    ("средний уровень", "средний"),
    ("средний уровень риска", "средний"),
    ("низкий риск", "низкий"),
    ("низкий уровень", "низкий"),
    ("низкий уровень риска", "низкий"),
    ("риск отсутствует", "нет риска"),
    ("риски отсутствуют", "нет риска"),
    ("отсутствует", "нет риска"),
    ("нет рисков", "нет риска"),
    ("риск не выявлен", "нет риска"),
    ("не выявлен", "нет риска"),
    ("без риска", "нет риска"),
)

RISK_PROFILE = FileForm(
    key="risk-levels",
    title="Рисковый профиль ФИОКО",
    key_fields=("code", "year", "factor"),
    columns=(
        school_code(),
        school_year(),
        Column(
            "Фактор риска",
            "factor",
            required=True,
            aliases=("Фактор", "Наименование фактора", "Наименование фактора риска", "Рисковый фактор"),
            choices=FACTOR_NAMES,
            synonyms=tuple(
                (spelling, _NAME_OF[key]) for key, spellings in _FACTOR_SPELLINGS.items() for spelling in spellings
            ),
            example=FACTOR_NAMES[0],
            note="Наименование фактора, как его пишет ФИОКО: один из факторов риска проекта 500+ и региона "
            "(список — в разделе «Риски»). Регистр букв и «ё»/«е» не различаются.",
        ),
        Column(
            "Уровень",
            "level",
            required=True,
            aliases=("Уровень риска", "Уровень фактора", "Уровень фактора риска"),
            choices=RISK_LEVELS,
            synonyms=_LEVEL_SPELLINGS,
            example="средний",
            note="высокий, средний, низкий или нет риска; «высокий риск», «средний уровень риска», "
            "«риск отсутствует» и подобные записи понимаются.",
        ),
    ),
)
