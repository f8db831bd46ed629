"""Django's database sessions, keyed by the SHA-256 of the session key: the cookie's value never
reaches a statement (a server logging every statement, `log_statement=all`, sees the digest only),
nor a row a copy of the control database would carry. SESSION_ENGINE names this module (the
console is served by waitress, a WSGI server: the synchronous methods are the ones used)."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from builder.console.models import ConsoleSession, digest


class SessionStore(DatabaseStore):
    @classmethod
    def get_model_class(cls):
        return ConsoleSession

    def _get_session_from_db(self):
        if self.session_key is None:
            return None
        try:
            return self.model.objects.get(session_key=digest(self.session_key), expire_date__gt=timezone.now())
        except (self.model.DoesNotExist, SuspiciousOperation):
            self._session_key = None
            return None

    def exists(self, session_key):
        return self.model.objects.filter(session_key=digest(session_key)).exists()

    def create_model_instance(self, data):  # save() writes what this returns
        key = self._get_or_create_session_key()  # type: ignore[attr-defined]
        return self.model(session_key=digest(key), session_data=self.encode(data), expire_date=self.get_expiry_date())

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key=digest(session_key)).delete()
