"""A backup restored over a changed database gives back the same rows, table by table."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.test_cli import cli_env

FANGKONG = Path(sys.executable).with_name("fangkong")

CHECKSUMS = (
    "from fangkong.core.backup import database_checksums; import json; "
    "print(json.dumps(database_checksums()))"
)


def run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([str(FANGKONG), *args], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def checksums(env: dict[str, str]) -> str:
    return run(env, "shell", "-c", CHECKSUMS)


def _roundtrip(env: dict[str, str], backup: Path) -> None:
    run(env, "init", "--no-static")
    run(env, "createuser", "wang", "--role", "command", "--password", "Ningyang#Safe2020")
    before = checksums(env)
    out = run(env, "backup", "-o", str(backup))
    assert "已备份到" in out
    run(env, "createuser", "li", "--role", "command", "--password", "Ningyang#Safe2020")
    assert checksums(env) != before
    refused = subprocess.run(
        [str(FANGKONG), "restore", str(backup)], env=env, capture_output=True, text=True
    )
    assert refused.returncode != 0 and "--yes" in refused.stderr
    assert "已从" in run(env, "restore", str(backup), "--yes")
    assert checksums(env) == before


def test_sqlite_backup_and_restore(tmp_path: Path) -> None:
    env = cli_env(
        FANGKONG_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", FANGKONG_VAR_DIR=str(tmp_path)
    )
    _roundtrip(env, tmp_path / "backup.sqlite3")


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    env = cli_env(
        FANGKONG_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", FANGKONG_VAR_DIR=str(tmp_path)
    )
    run(env, "init", "--no-static")
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database")
    result = subprocess.run(
        [str(FANGKONG), "restore", str(junk), "--yes"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "恢复失败" in result.stderr


@pytest.mark.skipif(
    not os.environ.get("FANGKONG_DATABASE_URL", "").startswith("postgres"),
    reason="runs in the PostgreSQL pass of the suite",
)
def test_postgresql_backup_and_restore(tmp_path: Path) -> None:
    base = os.environ["FANGKONG_DATABASE_URL"].rsplit("/", 1)[0]
    name = f"fk_backup_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = cli_env(FANGKONG_DATABASE_URL=f"{base}/{name}", FANGKONG_VAR_DIR=str(tmp_path))
        _roundtrip(env, tmp_path / "backup.dump")
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
