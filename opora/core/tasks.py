"""Background work started by a service: enqueued only once the service's changes are committed.

A task enqueued inside a transaction could be taken by the worker before the rows it needs are
visible, or stay queued for rows that a rollback removed; ``transaction.on_commit`` avoids both.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Enqueue ``task(*args)`` when the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(task.enqueue, *args))
