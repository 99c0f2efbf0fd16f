"""Shared infrastructure below every app of Опора.

Reading stored tables into Polars frames (``frames``), writing tables to workbooks
(``tables``), the downloads the pages send (``downloads``), server-drawn charts (``charts``),
Russian formatting of numbers and dates (``formatting``), the abstract record that an import
adds (``records``), enqueuing background work after a commit (``tasks``) and the journal of
changes read from the history tables (``audit``). It may use Django
and libraries but imports no other package of Опора, so every app can stand on it.
"""
