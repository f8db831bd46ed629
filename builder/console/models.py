"""The console's own tables (schema `console` of the control database): API tokens, sessions and
the record of wrong passwords that slows a guesser down. Users are Django's own.

Secrets are kept as their SHA-256 only: a token (shown once) and a session key (the browser's
cookie), so neither appears in a statement the server logs nor in a copy of the database."""

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "cpdc_"
SHOWN = 12  # characters of a token kept in clear to tell tokens apart ("cpdc_" and 7 more)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API: only its SHA-256 is kept (and its first characters, to name
    it), the token is shown once; it may carry an expiry, and revoking it deletes it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=SHOWN, default="", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    objects: "models.Manager[ApiToken]" = models.Manager()

    @classmethod
    def issue(cls, user, expires_at: datetime | None = None) -> str:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        cls.objects.create(user=user, digest=digest(token), prefix=token[:SHOWN], expires_at=expires_at)
        return token

    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class LoginFailure(models.Model):
    """One wrong password: for whom and from where."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    objects: "models.Manager[LoginFailure]" = models.Manager()


class ConsoleSession(AbstractBaseSession):
    """A browser's session, keyed by the SHA-256 of its cookie (see builder.console.sessions)."""

    session_key = models.CharField(max_length=64, primary_key=True)
