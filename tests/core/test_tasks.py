"""A service's background task is enqueued only when its transaction commits."""

from django.db import transaction

import opora.core.tasks
from opora.core.tasks import enqueue_on_commit


class Recorder:
    def __init__(self):
        self.calls = []

    def enqueue(self, *args):
        self.calls.append(args)


def test_task_waits_for_the_commit(db, monkeypatch, django_capture_on_commit_callbacks):
    # Given the real transaction module (the test settings make commits immediate)
    monkeypatch.setattr(opora.core.tasks, "transaction", transaction)
    task = Recorder()

    # When a task is enqueued inside a transaction
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(task, 7, "x")
        # Then nothing is enqueued before the commit
        assert task.calls == []

    # and it is enqueued once the transaction commits
    assert len(callbacks) == 1
    assert task.calls == [(7, "x")]
