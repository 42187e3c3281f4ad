"""Read a QR code out of a PNG as a phone would: the image's pixels, decoded by the jsQR the
register page's scanner vendors (static/vendor/jsqr), run by Node. For the PNGs segno writes
into documents (greyscale, 1 or 8 bits, not interlaced)."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

JSQR = Path(__file__).parent.parent / "src/fangkong/static/vendor/jsqr/jsQR.js"


def _grey_rows(png: bytes) -> tuple[int, int, list[list[int]]]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, data = 8, b""
    width = height = depth = 0
    while at < len(png):
        (n,) = struct.unpack(">I", png[at : at + 4])
        kind, body = png[at + 4 : at + 8], png[at + 8 : at + 8 + n]
        if kind == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert colour == 0 and interlace == 0 and depth in (1, 8), (colour, depth)
        elif kind == b"IDAT":
            data += body
        at += 12 + n
    raw = zlib.decompress(data)
    stride = (width * depth + 7) // 8
    rows, previous = [], bytes(stride)
    for y in range(height):
        line = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        kind, cur = line[0], bytearray(line[1:])
        for x in range(stride):
            a = cur[x - 1] if x else 0
            b, c = previous[x], previous[x - 1] if x else 0
            p = a + b - c
            pred = (a, b, c)[min(range(3), key=lambda k: (abs(p - a), abs(p - b), abs(p - c))[k])]
            cur[x] = (cur[x] + (0, a, b, (a + b) // 2, pred)[kind]) & 0xFF
        previous = bytes(cur)
        if depth == 8:
            rows.append(list(cur))
        else:
            bits = [(cur[x // 8] >> (7 - x % 8)) & 1 for x in range(width)]
            rows.append([255 if bit else 0 for bit in bits])
    return width, height, rows


def qr_text(png: bytes) -> str:
    """The text the QR in `png` carries ("" when none is read)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("no Node.js to run the vendored jsQR")
    width, height, rows = _grey_rows(png)
    rgba = [v for row in rows for g in row for v in (g, g, g, 255)]
    script = (
        f"const jsQR = require({json.dumps(str(JSQR))});"
        "const d = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const r = jsQR(Uint8ClampedArray.from(d.p), d.w, d.h);"
        "process.stdout.write(r ? r.data : '');"
    )
    done = subprocess.run(
        [node, "-e", script],
        input=json.dumps({"w": width, "h": height, "p": rgba}),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout
