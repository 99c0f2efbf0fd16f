"""«Адресные рекомендации по итогам анализа рискового профиля»: a Word document for one school.

Two steps, as for the order of the approved list: ``recommendations_context`` reads the school's
risk profile, its identification line and the region's catalog of measures into plain text
(``Recommendations``), and ``recommendations_docx`` lays that text out as a .docx with
python-docx (no database). The document's sections are described in docs/documents.md.

A factor without data says «нет данных», never «нет риска»: an unknown level is no evidence
that the risk is absent.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass

from django.utils import timezone
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from opora.accounts.models import Role, User
from opora.analytics.risks import LEVELS, RISK_INDICATORS
from opora.core.formatting import date_long, date_short, num, quantity, school_year_label
from opora.identification.flags import FLAGS, state_word
from opora.identification.models import RunSchool
from opora.identification.queries import latest_line_of
from opora.risks.models import Measure, MeasureKind, PriorityFactor, ProfileRun
from opora.risks.queries import FactorState, school_factors, shown_value
from opora.risks.services import MAX_PRIORITIES
from opora.schools.models import School

TITLE = "Адресные рекомендации по итогам анализа рискового профиля"
MEASURES_PER_FACTOR = 6
NO_DATA = "нет данных"

FONT = "Times New Roman"
TEXT_SIZE = Pt(12)
TABLE_SIZE = Pt(10)
SMALL_SIZE = Pt(9)
FIRST_LINE_INDENT = Cm(1.25)

_KIND_ORDER = {kind: index for index, kind in enumerate(MeasureKind.values)}
# The catalog keeps the source documents' wording, with the names of the officials of another
# district and the years of another program: a school gets the role and the month.
_PERSON = re.compile(r"\s*\b[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?")
# Who carries a measure out: the school's side (its head, team, teachers, curator) or the municipality's.
_SCHOOL_SIDE = re.compile(r"ШНОР|школ|учреждени|МОУ|МБОУ|директор|куратор|команд|педагог|АУП|администрац", re.I)
_MUNICIPAL_SIDE = re.compile(
    r"[Оо]тдел образования|[Уу]правлени[ея] образования|ОМО|ИМО|ИАО|МОАО|РМО|ЭС УО|ППМС|ОИТ|ВЦПМ"
)
_YEARS = re.compile(r"\s*\b(?:19|20)\d{2}(?:\s*[-–—/]\s*(?:19|20)?\d{2})?\b(?:\s*(?:гг?\.|года?))?")


@dataclass(frozen=True)
class ProfileRow:
    """A factor as the table of the risk profile shows it."""

    number: int
    name: str
    level: str  # «высокий (экспертная оценка; по расчёту — средний)», «нет данных»
    basis: list[str]  # the indicators behind the level, in words
    change: str  # «выше (в 2024/2025 — низкий)», «нет данных»
    external: str  # the level given by ФИОКО, or «нет данных»
    priority: bool


@dataclass(frozen=True)
class Judgement:
    """An expert's judgement in force, with its reason."""

    factor: str
    level: str
    computed: str
    reason: str
    expert: str
    day: str


@dataclass(frozen=True)
class MeasureLine:
    text: str
    kind: str
    owner: str
    timing: str
    expected_result: str
    source: str  # the document, its section and the measure's number in the catalog


@dataclass(frozen=True)
class Direction:
    """A priority factor with the measures of the catalog against it."""

    name: str
    level: str
    basis: list[str]
    measures: list[MeasureLine]


@dataclass(frozen=True)
class WatchLine:
    """An indicator at a high or medium level: its value now and the value that lowers the level."""

    factor: str
    indicator: str
    value: str
    level: str
    target: str


@dataclass(frozen=True)
class Recommendations:
    """Everything the document says, as text; the pure input of ``recommendations_docx``."""

    title: str
    school_name: str
    municipality: str
    school_year: str  # the year the recommendations are for: the one after the profile's data
    profile_year: str
    profile_reference: str
    identification_reference: str  # "" when the school was in no identification run
    flags: list[tuple[str, str]]  # (flag, its state in words)
    results_index: str
    wellbeing_index: str
    explanation: str
    profile: list[ProfileRow]
    has_external: bool
    judgements: list[Judgement]
    priorities_chosen: bool
    priorities_note: str
    directions: list[Direction]
    watch: list[WatchLine]
    unknown_factors: list[str]
    prepared_by: str
    prepared_on: str


def recommendations_context(
    school: School, run: ProfileRun, user: User, *, today: datetime.date | None = None
) -> Recommendations:
    """Read what the recommendations for ``school`` say, from ``run`` and the latest identification.

    Parameters
    ----------
    school
        The school; the caller has checked the user may see it.
    run
        A finished run of the risk profiles of the school's region.
    user
        Who prepares the document: their name and position (or role) close it.
    today
        The date of the document; today by default.
    """
    states = school_factors(user, school, run)
    chosen = [state for state in states if state.priority]
    priorities = chosen or _by_level(states)
    line = latest_line_of(user, school)
    measures = list(Measure.objects.filter(region=run.region).order_by("ident"))
    if chosen:
        chosen_at = (
            PriorityFactor.objects.filter(school=school, year=run.year)
            .order_by("-chosen_at")
            .values_list("chosen_at", flat=True)
            .first()
        )
        when = f" {date_short(timezone.localdate(chosen_at))}" if chosen_at else ""
        note = f"Приоритетные направления выбраны школой{when} в рисковом профиле."
    elif priorities:
        note = (
            "Школа ещё не выбрала приоритетные факторы риска, поэтому направления выбраны по уровню риска: "
            f"{quantity(len(priorities), 'фактор', 'фактора', 'факторов')} с наиболее высоким уровнем. "
            f"Школе рекомендуется выбрать приоритеты (не больше {MAX_PRIORITIES}) и уточнить рекомендации."
        )
    else:
        known = [state for state in states if state.level is not None]
        if not known:
            found = "в рисковом профиле нет данных ни по одному фактору"
        else:
            found = "по факторам, у которых есть данные, риск не выявлен (уровень «нет риска»)"
            found += ", по остальным нет данных" if len(known) < len(states) else ""
        note = (
            f"Школа ещё не выбрала приоритетные факторы риска, а {found}, поэтому приоритетные направления "
            "не определены."
        )
    return Recommendations(
        title=TITLE,
        school_name=school.name,
        municipality=school.municipality.name,
        school_year=school_year_label(run.year.end_year + 1),
        profile_year=run.year.label,
        profile_reference=f"расчёт рисковых профилей № {run.pk}"
        + (f" от {date_short(timezone.localdate(run.finished_at))}" if run.finished_at else "")
        + f"; набор факторов «{run.factor_set.title}», версия {run.factor_set.version}",
        identification_reference=_identification_reference(line),
        flags=_flags(line),
        results_index=_results_index(line),
        wellbeing_index=NO_DATA if line is None or line.wellbeing_index is None else num(line.wellbeing_index, 2),
        explanation=line.explanation.strip() if line is not None else "",
        profile=[_profile_row(state, run.year.end_year - 1) for state in states],
        has_external=any(state.external for state in states),
        judgements=[_judgement(state) for state in states if _in_force(state)],
        priorities_chosen=bool(chosen),
        priorities_note=note,
        directions=[
            Direction(
                name=state.factor.name,
                level=state.level_name,
                basis=[text for text, level in _basis(state) if level is None or level >= 1],
                measures=[_measure_line(measure) for measure in measures_for(measures, state.factor.key)],
            )
            for state in priorities
        ],
        watch=[row for state in _priority_first(states) for row in _watch(state)],
        unknown_factors=[state.factor.name for state in states if state.level is None],
        prepared_by=_prepared_by(user),
        prepared_on=date_long(today or timezone.localdate()),
    )


def measures_for(catalog: list[Measure], factor_key: str, limit: int = MEASURES_PER_FACTOR) -> list[Measure]:
    """Up to ``limit`` measures of the catalog against the factor, of as many kinds as there are.

    First the measures the school carries out itself, then those it shares with the municipality
    (or whose owner is not given), then the municipality's own (``_owner_side``); among them those
    aimed at fewer factors (the most specific). Then one of each kind in turn, so the list is not
    all meetings, leaving out a measure worded almost as one already taken; shown in the order of
    the kinds.
    """
    candidates = sorted(
        (measure for measure in catalog if factor_key in (measure.factor_keys or [])),
        key=lambda measure: (_owner_side(measure.owner), len(measure.factor_keys), measure.ident),
    )
    by_kind: dict[str, list[Measure]] = {}
    taken: list[set[str]] = []
    for measure in candidates:
        words = set(re.findall(r"\w{4,}", measure.text.casefold()))
        if any(len(words & other) >= 0.8 * max(len(words | other), 1) for other in taken):
            continue
        taken.append(words)
        by_kind.setdefault(measure.kind, []).append(measure)
    # A kind whose best measure is the school's comes before one that has only the municipality's.
    queues = [
        by_kind[kind]
        for kind in sorted(by_kind, key=lambda kind: (_owner_side(by_kind[kind][0].owner), _KIND_ORDER.get(kind, 99)))
    ]
    chosen: list[Measure] = []
    while len(chosen) < limit and any(queues):
        for queue in queues:
            if queue and len(chosen) < limit:
                chosen.append(queue.pop(0))
    rank = {measure.pk: index for index, measure in enumerate(candidates)}
    return sorted(chosen, key=lambda measure: (_KIND_ORDER.get(measure.kind, 99), rank[measure.pk]))


def _owner_side(owner: str) -> int:
    """0: the school's side alone; 1: shared, or not given; 2: the municipality's alone."""
    named = _without_people(owner)
    school, municipal = bool(_SCHOOL_SIDE.search(named)), bool(_MUNICIPAL_SIDE.search(named))
    if school and not municipal:
        return 0
    return 2 if municipal and not school else 1


def typical_owner(owner: str) -> str:
    """The owner of a catalog's measure without the names of people.

    >>> typical_owner("Куратор, директор МОУ «СОШ №7» Портнова Г.П., команда школы")
    'Куратор, директор МОУ «СОШ №7», команда школы'
    >>> typical_owner("Гайворонская Н.И. Суворина Т.В.")
    'определяет школа'
    """
    return _without_people(owner) or "определяет школа"


def _without_people(owner: str) -> str:
    text = _PERSON.sub("", owner)
    return re.sub(r"\s*,(\s*,)+", ",", text).strip(" ,;")


def typical_timing(timing: str) -> str:
    """The timing of a catalog's measure without the years of the program it comes from.

    >>> typical_timing("Октябрь 2020, далее ежегодно"), typical_timing("По завершению 2023-2024 у.г.")
    ('Октябрь, далее ежегодно', 'По завершению учебного года')
    """
    text = _YEARS.sub("", timing).replace("у.г.", "учебного года")
    text = re.sub(r"\s+([,;.])", r"\1", text).strip(" ,;.")
    return text or "по плану школы"


def _by_level(states: list[FactorState]) -> list[FactorState]:
    at_risk = [state for state in states if state.level is not None and state.level >= 1]
    at_risk.sort(key=lambda state: (-(state.level or 0), state.factor.number))
    return at_risk[:MAX_PRIORITIES]


def _priority_first(states: list[FactorState]) -> list[FactorState]:
    return sorted(states, key=lambda state: (not state.priority, state.factor.number))


def _identification_reference(line: RunSchool | None) -> str:
    if line is None:
        return ""
    run = line.run
    methodology = run.methodology
    return (
        f"расчёт выявления № {run.pk} за {run.year.label} учебный год; "
        f"методика «{methodology.name}», версия {methodology.version}"
    )


def _flags(line: RunSchool | None) -> list[tuple[str, str]]:
    rows = []
    for flag in FLAGS.values():
        value = getattr(line, flag.key) if line is not None else None
        text = state_word(value)
        if value is None and line is not None and line.unknown_reasons.get(flag.key):
            text = f"{NO_DATA}: {line.unknown_reasons[flag.key]}"
        if value and flag.cause_field and line is not None:
            window = line.run.methodology.params.years_window
            if line.years_in_bottom is not None:
                text += f"; в нижней группе по результатам {num(line.years_in_bottom)} из {num(window)}"
            if line.low_results_cause:
                text += f"; причины: {line.low_results_cause}"
        rows.append((flag.full, text))
    return rows


def _results_index(line: RunSchool | None) -> str:
    if line is None or line.results_index is None:
        return NO_DATA
    text = num(line.results_index, 2)
    if line.results_index_lower is not None and line.results_index_upper is not None:
        text += f" (интервал {num(line.results_index_lower, 2)} … {num(line.results_index_upper, 2)})"
    return text


def _in_force(state: FactorState) -> bool:
    """Whether an expert's level is in force (a judgement without a level only withdrew the earlier ones)."""
    return state.judged is not None and state.judged.level is not None


def _unit(row: dict) -> str:
    indicator = RISK_INDICATORS.get(row["indicator"].partition(":")[0])
    return indicator.unit if indicator else ""


def _shown(value: float | None, unit: str, *, compared: bool = False) -> str:
    """A value as ``shown_value`` gives it, a number of years agreeing: «3 года»; «меньше 1 года» when compared."""
    if unit != "лет" or value is None or not float(value).is_integer():
        return shown_value(value, unit)
    count = int(value)
    if compared:
        return f"{num(count)} {'года' if count % 10 == 1 and count % 100 != 11 else 'лет'}"
    return quantity(count, "год", "года", "лет")


def _sentence(text: str) -> str:
    """Text that ends a sentence, without a second full stop."""
    return text.strip().rstrip(".,;: ")


def _basis(state: FactorState) -> list[tuple[str, int | None]]:
    """The indicators behind the computed level, in words, each with its own level."""
    return [
        (f"{line['label']}: {_shown(row['value'], _unit(row))} — {line['level']}", row["level"])
        for line, row in zip(state.evidence_lines(), state.evidence, strict=True)
    ]


def _profile_row(state: FactorState, previous_end_year: int) -> ProfileRow:
    level = state.level_name
    if _in_force(state):
        level += f" (экспертная оценка; по расчёту — {state.computed_name})"
    basis = [text for text, _ in _basis(state)] or [f"{NO_DATA}: показатели фактора не рассчитаны"]
    change = state.change
    if state.previous is not None:
        change += f" (в {school_year_label(previous_end_year)} — {state.previous_name})"
    return ProfileRow(
        number=state.factor.number,
        name=state.factor.name,
        level=level,
        basis=basis,
        change=change,
        external=state.external or NO_DATA,
        priority=state.priority,
    )


def _judgement(state: FactorState) -> Judgement:
    judged = state.judged
    assert judged is not None
    return Judgement(
        factor=state.factor.name,
        level=state.level_name,
        computed=state.computed_name,
        reason=_sentence(judged.reason),
        expert=str(judged.created_by),
        day=date_short(timezone.localdate(judged.created_at)),
    )


def _measure_line(measure: Measure) -> MeasureLine:
    source = measure.source or "каталог мер региона"
    if measure.section:
        source += f", раздел «{measure.section}»"
    return MeasureLine(
        text=_sentence(measure.text),
        kind=measure.get_kind_display(),
        owner=typical_owner(measure.owner),
        timing=typical_timing(measure.timing),
        expected_result=_sentence(measure.expected_result) or "в источнике не указан",
        source=f"{source} (мера каталога № {measure.ident})",
    )


def _target(row: dict) -> str:
    """The value that lowers the indicator's level by a step, and the one that makes it «низкий».

    Just past a level's threshold the value reaches the next threshold below (they are ordered),
    or none: «нет риска».
    """
    unit = _unit(row)
    keys = {3: "high", 2: "medium", 1: "low"}
    word = "меньше" if row["operator"] == ">=" else "больше"
    steps = []
    level = row["level"]
    while level >= 2:
        threshold = row.get(keys[level])
        lower = next((step for step in range(level - 1, 0, -1) if row.get(keys[step]) is not None), 0)
        if threshold is not None:
            value = "«нет»" if unit == "да/нет" else f"{word} {_shown(threshold, unit, compared=True)}"
            steps.append(f"{value} — уровень «{LEVELS[lower]}»")
        level = lower
    return "; ".join(steps) or NO_DATA


def _watch(state: FactorState) -> list[WatchLine]:
    return [
        WatchLine(
            factor=state.factor.name,
            indicator=line["label"],
            value=_shown(row["value"], _unit(row)),
            level=line["level"],
            target=_target(row),
        )
        for line, row in zip(state.evidence_lines(), state.evidence, strict=True)
        if row["level"] >= 2
    ]


def _prepared_by(user: User) -> str:
    """«Иванова Мария Петровна, методист ИМО»: the name, then the position (or the role in Опора)."""
    position = user.position.strip()
    if not position:
        position = "администратор системы" if user.is_superuser else Role(user.role).label
    if position[1:2].islower():  # «Методист» → «методист», but «ИМО» stays
        position = position[0].lower() + position[1:]
    return f"{user.full_name or user.username}, {position}"


# --- the Word document -----------------------------------------------------------------------------


def recommendations_docx(context: Recommendations) -> bytes:
    """The recommendations as a Word document (.docx): A4, Times New Roman 12, tables 10.

    Parameters
    ----------
    context
        What the document says (``recommendations_context``).

    Returns
    -------
    bytes
        The .docx file.
    """
    document = Document()
    _set_up(document, context)

    _paragraph(document, context.title, bold=True, centred=True, size=Pt(14))
    _paragraph(document, context.school_name, bold=True, centred=True)
    _paragraph(document, context.municipality, centred=True)
    _paragraph(document, f"на {context.school_year} учебный год", centred=True)
    _paragraph(
        document,
        f"Рекомендации составлены по рисковому профилю школы за {context.profile_year} учебный год "
        f"({context.profile_reference}), по результатам выявления школ с низкими образовательными результатами "
        "и школ, функционирующих в неблагоприятных социальных условиях, и по каталогу мер региона. Их цель — "
        "помочь школе выбрать меры для антирисковых программ и плана мероприятий («дорожной карты») по "
        "переходу в эффективный режим работы.",
        indent=True,
    ).paragraph_format.space_before = Pt(12)

    _heading(document, "1. Общие сведения")
    if context.identification_reference:
        _paragraph(document, f"Признаки школы по данным выявления ({context.identification_reference}).", indent=True)
    else:
        _paragraph(
            document,
            "Школа не входила ни в один завершённый расчёт выявления: сведений о признаках нет (нет данных).",
            indent=True,
        )
    facts = [*context.flags, ("Индекс результатов", context.results_index), ("ИСБШ", context.wellbeing_index)]
    table = _table(document, ("Признак", "Значение"), (Cm(8.5), Cm(8)))
    for name, value in facts:
        _row(table, (name, value))
    _small(
        document,
        "Индекс результатов — стандартизованный средний результат школы по ВПР, ОГЭ, ЕГЭ и годовым отметкам "
        "(0 — средний уровень региона, ±1 — одно стандартное отклонение); интервал показывает неопределённость "
        "оценки. ИСБШ — индекс социального благополучия школы (чем выше, тем благоприятнее условия). "
        "«Нет данных» означает, что данных не хватает для вывода, а не что признака нет.",
    )
    if context.explanation:
        _paragraph(document, f"Пояснение расчёта: {context.explanation}", indent=True)

    _heading(document, "2. Рисковый профиль")
    _paragraph(
        document,
        "Уровень фактора рассчитан по показателям с порогами, утверждёнными регионом; если эксперт оценил "
        "уровень иначе, действует его оценка. Приоритетные факторы школы отмечены знаком «★».",
        indent=True,
    )
    header = ["Фактор риска", "Уровень", "На чём основан", "Изменение к прошлому году"]
    widths = [Cm(4.6), Cm(2.6), Cm(6.1), Cm(3.2)]
    if context.has_external:
        header.append("Уровень по ФИОКО")
        widths = [Cm(4.0), Cm(2.4), Cm(5.2), Cm(2.6), Cm(2.3)]
    table = _table(document, header, widths)
    for row in context.profile:
        name = f"{row.number}. {row.name}{' ★' if row.priority else ''}"
        cells = [name, row.level, row.basis, row.change]
        if context.has_external:
            cells.append(row.external)
        _row(table, cells)
    if not context.has_external:
        _small(document, "Уровни факторов по данным ФИОКО для школы не загружены.")
    if context.judgements:
        _paragraph(document, "Экспертные оценки", bold=True).paragraph_format.space_before = Pt(6)
        for judgement in context.judgements:
            _paragraph(
                document,
                f"«{judgement.factor}»: уровень «{judgement.level}» вместо рассчитанного «{judgement.computed}». "
                f"Обоснование: {judgement.reason} ({judgement.expert}, {judgement.day}).",
                indent=True,
            )

    _heading(document, "3. Приоритетные направления")
    _paragraph(document, context.priorities_note, indent=True)
    for number, direction in enumerate(context.directions, start=1):
        _paragraph(document, f"{number}) «{direction.name}» — уровень «{direction.level}».", indent=True)

    _heading(document, "4. Рекомендуемые меры")
    if context.directions:
        _paragraph(
            document,
            "Меры подобраны из каталога мер региона, составленного по программам поддержки школ с низкими "
            "образовательными результатами; у каждой указаны вид, типичный исполнитель, сроки и ожидаемый "
            "результат. Конкретных исполнителей и сроки школа определяет в антирисковой программе и "
            "«дорожной карте» вместе с куратором.",
            indent=True,
        )
    else:
        _paragraph(document, "Меры не предлагаются: приоритетные направления не определены.", indent=True)
    for number, direction in enumerate(context.directions, start=1):
        _heading(document, f"4.{number}. {direction.name}", level=2)
        if direction.basis:
            _paragraph(document, "Основание: " + "; ".join(direction.basis) + ".", indent=True)
        if not direction.measures:
            _paragraph(
                document,
                "В каталоге региона нет мер против этого фактора: меры определяет школа вместе с куратором.",
                indent=True,
            )
        for position, measure in enumerate(direction.measures, start=1):
            item = _paragraph(document, f"4.{number}.{position}. {measure.text}.", indent=True)
            item.paragraph_format.space_before = Pt(6)
            _paragraph(
                document,
                f"Вид меры: {measure.kind}. Исполнитель: {measure.owner}. Сроки: {measure.timing}. "
                f"Ожидаемый результат: {measure.expected_result}.",
                indent=True,
            )
            _small(document, f"Источник: {measure.source}.", indent=True)

    _heading(document, "5. Что отслеживать")
    if context.watch:
        _paragraph(
            document,
            "Показатели с высоким и средним уровнем: их значения стоит сверять с порогами по итогам каждого "
            "полугодия. В последнем столбце — значение, при котором уровень показателя снизится.",
            indent=True,
        )
        table = _table(
            document,
            ("Фактор риска", "Показатель", "Сейчас", "Уровень", "Чтобы снизить уровень"),
            (Cm(4.0), Cm(4.4), Cm(2.1), Cm(2.0), Cm(4.0)),
        )
        for line in context.watch:
            _row(table, (line.factor, line.indicator, line.value, line.level, line.target))
    else:
        _paragraph(document, "Показателей с высоким или средним уровнем нет.", indent=True)
    if context.unknown_factors:
        _paragraph(
            document,
            "Нет данных по факторам: "
            + "; ".join(f"«{name}»" for name in context.unknown_factors)
            + ". Их уровень не определён; чтобы его оценить, нужны недостающие данные или анкеты руководителя, "
            "педагогов, обучающихся и родителей.",
            indent=True,
        ).paragraph_format.space_before = Pt(6)

    closing = _paragraph(document, f"Рекомендации подготовил(а): {context.prepared_by}")
    closing.paragraph_format.space_before = Pt(18)
    _paragraph(document, context.prepared_on)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up(document: WordDocument, context: Recommendations) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    _font(normal, TEXT_SIZE)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for name, size in (("Heading 1", Pt(13)), ("Heading 2", TEXT_SIZE)):
        heading = document.styles[name]
        _font(heading, size)
        heading.font.bold = True
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(6)
        heading.paragraph_format.keep_with_next = True
    properties = document.core_properties
    properties.title = context.title
    properties.subject = context.school_name
    properties.author = "Опора"
    properties.language = "ru-RU"


def _font(style: BaseStyle, size: Pt) -> None:
    style.font.name = FONT
    style.font.size = size
    # Cyrillic text takes the font of w:hAnsi/w:cs, not only w:ascii; theme fonts would win over them.
    properties = style.element.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attribute}"), FONT)
    for attribute in ("asciiTheme", "hAnsiTheme", "cstheme", "eastAsiaTheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), "ru-RU")


def _paragraph(
    document: WordDocument,
    text: str,
    *,
    bold: bool = False,
    centred: bool = False,
    indent: bool = False,
    size: Pt | None = None,
) -> Paragraph:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold or None
    if size is not None:
        run.font.size = size
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        paragraph.paragraph_format.first_line_indent = FIRST_LINE_INDENT
    return paragraph


def _small(document: WordDocument, text: str, *, indent: bool = False) -> Paragraph:
    paragraph = _paragraph(document, text, indent=indent, size=SMALL_SIZE)
    paragraph.runs[0].italic = True
    paragraph.paragraph_format.space_before = Pt(3)
    return paragraph


def _heading(document: WordDocument, text: str, level: int = 1) -> Paragraph:
    return document.add_heading(text, level=level)


def _table(document: WordDocument, header: tuple[str, ...] | list[str], widths: tuple | list) -> Table:
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in enumerate(widths):
        table.columns[column].width = width
    repeated = OxmlElement("w:tblHeader")  # the header repeats on every page
    repeated.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeated)
    for cell, text, width in zip(table.rows[0].cells, header, widths, strict=True):
        cell.width = width
        _cell(cell, text, bold=True)
    return table


def _row(table: Table, values: tuple | list) -> None:
    cells = table.add_row().cells
    for cell, value, column in zip(cells, values, table.columns, strict=True):
        cell.width = column.width
        _cell(cell, value)


def _cell(cell: _Cell, value: str | list[str], *, bold: bool = False) -> None:
    lines = value if isinstance(value, list) else [value]
    for index, text in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        run = paragraph.add_run(text)
        run.font.size = TABLE_SIZE
        run.bold = bold or None
