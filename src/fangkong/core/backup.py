"""Backups: SQLite's online backup API (consistent while the server runs) or pg_dump's
custom format; restore of either; and per-table checksums to prove a copy equals the
original."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections


def is_sqlite() -> bool:
    return bool(connection.vendor == "sqlite")


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = [
        "-h",
        str(db.get("HOST") or "127.0.0.1"),
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        str(db.get("USER") or "postgres"),
    ]
    return args, env


def backup_to(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if is_sqlite():
        connection.ensure_connection()
        source = connection.connection
        tmp = path.with_suffix(path.suffix + ".part")
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
        finally:
            target.close()
        tmp.replace(path)
        return path
    args, env = _pg_env()
    name = str(settings.DATABASES["default"]["NAME"])
    subprocess.run(
        ["pg_dump", *args, "-Fc", "--no-owner", "-f", str(path), name],
        env=env,
        check=True,
        capture_output=True,
    )
    return path


def other_sessions() -> list[str]:
    """PostgreSQL: the other sessions connected to this database (any host), described for
    the operator. A restore beside them would drop tables under their feet."""
    if is_sqlite():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, client_addr, backend_start FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend' ORDER BY backend_start"
        )
        rows = cursor.fetchall()
    return [
        f"进程 {pid}（{app or '未命名'}，来自 {addr or '本机'}，{start:%m-%d %H:%M} 连接）"
        for pid, app, addr, start in rows
    ]


def restore_from(path: Path) -> None:
    """Restore the database from a backup. The caller makes sure no fangkong process runs
    (core/running.py, other_sessions())."""
    if not path.exists():
        raise FileNotFoundError(path)
    if is_sqlite():
        check = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = check.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            check.close()
            raise ValueError(f"不是有效的SQLite备份文件：{exc}") from exc
        if ok != "ok":
            check.close()
            raise ValueError(f"备份文件已损坏：{ok}")
        target = Path(str(settings.DATABASES["default"]["NAME"]))
        connections.close_all()
        # Into the live file, page by page under SQLite's own lock — not a new file put in
        # its place: a process still holding the old file open would go on writing to a
        # file nobody reads, and what it acknowledged would be lost. This way every
        # connection, even one that was missed, reads and writes the restored database.
        live = sqlite3.connect(target, timeout=60)
        try:
            check.backup(live)
            live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            live.close()
            check.close()
        return
    args, env = _pg_env()
    name = str(settings.DATABASES["default"]["NAME"])
    connections.close_all()
    subprocess.run(
        [
            "pg_restore",
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "-d",
            name,
            str(path),
        ],
        env=env,
        check=True,
        capture_output=True,
    )


def database_checksums() -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of its rows in primary-key order)} for every table."""
    out: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            # Table names come from introspection, not from input.
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")
            digest = hashlib.sha256()
            rows = 0
            for row in cursor.fetchall():
                digest.update(repr(tuple(_stable(v) for v in row)).encode("utf-8"))
                rows += 1
            out[table] = (rows, digest.hexdigest())
    return out


def _stable(value: Any) -> Any:
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value) if value is not None else None
