"""Risk profile runs whose task worker died mid-run: marked failed, so that they can be started again.

Called before a run starts (``services.profiles_start``) and by each task as it begins (a worker that
systemd restarted after a crash finds the runs its predecessor left). A run counts as interrupted
once its sign of life (``heartbeat_at``, renewed by ``opora.core.heartbeat`` while the task works)
is older than ``OPORA_RUN_STALE_SECONDS``; a live run of another worker is never touched.
"""

from __future__ import annotations

from opora.core.heartbeat import interrupted_fail, last_sign
from opora.identification.models import RunStatus
from opora.risks.models import ProfileRun

TASK_PATH = "opora.risks.tasks.execute_profiles"


def interrupted_message(run: ProfileRun) -> str:
    return (
        "Расчёт рисковых профилей прерван: обработчик фоновых задач остановился во время расчёта "
        f"(последний сигнал {last_sign(run)}). Профилей у этого расчёта нет: запустите расчёт снова."
    )


def runs_interrupted_fail() -> list[int]:
    """Mark failed every run whose worker stopped giving signs of life; the ids of the runs marked."""
    return interrupted_fail(
        ProfileRun.objects.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)),
        status=RunStatus.FAILED,
        message=interrupted_message,
        task_path=TASK_PATH,
    )
