"""Damaged files through the whole import: never a crash, always a clear refusal, the database untouched."""

import io

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opora.intake.models import ImportStatus
from opora.intake.services import import_check, import_upload
from opora.schools.models import SchoolContext

HEADER = ["Код ОО", "Учебный год", "Обучающихся", "С ОВЗ", "Из малообеспеченных семей"]
ROWS = [["010001", "2025/2026", 300, 12, 40], ["010002", "2025/2026", 280, 9, 31]]
JUNK = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.integers(min_value=-(10**9), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
)


def snapshot() -> list[tuple]:
    return list(SchoolContext.objects.order_by("pk").values_list("pk", "students", "students_disabled"))


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def check(world, content: bytes, name: str):
    batch = import_upload(region=world.region, file_name=name, content=content, form_key=None, by=None)
    return import_check(batch=batch)


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(content=st.binary(max_size=2000))
def test_random_bytes_are_refused(world, content):
    before = snapshot()
    batch = check(world, content, "случайный.xlsx")
    assert batch.status == ImportStatus.INVALID
    assert batch.report["errors"] and all(isinstance(error, str) and error for error in batch.report["errors"])
    assert snapshot() == before


@FAST
@given(
    cells=st.lists(st.tuples(st.integers(0, 1), st.integers(0, 4), JUNK), min_size=1, max_size=4),
    order=st.permutations(range(5)),
    drop=st.sets(st.integers(0, 4), max_size=2),
)
def test_damaged_cells_shuffled_or_missing_columns_never_crash(world, cells, order, drop):
    rows = [list(row) for row in ROWS]
    for row, column, value in cells:
        rows[row][column] = value
    keep = [index for index in order if index not in drop]
    table = [[HEADER[i] for i in keep], *([row[i] for i in keep] for row in rows)]
    before = snapshot()
    batch = check(world, xlsx(table), "контекст.xlsx")
    assert batch.status in (ImportStatus.READY, ImportStatus.INVALID)
    if batch.status == ImportStatus.INVALID:
        assert batch.error_count > 0
        assert all("строка" in error or "олбец" in error or "файл" in error.lower() for error in batch.report["errors"])
    assert snapshot() == before  # a check never writes


@FAST
@given(
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]), separator=st.sampled_from([";", ",", "\t"])
)
def test_every_encoding_and_separator_reads_the_same(world, encoding, separator):
    text = "\n".join(separator.join(str(value) for value in row) for row in [HEADER, *ROWS]) + "\n"
    batch = check(world, text.encode(encoding), "контекст.csv")
    assert (batch.status, batch.form_key, batch.rows) == (ImportStatus.READY, "context", 2)
