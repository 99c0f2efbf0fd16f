"""A task for the tests of the task workers (``test_worker_faults.py``): it notes who ran it.

Each execution appends «number worker» to the file ``$OPORA_TEST_RECORD``: a line per execution,
so a task taken by two workers would show twice.
"""

import os
import time

from django_tasks import task


@task(takes_context=True)
def record(context, number: int) -> int:
    worker = context.task_result.worker_ids[-1]
    time.sleep(0.02)  # long enough for the other worker to look for work meanwhile
    with open(os.environ["OPORA_TEST_RECORD"], "a", encoding="utf-8") as journal:
        journal.write(f"{number} {worker}\n")
    return number
