"""The access cases of the pages of opora.practices (joined into ``tests/test_access.py``)."""

CASES: tuple = ()
