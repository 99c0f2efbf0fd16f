"""A background run's sign of life, so that a run whose worker died is seen and can be started again.

A task worker killed in the middle of a run (``kill -9``, the machine switched off, the memory
exhausted) runs no ``except`` and no ``finally``: the run would stay «Идёт расчёт» for ever, and so
would its row of the task queue. While a task works, :func:`heartbeat` renews the run's
``heartbeat_at`` every ``OPORA_RUN_HEARTBEAT_SECONDS`` from a thread of the worker's process;
the thread dies with the process. A run whose mark is older than ``OPORA_RUN_STALE_SECONDS`` is
therefore one nobody computes any more, whichever of several workers took it.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)


def heartbeat_seconds() -> float:
    return float(getattr(settings, "OPORA_RUN_HEARTBEAT_SECONDS", 10))


def stale_before() -> datetime.datetime:
    """Runs whose last sign of life is older than this have lost their worker."""
    return timezone.now() - datetime.timedelta(seconds=float(getattr(settings, "OPORA_RUN_STALE_SECONDS", 120)))


@contextmanager
def heartbeat(runs: QuerySet) -> Iterator[None]:
    """Renew ``heartbeat_at`` of ``runs`` (a queryset of one run) while the block works."""
    runs.update(heartbeat_at=timezone.now())
    if connection.in_atomic_block:
        # Inside a transaction (a test, a caller's atomic block) nobody else sees the run: a mark
        # from another connection would only wait for this transaction's locks.
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(heartbeat_seconds()):
                try:
                    runs.update(heartbeat_at=timezone.now())
                except DatabaseError:  # a busy database: the next beat tries again
                    logger.warning("heartbeat of %s not written", runs.model.__name__, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat, name=f"heartbeat-{runs.model.__name__}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=heartbeat_seconds() + 5)


def task_results_fail(task_path: str, run_ids: Iterable[int], message: str) -> int:
    """Mark failed the queue rows (django-tasks-db) still «running» the task ``task_path`` on these runs."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    wanted = set(run_ids)
    rows = [
        row.pk
        for row in DBTaskResult.objects.filter(task_path=task_path, status=TaskResultStatus.RUNNING)
        if (row.args_kwargs.get("args") or [None])[0] in wanted
    ]
    return DBTaskResult.objects.filter(pk__in=rows).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="opora.core.heartbeat.WorkerLost",
        traceback=message,
    )


def interrupted_fail(runs: QuerySet, *, status: str, message: Callable[[Any], str], task_path: str) -> list[int]:
    """Give ``status`` (failed) to the runs of ``runs`` whose sign of life is stale, and to their queue rows.

    ``runs`` are the runs not finished (queued or running); ``message(run)`` is the Russian reason
    kept on the run. The update is conditional: a worker that renewed its mark meanwhile keeps its run.
    """
    cutoff = stale_before()
    marked = []
    for run in runs.filter(heartbeat_at__lt=cutoff):
        reason = message(run)
        if runs.filter(pk=run.pk, heartbeat_at__lt=cutoff).update(
            status=status, error=reason, finished_at=timezone.now(), progress_message="Расчёт прерван"
        ):
            marked.append(run.pk)
            task_results_fail(task_path, [run.pk], reason)
    return marked


def last_sign(run: Any) -> str:
    """«03.12.2026 15:07:12»: when the run's worker last gave a sign of life, in local time."""
    return f"{timezone.localtime(run.heartbeat_at):%d.%m.%Y %H:%M:%S}" if run.heartbeat_at else "нет"
