"""SIGKILL a loaded gunicorn (master and workers) and lose nothing.

A real gunicorn over a fresh database takes passages (device token) and follow-ups (a
follow-up worker's session, CSRF as the offline page sends it) from several client threads,
each request with its own client_id. Mid-load the whole process group is killed with
SIGKILL; the server is restarted; every write that was answered 2xx must be in the
database, whole (a passage with all its occupants). The clients then retry every request
that got no answer, with the same client_id and body: each is answered 2xx and no client_id
is stored twice. Three kill rounds; `fangkong audit verify` must pass at the end.

Runs on the suite's database engine: SQLite in the SQLite pass, PostgreSQL (a fresh database
next to the suite's) in the PostgreSQL pass. The figures are printed (`pytest -s`) and
recorded in docs/security.md.
"""

from __future__ import annotations

import datetime
import http.client
import json
import random
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fangkong.core.idnumber import make_id_number
from tests.conftest import numbered
from tests.reliability.server import (
    BIN,
    Server,
    fresh_database,
    init_database,
    python,
    server_env,
)

PASSAGE_CLIENTS = 3
FOLLOWUP_CLIENTS = 3
CASES = 12
# One kill per round, once this many writes of the round were acknowledged (the load is
# then well under way; a different point each round).
KILL_AFTER = (40, 100, 60)
CSRF = "k1ll7e5tcsrf0000k1ll7e5tcsrf0000"  # any 32 letters/digits: cookie and header agree

SETUP = """
import datetime, json, django
django.setup()
from django.test import Client
from fangkong.accounts.models import User
from fangkong.accounts.services import user_create
from fangkong.checkpoints import services as cps
from fangkong.core.idnumber import make_id_number
from fangkong.org import services as org
from fangkong.org.models import Township, Unit
from fangkong.people.services import PersonInput, person_register
from fangkong.quarantine.models import CaseStatus
from fangkong.quarantine.services import MemberInput, case_refer, case_transition, team_assign

cp = cps.checkpoint_create(code="KILL", name="断电检查站", road="G104",
                           opened_on=datetime.date(2020, 1, 1), by=None)
officer = user_create(username="kill-cp", password="Kill-pass-2020", role="checkpoint",
                      by=None, check_password=False)
cps.checkpoint_post(user=officer, checkpoint=cp, by=None)
token = cps.token_create(checkpoint=cp, user=officer, by=None)[1]
bureau = org.unit_create(name="宁阳县公安局", kind=Unit.Kind.BUREAU, parent=None, by=None)
station = org.unit_create(name="堽城派出所", kind=Unit.Kind.STATION, parent=bureau, by=None)
township = Township.objects.get(name="堽城镇")
township.station = station
township.save()
police = user_create(username="kill-station", password="Kill-pass-2020", role="station",
                     unit=station, by=None, check_password=False)
worker = user_create(username="kill-followup", password="Kill-pass-2020", role="followup",
                     kind=User.Kind.CADRE, township=township, by=None, check_password=False)
from fangkong.core import clock
today = clock.today()
cases = []
for n in range(CASES):
    person, _ = person_register(data=PersonInput(
        name="隔离" + "".join("〇一二三四五六七八九"[int(d)] for d in str(n)), id_number=make_id_number("420106", datetime.date(1980, 1, 1 + n), n, "M"),
        phone=f"1380000{n:04d}", township=township), by=None)
    case, _ = case_refer(person=person, source="pushed_list", by=police,
                         came_from_code="420106", arrival_date=today)
    case = case_transition(case=case, to=CaseStatus.VERIFIED, by=police, reason="在家")
    case = case_transition(case=case, to=CaseStatus.QUARANTINED, by=police, reason="居家隔离")
    team_assign(case=case, by=police, members=[MemberInput(kind="village_cadre", user=worker)])
    cases.append(case.pk)
client = Client()
client.force_login(worker)
print(json.dumps({"token": token, "cases": cases,
                  "session": client.cookies["sessionid"].value}))
""".replace("CASES", str(CASES))

STORED = """
import json, django
django.setup()
from django.db.models import Count
from fangkong.checkpoints.models import Passage
from fangkong.quarantine.models import FollowUp
passages = {str(c): n for c, n in Passage.objects.annotate(n=Count("occupants"))
            .values_list("client_id", "n")}
followups = [str(c) for c in FollowUp.objects.values_list("client_id", flat=True)]
print(json.dumps({"passages": passages, "followups": followups,
                  "passage_rows": Passage.objects.count(),
                  "followup_rows": FollowUp.objects.count()}))
"""


@dataclass
class Write:
    kind: str  # "passage" or "followup"
    client_id: str
    path: str
    body: bytes
    headers: dict[str, str]
    persons: int = 0


@dataclass
class Tally:
    sent: int = 0
    acked: dict[str, str] = field(default_factory=dict)  # client_id → kind
    unanswered: list[Write] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # non-2xx answers
    lock: threading.Lock = field(default_factory=threading.Lock)


def send(port: int, write: Write) -> tuple[int, dict[str, object]] | None:
    """One attempt: (status, body), or None when no answer came back."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", write.path, body=write.body, headers=write.headers)
        response = conn.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()
    try:
        body = json.loads(raw)
    except ValueError:
        body = {"raw": raw[:300].decode(errors="replace")}
    return response.status, body


def travellers() -> list[tuple[str, str]]:
    rng = random.Random(8)
    out = []
    for i in range(120):
        region = "420106" if i % 10 == 0 else "370921"
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20000))
        out.append(
            (numbered("旅客", i), make_id_number(region, born, i % 100, "M" if i % 2 else "F"))
        )
    return out


def writes(kind: str, seed: int, token: str, session: str, cases: list[int]) -> Iterator[Write]:
    rng = random.Random(seed)
    pool = travellers()
    json_type = {"Content-Type": "application/json"}
    while True:
        cid = str(uuid.uuid4())
        now = datetime.datetime.now(datetime.UTC).isoformat()  # machine clock: the server's
        if kind == "passage":
            chosen = rng.sample(pool, rng.randint(1, 3))
            body = {
                "client_id": cid,
                "checkpoint": "KILL",
                "direction": rng.choice(["in", "out"]),
                "occurred_at": now,
                "plate": f"鲁J{rng.randrange(10000, 99999)}",
                "vehicle_type": "car",
                "occupants": [
                    {
                        "name": name,
                        "id_number": number,
                        "phone": "13900001111",
                        "temperature": rng.choice([36.4, 36.8, 37.5]),
                        "origin": rng.choice(["泰安", "济南", "武汉"]),
                        "destination": "堽城镇",
                    }
                    for name, number in chosen
                ],
            }
            yield Write(
                kind,
                cid,
                "/api/v1/passages",
                json.dumps(body).encode(),
                {**json_type, "Authorization": f"Bearer {token}"},
                persons=len(chosen),
            )
        else:
            body = {
                "client_id": cid,
                "temperature": rng.choice([36.5, 36.8, 37.6]),
                "symptoms": [],
                "at_home": True,
                "visited_at": now,
            }
            yield Write(
                kind,
                cid,
                f"/api/v1/cases/{rng.choice(cases)}/followups",
                json.dumps(body).encode(),
                {
                    **json_type,
                    "Cookie": f"sessionid={session}; csrftoken={CSRF}",
                    "X-CSRFToken": CSRF,
                },
            )


def load_and_kill(
    server: Server,
    tally: Tally,
    streams: list[Iterator[Write]],
    sent_writes: dict[str, Write],
    kill_after: int,
) -> int:
    """Drive every stream from its own thread; SIGKILL the server once `kill_after` writes
    of this round were acknowledged. Returns how many processes the kill reached."""
    stop = threading.Event()
    acked_before = len(tally.acked)

    def client(stream: Iterator[Write]) -> None:
        while not stop.is_set():
            write = next(stream)
            with tally.lock:
                tally.sent += 1
                sent_writes[write.client_id] = write
            answer = send(server.port, write)
            with tally.lock:
                if answer is None:
                    tally.unanswered.append(write)
                elif answer[0] in (200, 201):
                    tally.acked[write.client_id] = write.kind
                else:
                    tally.refused.append((answer[0], json.dumps(answer[1], ensure_ascii=False)))

    threads = [threading.Thread(target=client, args=(s,), daemon=True) for s in streams]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(tally.acked) - acked_before < kill_after:
        assert time.monotonic() < deadline, f"no load: {tally.refused[:3]}"
        assert not tally.refused, tally.refused[:3]
        time.sleep(0.01)
    stop.set()  # no client starts a new request once the server is gone
    killed = server.kill()
    for t in threads:
        t.join(40)
    return killed


def stored(env: dict[str, str]) -> dict[str, object]:
    return json.loads(python(env, STORED))


def kill_test(database_url: str, var: Path) -> dict[str, int]:
    env = server_env(database_url, var)
    init_database(env)
    setup = json.loads(python(env, SETUP))
    server = Server(env, var / "gunicorn.log")
    tally = Tally()
    sent_writes: dict[str, Write] = {}
    retried: dict[str, str] = {}  # client_id → kind, answered 2xx on retry
    figures = {"killed_processes": 0, "retried": 0, "retry_created": 0, "retry_found": 0}
    streams = [
        writes(kind, seed, setup["token"], setup["session"], setup["cases"])
        for seed, kind in enumerate(["passage"] * PASSAGE_CLIENTS + ["followup"] * FOLLOWUP_CLIENTS)
    ]
    try:
        server.start()
        for kill_after in KILL_AFTER:
            figures["killed_processes"] += load_and_kill(
                server, tally, streams, sent_writes, kill_after
            )
            assert not tally.refused, tally.refused[:3]
            server.start()
            # Every acknowledged write survived the kill, whole.
            db = stored(env)
            passages: dict[str, int] = db["passages"]  # type: ignore[assignment]
            followups = set(db["followups"])  # type: ignore[arg-type]
            lost = [
                cid
                for cid, kind in [*tally.acked.items(), *retried.items()]
                if cid not in (passages if kind == "passage" else followups)
            ]
            assert not lost, f"{len(lost)} acknowledged writes lost after SIGKILL"
            torn = [cid for cid, n in passages.items() if n != sent_writes[cid].persons]
            assert not torn, f"passages stored without all their occupants: {torn}"
            # The clients retry what got no answer, with the same client_id and body.
            pending, tally.unanswered = tally.unanswered, []
            for write in pending:
                answer = send(server.port, write)
                assert answer is not None and answer[0] in (200, 201), answer
                assert answer[1]["client_id"] == write.client_id
                figures["retried"] += 1
                figures["retry_created" if answer[0] == 201 else "retry_found"] += 1
                retried[write.client_id] = write.kind
        db = stored(env)
        passages = db["passages"]  # type: ignore[assignment]
        followups_list: list[str] = db["followups"]  # type: ignore[assignment]
        every = {**tally.acked, **retried}
        acked_p = {c for c, k in every.items() if k == "passage"}
        acked_f = {c for c, k in every.items() if k == "followup"}
        # Nothing stored twice, nothing stored that no client sent, nothing missing.
        assert db["passage_rows"] == len(passages) == len(acked_p)
        assert db["followup_rows"] == len(set(followups_list)) == len(acked_f)
        assert set(passages) == acked_p and set(followups_list) == acked_f
        assert all(n == sent_writes[c].persons for c, n in passages.items())
    finally:
        server.stop()
    verify = subprocess.run(
        [BIN / "fangkong", "audit", "verify"], env=env, capture_output=True, text=True
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    stored_ids = set(passages) | set(followups_list)
    figures.update(
        rounds=len(KILL_AFTER),
        sent=tally.sent,
        acknowledged=len(tally.acked),
        found=len(set(tally.acked) & stored_ids),
        passages=int(db["passage_rows"]),  # type: ignore[call-overload]
        followups=int(db["followup_rows"]),  # type: ignore[call-overload]
        duplicates=int(db["passage_rows"]) + int(db["followup_rows"]) - len(stored_ids),  # type: ignore[call-overload]
    )
    return figures


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_sigkill_loses_no_acknowledged_write(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as (label, url):
        figures = kill_test(url, tmp_path)
    print(f"\nkill test on {label}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
