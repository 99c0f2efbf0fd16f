"""Risk profile runs computed in the background: ``profiles_start`` enqueues, ``execution`` computes.

While the task works, the run's sign of life is renewed (``opora.core.heartbeat``): a worker
killed mid-run leaves a run that is seen as interrupted and can be started again
(``opora.risks.recovery``).
"""

from django_tasks import task

from opora.core.heartbeat import heartbeat
from opora.risks.execution import profiles_execute, run_progress
from opora.risks.models import ProfileRun
from opora.risks.recovery import runs_interrupted_fail


@task()
def execute_profiles(run_id: int) -> None:
    # A worker restarted after a crash: the runs its predecessor left are marked before new work.
    runs_interrupted_fail()
    runs = ProfileRun.objects.filter(pk=run_id)
    with heartbeat(runs):
        run = runs.get()
        profiles_execute(run=run, progress=run_progress(run))
