"""The file forms Опора reads and writes (see docs/data-intake.md and DATA_FORMATS.md).

One module per form (``schools``, ``context``, ``results``, ``student_results``, ``outcomes``,
``teachers``, ``rosobrnadzor``, ``risk_levels``); ``columns`` says how a form is described and how names and
values are read; ``common`` holds what several forms share. A new form is a new module and one entry of
:data:`FORMS`. The answers to a region's questionnaires are forms too, but built from the region's data
(``opora.intake.surveys``), so they are not here.

Each form is a list of columns: the header users see in Excel, the model field it fills, the kind
of value, whether it is required, and the rules a value must follow (allowed values, range, the
column it is a part of, the procedures that require it). Pure Python: no Django, so the demo
generator, the importer and analysts' notebooks share one definition.

>>> FORMS["results"].column("grade").maximum
11
>>> FORMS["context"].match_header("  с овз: ").field
'students_disabled'
"""

from opora.intake.formats.columns import (
    Column,
    Condition,
    FileForm,
    PartOf,
    SumRule,
    fold,
    normalize_header,
    normalize_list,
    normalize_subject,
    parse_school_year,
    school_year_label,
)
from opora.intake.formats.common import MARKED_PROCEDURES, PROCEDURES
from opora.intake.formats.context import CONTEXT
from opora.intake.formats.outcomes import OUTCOMES
from opora.intake.formats.results import RESULTS
from opora.intake.formats.risk_levels import RISK_PROFILE
from opora.intake.formats.rosobrnadzor import ROSOBRNADZOR_LIST
from opora.intake.formats.schools import SCHOOLS
from opora.intake.formats.student_results import STUDENT_RESULTS
from opora.intake.formats.teachers import TEACHERS

FORMS: dict[str, FileForm] = {
    form.key: form
    for form in (SCHOOLS, CONTEXT, RESULTS, STUDENT_RESULTS, OUTCOMES, TEACHERS, ROSOBRNADZOR_LIST, RISK_PROFILE)
}
"""Every form by its key: the values of ``opora import --kind``."""

__all__ = [
    "CONTEXT",
    "FORMS",
    "MARKED_PROCEDURES",
    "OUTCOMES",
    "PROCEDURES",
    "RESULTS",
    "RISK_PROFILE",
    "ROSOBRNADZOR_LIST",
    "SCHOOLS",
    "STUDENT_RESULTS",
    "TEACHERS",
    "Column",
    "Condition",
    "FileForm",
    "PartOf",
    "SumRule",
    "fold",
    "normalize_header",
    "normalize_list",
    "normalize_subject",
    "parse_school_year",
    "school_year_label",
]
