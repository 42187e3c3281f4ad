"""The dashboard and the stats API at each level of a province, in one process, on a
database that already holds the demo county (what `scale_bench.py` builds first, or
`fangkong demo --no-serve` on a province installation):

    FANGKONG_AREA_CODE=37 FANGKONG_DATABASE_URL=postgres://…/fk_bench \\
        .venv/bin/python bench/levels_bench.py --grow --per-city 3 --persons 100000 …
    FANGKONG_AREA_CODE=37 FANGKONG_DATABASE_URL=… .venv/bin/python bench/levels_bench.py

--grow first grows it into the province (core/scale.py `grow`). Then each request is timed
through Django's test client (no HTTP server: the middleware and views, not the network) as
the province's commander (shandong_zhihui), a city's (taian_zhihui), the demo county's
(zhihui) and a generated county's; medians of --repeat, and the queries of one request.
Bar (issue #18): the province's dashboard within 3× one county's on the same data.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
os.environ.setdefault("FANGKONG_SEARCH_RATE", "100000")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--grow", action="store_true")
    for name in ("cities", "per-city", "persons", "cases", "passages"):
        parser.add_argument(f"--{name}", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fangkong.accounts.models import User
    from fangkong.accounts.signin import mark_verified
    from fangkong.core.demo import DemoContext
    from fangkong.core.scale import SIZES, grow, last_day

    size = SIZES["province"]
    if args.grow:
        began = time.perf_counter()
        ctx = grow(
            "province",
            demo=DemoContext(rng=random.Random(0)),
            cities=args.cities,
            per_city=args.per_city,
            persons=args.persons,
            cases=args.cases,
            passages=args.passages,
        )
        rows = sum(ctx.writer.written.values())
        print(f"grown in {time.perf_counter() - began:.0f}s: {ctx.size}, {rows:,} rows")
        size = ctx.size
    day = last_day(size)
    county = (
        User.objects.filter(role="command", unit__area_code__regex=r"^37[0-9]{4}$")
        .exclude(unit__area_code="370921")  # a generated county, not the demo's
        .order_by("pk")
        .first()
    )
    who = ["shandong_zhihui", "taian_zhihui", "zhihui", county.username if county else "zhihui"]
    print(f"{connection.vendor}, as of {day}; medians of {args.repeat}")
    for username in who:
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(username=username))
        session = client.session
        mark_verified(session)
        session.save()
        for path in (f"/command/dashboard/?date={day}", f"/api/v1/stats/daily?date={day}"):
            client.get(path)
            times = []
            for _i in range(args.repeat):
                began = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - began)
                assert response.status_code == 200, (path, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            print(
                f"  {username:20} {path.split('?')[0]:26} "
                f"{statistics.median(times) * 1000:8.1f} ms {len(queries.captured_queries):5} queries"
            )


if __name__ == "__main__":
    main()
