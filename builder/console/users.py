"""The console's users, from the command line (`invoke console.adduser/revoke/disable/enable/users`):
passwords, API tokens (each with an optional expiry, revoked one by one or all at once), and who
may sign in at all. Runs after `boot.prepare`, inside the console's Django."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from builder.console.models import ApiToken
from builder.errors import NotFound, UserError

Say = Callable[[str], None]


def check_username(username: str) -> str:
    try:
        User.username_validator(username)
    except ValidationError:
        raise UserError(f"Console user names are letters, digits and @.+-_ (got {username!r}).") from None
    if not username or len(username) > 150:
        raise UserError("A console user name has 1 to 150 characters.")
    return username


def _user(username: str) -> User:
    found = User.objects.filter(username=check_username(username)).first()
    if found is None:
        raise NotFound(f"There is no console user named {username}: `invoke console.users` lists them.")
    return found


def _revoke_all(user: User) -> int:
    return ApiToken.objects.filter(user=user).delete()[0]


def adduser(username: str, password: str, token: bool, expires: timedelta | None, say: Say) -> None:
    """Add a user, or change its password: a new password revokes the user's API tokens (whoever
    knew the old one may have made or kept one) and ends its sessions (Django's session hash). The
    same password again changes nothing (with --token: one more token)."""
    user, made = User.objects.get_or_create(username=check_username(username))
    if made:
        user.set_password(password)
        user.save()
        say(f"added the console user {username}")
    elif user.check_password(password):
        kept = ApiToken.objects.filter(user=user).count()
        say(f"the console user {username} has that password already: its sessions and {kept} API token(s) are kept"
            + ("" if user.is_active else " (it is disabled: `invoke console.enable` lets it in)"))
    else:
        user.set_password(password)
        user.save()
        revoked = _revoke_all(user)
        say(f"changed the password of the console user {username}: its sessions are ended and "
            + (f"its {revoked} API token(s) revoked" if revoked else "it had no API token to revoke"))
    if token:
        until = timezone.now() + expires if expires else None
        issued = ApiToken.issue(user, until)
        say("an API token for it" + (f", valid until {_when(until)}" if until else "")
            + " (shown once; send it as Authorization: Bearer TOKEN):")
        say(issued)


def revoke(username: str, prefix: str, say: Say) -> None:
    """Every token of the user, or the one whose first characters are `prefix`."""
    user = _user(username)
    tokens = ApiToken.objects.filter(user=user)
    if prefix:
        tokens = tokens.filter(prefix__startswith=prefix)
        count = tokens.count()
        if count == 0:
            raise NotFound(f"{username} has no API token starting {prefix!r}: `invoke console.users` lists them.")
        if count > 1:
            raise UserError(f"{count} tokens of {username} start {prefix!r}: give more of the token's first characters.")
    revoked = tokens.delete()[0]
    say(f"revoked {revoked} API token(s) of {username}" + ("" if revoked else " (it had none)"))


def set_active(username: str, active: bool, say: Say) -> None:
    """A disabled user cannot sign in, its sessions and its tokens are refused (401); enabling it
    gives them back (its password and tokens are kept)."""
    user = _user(username)
    user.is_active = active
    user.save(update_fields=["is_active"])
    say(f"{'enabled' if active else 'disabled'} the console user {username}"
        + ("" if active else ": its sessions and API tokens are refused until `console.enable`"))


def _when(instant: datetime | None) -> str:
    return f"{timezone.localtime(instant):%Y-%m-%d %H:%M %Z}" if instant else "never"


def users(say: Say) -> None:
    """Who may sign in, when each last did, and each API token by its first characters."""
    found = list(User.objects.order_by("username"))
    tokens: dict[int, list[ApiToken]] = {}
    for token in ApiToken.objects.select_related("user").order_by("created_at"):
        tokens.setdefault(token.user.pk, []).append(token)
    if not found:
        say("no console users yet: `invoke console.adduser --username NAME` adds one")
        return
    width = max(len(u.username) for u in found)
    for user in found:
        say(f"{user.username.ljust(width)}  {'active  ' if user.is_active else 'DISABLED'}  "
            f"last login {_when(user.last_login)}")
        for token in tokens.get(user.pk, []):
            state = ("expired " if token.expired() else "expires ") + _when(token.expires_at) \
                if token.expires_at else "no expiry"
            say(f"{' ' * width}  token {(token.prefix or '(unnamed)') + '…':<14} made {_when(token.created_at)}, "
                f"last used {_when(token.last_used_at)}, {state}")
