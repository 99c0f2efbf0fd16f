"""The users of ``bench/load.py``: a region's people of every role working before a deadline.

Each locust user logs in as one of the demo users (the roles in proportion to how many such people
a region has); once all are in (their sign-in's figures are kept apart, in ``$OPORA_LOAD_SIGNIN``)
the statistics start afresh, and each reads the pages of its role with a pause of ``WAIT`` seconds
between them (a person reads a page before opening the next); the
executors mark activities done with a short report, and the administrator and the coordinator
upload a small file of form 2. Every write carries a token of its own; the writes the product
confirmed (a redirect after the POST) are written to ``$OPORA_LOAD_WRITES`` when the run stops, so
that ``bench/load.py`` can look for each of them in the database.

Each kind of page has its name in the statistics; ``bench/load.py`` knows the same names.
The plan (the users' schools, the program, its activities, the upload) is the JSON file
``$OPORA_LOAD_PLAN`` that ``bench/load.py`` writes while it builds the region.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
import uuid
from pathlib import Path

import gevent.event
from locust import HttpUser, between, events, task

WRITE_MARK = "Замер нагрузки"
# A person reads a page before the next one: seconds, from $OPORA_LOAD_WAIT («2,6»).
WAIT = tuple(float(part) for part in os.environ.get("OPORA_LOAD_WAIT", "2,6").split(","))
PLAN = json.loads(Path(os.environ["OPORA_LOAD_PLAN"]).read_text()) if os.environ.get("OPORA_LOAD_PLAN") else {}
STATUSES = ("in_progress", "done", "partly_done", "not_done", "not_started")
# How many of the 50 are of each role: schools and municipalities far outnumber the region.
ROLES = (("school", 18), ("coordinator", 12), ("curator", 8), ("region_admin", 6), ("observer", 6))
# The roles interleaved in proportion, so that the first users to start are of every role.
ROLE_SEQUENCE = [role for _, role in sorted(((k + 0.5) / count, role) for role, count in ROLES for k in range(count))]
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
ATTRIBUTE = re.compile(r'(name|value)="([^"]*)"')

_slots = itertools.count()
_written: dict[str, list[dict]] = {"statuses": [], "imports": []}
_requests = itertools.count(1)
_run: dict = {}
# The pages are measured once every user is signed in: 50 Argon2 checks at once (each a deliberate
# fraction of a second of one core) would otherwise fill the first seconds of every page's figures.
_signed_in = itertools.count(1)
_all_signed_in = gevent.event.Event()
_started = time.time()


def _sign_in_done(environment) -> None:
    """Every user is in: keep the sign-in's figures apart, and measure the pages from now on."""
    stats = environment.runner.stats
    figures = {}
    for name, method in (("вход", "POST"), ("вход: страница", "GET")):
        entry = stats.get(name, method)
        figures[name] = {
            "count": entry.num_requests,
            "failures": entry.num_failures,
            "p50": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
            "max": entry.max_response_time,
        }
    path = os.environ.get("OPORA_LOAD_SIGNIN")
    if path:
        Path(path).write_text(json.dumps({"seconds": time.time() - _started, "at": time.time(), **figures}))
    stats.reset_all()
    _all_signed_in.set()


@events.init_command_line_parser.add_listener
def _options(parser) -> None:
    parser.add_argument("--max-requests", type=int, default=0, help="stop after this many requests (0: no bound)")


@events.init.add_listener
def _keep_environment(environment, **kwargs) -> None:
    _run["environment"] = environment


@events.request.add_listener
def _bound(**kwargs) -> None:
    environment = _run.get("environment")
    limit = environment.parsed_options.max_requests if environment and environment.parsed_options else 0
    if limit and next(_requests) == limit and environment.runner is not None:
        environment.runner.quit()


@events.quitting.add_listener
def _write_confirmed(environment, **kwargs) -> None:
    path = os.environ.get("OPORA_LOAD_WRITES")
    if path:
        Path(path).write_text(json.dumps(_written, ensure_ascii=False))


class RegionUser(HttpUser):
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        slot = next(_slots)
        self.slot = slot
        self.role = ROLE_SEQUENCE[slot % len(ROLE_SEQUENCE)]
        self.schools = PLAN["schools"][self.role]
        # Each writer has activities of its own: two people never mark the same one at once here
        # (optimistic locking is tested apart), so every confirmed write must be in the database.
        options = _run["environment"].parsed_options
        step = max(options.num_users or 1, 1) if options else 50
        self.activities = PLAN["activities"][slot % step :: step] or PLAN["activities"][:1]
        self.client.get("/accounts/login/", name="вход: страница")
        response = self.client.post(
            "/accounts/login/",
            {"username": self.role, "password": PLAN["password"], "csrfmiddlewaretoken": self._csrf()},
            name="вход",
            allow_redirects=False,
            catch_response=True,
        )
        with response:
            if response.status_code != 302:
                response.failure(f"вход не удался: {response.status_code}")
        if next(_signed_in) >= (options.num_users or 1 if options else 1):
            _sign_in_done(_run["environment"])
        _all_signed_in.wait(timeout=180)
        # Released together, 50 users would all open their first page in the same instant: a burst
        # that only the barrier above makes (people signed in over minutes do not click in step), and
        # that fills the first seconds of every page's figures with queueing. Each starts after one
        # pause of its own, as if it had signed in at its own moment.
        gevent.sleep(random.uniform(*WAIT))

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def _get(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code == 0:
                response.failure(f"нет ответа: {response.error!r}")
            elif response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif "/accounts/login/" in response.url:
                response.failure("сеанс потерян: страница входа")

    @task(4)
    def home(self) -> None:
        self._get("/", "главная")

    @task(3)
    def school_list(self) -> None:
        if self.role in ("region_admin", "coordinator", "observer", "curator"):
            self._get("/schools/", "школы: список")
            self._get(f"/schools/?page={random.randint(1, 5)}&sort=name", "школы: список, страница")

    @task(2)
    def school_search(self) -> None:
        if self.role in ("region_admin", "coordinator", "observer"):
            self._get("/schools/?q=школа", "школы: список, фильтр")

    @task(6)
    def school_card(self) -> None:
        self._get(f"/schools/{random.choice(self.schools)}/", "школа: карточка")

    @task(2)
    def dashboard(self) -> None:
        if self.role in ("region_admin", "coordinator", "observer"):
            self._get(f"/effectiveness/dashboard/?year={PLAN['year']}", "панель «Состояние программы»")

    @task(2)
    def programs(self) -> None:
        if self.role in ("region_admin", "coordinator", "school"):
            self._get("/programs/", "программы: список")
            self._get("/programs/dashboard/", "программы: мониторинг")

    @task(1)
    def identification(self) -> None:
        if self.role in ("region_admin", "coordinator", "observer"):
            self._get("/identification/runs/", "выявление: расчёты")

    @task(1)
    def risks(self) -> None:
        if self.role in ("region_admin", "coordinator"):
            self._get(f"/risks/?year={PLAN['year']}", "риски: карта")

    @task(4)
    def activity_status(self) -> None:
        """Open the program and an activity of one's own, and mark it with a report (the write)."""
        if self.role not in ("school", "coordinator", "region_admin"):
            return
        program = PLAN["program"]
        self._get(f"/programs/{program}/", "программа")
        activity = random.choice(self.activities)
        url = f"/programs/{program}/activities/{activity}/"
        with self.client.get(url, name="мероприятие", catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"{page.status_code}")
                return
            hidden = self._hidden_fields(page.text, prefix="status-")
        token = uuid.uuid4().hex[:12]
        status = random.choice(STATUSES)
        data = {
            **hidden,
            "csrfmiddlewaretoken": self._csrf(),
            "status-status": status,
            "status-report": f"{WRITE_MARK}: выполнено, отчёт пользователя {self.slot} {token}",
        }
        with self.client.post(
            url, data, name="мероприятие: отметка (запись)", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                _written["statuses"].append({"token": token, "activity": activity, "status": status})
            else:
                response.failure(f"отметка не сохранена: {response.status_code}")

    @task(1)
    def upload(self) -> None:
        """Upload the small file of form 2 through the page of imports, then open the import (the write)."""
        if self.role not in ("region_admin", "coordinator"):
            return
        self._get("/data/imports/", "загрузки: история")
        token = uuid.uuid4().hex[:12]
        name = f"{WRITE_MARK} {token}.csv"
        content = Path(PLAN["upload"]).read_bytes()
        with self.client.post(
            "/data/imports/",
            {"csrfmiddlewaretoken": self._csrf(), "form_key": "context"},
            files={"file": (name, content, "text/csv")},
            name="загрузка файла (запись)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"файл не принят: {response.status_code}")
                return
            _written["imports"].append({"token": token, "url": response.headers["Location"]})
        self._get(response.headers["Location"], "загрузка: страница")

    @staticmethod
    def _hidden_fields(page: str, prefix: str) -> dict[str, str]:
        """The hidden fields of the status form (a version for optimistic locking, if the form has one)."""
        fields = {}
        for tag in HIDDEN.findall(page):
            attributes = dict(ATTRIBUTE.findall(tag))
            if attributes.get("name", "").startswith(prefix):
                fields[attributes["name"]] = attributes.get("value", "")
        return fields
