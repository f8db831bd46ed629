"""Where the platform writes on a certificate's art: who issued it, to whom, for what, the
signatory and the date, each centred at (x, y) as fractions of the page. Art made for the platform
leaves these places blank (the CPD demo's art does: a test keeps the two equal)."""

FIELDS: dict[str, tuple[float, float]] = {
    "organization": (0.5, 0.145),
    "recipient": (0.5, 0.475),
    "activity": (0.5, 0.645),
    "signatory": (0.25, 0.80),
    "date": (0.75, 0.80),
}
