"""What the benches share: a measuring child process, and a PostgreSQL database made and dropped."""

from __future__ import annotations

import json
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
