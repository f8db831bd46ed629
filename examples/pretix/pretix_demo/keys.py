"""The demo's fixed names and the keys it derives from the seed: the same seed gives the same
tokens, codes and session key, so a checker (or a sales engineer's script) knows them without
reading the database. Standard library only."""

import hashlib

ORGANIZER = "demo"
ADMIN_EMAIL = "admin@demo.test"
SUMMIT, SUMMIT_PAST, MEETUP, OPEN_DAY = "summit", "summit-past", "meetup", "openday"
EXPIRED_VOUCHER, VALID_VOUCHER = "EXPIRED-VOUCHER", "VALID-VOUCHER"
PENDING_ORDER, EXPIRED_ORDER = "PENDOK", "PENDXP"
LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"
UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def derive(seed: int, label: str, length: int = 32, alphabet: str = LOWER) -> str:
    """A token of `length` characters of `alphabet`, the same for the same seed and label."""
    digest = hashlib.sha256(f"{seed}:{label}".encode()).digest()
    out: list[str] = []
    while len(out) < length:
        out += [alphabet[b % len(alphabet)] for b in digest]
        digest = hashlib.sha256(digest).digest()
    return "".join(out[:length])


def team_token(seed: int) -> str:
    """The organizer team's API token (`Authorization: Token …`)."""
    return derive(seed, "teamtoken", 64)


def oauth_token(seed: int, which: str) -> str:
    """An OAuth access token of the demo integration: "expired" (a day before the anchor) or "valid"."""
    return derive(seed, f"oauth-{which}", 40)


def session_key(seed: int) -> str:
    """The admin's control-panel session made at build time (a restore empties every session)."""
    return derive(seed, "session", 32)
