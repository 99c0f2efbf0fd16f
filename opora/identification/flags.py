"""The flags identification puts on a school: one registry, every list and caption derived from it.

A flag has three states: yes, no and not known (``None``: the data cannot tell). The run's lines
and the approved lists have one field per flag (``opora.identification.models``), the run page
counts and filters them, the exports name them, the order's appendix gives each school's basis
in the flags' own words. A new flag (as «вышла из перечня») is one more entry here and a
migration.

Pure Python (no Django), so the documents and the analytics-facing code can use it.

>>> FLAGS["unfavourable"].short, FLAGS["resilient"].counted
('ШНСУ', 'резильентных')
>>> [flag.key for flag in LISTED_FLAGS]
['low_results', 'unfavourable']
"""

from __future__ import annotations

from dataclasses import dataclass

from opora.analytics import REPORT_COLUMNS


@dataclass(frozen=True)
class Flag:
    """One flag of a school.

    Attributes
    ----------
    key
        The field of the run's lines and of the approved list (and of the analytics' output).
    short
        How pages name it in a badge or a filter («ШНОР», «Резильентная»).
    plural
        The list of such schools («Резильентные»), the run page's filter.
    counted
        The word after a number («12 резильентных»).
    full
        The full Russian name, for hints and documents.
    basis
        The phrase of the order's «Основание» for a school with the flag ("" when the flag is no
        basis of its own).
    listed
        Whether the flag puts a school in the approved list (ШНОР, ШНСУ).
    tone
        The colour of its badge: ``bad``, ``warn`` or ``ok`` (always beside the word).
    cause_field
        The field holding the flag's cause, if it has one (the cause of low results).
    qualifier
        Said in brackets after a listed school's category («ШНСУ (резильентная)»).
    """

    key: str
    short: str
    plural: str
    counted: str
    full: str
    basis: str
    listed: bool = False
    tone: str = "warn"
    cause_field: str = ""
    qualifier: str = ""

    @property
    def column(self) -> str:
        """The column of the run's report (the same as the analytics' report)."""
        return REPORT_COLUMNS[self.key]

    @property
    def cause_column(self) -> str:
        """The report's column of the flag's cause ("" when the flag has no cause)."""
        return REPORT_COLUMNS[self.cause_field] if self.cause_field else ""

    @property
    def verbose_name(self) -> str:
        """The model field's name: lower case, abbreviations kept."""
        return self.short if self.short.isupper() else self.short[:1].lower() + self.short[1:]


_REGISTRY = (
    Flag(
        key="low_results",
        short="ШНОР",
        plural="ШНОР",
        counted="ШНОР",
        full="Школа с низкими образовательными результатами",
        basis="низкие результаты",
        listed=True,
        tone="bad",
        cause_field="low_results_cause",
    ),
    Flag(
        key="unfavourable",
        short="ШНСУ",
        plural="ШНСУ",
        counted="ШНСУ",
        full="Школа, функционирующая в неблагоприятных социальных условиях",
        basis="неблагоприятные социальные условия",
        listed=True,
    ),
    Flag(
        key="resilient",
        short="Резильентная",
        plural="Резильентные",
        counted="резильентных",
        full="Резильентная школа: в неблагоприятных условиях, но с хорошими результатами",
        basis="",
        tone="ok",
        qualifier="резильентная",
    ),
    Flag(
        key="objectivity_risk",
        short="Риск необъективности",
        plural="Риск необъективности",
        counted="с риском необъективности",
        full="Риск необъективности результатов ВПР",
        basis="риск необъективности результатов ВПР",
    ),
    Flag(
        key="learning_failure",
        short="Неуспешность более 50%",
        plural="Неуспешность более 50%",
        counted="с неуспешностью более 50 %",
        full="Более 50 % обучающихся с учебной неуспешностью",
        basis="неуспешность более 50% обучающихся",
        tone="bad",
    ),
    Flag(
        key="exited_list",
        short="Вышла из перечня",
        plural="Вышли из перечня",
        counted="вышедших из перечня",
        full="Вышла из перечня ШНОР: два года вне нижней группы и сократила разрыв с медианой (методика, 4.8)",
        basis="",
        tone="ok",
    ),
)

FLAGS: dict[str, Flag] = {flag.key: flag for flag in _REGISTRY}
"""Every flag by its key, in the order pages and exports show them."""

LISTED_FLAGS: tuple[Flag, ...] = tuple(flag for flag in _REGISTRY if flag.listed)
"""The flags that put a school in the approved list."""

FLAG_KEYS: tuple[str, ...] = tuple(FLAGS)


def state_word(value: bool | None) -> str:
    """A flag's state in words: «да», «нет» or «нет данных» (never «нет» for unknown)."""
    if value is None:
        return "нет данных"
    return "да" if value else "нет"


def flags_of(row: object) -> dict[str, bool | None]:
    """The flags of a line, an approved entry or a dict, by key."""
    if isinstance(row, dict):
        return {key: row.get(key) for key in FLAGS}
    return {key: getattr(row, key) for key in FLAGS}


def categories(row: object) -> str:
    """«ШНОР», «ШНСУ», «ШНОР и ШНСУ» or «—»: the listed flags a school has."""
    values = flags_of(row)
    return " и ".join(flag.short for flag in LISTED_FLAGS if values[flag.key]) or "—"


def category_text(values: dict[str, bool | None]) -> str:
    """The category of a listed school with its qualifiers: «ШНСУ (резильентная)»; "" if not listed."""
    category = " и ".join(flag.short for flag in LISTED_FLAGS if values.get(flag.key))
    if not category:
        return ""
    qualifiers = "".join(f" ({flag.qualifier})" for flag in FLAGS.values() if flag.qualifier and values.get(flag.key))
    return category + qualifiers
