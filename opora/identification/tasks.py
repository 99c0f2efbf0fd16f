"""Identification runs computed in the background, with progress on the run."""

from django_tasks import task

from opora.identification.models import IdentificationRun
from opora.identification.services import run_execute, run_progress


@task()
def execute_run(run_id: int) -> None:
    run = IdentificationRun.objects.get(pk=run_id)
    run_execute(run=run, progress=run_progress(run))
