"""docs/deploy.md works as written: its settings pass ``check --deploy`` and its gunicorn serves the login page.

The settings file (``/etc/opora/opora.env``) and the gunicorn command line (``ExecStart`` of
``opora-web.service``) are read from the guide itself; only the database, the data directory,
the secret key and the port are this test's own. The database is migrated first (a SQLite file in
a temporary directory, or a fresh PostgreSQL database when the tests run on PostgreSQL); the
requests come as nginx of the guide sends them (``Host``, ``X-Forwarded-Proto``, ``X-Real-IP``).
"""

from __future__ import annotations

import http.client
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "deploy.md"
OPORA = [sys.executable, "-c", "from opora.cli import main; main()"]  # the ``opora`` command
GUNICORN = Path(sys.executable).parent / "gunicorn"


def documented_settings() -> dict[str, str]:
    """The variables of the guide's ``/etc/opora/opora.env``."""
    block = re.search(r"`/etc/opora/opora.env`:\n\n```ini\n(.*?)```", GUIDE.read_text(), re.S)
    assert block, "docs/deploy.md: нет файла настроек /etc/opora/opora.env"
    return dict(line.split("=", 1) for line in block.group(1).splitlines() if line.strip())


def documented_gunicorn() -> list[str]:
    """The arguments of gunicorn in ``ExecStart`` of the guide's ``opora-web.service``."""
    line = re.search(r"^ExecStart=/opt/opora/\.venv/bin/gunicorn (.*)$", GUIDE.read_text(), re.M)
    assert line, "docs/deploy.md: нет строки запуска gunicorn"
    return shlex.split(line.group(1))


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _admin(statement: str) -> None:
    import psycopg

    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)


@pytest.fixture
def production(tmp_path):
    """The documented settings on a database and a data directory of this test's own."""
    # A server's environment: nothing of this test process's own (the browser tests allow Django's
    # async-unsafe calls for Playwright, which `check --deploy` rightly refuses in production).
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(documented_settings())
    env.update(
        OPORA_VAR_DIR=str(tmp_path / "var"),
        OPORA_SECRET_KEY="deploy-test-" + uuid.uuid4().hex + uuid.uuid4().hex,
        DJANGO_SETTINGS_MODULE="opora.settings",
    )
    database = None
    if _on_postgres():
        database = f"opora_test_deploy_{uuid.uuid4().hex[:8]}"
        _admin(f"CREATE DATABASE {database}")
        env["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{database}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'opora.sqlite3'}"
    try:
        yield env
    finally:
        if database:
            _admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, host: str, *, https: bool = True) -> http.client.HTTPResponse:
    headers = {"Host": host, "X-Real-IP": "192.0.2.10"}
    if https:
        headers["X-Forwarded-Proto"] = "https"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_the_guide_sets_up_a_production_installation():
    # Given the guide's settings
    settings = documented_settings()

    # Then they are those of production: no debug, HTTPS, a host of its own, PostgreSQL
    assert settings["OPORA_DEBUG"] == "0"
    assert settings["OPORA_HTTPS"] == "1"
    assert settings["OPORA_ALLOWED_HOSTS"] == "opora.example.ru"
    assert settings["DATABASE_URL"].startswith("postgresql://")
    # and gunicorn listens on the local address only, behind nginx
    arguments = documented_gunicorn()
    assert arguments[0] == "opora.wsgi:application"
    assert arguments[arguments.index("--bind") + 1] == "127.0.0.1:8000"


def test_check_deploy_is_clean_with_the_documented_settings(production):
    # When Django's deployment check runs with the guide's settings
    done = subprocess.run(
        [*OPORA, "check", "--deploy", "--fail-level", "WARNING"],
        env=production, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    # Then it finds nothing
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_gunicorn_with_the_documented_settings_serves_the_login_page(production):
    started = time.monotonic()
    # Given a migrated database and the static files collected, as the guide's first start does
    for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([*OPORA, *command], env=production, cwd=ROOT, check=True, timeout=120)
    # and gunicorn started with the guide's command line on a free port
    port = _free_port()
    arguments = documented_gunicorn()
    arguments[arguments.index("--bind") + 1] = f"127.0.0.1:{port}"
    log = Path(production["OPORA_VAR_DIR"]) / "gunicorn.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [str(GUNICORN), *arguments],
            # in the data directory, as the guide's unit: the installed package, not this checkout's cwd
            env=production, cwd=production["OPORA_VAR_DIR"], stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, log.read_text()[-3000:]
            try:
                login = _get(port, "/accounts/login/", "opora.example.ru")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn не ответил за 30 с"
                time.sleep(0.2)

        # Then the login page answers in Russian, with its stylesheet served by the application
        page = login.body.decode()
        assert login.status == 200
        assert "Вход в Опору" in page
        assert "Имя пользователя" in page
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
        assert _get(port, stylesheet, "opora.example.ru").status == 200
        assert login.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
        assert "Secure" in login.getheader("Set-Cookie")
        # the home page sends a visitor to the login page
        home = _get(port, "/", "opora.example.ru")
        assert home.status == 302
        assert home.getheader("Location") == "/accounts/login/?next=/"
        # plain HTTP is sent to HTTPS, and an unknown host is refused
        plain = _get(port, "/accounts/login/", "opora.example.ru", https=False)
        assert plain.status == 301
        assert plain.getheader("Location") == "https://opora.example.ru/accounts/login/"
        assert _get(port, "/accounts/login/", "evil.example.com").status == 400
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    assert time.monotonic() - started < 60
