"""The console's own tables (schema `console` of the control database): API tokens and the record
of wrong passwords that slows a guesser down. Users and sessions are Django's own."""

import hashlib
import secrets

from django.conf import settings
from django.db import models


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API: only its SHA-256 is kept, the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    objects: "models.Manager[ApiToken]" = models.Manager()

    @classmethod
    def issue(cls, user) -> str:
        token = "cpdc_" + secrets.token_urlsafe(32)
        cls.objects.create(user=user, digest=digest(token))
        return token


class LoginFailure(models.Model):
    """One wrong password: for whom and from where."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    objects: "models.Manager[LoginFailure]" = models.Manager()
