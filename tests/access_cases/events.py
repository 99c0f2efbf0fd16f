"""The access cases of the pages of opora.events (joined into ``tests/test_access.py``)."""

CASES: tuple = ()
