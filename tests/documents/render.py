"""Render a .docx with LibreOffice (headless) and read the PDF back with poppler-utils.

The bureau opens fangkong's documents in Word or WPS on Windows, with 仿宋_GB2312 and friends
installed. Here LibreOffice stands in for them: `soffice --convert-to pdf`, with the faces the
documents name drawn by the free Noto CJK faces of the same kind (fonts.conf, beside this
file). What is checked is what a reader would notice: the paper size, the number of pages,
every Chinese character drawn with a Chinese face, and no character lost.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FONTS_CONF = Path(__file__).with_name("fonts.conf")
SOFFICE = os.environ.get("FANGKONG_SOFFICE") or shutil.which("soffice") or "soffice"
TOOLS = (SOFFICE, "pdfinfo", "pdftohtml", "pdffonts")
A4_PT = (595.3, 841.9)
# Characters that need a Chinese face: CJK punctuation, ideographs, full-width forms.
CJK = re.compile(
    r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60\u2018\u2019\u201c\u201d\u2026]"
)
# What a Chinese face is called once embedded (e.g. "BAAAAA+NotoSerifCJKjp-Regular"): Noto or
# Source Han CJK, WenQuanYi, AR PL, or one of the Windows faces the documents name.
CJK_FACE = re.compile(
    r"CJK|SourceHan|WenQuanYi|WQY|AR ?PL|UMing|UKai|Sim(Sun|Hei|Kai|Fang)|FangSong|KaiTi|"
    r"FZ|STSong|STKaiti|STFangsong|STHeiti|Microsoft ?YaHei",
    re.I,
)


def require_tools() -> None:
    missing = [t for t in TOOLS if not shutil.which(t) and not os.path.exists(t)]
    if missing:
        message = f"not installed: {', '.join(missing)} (.ci/run installs libreoffice-writer-nogui and poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class Rendered:
    pages: int
    size: tuple[float, float]  # points
    # (font family, colour, left, top, text) of every piece of text, page by page
    texts: list[list[tuple[str, str, int, int, str]]] = field(default_factory=list)
    embedded: bool = True

    @property
    def text(self) -> str:
        return "".join(t[4] for page in self.texts for t in page)

    def find(self, text: str) -> tuple[str, str, int, int, str]:
        return next(t for page in self.texts for t in page if t[4].replace(" ", "") == text)


def render(docx: bytes, workdir: Path, name: str = "document") -> Rendered:
    """Convert with a profile of its own (soffice refuses to share one between processes)."""
    source = workdir / f"{name}.docx"
    source.write_bytes(docx)
    profile = workdir / "lo-profile"
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": str(workdir)}
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
        env=env,
    )
    return read_pdf(workdir / f"{name}.pdf")


def read_pdf(pdf: Path) -> Rendered:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    w, h = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups()  # type: ignore[union-attr]
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", "-q", str(pdf)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    root = ET.fromstring(xml.split("\n", 2)[2] if xml.startswith("<?xml") else xml)
    fonts: dict[str, tuple[str, str]] = {}
    texts = []
    for page in root.iter("page"):
        for spec in page.iter("fontspec"):
            fonts[spec.get("id", "")] = (spec.get("family", ""), spec.get("color", ""))
        texts.append(
            [
                (
                    *fonts[t.get("font", "")],
                    int(t.get("left", "0")),
                    int(t.get("top", "0")),
                    "".join(t.itertext()),
                )
                for t in page.iter("text")
            ]
        )
    listing = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True)
    rows = listing.stdout.splitlines()[2:]
    # columns: name type [encoding…] emb sub uni id gen — "emb" is the fifth from the end
    embedded = all(row.split()[-5] == "yes" for row in rows if row.strip())
    return Rendered(pages, (float(w), float(h)), texts, embedded)


def cjk_counts(text: str) -> Counter[str]:
    return Counter(CJK.findall(text))


def check(rendered: Rendered, docx_text: str, *, max_pages: int) -> None:
    """A4, at most `max_pages`, every font embedded, every Chinese character drawn with a
    Chinese face, and every Chinese character of the document in the PDF (none lost to a
    missing glyph or a line end)."""
    assert all(abs(a - b) < 1 for a, b in zip(rendered.size, A4_PT, strict=True)), rendered.size
    assert 1 <= rendered.pages <= max_pages, rendered.pages
    assert rendered.embedded
    for page in rendered.texts:
        for family, _colour, _left, _top, text in page:
            if CJK.search(text):
                assert CJK_FACE.search(family), (family, text)
    drawn, written = cjk_counts(rendered.text), cjk_counts(docx_text)
    assert drawn == written, {"lost": dict(written - drawn), "extra": dict(drawn - written)}


def docx_text(docx: bytes) -> str:
    """Every character the document carries in its body (tables and frames included) and its
    footers, as Word would draw them."""
    import io

    from docx import Document

    document = Document(io.BytesIO(docx))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
    return "".join(parts)
