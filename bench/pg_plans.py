"""Plans of the queries that touch passages at province scale on PostgreSQL, on the table as
fangkong keeps it and on a copy partitioned by month — the evidence behind docs/scaling.md.

    .venv/bin/python bench/pg_plans.py postgres://postgres@127.0.0.1:5432/fk_bench

Run it on a database grown by `fangkong demo --scale province` (bench/scale_bench.py leaves
one behind in FANGKONG_BENCH_PG). It creates (and drops at the end) `bench_passage_month`,
a copy of checkpoints_passage partitioned by month with the same indexes (its unique client
id must include the partition key), and BRIN indexes on the day of both; then runs each
query three times on both and prints the plan of the last run and its execution time.
"""

from __future__ import annotations

import argparse
import re

import psycopg

SETUP = """
DROP TABLE IF EXISTS bench_passage_month;
CREATE TABLE bench_passage_month (LIKE checkpoints_passage INCLUDING DEFAULTS)
    PARTITION BY RANGE (day);
CREATE TABLE bench_passage_month_2020_01 PARTITION OF bench_passage_month
    FOR VALUES FROM ('2020-01-01') TO ('2020-02-01');
CREATE TABLE bench_passage_month_2020_02 PARTITION OF bench_passage_month
    FOR VALUES FROM ('2020-02-01') TO ('2020-03-01');
CREATE TABLE bench_passage_month_2020_03 PARTITION OF bench_passage_month
    FOR VALUES FROM ('2020-03-01') TO ('2020-04-01');
INSERT INTO bench_passage_month SELECT * FROM checkpoints_passage;
ALTER TABLE bench_passage_month ADD PRIMARY KEY (id, day);
CREATE UNIQUE INDEX ON bench_passage_month (client_id, day);
CREATE INDEX ON bench_passage_month (checkpoint_id, day, hour);
CREATE INDEX ON bench_passage_month (day, occurred_at);
CREATE INDEX ON bench_passage_month (plate);
CREATE INDEX ON bench_passage_month (shift_id);
CREATE INDEX bench_passage_month_day_brin ON bench_passage_month USING brin (day);
ANALYZE bench_passage_month;
CREATE INDEX IF NOT EXISTS bench_passage_day_brin ON checkpoints_passage USING brin (day);
ANALYZE checkpoints_passage;
"""
SIZES = """
SELECT c.relname, pg_size_pretty(pg_relation_size(c.oid)) FROM pg_class c
WHERE c.oid = 'checkpoints_passage'::regclass
   OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'checkpoints_passage'::regclass)
ORDER BY c.relname
"""


def queries(cur: psycopg.Cursor) -> dict[str, str]:
    cur.execute("SELECT max(day), min(day) FROM checkpoints_passage")
    last, first = cur.fetchone()
    cur.execute(
        "SELECT plate, client_id, checkpoint_id FROM checkpoints_passage "
        "WHERE plate <> '' AND day = %s ORDER BY id LIMIT 1",
        [last],
    )
    plate, client_id, checkpoint = cur.fetchone()
    week = f"day BETWEEN DATE '{last}' - 6 AND DATE '{last}'"
    return {
        "the day's passage list (page 1)": (
            f"SELECT * FROM {{t}} WHERE day = DATE '{last}' "
            "ORDER BY occurred_at DESC, id DESC LIMIT 20"
        ),
        "the day's count (pager)": f"SELECT count(*) FROM {{t}} WHERE day = DATE '{last}'",
        "a checkpoint's week": (
            f"SELECT count(*), sum(persons) FROM {{t}} WHERE checkpoint_id = {checkpoint} AND {week}"
        ),
        "a plate's trajectory": (
            f"SELECT id, occurred_at, checkpoint_id FROM {{t}} WHERE plate = '{plate}' "
            "ORDER BY occurred_at"
        ),
        "a retry by client id": f"SELECT id FROM {{t}} WHERE client_id = '{client_id}'",
        "the first month (purge, archive)": (
            f"SELECT count(*) FROM {{t}} WHERE day < DATE '{first}' + 8 AND plate <> ''"
        ),
        "the dashboard's cumulative figure": (
            "SELECT sum(vehicles), sum(persons) FROM checkpoints_passagedaycount "
            f"WHERE day <= DATE '{last}'"
        ),
    }


def explain(cur: psycopg.Cursor, sql: str) -> tuple[float, list[str]]:
    for _ in range(2):
        cur.execute(sql)
        cur.fetchall()
    cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
    lines = [r[0] for r in cur.fetchall()]
    ms = float(re.search(r"Execution Time: ([\d.]+)", lines[-1]).group(1))  # type: ignore[union-attr]
    return ms, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--keep", action="store_true", help="keep the partitioned copy")
    args = parser.parse_args()
    with psycopg.connect(args.url, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*), pg_size_pretty(pg_total_relation_size('checkpoints_passage'))"
                    " FROM checkpoints_passage")  # fmt: skip
        rows, size = cur.fetchone()
        print(f"checkpoints_passage: {rows:,} rows, {size} with indexes")
        print("building the partitioned copy …", flush=True)
        cur.execute(SETUP)
        try:
            cur.execute(SIZES)
            print("sizes: " + ", ".join(f"{name} {size}" for name, size in cur.fetchall()))
            for name, sql in queries(cur).items():
                plain_ms, plain = explain(cur, sql.format(t="checkpoints_passage"))
                print(f"\n## {name}\n   {sql.format(t='…')}")
                print(f"   fangkong's table: {plain_ms:8.2f} ms")
                for line in plain[:-2]:
                    print(f"      {line}")
                if "{t}" in sql:
                    part_ms, part = explain(cur, sql.format(t="bench_passage_month"))
                    print(f"   partitioned by month: {part_ms:8.2f} ms")
                    for line in part[:-2]:
                        print(f"      {line}")
        finally:
            if not args.keep:
                cur.execute("DROP TABLE IF EXISTS bench_passage_month")
                cur.execute("DROP INDEX IF EXISTS bench_passage_day_brin")


if __name__ == "__main__":
    main()
