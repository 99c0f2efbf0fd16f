"""Faults of the task workers, with real ``opora db_worker`` processes on a database of their own.

* A worker killed (SIGKILL) in the middle of an identification run: while the worker lives the
  run's sign of life is renewed; once it is dead the run page shows the run as interrupted (a GET
  writes nothing), «Запустить снова» marks it failed with the reason and starts a new run, and a
  new worker computes the new run to the end.
* Two workers on PostgreSQL take N queued tasks: each task is executed exactly once.

The workers and the checks run in child processes (this file run as a script, one step per
process) on a database made for this module: a SQLite file in a temporary directory, or a fresh
PostgreSQL database on the server of ``DATABASE_URL`` when the tests run on PostgreSQL.
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEARTBEAT_SECONDS = 1
STALE_SECONDS = 4
TASKS = 40
OPORA = [sys.executable, "-c", "from opora.cli import main; main()"]  # the ``opora`` command


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _admin(statement: str) -> None:
    import psycopg

    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """The environment of a migrated installation of its own; dropped afterwards."""
    directory = tmp_path_factory.mktemp("installation")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "opora.settings",
        "OPORA_VAR_DIR": str(directory),
        "OPORA_SECRET_KEY": "worker-faults-" + "k" * 40,
        "OPORA_RUN_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "OPORA_RUN_STALE_SECONDS": str(STALE_SECONDS),
        "OPORA_TEST_RECORD": str(directory / "executions.txt"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("OPORA_TASK_BACKEND", None)
    database = None
    if _on_postgres():
        database = f"opora_test_workers_{uuid.uuid4().hex[:8]}"
        _admin(f"CREATE DATABASE {database}")
        env["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{database}"
    else:
        env.pop("DATABASE_URL", None)
    try:
        subprocess.run([*OPORA, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True, timeout=180)
        yield env
    finally:
        if database:
            _admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def _step(env: dict, *arguments: str, timeout: float = 120) -> dict:
    """Run a step of this file in a child process; its last line of output is JSON."""
    done = subprocess.run(
        [sys.executable, __file__, *arguments],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _worker(env: dict, *arguments: str, slow: bool = False) -> subprocess.Popen:
    command = [sys.executable, __file__, "slow-worker"] if slow else [*OPORA, "db_worker"]
    return subprocess.Popen(
        [*command, "--no-startup-delay", "--no-reload", "--interval", "0.2", *arguments],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip


def _end(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def test_a_worker_killed_mid_run_leaves_the_run_failed_and_restartable(installation):
    # Given a region with data and a run enqueued, taken by a worker whose computation is slow
    started = _step(installation, "region-and-run")
    worker = _worker(installation, slow=True)
    try:
        # When the worker works: the run is running and its sign of life is renewed
        alive = _step(installation, "watch", str(started["run"]))
        assert alive["status"] == "running"
        assert alive["renewed"] is True
        assert alive["interrupted"] is False

        # and then it is killed in the middle of the run
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        _end(worker)

    # Then the run page shows the run as interrupted, and «Запустить снова» starts a new run
    after = _step(installation, "after-kill", str(started["run"]))
    assert after["interrupted"] is True
    assert after["page_says_interrupted"] is True
    assert after["page_offers_restart"] is True
    assert after["status_after_get"] == "running"  # the page only shows; the restart marks
    assert after["restart_code"] == 302
    assert after["old_status"] == "failed"
    assert after["old_error"].startswith("Расчёт прерван: обработчик фоновых задач остановился")
    assert after["old_task_status"] == "FAILED"
    assert after["new_status"] == "queued"
    assert after["new_run"] != started["run"]

    # and a new worker computes the new run to the end
    worker = _worker(installation, "--batch")
    try:
        assert worker.wait(180) == 0, worker.stderr.read().decode()[-3000:]
    finally:
        _end(worker)
    final = _step(installation, "final", str(after["new_run"]))
    assert final["status"] == "done"
    assert final["schools"] == started["schools"]


@pytest.mark.skipif(not _on_postgres(), reason="two workers side by side: PostgreSQL (SELECT … SKIP LOCKED)")
def test_two_workers_never_take_the_same_task(installation):
    # Given N queued tasks
    queued = _step(installation, "enqueue", str(TASKS))
    assert queued["queued"] == TASKS

    # When two workers take them at the same time until none is left
    workers = [_worker(installation, "--batch", "--interval", "0", "--worker-id", name) for name in ("w1", "w2")]
    try:
        for worker in workers:
            assert worker.wait(120) == 0, worker.stderr.read().decode()[-3000:]
    finally:
        for worker in workers:
            _end(worker)

    # Then each task was executed exactly once, and both workers took some
    done = _step(installation, "executions")
    assert done["successful"] == TASKS
    assert done["claimed_twice"] == 0
    assert done["executions"] == TASKS
    assert done["numbers_executed_twice"] == []
    assert sorted(done["numbers"]) == list(range(TASKS))
    assert set(done["workers"]) == {"w1", "w2"}


# --- the pages of an interrupted run (the test client, no worker) ------------------------------------


def _silent_since(minutes: int):
    from django.utils import timezone

    return timezone.now() - datetime.timedelta(minutes=minutes)


def test_an_identification_run_silent_too_long_is_shown_interrupted_and_started_again(client, world, settings):
    from opora.identification.models import IdentificationRun, RunStatus

    # Given a run that a worker took and stopped renewing 10 minutes ago, and a live one
    settings.OPORA_RUN_STALE_SECONDS = 120
    dead = IdentificationRun.objects.create(
        region=world.region, year=world.run.year, methodology=world.run.methodology,
        status=RunStatus.RUNNING, heartbeat_at=_silent_since(10),
    )  # fmt: skip
    live = IdentificationRun.objects.create(
        region=world.region, year=world.run.year, methodology=world.run.methodology,
        status=RunStatus.RUNNING, heartbeat_at=_silent_since(0),
    )  # fmt: skip
    client.force_login(world.users["region_admin"])

    # When its page is opened, then it says so and offers to start it again; the GET changes nothing
    page = client.get(f"/identification/runs/{dead.pk}/").content.decode()
    assert "Расчёт прерван: обработчик фоновых задач остановился" in page
    assert f'action="/identification/runs/{dead.pk}/rerun/"' in page
    assert "Запустить снова" in page
    assert "Расчёт прерван" not in client.get(f"/identification/runs/{live.pk}/").content.decode()
    assert IdentificationRun.objects.get(pk=dead.pk).status == RunStatus.RUNNING

    # When it is started again
    response = client.post(f"/identification/runs/{dead.pk}/rerun/")

    # Then the interrupted run is failed with the reason, the live one is left alone, and a new run is made
    dead.refresh_from_db()
    live.refresh_from_db()
    new = IdentificationRun.objects.exclude(pk__in=(world.run.pk, dead.pk, live.pk)).get(region=world.region)
    assert response.status_code == 302
    assert response["Location"] == f"/identification/runs/{new.pk}/"
    assert dead.status == RunStatus.FAILED
    assert dead.error.startswith("Расчёт прерван: обработчик фоновых задач остановился во время расчёта")
    assert dead.finished_at is not None
    assert live.status == RunStatus.RUNNING


def test_a_profile_run_silent_too_long_is_shown_interrupted_and_started_again(client, world, settings):
    from opora.identification.models import RunStatus
    from opora.risks.models import ProfileRun
    from opora.risks.services import latest_factor_set

    # Given a risk profile run whose worker stopped renewing it 10 minutes ago
    settings.OPORA_RUN_STALE_SECONDS = 120
    dead = ProfileRun.objects.create(
        region=world.region, year=world.run.year, factor_set=latest_factor_set(world.region),
        status=RunStatus.RUNNING, progress=55, heartbeat_at=_silent_since(10),
    )  # fmt: skip
    client.force_login(world.users["region_admin"])

    # When its page is opened: interrupted, no polling, and «Запустить снова» for its year
    page = client.get(f"/risks/runs/{dead.pk}/").content.decode()
    assert "Рисковые профили за 2025/2026: расчёт прерван" in page
    assert "Расчёт рисковых профилей прерван: обработчик фоновых задач остановился" in page
    assert 'hx-trigger="every 1s"' not in page
    assert '<input type="hidden" name="year" value="2026">' in page
    assert ProfileRun.objects.get(pk=dead.pk).status == RunStatus.RUNNING

    # When it is started again, then it is failed with the reason and a new run is computed
    response = client.post("/risks/runs/", {"year": "2026"})
    dead.refresh_from_db()
    new = ProfileRun.objects.exclude(pk=dead.pk).get(region=world.region)
    assert response.status_code == 302
    assert dead.status == RunStatus.FAILED
    assert dead.error.startswith("Расчёт рисковых профилей прерван")
    assert new.status == RunStatus.DONE  # the test settings run a task at once


def test_a_run_never_taken_by_a_worker_is_waiting_not_interrupted(world, settings):
    from opora.identification.models import IdentificationRun, RunStatus

    # Given a queued run no worker has taken yet (no sign of life at all), created long ago
    settings.OPORA_RUN_STALE_SECONDS = 1
    queued = IdentificationRun.objects.create(
        region=world.region, year=world.run.year, methodology=world.run.methodology, status=RunStatus.QUEUED
    )
    IdentificationRun.objects.filter(pk=queued.pk).update(created_at=_silent_since(60))
    queued.refresh_from_db()

    # Then it waits for a worker: neither shown as interrupted nor finished
    assert queued.is_interrupted is False
    assert queued.is_finished is False


# --- the steps, each in a child process ------------------------------------------------------------


def _setup() -> None:
    import django

    django.setup()


def region_and_run() -> dict:
    _setup()
    from opora.accounts.models import Role, User
    from opora.demo.generator import generate_region
    from opora.demo.services import demo_region_load
    from opora.identification.services import region_methodology, run_start
    from opora.schools.models import SchoolYear

    report = demo_region_load(region_data=generate_region(seed=3, n_schools=30, with_students=False))
    admin = User.objects.get(role=Role.REGION_ADMIN, region=report.region)
    year = SchoolYear.objects.order_by("-end_year").first()
    run = run_start(region=report.region, year=year, methodology=region_methodology(report.region), by=admin)
    return {"run": run.pk, "schools": report.schools}


def watch(run_id: str) -> dict:
    _setup()
    from opora.identification.models import IdentificationRun

    deadline = time.monotonic() + 60
    run = IdentificationRun.objects.get(pk=run_id)
    while (run.status != "running" or run.heartbeat_at is None) and time.monotonic() < deadline:
        time.sleep(0.2)
        run.refresh_from_db()
    first = run.heartbeat_at
    time.sleep(STALE_SECONDS + 1)  # longer than a silence that means a lost worker
    run.refresh_from_db()
    return {
        "status": run.status,
        "renewed": first is not None and run.heartbeat_at > first,
        "interrupted": run.is_interrupted,
    }


def after_kill(run_id: str) -> dict:
    _setup()
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    from opora.identification.models import IdentificationRun

    run = IdentificationRun.objects.get(pk=run_id)
    deadline = time.monotonic() + STALE_SECONDS + 10
    while not run.is_interrupted and time.monotonic() < deadline:
        time.sleep(0.3)
        run.refresh_from_db()
    interrupted = run.is_interrupted
    client = Client(HTTP_HOST="localhost")
    client.force_login(run.created_by)
    page = client.get(f"/identification/runs/{run.pk}/").content.decode()
    status_after_get = IdentificationRun.objects.get(pk=run.pk).status
    restart = client.post(f"/identification/runs/{run.pk}/rerun/")
    run.refresh_from_db()
    new = IdentificationRun.objects.exclude(pk=run.pk).get(region=run.region)
    (task,) = [
        row
        for row in DBTaskResult.objects.filter(task_path="opora.identification.tasks.execute_run")
        if row.args_kwargs["args"] == [run.pk]
    ]
    return {
        "interrupted": interrupted,
        "page_says_interrupted": "Расчёт прерван" in page,
        "page_offers_restart": "Запустить снова" in page,
        "status_after_get": status_after_get,
        "restart_code": restart.status_code,
        "old_status": run.status,
        "old_error": run.error,
        "old_task_status": task.status,
        "new_run": new.pk,
        "new_status": new.status,
    }


def final(run_id: str) -> dict:
    _setup()
    from opora.identification.models import IdentificationRun

    run = IdentificationRun.objects.get(pk=run_id)
    return {"status": run.status, "schools": run.schools.count(), "error": run.error}


def slow_worker(arguments: list[str]) -> None:
    """A real worker whose computation of a run takes ten minutes: it is killed long before."""
    _setup()
    from django.core.management import call_command

    import opora.identification.execution

    opora.identification.execution._execute = lambda run, progress: time.sleep(600)
    call_command("db_worker", *arguments)


def enqueue(count: str) -> dict:
    _setup()
    from tests.core.worker_tasks import record

    for number in range(int(count)):
        record.enqueue(number)
    return {"queued": int(count)}


def executions() -> dict:
    _setup()
    from collections import Counter

    from django_tasks_db.models import DBTaskResult

    rows = list(DBTaskResult.objects.filter(task_path="tests.core.worker_tasks.record"))
    lines = Path(os.environ["OPORA_TEST_RECORD"]).read_text().split("\n")
    executed = [line.split() for line in lines if line]
    counts = Counter(int(number) for number, _ in executed)
    return {
        "successful": sum(1 for row in rows if row.status == "SUCCESSFUL"),
        "claimed_twice": sum(1 for row in rows if len(row.worker_ids) != 1),
        "executions": len(executed),
        "numbers_executed_twice": sorted(number for number, count in counts.items() if count > 1),
        "numbers": sorted(counts),
        "workers": sorted({worker for _, worker in executed}),
    }


if __name__ == "__main__":
    step, *rest = sys.argv[1:]
    if step == "slow-worker":
        slow_worker(rest)
    else:
        steps = {
            "region-and-run": region_and_run,
            "watch": watch,
            "after-kill": after_kill,
            "final": final,
            "enqueue": enqueue,
            "executions": executions,
        }
        print(json.dumps(steps[step](*rest), ensure_ascii=False, default=str))
