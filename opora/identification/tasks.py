"""Identification runs computed in the background, with progress on the run.

A thin wrapper: ``opora.identification.services.run_start`` enqueues it, and
``opora.identification.execution`` does the work. While it works, the run's sign of life is
renewed (``opora.core.heartbeat``): a worker killed mid-run leaves a run that is seen as
interrupted and can be started again (``opora.identification.recovery``).
"""

from django_tasks import task

from opora.core.heartbeat import heartbeat
from opora.identification.execution import run_execute, run_progress
from opora.identification.models import IdentificationRun
from opora.identification.recovery import runs_interrupted_fail


@task()
def execute_run(run_id: int) -> None:
    # A worker restarted after a crash: the runs its predecessor left are marked before new work.
    runs_interrupted_fail()
    runs = IdentificationRun.objects.filter(pk=run_id)
    with heartbeat(runs):
        run = runs.get()
        run_execute(run=run, progress=run_progress(run))
