"""The access cases of the journal of changes (joined into ``tests/test_access.py``)."""

from tests.access_cases import FORBIDDEN, Case, _only

AUDITORS = _only("superuser", "region_admin", "other_region_admin", otherwise=FORBIDDEN)

CASES = (Case("web:audit", "журнал изменений за период", AUDITORS),)
