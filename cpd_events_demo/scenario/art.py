"""The props a buyer looks at: badge images and certificate template art, drawn with Pillow.

Deterministic: the same arguments give the same PNG bytes (drawn at twice the size and scaled down
with a fixed filter, no timestamps, the font Pillow ships rather than whatever the machine has).

A certificate's art is the page the platform prints on: border, title, the lines and a seal. What
changes with each certificate or organisation (who issued it, to whom, for what, the signatory and
the date) the platform writes on it at the places FIELDS names, as cpd_platform's certificate
layout does (a test keeps the two equal). So a tailored demo's certificates carry the prospect's
name: no organisation is baked into a PNG that SQL could not redraw.
"""

import io
import math

from PIL import Image, ImageDraw, ImageFont

SUPERSAMPLE = 2
PAPER = (253, 250, 242)
INK = (55, 65, 81)
MUTED = (120, 113, 108)

# Where the platform writes on the art, as fractions of the page: (x centre, y centre).
FIELDS: dict[str, tuple[float, float]] = {
    "organization": (0.5, 0.145),
    "recipient": (0.5, 0.475),
    "activity": (0.5, 0.645),
    "signatory": (0.25, 0.80),
    "date": (0.75, 0.80),
}


def rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def shade(color: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    """Lighter toward white (amount > 0) or darker toward black (amount < 0)."""
    target = 255 if amount > 0 else 0
    return tuple(round(c + (target - c) * abs(amount)) for c in color)  # type: ignore[return-value]


def font(size: float) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=max(6, round(size)))


def encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def centred_text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: float, fill,
                 spacing: float = 0.0, stroke: int = 0) -> None:
    """Text centred on xy; `spacing` adds letter spacing (a fraction of the size)."""
    face = font(size)
    if not spacing:
        draw.text(xy, text, font=face, fill=fill, anchor="mm", stroke_width=stroke, stroke_fill=fill)
        return
    gap = size * spacing
    widths = [draw.textlength(ch, font=face) for ch in text]
    x = xy[0] - (sum(widths) + gap * (len(text) - 1)) / 2
    for ch, width in zip(text, widths, strict=True):
        draw.text((x, xy[1]), ch, font=face, fill=fill, anchor="lm", stroke_width=stroke, stroke_fill=fill)
        x += width + gap


def star(cx: float, cy: float, outer: float, inner: float, points: int = 5, turn: float = -math.pi / 2):
    return [(cx + (outer if i % 2 == 0 else inner) * math.cos(turn + i * math.pi / points),
             cy + (outer if i % 2 == 0 else inner) * math.sin(turn + i * math.pi / points)) for i in range(2 * points)]


# -- badges -------------------------------------------------------------------------------------

def badge_png(name: str, color: str, emblem: str, size: int = 256) -> bytes:
    """A medal in the tier's colour on its ribbon, an emblem at its heart and its label on a banner."""
    s = size * SUPERSAMPLE
    base = rgb(color)
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    cx, cy, r = s / 2, s * 0.42, s * 0.34
    # The ribbon's two tails behind the medal.
    tail = shade(base, -0.35)
    for side in (-1, 1):
        x0 = cx + side * r * 0.25
        x1 = cx + side * r * 0.85
        draw.polygon([(x0, cy), (x1, cy + r * 0.2), (x1, s * 0.98), (x1 - side * r * 0.3, s * 0.9),
                      (x0 - side * r * 0.1, s * 0.96)], fill=tail)
    # A scalloped rim, the medal's face in rings of its colour, a fine inner line.
    draw.polygon(star(cx, cy, r * 1.04, r * 0.96, points=24), fill=shade(base, -0.25))
    draw.ellipse((cx - r * 0.95, cy - r * 0.95, cx + r * 0.95, cy + r * 0.95), fill=shade(base, 0.15))
    draw.ellipse((cx - r * 0.82, cy - r * 0.82, cx + r * 0.82, cy + r * 0.82), fill=base)
    draw.ellipse((cx - r * 0.74, cy - r * 0.74, cx + r * 0.74, cy + r * 0.74), outline=shade(base, 0.45),
                 width=max(2, s // 128))
    EMBLEMS[emblem](draw, cx, cy - r * 0.08, r * 0.5, shade(base, 0.75), shade(base, -0.45))
    # The banner across the medal's foot, with the label.
    top, bottom = cy + r * 0.52, cy + r * 0.86
    notch = (bottom - top) * 0.5
    left, right = s * 0.06, s * 0.94
    band = shade(base, -0.45)
    draw.polygon([(left, top), (right, top), (right - notch, (top + bottom) / 2), (right, bottom), (left, bottom),
                  (left + notch, (top + bottom) / 2)], fill=band)
    label = name.upper()
    label_size = (bottom - top) * 0.48
    while draw.textlength(label, font=font(label_size)) > (right - left - 2.6 * notch) and label_size > 8:
        label_size *= 0.95
    centred_text(draw, (cx, (top + bottom) / 2), label, label_size, (255, 255, 255), stroke=1)
    return encode(image.resize((size, size), Image.Resampling.LANCZOS))


def _star_emblem(draw, cx, cy, r, light, dark):
    draw.polygon(star(cx, cy, r, r * 0.42), fill=light, outline=dark)


def _sunrise_emblem(draw, cx, cy, r, light, dark):
    horizon = cy + r * 0.35
    for i in range(9):  # rays
        angle = math.pi + i * math.pi / 8
        draw.line([(cx + r * 0.62 * math.cos(angle), horizon + r * 0.62 * math.sin(angle)),
                   (cx + r * 1.0 * math.cos(angle), horizon + r * 1.0 * math.sin(angle))], fill=light,
                  width=max(2, round(r * 0.1)))
    draw.pieslice((cx - r * 0.5, horizon - r * 0.5, cx + r * 0.5, horizon + r * 0.5), 180, 360, fill=light)
    draw.line([(cx - r, horizon), (cx + r, horizon)], fill=light, width=max(2, round(r * 0.08)))


def _shield_emblem(draw, cx, cy, r, light, dark):
    draw.polygon([(cx - r * 0.75, cy - r * 0.8), (cx + r * 0.75, cy - r * 0.8), (cx + r * 0.75, cy),
                  (cx, cy + r), (cx - r * 0.75, cy)], fill=light)
    draw.line([(cx - r * 0.38, cy - r * 0.05), (cx - r * 0.08, cy + r * 0.3), (cx + r * 0.42, cy - r * 0.42)],
              fill=dark, width=max(3, round(r * 0.16)), joint="curve")


EMBLEMS = {"star": _star_emblem, "sunrise": _sunrise_emblem, "shield": _shield_emblem}


# -- certificates -------------------------------------------------------------------------------

def certificate_png(color: str, landscape: bool = True, title: str = "Certificate",
                    subtitle: str = "of Completion") -> bytes:
    """A certificate's page: a double border with corner ornaments in the template's colour, the
    title, the lines the platform writes the recipient and the activity on, a signature line, a
    date line and a seal."""
    width, height = (1600, 1131) if landscape else (1131, 1600)
    w, h = width * SUPERSAMPLE, height * SUPERSAMPLE
    accent, unit = rgb(color), min(w, h) / 100
    image = Image.new("RGB", (w, h), PAPER)
    draw = ImageDraw.Draw(image)
    # A double frame with corner ornaments.
    margin = unit * 3
    draw.rectangle((margin, margin, w - margin, h - margin), outline=accent, width=round(unit * 1.1))
    inner = margin + unit * 2
    draw.rectangle((inner, inner, w - inner, h - inner), outline=shade(accent, 0.35), width=max(2, round(unit * 0.2)))
    for x, y in ((inner, inner), (w - inner, inner), (inner, h - inner), (w - inner, h - inner)):
        draw.polygon(star(x, y, unit * 1.8, unit * 0.6, points=4, turn=0), fill=accent)

    def at(field: str) -> tuple[float, float]:
        fx, fy = FIELDS[field]
        return w * fx, h * fy

    # The organisation's line (the platform writes its name here, however long), then a short rule.
    ox, oy = at("organization")
    draw.line([(ox - w * 0.05, oy + unit * 4), (ox + w * 0.05, oy + unit * 4)], fill=shade(accent, 0.4),
              width=max(2, round(unit * 0.15)))
    centred_text(draw, (w / 2, h * 0.25), title.upper(), unit * 7.2, accent, spacing=0.18, stroke=round(unit * 0.12))
    centred_text(draw, (w / 2, h * 0.325), subtitle.upper(), unit * 2.6, INK, spacing=0.35)
    centred_text(draw, (w / 2, h * 0.405), "This is to certify that", unit * 2.2, MUTED)
    rx, ry = at("recipient")
    draw.line([(w * 0.25, ry + unit * 4), (w * 0.75, ry + unit * 4)], fill=INK, width=max(2, round(unit * 0.12)))
    centred_text(draw, (w / 2, h * 0.575), "has successfully completed", unit * 2.2, MUTED)
    _, ay = at("activity")
    draw.line([(w * 0.2, ay + unit * 3.2), (w * 0.8, ay + unit * 3.2)], fill=shade(INK, 0.5),
              width=max(2, round(unit * 0.1)))
    for field, label in (("signatory", "Authorized Signature"), ("date", "Date of Issue")):
        fx, fy = at(field)
        draw.line([(fx - w * 0.14, fy + unit * 3), (fx + w * 0.14, fy + unit * 3)], fill=INK,
                  width=max(2, round(unit * 0.12)))
        centred_text(draw, (fx, fy + unit * 5.2), label.upper(), unit * 1.6, MUTED, spacing=0.25)
    _seal(draw, w / 2, h * 0.82, unit * 7.5, accent)
    return encode(image.resize((width, height), Image.Resampling.LANCZOS))


def _seal(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, accent: tuple[int, int, int]) -> None:
    """A rosette seal: ribbons, a serrated rim, rings and a star."""
    for side in (-1, 1):
        draw.polygon([(cx + side * r * 0.2, cy), (cx + side * r * 0.75, cy + r * 1.55),
                      (cx + side * r * 0.45, cy + r * 1.35), (cx + side * r * 0.2, cy + r * 1.6),
                      (cx - side * r * 0.15, cy + r * 0.2)], fill=shade(accent, -0.3))
    draw.polygon(star(cx, cy, r, r * 0.9, points=32), fill=accent)
    draw.ellipse((cx - r * 0.78, cy - r * 0.78, cx + r * 0.78, cy + r * 0.78), outline=shade(accent, 0.6),
                 width=max(2, round(r * 0.05)))
    draw.ellipse((cx - r * 0.62, cy - r * 0.62, cx + r * 0.62, cy + r * 0.62), fill=shade(accent, -0.15))
    draw.polygon(star(cx, cy, r * 0.45, r * 0.19), fill=shade(accent, 0.85))
