"""Risk profile runs computed in the background: ``profiles_start`` enqueues, ``execution`` computes."""

from django_tasks import task

from opora.risks.execution import profiles_execute, run_progress
from opora.risks.models import ProfileRun


@task()
def execute_profiles(run_id: int) -> None:
    run = ProfileRun.objects.get(pk=run_id)
    profiles_execute(run=run, progress=run_progress(run))
