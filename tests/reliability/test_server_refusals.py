"""What gunicorn refuses before Django runs — a request line past 4094 bytes (414), headers
past 8190 bytes or 100 of them (431) — is said as the site says every refusal (docs/
security.md, the fifth attack): in Chinese, the API's JSON under /api/, the site's page
elsewhere. Asked of a real `fangkong serve`, as the attacker asked the demo."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.reliability.server import BIN, free_port, fresh_database, init_database, server_env

LONG = "a" * 5000  # past gunicorn's 4094-byte request line
BIG = "b" * 9000  # past its 8190-byte header


def ask(port: int, request: str) -> tuple[int, dict[str, str], bytes]:
    """Send a raw request; the status, headers and body of the answer."""
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(request.encode("latin-1"))
        try:
            while chunk := s.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass  # the server closes on what it did not read; its answer came first
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split(" ")[1]), headers, body


def get(path: str, *headers: str) -> str:
    return (
        "\r\n".join([f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers])
        + "\r\n\r\n"
    )


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    tmp = tmp_path_factory.mktemp("serve")
    with fresh_database(tmp) as (_label, url):
        env = server_env(url, tmp)
        init_database(env)
        port = free_port()
        log = (tmp / "serve.log").open("ab")
        proc = subprocess.Popen(
            [BIN / "fangkong", "serve", "--no-worker", "--port", str(port), "--workers", "1"],
            env=env, stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, (tmp / "serve.log").read_text()[-3000:]
                try:
                    if ask(port, get("/login/"))[0] == 200:
                        break
                except (OSError, IndexError, ValueError):
                    pass
                assert time.monotonic() < deadline, (tmp / "serve.log").read_text()[-3000:]
                time.sleep(0.2)
            yield port
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(30)
            log.close()


@pytest.mark.slow
def test_an_api_address_past_the_limit_is_414_in_json(port: int) -> None:
    status, headers, body = ask(port, get(f"/api/v1/passages?q={LONG}"))
    assert status == 414
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(body) == {"detail": "请求：地址过长"}


@pytest.mark.slow
def test_a_page_address_past_the_limit_is_414_on_the_sites_page(port: int) -> None:
    status, headers, body = ask(port, get(f"/people/?q={LONG}"))
    assert status == 414
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode()
    assert "请求：地址过长" in page and "请求有误" in page and 'lang="zh-CN"' in page
    assert "URI Too Long" not in page and "Content-Security-Policy" in headers


@pytest.mark.slow
def test_headers_past_the_limit_are_431_in_json_under_the_api(port: int) -> None:
    status, headers, body = ask(port, get("/api/v1/passages", f"X-Big: {BIG}"))
    assert status == 431 and headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(body) == {"detail": "请求：请求头过大"}
    many = [f"X-Many-{n}: 1" for n in range(120)]
    status, _headers, body = ask(port, get("/api/v1/me", *many))
    assert (status, json.loads(body)) == (431, {"detail": "请求：请求头过大"})


@pytest.mark.slow
def test_headers_past_the_limit_are_431_on_the_sites_page(port: int) -> None:
    status, headers, body = ask(port, get("/login/", f"Cookie: x={BIG}"))
    assert status == 431 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "请求：请求头过大" in body.decode() and "Request Header" not in body.decode()


@pytest.mark.slow
def test_inside_the_limits_django_answers(port: int) -> None:
    # A line and headers just inside the bounds reach the application as ever.
    path = "/api/v1/passages?q=" + "a" * (4094 - len("GET /api/v1/passages?q= HTTP/1.1"))
    status, _headers, body = ask(port, get(path, f"X-Big: {'b' * 8000}"))
    assert status == 401 and json.loads(body) == {"detail": "未登录或令牌无效"}
