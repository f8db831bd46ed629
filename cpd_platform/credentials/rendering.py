"""A certificate as the platform shows it: its template's art with the issuing organisation, the
recipient, the activity, the signatory and the date written on it (at the layout's places), so the
organisation always reads as the profile says, a tailored one included."""

from django.conf import settings
from django.utils.html import format_html, format_html_join

from .layout import FIELDS

WIDTH = 720  # pixels in the admin
# Each field's font size and box width, as fractions of the page's width.
SIZES = {"organization": (0.028, 0.6), "recipient": (0.046, 0.6), "activity": (0.027, 0.74),
         "signatory": (0.024, 0.28), "date": (0.022, 0.28)}
STYLES = {"organization": "letter-spacing:.12em;text-transform:uppercase;font-weight:600;white-space:nowrap",
          "recipient": "font-style:italic", "signatory": "font-style:italic"}


def issuer(user) -> tuple[str, str]:
    """(organisation, signatory) of a certificate issued by `user`'s events or courses."""
    if user is None:
        return "", ""
    profile = getattr(user, "profile", None)
    return (profile.organization if profile else "") or user.get_full_name(), user.get_full_name()


def fitted(field: str, text: str, width: int) -> int:
    """The field's font size in pixels, smaller for a text too long for its box (a long prospect name)."""
    size, box = SIZES[field]
    per_char = 0.78 if field == "organization" else 0.52  # an average glyph's width, in ems (spaced capitals wider)
    return round(min(width * size, width * box / (max(len(text), 1) * per_char)))


def page(template, **values: str):
    """The template's art with `values` (FIELDS' names) written on it, as HTML."""
    landscape = template.orientation == "landscape"
    width, height = (WIDTH, round(WIDTH / 1.4147)) if landscape else (round(WIDTH / 1.4147), WIDTH)
    art = f"{settings.MEDIA_URL}{template.background}" if template.background else ""
    spans = format_html_join("", '<div style="position:absolute;left:{}px;top:{}px;width:{}px;margin-left:-{}px;'
                                 'transform:translateY(-50%);text-align:center;font-size:{}px;color:{};{}">{}</div>',
                             ((round(width * x), round(height * y), round(width * SIZES[name][1]),
                               round(width * SIZES[name][1] / 2), fitted(name, values[name], width),
                               template.primary_color if name == "organization" else "#1f2937",
                               STYLES.get(name, ""), values[name])
                              for name, (x, y) in FIELDS.items() if values.get(name)))
    return format_html('<div style="position:relative;width:{}px;height:{}px;background:#fdfaf2 url(\'{}\') 0 0/100% 100%;'
                       'font-family:Georgia,\'Times New Roman\',serif;box-shadow:0 1px 4px rgba(0,0,0,.25)">{}</div>',
                       width, height, art, spans)
