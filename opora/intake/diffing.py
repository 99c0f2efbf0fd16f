"""What an import would change: rows to add, rows to change (old → new), rows unchanged.

Pure Polars. An empty cell in the file never erases a stored value: it means «not known».
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

PK = "_pk"
OLD = "__old"


@dataclass(frozen=True)
class Diff:
    """The comparison of a file's rows with the stored records.

    ``added`` holds the file's rows with no stored record; ``changed`` the rows whose record
    differs, with ``_pk`` of the record and, for each value field ``f``, the stored value in
    ``f__old``; ``changed_fields`` lists per changed row the fields that differ.
    """

    added: pl.DataFrame
    changed: pl.DataFrame
    unchanged: int
    value_fields: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return self.added.is_empty() and self.changed.is_empty()


def _differs(name: str, dtype: pl.DataType) -> pl.Expr:
    new, old = pl.col(name), pl.col(name + OLD)
    unequal = (new - old).abs() > 1e-09 if dtype.is_float() else new != old
    return new.is_not_null() & (old.is_null() | unequal)


def diff_rows(
    incoming: pl.DataFrame, stored: pl.DataFrame, *, key_fields: Sequence[str], value_fields: Sequence[str]
) -> Diff:
    """Compare ``incoming`` with ``stored`` (which carries ``_pk``) on ``key_fields``.

    Only the value fields present in ``incoming`` are compared; a null in ``incoming`` keeps the
    stored value.

    Examples
    --------
    >>> new = pl.DataFrame({"code": ["1", "2"], "students": [10, 20]})
    >>> old = pl.DataFrame({"_pk": [7], "code": ["1"], "students": [11]})
    >>> d = diff_rows(new, old, key_fields=["code"], value_fields=["students"])
    >>> d.added["code"].to_list(), d.changed["students__old"].to_list(), d.unchanged
    (['2'], [11], 0)
    """
    present = tuple(name for name in value_fields if name in incoming.columns)
    keys = list(key_fields)
    old = stored.select([PK, *keys, *present]).rename({name: name + OLD for name in present})
    incoming_keys = incoming.with_columns(
        [pl.col(name).cast(old.schema[name]) for name in keys if incoming.schema[name] != old.schema[name]]
    )
    if old.is_empty() and not incoming.is_empty():
        # Nothing stored (a first import): every row is added, without the join's copy of the
        # file's rows (a million of them on form 4); the frames are the same as the join's.
        nothing = diff_rows(incoming.head(0), stored, key_fields=key_fields, value_fields=value_fields)
        return Diff(added=incoming_keys, changed=nothing.changed, unchanged=0, value_fields=present)
    joined = incoming_keys.join(old, on=keys, how="left", nulls_equal=False)
    added = joined.filter(pl.col(PK).is_null()).select(incoming.columns)
    matched = joined.filter(pl.col(PK).is_not_null())
    if not present:
        return Diff(added=added, changed=matched.head(0), unchanged=matched.height, value_fields=present)
    flags = [_differs(name, incoming.schema[name]).alias(f"__changed_{name}") for name in present]
    flagged = matched.with_columns(flags)
    changed = flagged.filter(pl.any_horizontal([f"__changed_{name}" for name in present]))
    return Diff(
        added=added,
        changed=changed,
        unchanged=matched.height - changed.height,
        value_fields=present,
    )


def changed_fields(diff: Diff, row: dict) -> list[str]:
    """The fields that differ on one row of ``diff.changed`` (as a dict)."""
    return [name for name in diff.value_fields if row.get(f"__changed_{name}")]
