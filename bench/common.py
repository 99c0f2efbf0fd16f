"""What the benches share: a measuring child process, a PostgreSQL database made and dropped, servers run."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def child(script: str, arguments: list[str], env: dict[str, str]) -> dict:
    """Run ``script`` with ``arguments`` in a fresh process; its last line of output is JSON."""
    done = subprocess.run(
        [sys.executable, script, *arguments], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{arguments[0]} failed with code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def postgres_answers() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        return True
    except Exception:
        return False


def postgres(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(statement)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    """A long-running process (gunicorn, the task worker) in its own process group, its output in ``log``."""
    with open(log, "wb") as output:
        return subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_process(process: subprocess.Popen, seconds: float = 15) -> None:
    """Stop a process started by ``start_server`` and its children: SIGTERM, then SIGKILL after ``seconds``."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        process.wait()
