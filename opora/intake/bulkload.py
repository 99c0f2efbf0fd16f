"""Loading hundreds of thousands of rows into one table inside the import's transaction.

Where the time of a big load goes (form 4, 1 000 000 participants' results, measured with
``bench/import_students.py``): on PostgreSQL each of the table's three foreign keys is checked by
a query per row when the transaction commits (about 12 s), and the four plain indexes are kept up
row by row while COPY runs (several seconds); on SQLite the plain indexes cost about as much as
writing the table itself. Building an index once from the loaded table, or checking a foreign key
with one join over it, costs a fraction of that.

So a big load (:data:`BULK_ROWS` or more) drops the plain indexes (when the table holds fewer
rows than are added) and, on PostgreSQL, the foreign keys and the unique key (when the table holds
at most :data:`CONSTRAINT_TABLE_RATIO` times the rows added), inserts, and puts them back from
the database's own definitions: names, columns and ``DEFERRABLE`` stay exactly as migrated. The
primary key stays. All of it happens in the import's transaction, whose DDL both databases roll
back with the rows; should a row point nowhere or repeat a key, putting the constraint back fails
and nothing of the import stays. Between the drop and the commit the table is locked against
every other transaction, so no other import can slip a row past the missing unique key. SQLite
keeps its foreign keys and unique key: they cannot be dropped without rebuilding the table.

Dropping a foreign key on PostgreSQL locks the tables it points to (schools, school years,
imports) until the commit, a few seconds. The locks are asked for with a short
``lock_timeout``: when another transaction holds those tables, the load keeps its keys and
indexes and goes row by row, slower but without waiting behind it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import OperationalError, connection, models, transaction

logger = logging.getLogger(__name__)

# Below this many rows keeping indexes and keys up row by row is cheap enough (on PostgreSQL
# 50 000 rows cost ~0.6 s of key checks at the commit: the school figures of a million participants).
BULK_ROWS = 50_000
# A constraint put back is checked over the whole table: worth it while the table holds no more
# than this many times the rows being added (a row of that join costs ~1/25 of a row's check).
CONSTRAINT_TABLE_RATIO = 10
LOCK_TIMEOUT = "3s"
SORT_MEMORY = "256MB"
# lock_not_available (lock_timeout ran out); object_in_use (pending trigger events on the table).
_BUSY = ("55P03", "55006")


@dataclass
class LoadPlan:
    """What a load sets aside and puts back: ``(name, definition)`` pairs read from the database."""

    indexes: list[tuple[str, str]] = field(default_factory=list)
    constraints: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.indexes and not self.constraints


@contextmanager
def bulk_load(model: type[models.Model], *, rows: int) -> Iterator[LoadPlan]:
    """Around the insertion of ``rows`` new rows into the model's table, inside a transaction.

    Yields what was set aside (empty for a small load, or when the locks were not granted); on
    leaving without an error it is rebuilt. An error inside leaves the rebuild to the rollback
    of the surrounding transaction.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_load must run inside the import's transaction")
    plan = _plan(model, rows)
    if not plan.is_empty and not _set_aside(model, plan):
        plan = LoadPlan()
    yield plan
    _put_back(model, plan)


def _plan(model: type[models.Model], rows: int) -> LoadPlan:
    if rows < BULK_ROWS or connection.vendor not in ("postgresql", "sqlite"):
        return LoadPlan()
    existing = _rows_up_to(model, rows * CONSTRAINT_TABLE_RATIO)
    plan = LoadPlan()
    if existing < rows:
        plan.indexes = _plain_indexes(model)
    if connection.vendor == "postgresql" and existing < rows * CONSTRAINT_TABLE_RATIO:
        plan.constraints = _constraints(model)
    return plan


def _rows_up_to(model: type[models.Model], limit: int) -> int:
    """The table's row count, counted no further than ``limit`` (a big table is not scanned)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT %s) AS counted", [limit])
        return int(cursor.fetchone()[0])


def _plain_indexes(model: type[models.Model]) -> list[tuple[str, str]]:
    """Indexes that neither identify a row nor back a constraint, with the SQL that creates them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT index_class.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class index_class ON index_class.oid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "ORDER BY index_class.relname",
                [model._meta.db_table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL AND upper(sql) LIKE 'CREATE INDEX%%' ORDER BY name",
                [model._meta.db_table],
            )
        return [(name, definition) for name, definition in cursor.fetchall()]


def _constraints(model: type[models.Model]) -> list[tuple[str, str]]:
    """The table's foreign keys and unique keys (but one another table's key points to)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.conrelid = %s::regclass AND (c.contype = 'f' OR c.contype = 'u' AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)) "
            "ORDER BY c.contype DESC, c.conname",
            [model._meta.db_table],
        )
        return [(name, definition) for name, definition in cursor.fetchall()]


def _set_aside(model: type[models.Model], plan: LoadPlan) -> bool:
    """Drop the plan's indexes and keys; False (nothing dropped) when the tables are busy."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SELECT current_setting('lock_timeout')")
            lock_timeout = cursor.fetchone()[0]
        try:
            with transaction.atomic():
                if postgresql:
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
                if plan.constraints:
                    drops = ", ".join(f"DROP CONSTRAINT {quote(name)}" for name, _ in plan.constraints)
                    cursor.execute(f"ALTER TABLE {table} {drops}")
                for name, _ in plan.indexes:
                    cursor.execute(f"DROP INDEX {quote(name)}")
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) not in _BUSY:
                raise
            logger.warning("bulk load of %s: tables are busy, keeping indexes and keys", model._meta.db_table)
            return False
        if postgresql:
            # The rest of the import waits for locks as long as it would have.
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout])
    return True


def _put_back(model: type[models.Model], plan: LoadPlan) -> None:
    if plan.is_empty:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Sorting a million keys in memory rather than on disk (for this transaction only).
            cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [SORT_MEMORY])
        for _, definition in plan.indexes:
            cursor.execute(definition)
        for name, definition in plan.constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
