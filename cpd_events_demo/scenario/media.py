"""Real, valid media files for the rows that point at files: the PDFs (a small encoder whose output
depends only on its arguments); badge images and certificate art come from `art.py`. The steps
draw a `Media` (a name under MEDIA_ROOT and its bytes) for a row's file field; `persist.py` writes it.
"""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Media:
    name: str   # relative to MEDIA_ROOT, as the file field stores it
    data: bytes


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
        b"<< /Title (%s) /Producer (CPD Events) >>" % _pdf_text(title).encode("latin-1", "replace"),
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
