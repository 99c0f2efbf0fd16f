"""Identification runs computed in the background, with progress on the run.

A thin wrapper: ``opora.identification.services.run_start`` enqueues it, and
``opora.identification.execution`` does the work.
"""

from django_tasks import task

from opora.identification.execution import run_execute, run_progress
from opora.identification.models import IdentificationRun


@task()
def execute_run(run_id: int) -> None:
    run = IdentificationRun.objects.get(pk=run_id)
    run_execute(run=run, progress=run_progress(run))
