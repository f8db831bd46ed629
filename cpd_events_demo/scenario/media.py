"""Real, valid media files for the rows that point at files (badges, certificate art, PDFs).

Written without imaging libraries: small PNG and PDF encoders are enough, and their output
depends only on their arguments, so the same scenario gives byte-identical media. The steps draw a
`Media` (a name under MEDIA_ROOT and its bytes) for a row's file field; `persist.py` writes it.
"""

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Media:
    name: str   # relative to MEDIA_ROOT, as the file field stores it
    data: bytes


def _hex_rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def png(width: int, height: int, pixel) -> bytes:
    """An RGB PNG whose pixel (x, y) is `pixel(x, y) -> (r, g, b)`."""
    raw = bytearray()
    for y in range(height):
        raw.append(0)  # filter type: none
        for x in range(width):
            raw.extend(pixel(x, y))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b"")


def badge_png(color: str, size: int = 128) -> bytes:
    """A round medal in the tier's colour with a lighter ring, on a transparent-looking white."""
    fill = _hex_rgb(color)
    ring = tuple(min(255, c + 60) for c in fill)
    centre, outer, inner = size / 2, size * 0.46, size * 0.36

    def pixel(x, y):
        d2 = (x - centre) ** 2 + (y - centre) ** 2
        if d2 <= inner ** 2:
            return fill
        if d2 <= outer ** 2:
            return ring
        return (255, 255, 255)

    return png(size, size, pixel)


def certificate_png(color: str, landscape: bool = True) -> bytes:
    """Certificate background art: a cream page with a double border in the template colour."""
    width, height = (320, 226) if landscape else (226, 320)
    border = _hex_rgb(color)
    paper = (253, 250, 240)

    def pixel(x, y):
        edge = min(x, y, width - 1 - x, height - 1 - y)
        if edge < 6 or 10 <= edge < 12:
            return border
        return paper

    return png(width, height, pixel)


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF 1.4 document with a title and lines of Helvetica text."""
    content = ["BT", "/F1 18 Tf", "72 770 Td", f"({_pdf_text(title)}) Tj", "/F1 11 Tf", "0 -28 Td"]
    for line in lines:
        content += [f"({_pdf_text(line)}) Tj", "0 -16 Td"]
    content.append("ET")
    stream = "\n".join(content).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (%s) /Producer (cpd-demo-db) >>" % _pdf_text(title).encode("latin-1", "replace"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, len(objects), xref)
    return bytes(out)


def write(media_root: str | Path, file: Media) -> str:
    """Write the file under MEDIA_ROOT (overwriting) and return its name for the file field."""
    path = Path(media_root) / file.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(file.data)
    return file.name
