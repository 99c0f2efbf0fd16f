"""Load of a region's users on the product as deployed: gunicorn on PostgreSQL, driven by locust.

A fresh PostgreSQL database (``opora_bench_load`` on 127.0.0.1:5432, created and dropped here) is
migrated and given the demo region with ``--schools`` schools in 30 municipalities (without the
participants' results of form 4), an identification run and the risk profiles of its last year,
and roadmaps with activities for the schools of the demo school team and of the coordinator's
municipality. The demo users of every role log in with their demo password.

Then the product is started as ``docs/deploy.md`` describes: gunicorn (``--gunicorn-workers``
processes, 5 by default, of ``--threads`` threads; ``--worker-class sync`` for one request per
process) with the production settings and one task worker
(``opora db_worker``, which checks the uploaded files), and a second process drives it on
127.0.0.1: locust headless (``bench/locustfile.py``) with ``--users`` concurrent users who log in,
read the home page, the dashboards, the lists and the school cards, and write activity statuses
and imports (a small file of form 2 uploaded through the page). The run is bounded in time
(``--time``) and in requests (``--max-requests``).

It prints requests/s, p50/p95/p99 and the errors of each kind of page, the slowest pages, and
then checks the writes against the database: every status change and every upload the users were
told was saved is stored exactly once, none is stored that the users were not told about, and each
activity's status is the last one written. Target: 0 errors, p95 under 300 ms for pages.
Beside the users' figures it prints the server's own (gunicorn's access log: from taking the
request to the answer), so that time spent in the load generator shows apart.

Run: ``.venv/bin/python bench/load.py [--schools 1500] [--users 50] [--time 60s] [--max-requests 20000]``.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime
import json
import math
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# bench/common.py, beside this script
from common import child, free_port, postgres_answers, start_server, stop_process  # noqa: E402
from common import postgres as pg_execute  # noqa: E402

PG_BENCH_DB = "opora_bench_load"
TARGET_MS = 300
DEMO_SEED = 2026
ROADMAP_ACTIVITIES = 120
WRITE_MARK = "Замер нагрузки"
BIN = Path(sys.executable).parent
PAGES_TO_WARM = (
    "главная", "школы: список", "школы: список, фильтр", "школа: карточка", "панель «Состояние программы»",
    "программы: мониторинг", "программы: список", "программа", "мероприятие", "выявление: расчёты",
    "риски: карта", "загрузки: история",
)  # fmt: skip
# The login checks the password with Argon2, slow on purpose (against guessing): it is reported, not a page.
NOT_PAGES = ("вход",)


def prepare(n_schools: int, plan_path: str) -> None:
    """Child process: migrate, load the demo region and its runs; write the plan of the users' pages."""
    import django

    django.setup()
    from django.core.management import call_command

    from opora.accounts.models import Role, User
    from opora.demo.generator import generate_region
    from opora.demo.programs import demo_roadmap
    from opora.demo.services import DEMO_PASSWORD, demo_region_load
    from opora.identification.services import region_methodology, run_now
    from opora.programs.models import Program
    from opora.risks.services import profiles_now
    from opora.schools.models import School, SchoolYear

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    data = generate_region(seed=DEMO_SEED, n_schools=n_schools, n_municipalities=30, with_students=False)
    report = demo_region_load(region_data=data)
    region = report.region
    built = time.perf_counter() - started
    last = SchoolYear.objects.order_by("-end_year").first()
    quiet = lambda percent, message: None  # noqa: E731
    run = run_now(region=region, year=last, methodology=region_methodology(region), by=None, progress=quiet)
    profiles_now(region=region, year=last, by=None, progress=quiet)
    users = {user.role: user for user in User.objects.filter(region=region)}
    team, coordinator, curator = users[Role.SCHOOL_TEAM], users[Role.MUNICIPAL_COORDINATOR], users[Role.CURATOR]
    # The school team's school and 9 more of the coordinator's municipality have roadmaps.
    neighbours = School.objects.filter(municipality=coordinator.municipality).exclude(pk=team.school_id)
    roadmap_schools = [team.school, *neighbours.order_by("code")[:9]]
    for school in roadmap_schools:
        demo_roadmap(school, ROADMAP_ACTIVITIES, team=team, curator=curator)
    team_program = Program.objects.filter(school=team.school).order_by("pk").first()
    municipality_codes = list(
        School.objects.filter(municipality=coordinator.municipality).order_by("code").values_list("code", flat=True)
    )
    region_codes = list(
        School.objects.filter(municipality__region=region).order_by("code").values_list("code", flat=True)
    )
    context = data.context.filter(data.context["Код ОО"].is_in(municipality_codes[:3]))
    upload = Path(plan_path).with_name("context.csv")
    upload.write_bytes(b"\xef\xbb\xbf" + context.write_csv(separator=";").encode("utf-8"))
    plan = {
        "password": DEMO_PASSWORD,
        "year": run.year.end_year,
        "upload": str(upload),
        "upload_rows": context.height,
        "program": team_program.pk,
        # Only the school team's roadmap is written: its school's team, the coordinator of its
        # municipality and the region's administrator may all mark its activities.
        "activities": list(team_program.activities.order_by("pk").values_list("pk", flat=True)),
        "programs": list(Program.objects.filter(region=region).order_by("pk").values_list("pk", flat=True)),
        "schools": {
            "region_admin": region_codes,
            "coordinator": municipality_codes,
            "curator": list(curator.curated_schools.order_by("code").values_list("code", flat=True)),
            "school": [team.school.code],
            "observer": region_codes,
        },
    }
    Path(plan_path).write_text(json.dumps(plan, ensure_ascii=False))
    # A region in use is not one loaded a minute ago: the statistics and the visibility map that
    # autovacuum would bring up to date during the measurement are brought up to date before it.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        json.dumps(
            {
                "schools": report.schools,
                "municipalities": region.municipalities.count(),
                "activities": len(plan["activities"]),
                "roadmaps": len(roadmap_schools),
                "seconds": time.perf_counter() - started,
                "region_seconds": built,
            }
        )
    )


def verify(writes_path: str) -> None:
    """Child process: compare the writes the users were told were saved with the database; print JSON."""
    import django

    django.setup()
    from collections import Counter

    from opora.intake.models import ImportBatch
    from opora.programs.models import Activity, ActivityEvent

    told = json.loads(Path(writes_path).read_text())
    status_told = {item["token"]: item for item in told["statuses"]}
    stored = Counter()
    last_written: dict[int, tuple] = {}
    for event in ActivityEvent.objects.filter(report__startswith=WRITE_MARK).order_by("created_at", "pk"):
        token = event.report.split()[-1]
        stored[token] += 1
        last_written[event.activity_id] = (event.status_to, event.pk)
    statuses_now = dict(Activity.objects.filter(pk__in=last_written).values_list("pk", "status"))
    stale = [pk for pk, (status, _) in last_written.items() if statuses_now[pk] != status]
    uploads_told = {item["token"]: item for item in told["imports"]}
    uploaded = Counter(
        name.removesuffix(".csv").rsplit(" ", 1)[-1]
        for name in ImportBatch.objects.filter(file_name__startswith=WRITE_MARK).values_list("file_name", flat=True)
    )
    print(
        json.dumps(
            {
                "statuses_told": len(status_told),
                "statuses_stored": sum(stored.values()),
                "statuses_lost": len(set(status_told) - set(stored)),
                "statuses_duplicated": sum(1 for count in stored.values() if count > 1),
                "statuses_untold": len(set(stored) - set(status_told)),
                "activities_written": len(last_written),
                "activities_stale": len(stale),
                "imports_told": len(uploads_told),
                "imports_stored": sum(uploaded.values()),
                "imports_lost": len(set(uploads_told) - set(uploaded)),
                "imports_duplicated": sum(1 for count in uploaded.values() if count > 1),
                "imports_untold": len(set(uploaded) - set(uploads_told)),
            }
        )
    )


def _read_stats(prefix: Path) -> tuple[list[dict], dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    pages = [row for row in rows if row["Name"] != "Aggregated"]
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return pages, total


def _read_failures(prefix: Path) -> list[dict]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def _ms(value: str) -> str:
    return "—" if value in ("", "N/A") else f"{float(value):.0f}"


def report(prefix: Path, seconds: float) -> list[dict]:
    pages, total = _read_stats(prefix)
    print(f"\n{'страница':<34} {'запросов':>8} {'в с':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'макс':>6} {'ошибок':>6}")
    for row in [*sorted(pages, key=lambda row: row["Name"]), {**total, "Name": "всего"}]:
        print(
            f"{row['Name']:<34} {row['Request Count']:>8} {float(row['Requests/s']):>6.1f} {_ms(row['50%']):>6} "
            f"{_ms(row['95%']):>6} {_ms(row['99%']):>6} {_ms(row['Max Response Time']):>6} {row['Failure Count']:>6}"
        )
    print(
        f"(время в мс; замер {seconds:.0f} с; цель: 0 ошибок, p95 страниц < {TARGET_MS} мс; «вход» — проверка "
        "пароля Argon2, медленная нарочно, в цель страниц не входит)"
    )
    failures = _read_failures(prefix)
    if failures:
        print("Ошибки:")
        for row in failures:
            print(f"  {row['Name']}: {row['Occurrences']} × {row['Error'][:200]}")
    measured = [row for row in pages if row["Name"] not in NOT_PAGES and row["95%"] not in ("", "N/A")]
    over = [row for row in measured if float(row["95%"]) >= TARGET_MS]
    slowest = sorted(measured, key=lambda row: -float(row["95%"]))[:3]
    print("Самые медленные страницы (по p95): " + "; ".join(f"{row['Name']} {_ms(row['95%'])} мс" for row in slowest))
    errors = int(total["Failure Count"])
    verdict = "да" if errors == 0 and not over else "нет"
    print(
        f"Цель достигнута: {verdict} (ошибок {errors}, страниц с p95 ≥ {TARGET_MS} мс: {len(over)}"
        + (f" — {', '.join(row['Name'] for row in over)}" if over else "")
        + ")"
    )
    return slowest


ACCESS_FORMAT = "%(t)s %(m)s %(U)s %(s)s %(D)s"
ACCESS_LINE = re.compile(r"\[([^\]]+)\] (\S+) (\S+) (\d+) (\d+)$")


def server_times(log: Path, since: float) -> list[float]:
    """Milliseconds the server took for each page request it answered from ``since`` on (not the sign-in)."""
    times = []
    for line in log.read_text(errors="replace").splitlines():
        match = ACCESS_LINE.match(line.strip())
        if not match or match.group(3).startswith("/accounts/login/"):
            continue
        at = datetime.datetime.strptime(match.group(1), "%d/%b/%Y:%H:%M:%S %z").timestamp()
        if at >= math.floor(since):
            times.append(int(match.group(5)) / 1000.0)
    return sorted(times)


def page_url(name: str, plan: dict) -> tuple[str, str | None]:
    """The user and the address of a kind of page by its name in the statistics of ``bench/locustfile.py``."""
    schools, program = plan["schools"], plan["program"]
    pages = {
        "главная": ("region_admin", "/"),
        "школы: список": ("region_admin", "/schools/"),
        "школы: список, страница": ("region_admin", "/schools/?page=3&sort=name"),
        "школы: список, фильтр": ("coordinator", "/schools/?q=школа"),
        "школа: карточка": ("region_admin", f"/schools/{schools['coordinator'][0]}/"),
        "панель «Состояние программы»": ("region_admin", f"/effectiveness/dashboard/?year={plan['year']}"),
        "программы: мониторинг": ("region_admin", "/programs/dashboard/"),
        "программы: список": ("region_admin", "/programs/"),
        "программа": ("school", f"/programs/{program}/"),
        "мероприятие": ("school", f"/programs/{program}/activities/{plan['activities'][0]}/"),
        "выявление: расчёты": ("region_admin", "/identification/runs/"),
        "риски: карта": ("region_admin", f"/risks/?year={plan['year']}"),
        "загрузки: история": ("coordinator", "/data/imports/"),
    }
    return pages.get(name, ("region_admin", None))


def warm_up(host: str, plan: dict, workers: int) -> None:
    """Every kind of page a few times per gunicorn process before the measure: a new process imports lazily."""
    import requests

    for role in ("region_admin", "coordinator", "school"):
        session = requests.Session()
        session.get(f"{host}/accounts/login/", timeout=60)
        session.post(
            f"{host}/accounts/login/",
            {"username": role, "password": plan["password"], "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            timeout=60,
        )
        for name in PAGES_TO_WARM:
            user, url = page_url(name, plan)
            if user == role and url:
                for _ in range(2 * workers):
                    session.get(host + url, timeout=60)


def profile(names: list[str]) -> None:
    """Child process: the slowest pages once more through Django's test Client: time and queries."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from opora.accounts.models import User

    plan = json.loads(Path(os.environ["OPORA_LOAD_PLAN"]).read_text())
    figures = {}
    for name in names:
        role, url = page_url(name, plan)
        if url is None:
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=role))
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        database = sum(float(query["time"]) for query in captured.captured_queries) * 1000
        queries = len(captured)  # before the next request, which empties the connection's log
        profiler = cProfile.Profile()
        profiler.runcall(client.get, url)
        stats = pstats.Stats(profiler)
        # Where the time of the page goes: the product's functions with the most time of their own and below.
        own = sorted(
            (
                (cumulative, f"{Path(path).parent.name}/{Path(path).name}:{function}")
                for (path, _line, function), (_calls, _primitive, _total, cumulative, _callers) in stats.stats.items()
                if "/opora/" in path and "/templatetags/" not in path
            ),
            reverse=True,
        )
        figures[name] = {
            "status": response.status_code,
            "ms": elapsed,
            "queries": queries,
            "database_ms": database,
            "bytes": len(response.content),
            "hot": [f"{name} {seconds * 1000:.0f} мс" for seconds, name in own[:5]],
        }
    print(json.dumps(figures))


def _wait_for(url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    answer = "нет ответа"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn завершился с кодом {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError as error:
            answer = str(error)
            time.sleep(0.3)
    raise SystemExit(f"gunicorn не ответил за {seconds:.0f} с ({answer}):\n{log.read_text()[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1500, help="школ региона")
    parser.add_argument("--users", type=int, default=50, help="одновременных пользователей")
    parser.add_argument("--spawn-rate", type=float, default=10, help="новых пользователей в секунду")
    parser.add_argument("--time", default="60s", help="длительность замера (locust --run-time: 60s, 3m)")
    parser.add_argument("--max-requests", type=int, default=20000, help="не больше стольких запросов")
    parser.add_argument(
        "--wait", default="2,6", help="пауза пользователя между страницами, с: «от,до» (по умолчанию 2,6)"
    )
    parser.add_argument("--gunicorn-workers", type=int, default=5, help="процессов gunicorn")
    parser.add_argument("--threads", type=int, default=4, help="потоков в каждом процессе gunicorn")
    parser.add_argument(
        "--worker-class", default="gthread", choices=("gthread", "sync"), help="класс процессов gunicorn"
    )
    parser.add_argument("--prepare", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--verify", nargs=1, help=argparse.SUPPRESS)
    parser.add_argument("--profile", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(int(args.prepare[0]), args.prepare[1])
        return
    if args.verify:
        verify(args.verify[0])
        return
    if args.profile:
        profile(args.profile)
        return
    print(
        f"Нагрузка: {args.users} пользователей (пауза между страницами {args.wait.replace(',', '–')} с), регион из "
        f"{args.schools} школ, gunicorn на PostgreSQL ({args.worker_class}: процессов {args.gunicorn_workers}"
        + (f", потоков в каждом {args.threads})" if args.worker_class == "gthread" else ")")
    )
    if not postgres_answers():
        print("PostgreSQL: сервер на 127.0.0.1:5432 не отвечает, замер пропущен")
        return
    pg_execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
    pg_execute(f"CREATE DATABASE {PG_BENCH_DB}")
    processes: list[subprocess.Popen] = []
    try:
        with tempfile.TemporaryDirectory(prefix="opora-load-") as temporary:
            directory = Path(temporary)
            plan_path = directory / "plan.json"
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "opora.settings",
                "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{PG_BENCH_DB}",
                "OPORA_VAR_DIR": str(directory / "var"),
                "OPORA_SECRET_KEY": "load-bench-" + "x" * 50,
                "OPORA_DEBUG": "0",
                "OPORA_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "OPORA_DB_CONN_MAX_AGE": "60",
                "OPORA_LOG_LEVEL": "WARNING",
                "OPORA_LOAD_PLAN": str(plan_path),
                "PYTHONPATH": str(ROOT / "bench"),
            }
            built = child(__file__, ["--prepare", str(args.schools), str(plan_path)], env)
            print(
                f"PostgreSQL: школ {built['schools']} в {built['municipalities']} муниципалитетах, дорожных карт "
                f"{built['roadmaps']}, мероприятий для записи {built['activities']} (подготовка "
                f"{built['seconds']:.0f} с, из них регион {built['region_seconds']:.0f} с; не входит в замер)"
            )
            port = free_port()
            host = f"http://127.0.0.1:{port}"
            server = start_server(
                [
                    str(BIN / "gunicorn"), "opora.wsgi:application", "--bind", f"127.0.0.1:{port}",
                    "--workers", str(args.gunicorn_workers),
                    # gunicorn turns sync into gthread when given threads: one each for sync
                    "--threads", str(args.threads if args.worker_class == "gthread" else 1),
                    "--worker-class", args.worker_class, "--timeout", "60", "--log-level", "warning",
                    # Kept-alive connections outlive the users' pauses, as nginx's would in front:
                    # otherwise gunicorn closes one as a user reuses it (connection reset).
                    "--keep-alive", "30",
                    # the server's own time of each request (µs), beside what the users measure
                    "--access-logfile", str(directory / "access.log"), "--access-logformat", ACCESS_FORMAT,
                ],
                env=env,
                log=directory / "gunicorn.log",
            )  # fmt: skip
            processes.append(server)
            worker = start_server(
                [str(BIN / "opora"), "db_worker", "--interval", "0.5", "--no-reload", "-v", "0"],
                env=env,
                log=directory / "worker.log",
            )
            processes.append(worker)
            _wait_for(f"{host}/accounts/login/", server, 90, directory / "gunicorn.log")
            warm_up(host, json.loads(plan_path.read_text()), args.gunicorn_workers)
            prefix = directory / "locust"
            writes = directory / "writes.json"
            signin = directory / "signin.json"
            started = time.perf_counter()
            locust = subprocess.run(
                [
                    str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                    "-u", str(args.users), "-r", str(args.spawn_rate), "--run-time", args.time,
                    "--host", host, "--csv", str(prefix), "--only-summary", "--stop-timeout", "30",
                    "--loglevel", "ERROR", "--max-requests", str(args.max_requests),
                ],
                env={
                    **env,
                    "OPORA_LOAD_WRITES": str(writes),
                    "OPORA_LOAD_WAIT": args.wait,
                    "OPORA_LOAD_SIGNIN": str(signin),
                },
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )  # fmt: skip
            seconds = time.perf_counter() - started
            load = os.getloadavg()[0]
            if signin.exists():
                entered = json.loads(signin.read_text())
                seconds -= entered["seconds"]
                login = entered["вход"]
                print(
                    f"Вход всех {args.users} пользователей (до замера страниц): {entered['seconds']:.0f} с; вход "
                    f"(Argon2): запросов {login['count']}, ошибок {login['failures']}, p50 {login['p50']:.0f}, "
                    f"p95 {login['p95']:.0f}, макс {login['max']:.0f} мс"
                )
            else:
                print("Не все пользователи вошли: страницы измерены вместе со входом")
            if not Path(f"{prefix}_stats.csv").exists():
                sys.stderr.write(locust.stdout + locust.stderr)
                raise SystemExit(f"locust не записал статистику (код {locust.returncode})")
            slowest = report(prefix, seconds)
            served = server_times(directory / "access.log", entered["at"] if signin.exists() else 0.0)
            if served:
                at = [served[min(len(served) - 1, int(q * len(served)))] for q in (0.5, 0.95, 0.99)]
                print(
                    f"На сервере (журнал gunicorn: от приёма запроса до ответа, без очереди в locust): запросов "
                    f"{len(served)}, p50 {at[0]:.0f}, p95 {at[1]:.0f}, p99 {at[2]:.0f}, макс {served[-1]:.0f} мс"
                )
            print(
                f"Загрузка машины в конце замера: load average {load:.1f} на {os.cpu_count()} ядрах "
                "(locust, gunicorn, обработчик задач и PostgreSQL на одной машине)"
            )
            for process in reversed(processes):
                stop_process(process)
            processes.clear()
            for log in ("gunicorn.log", "worker.log"):
                text = (directory / log).read_text(errors="replace")
                if "Traceback" in text or "TIMEOUT" in text:
                    print(f"В журнале {log} есть ошибки:\n" + text[-3000:])
            checked = child(__file__, ["--verify", str(writes)], env)
            print(
                f"Записи: изменений состояния мероприятий подтверждено пользователям {checked['statuses_told']}, "
                f"в базе {checked['statuses_stored']} (потеряно {checked['statuses_lost']}, задвоено "
                f"{checked['statuses_duplicated']}, лишних {checked['statuses_untold']}); мероприятий "
                f"{checked['activities_written']}, с состоянием не от последней записи {checked['activities_stale']}"
            )
            print(
                f"Загрузки файлов: подтверждено {checked['imports_told']}, в базе {checked['imports_stored']} "
                f"(потеряно {checked['imports_lost']}, задвоено {checked['imports_duplicated']}, лишних "
                f"{checked['imports_untold']})"
            )
            lost = sum(checked[key] for key in checked if key.endswith(("_lost", "_duplicated", "_untold", "_stale")))
            print(f"Записи без потерь и повторов: {'да' if lost == 0 else 'нет'}")
            figures = child(__file__, ["--profile", *(row["Name"] for row in slowest)], env)
            for name, figure in figures.items():
                print(
                    f"  {name}: один запрос без нагрузки {figure['ms']:.0f} мс, из них база "
                    f"{figure['database_ms']:.0f} мс в {figure['queries']} запросах; "
                    f"ответ {figure['bytes'] // 1024} КБ; "
                    f"дольше всего (с вложенными): {', '.join(figure['hot'])}"
                )
    finally:
        for process in reversed(processes):
            stop_process(process)
        pg_execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
