"""The teachers of the schools as a frame (form 8), derived from the model."""

from __future__ import annotations

from opora.schools.frames import StoredTable
from opora.support.models import Teacher

# A teacher's own code would clash with the school's code, the column «code» of every table.
TEACHERS = StoredTable.of(Teacher, renames={"code": "teacher_code"})
