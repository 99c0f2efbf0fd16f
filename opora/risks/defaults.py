"""The defaults a new region gets as data: risk factors with their rules, questionnaires, the catalog.

The ten factors of project 500+ and four that later cohorts and regions add (DOMAIN.md). Their
rules are chosen so that twelve factors get a level from the files a region already has
(registry, context, results, year outcomes, and what identification found) before any
questionnaire or teacher data; two (learning motivation and the school's system of training)
need the questionnaires or the teachers' file, and say «нет данных» until those arrive. The
thresholds and their reasons are in ``docs/risks.md``; a region edits them as data.

The questionnaires (``data/questionnaires.json``) and the catalog of measures
(``data/measures.json``: every measure of the five source orders, in their wording, with its
document) are loaded from files of this package.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from opora.core.search import stems

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Rule:
    indicator: str
    operator: str
    high: float | None
    medium: float | None
    low: float | None
    weight: float = 1.0
    audience: str = ""
    explanation: str = ""


@dataclass(frozen=True)
class Factor:
    key: str
    name: str
    description: str
    rules: tuple[Rule, ...]


def _asked(*audiences: str, weight: float = 1.0) -> tuple[Rule, ...]:
    """The questionnaire rule of each audience.

    Below 40 % of favourable answers is «высокий», below 55 % «средний», below 70 % «низкий».
    """
    return tuple(
        Rule(
            "questionnaire",
            "<=",
            40,
            55,
            70,
            weight,
            audience,
            "Доля благополучных ответов на вопросы об этом факторе; считается при 5 ответах и более.",
        )
        for audience in audiences
    )


FACTORS: tuple[Factor, ...] = (
    Factor(
        "equipment",
        "Низкий уровень оснащения школы",
        "Нехватка компьютеров, медленный интернет, недостаток учебного оборудования.",
        (
            Rule("computers_per_student", "<=", 0.05, 0.08, 0.12, 1.0, "",
                 "Меньше одного компьютера на 20 обучающихся — высокий уровень, на 12 — средний, на 8 — низкий."),
            Rule("internet_mbps", "<=", 10, 30, 50, 1.0, "",
                 "Ниже 10 Мбит/с не работают видеоуроки и цифровые платформы; 50 Мбит/с — норма школы."),
            *_asked("director", "teachers", weight=0.5),
        ),
    ),
    Factor(
        "staff_shortage",
        "Дефицит педагогических кадров",
        "Вакансии, старение коллектива, перегрузка педагогов совмещением.",
        (
            Rule("vacancy_rate", ">=", 0.10, 0.05, 0.02, 1.0, "", "Каждая десятая ставка пуста — высокий уровень."),
            Rule("teachers_over_60_share", ">=", 0.30, 0.20, 0.12, 0.5, "",
                 "Доля педагогов старше 60 лет: через несколько лет — вакансии."),
            Rule("teachers_part_time_share", ">=", 0.40, 0.25, 0.15, 0.5, "",
                 "Внутреннее совмещение закрывает вакансии за счёт нагрузки."),
            *_asked("director", weight=0.5),
        ),
    ),
    Factor(
        "teacher_competence",
        "Недостаточная предметная и методическая компетентность педагогических работников",
        "Педагоги без профильного образования и категории, дефициты по итогам диагностики.",
        (
            Rule("teachers_without_pedagogy_share", ">=", 0.20, 0.10, 0.05, 1.0, "",
                 "Доля педагогов без педагогического образования."),
            Rule("teachers_with_deficits_share", ">=", 0.50, 0.30, 0.15, 1.0, "",
                 "Доля педагогов с дефицитами по итогам диагностики (форма «Педагоги»)."),
            Rule("teachers_without_category_share", ">=", 0.60, 0.45, 0.30, 0.5, "",
                 "Доля педагогов без квалификационной категории."),
            *_asked("teachers", "director", weight=0.5),
        ),
    ),
    Factor(
        "low_adaptivity",
        "Риски низкой адаптивности учебного процесса",
        "Обучение не подстраивается под разных учеников: второгодничество, нет индивидуальных маршрутов.",
        (
            Rule("repeating_share", ">=", 0.02, 0.01, 0.005, 1.0, "",
                 "Оставленные на повторное обучение — прямой след того, что процесс не подстроился под ученика."),
            *_asked("teachers", "students"),
        ),
    ),
    Factor(
        "internal_training",
        "Несформированность внутришкольной системы повышения квалификации",
        "Нет системы наставничества, взаимопосещений, курсов; педагоги давно не учились.",
        (
            Rule("teachers_not_trained_share", ">=", 0.50, 0.30, 0.15, 1.0, "",
                 "Курсы повышения квалификации обязательны раз в три года."),
            *_asked("teachers", "director"),
        ),
    ),
    Factor(
        "low_motivation",
        "Низкая учебная мотивация обучающихся",
        "Ученикам неинтересно учиться, они не видят смысла в учёбе.",
        (*_asked("students", "teachers", "parents"),),
    ),
    Factor(
        "school_climate",
        "Пониженный уровень качества школьной образовательной и воспитательной среды",
        "Ученики и педагоги чувствуют себя в школе небезопасно, нет поддержки и доверия.",
        (
            Rule("on_register_share", ">=", 0.05, 0.03, 0.015, 0.5, "",
                 "Обучающиеся на профилактическом учёте — признак неблагополучной среды."),
            *_asked("students", "teachers", "parents"),
        ),
    ),
    Factor(
        "failure_risk",
        "Высокая доля обучающихся с рисками учебной неуспешности",
        "Много неуспевающих, «2» на ВПР и ОГЭ, не преодолевших порог ЕГЭ, выпускников без аттестата.",
        (
            Rule("failing_share", ">=", 0.15, 0.08, 0.04, 1.0, "", "Доля неуспевающих по итогам года."),
            Rule("vpr_fail_share", ">=", 0.25, 0.15, 0.08, 1.0, "",
                 "Доля «2» по ВПР; правило Рособрнадзора берёт 30 % по процедуре."),
            Rule("oge_fail_share", ">=", 0.20, 0.10, 0.05, 1.0, "", "Доля «2» по ОГЭ."),
            Rule("ege_below_share", ">=", 0.15, 0.08, 0.04, 1.0, "", "Доля не преодолевших минимальный порог ЕГЭ."),
            Rule("no_certificate_9_share", ">=", 0.05, 0.02, 0.01, 1.0, "", "Выпускники 9 классов без аттестата."),
        ),
    ),
    Factor(
        "discipline",
        "Низкий уровень дисциплины в классе",
        "На уроках шумно, правила не соблюдаются, много нарушений.",
        (
            Rule("on_register_share", ">=", 0.05, 0.03, 0.015, 1.0, "",
                 "Обучающиеся на учёте в КДН, ПДН или на внутришкольном учёте."),
            *_asked("teachers", "students"),
        ),
    ),
    Factor(
        "parents",
        "Низкий уровень вовлечённости родителей",
        "Родители не участвуют в жизни школы и учёбе детей.",
        (
            Rule("parents_higher_education_share", "<=", 0.15, 0.25, 0.35, 0.5, "",
                 "Чем меньше родителей с высшим образованием, тем реже они помогают с учёбой (косвенный показатель)."),
            Rule("single_parent_share", ">=", 0.40, 0.30, 0.20, 0.5, "", "Неполные семьи — меньше времени на школу."),
            *_asked("parents", "teachers"),
        ),
    ),
    Factor(
        "disabilities",
        "Высокая доля обучающихся с ОВЗ",
        "Много детей с ограниченными возможностями здоровья, нужны адаптированные программы и специалисты.",
        (Rule("disabled_share", ">=", 0.15, 0.08, 0.04, 1.0, "", "Доля обучающихся с ОВЗ."), *_asked("director")),
    ),
    Factor(
        "language_barriers",
        "Низкое качество преодоления языковых и культурных барьеров",
        "Дети, для которых русский язык не родной, без языковой поддержки.",
        (
            Rule("non_native_share", ">=", 0.20, 0.10, 0.05, 1.0, "", "Доля обучающихся с неродным русским языком."),
            *_asked("teachers", weight=0.5),
        ),
    ),
    Factor(
        "management",
        "Низкая эффективность управления",
        "Результаты годами ниже ожидаемых в таких условиях: дело в управлении школой.",
        (
            Rule("years_in_bottom", ">=", 3, 2, 1, 1.0, "", "Лет из трёх в нижней группе по индексу результатов."),
            Rule("value_added", "<=", -0.30, -0.15, -0.05, 1.0, "",
                 "Результаты ниже ожидаемых по социальным условиям (в стандартных отклонениях)."),
            *_asked("teachers", "director", weight=0.5),
        ),
    ),
    Factor(
        "objectivity",
        "Необъективность оценивания",
        "Признаки завышения результатов ВПР, расхождение отметок с независимой оценкой.",
        (
            Rule("objectivity_risk", ">=", 1, None, None, 1.0, "", "Признак выявления «риск необъективности ВПР»."),
            *_asked("teachers", weight=0.5),
        ),
    ),
)  # fmt: skip


@cache
def questionnaires() -> list[dict[str, Any]]:
    """The default questionnaires: audience, title, intro, closing, sections of items."""
    return json.loads((DATA / "questionnaires.json").read_text("utf-8"))


@cache
def measures() -> list[dict[str, Any]]:
    """The default catalog: every measure of the source orders, in their wording, with its document."""
    return json.loads((DATA / "measures.json").read_text("utf-8"))


def search_text(*parts: str) -> str:
    """What a measure keeps for search: the stems of its words, padded so a stem matches a whole word."""
    return f" {stems(' '.join(parts))} "


def load(region_id: int, get_model: Callable[[str, str], Any]) -> None:
    """Create the defaults a region lacks; ``get_model`` is ``apps.get_model`` (of a migration, too)."""
    FactorSet = get_model("risks", "FactorSet")
    RiskFactor = get_model("risks", "RiskFactor")
    IndicatorRule = get_model("risks", "IndicatorRule")
    Questionnaire = get_model("risks", "Questionnaire")
    QuestionSection = get_model("risks", "QuestionSection")
    QuestionItem = get_model("risks", "QuestionItem")
    Measure = get_model("risks", "Measure")
    if not FactorSet.objects.filter(region_id=region_id).exists():
        factor_set = FactorSet.objects.create(
            region_id=region_id, version=1, title="Факторы риска проекта 500+ и региона", comment="Набор по умолчанию."
        )
        for number, factor in enumerate(FACTORS, start=1):
            stored = RiskFactor.objects.create(
                factor_set=factor_set, key=factor.key, number=number, name=factor.name, description=factor.description
            )
            IndicatorRule.objects.bulk_create(
                IndicatorRule(
                    factor=stored,
                    indicator=rule.indicator,
                    audience=rule.audience,
                    operator=rule.operator,
                    high=rule.high,
                    medium=rule.medium,
                    low=rule.low,
                    weight=rule.weight,
                    explanation=rule.explanation,
                )
                for rule in factor.rules
            )
    if not Questionnaire.objects.filter(region_id=region_id).exists():
        for spec in questionnaires():
            questionnaire = Questionnaire.objects.create(
                region_id=region_id,
                audience=spec["audience"],
                title=spec["title"],
                intro=spec.get("intro", ""),
                closing=spec.get("closing", ""),
            )
            for section_number, section_spec in enumerate(spec["sections"], start=1):
                section = QuestionSection.objects.create(
                    questionnaire=questionnaire, number=section_number, title=section_spec["title"]
                )
                QuestionItem.objects.bulk_create(
                    QuestionItem(
                        section=section,
                        key=item["key"],
                        number=number,
                        text=item["text"],
                        scale=item["scale"],
                        factor_key=item["factor"],
                        reverse=bool(item.get("reverse")),
                    )
                    for number, item in enumerate(section_spec["items"], start=1)
                )
    if not Measure.objects.filter(region_id=region_id).exists():
        Measure.objects.bulk_create(
            Measure(
                region_id=region_id,
                ident=item["id"],
                text=item["text"],
                factor_keys=list(item["factors"]),
                kind=item["kind"],
                owner=item.get("owner", ""),
                timing=item.get("timing", ""),
                expected_result=item.get("expected_result", ""),
                source=item.get("source_title", ""),
                section=item.get("section", ""),
                search_text=search_text(item["text"], item.get("expected_result", ""), item.get("owner", "")),
            )
            for item in measures()
        )
