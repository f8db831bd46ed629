"""The console's one view of its demo server: the engine's `DemoServer` for each user (so every action
is logged under that user's name), the project's hooks, the snapshot versions and the logins."""

import atexit
import threading
import time
from dataclasses import dataclass
from functools import cached_property

from builder import hooks
from builder import project as projects
from builder.console.boot import Context
from builder.named.demos import DemoServer
from builder.named.pages import Pages
from builder.named.registry import Registry
from builder.postgres import conninfo
from builder.settings import DEFAULT_PASSWORD
from builder.store import open_store

VERSIONS_KEPT_FOR = 30.0  # seconds a listing of a remote store (S3: a request) is reused


@dataclass
class Login:
    login: str
    role: str
    shows: str


class Engine:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.project = projects.load(ctx.config)
        self.tailoring = hooks.tailoring(self.project)
        self.status = hooks.status(self.project)
        self.registry = Registry(ctx.server_url, ctx.dedicated)
        self.registry.known = True  # boot made it ready
        self._versions: tuple[float, list[str], str | None] = (0.0, [], None)
        self._lock = threading.Lock()

    def server(self, by: str) -> DemoServer:
        return DemoServer(self.ctx.server_url, self.ctx.dedicated, by=by, tailoring=self.tailoring, status=self.status,
                      registry=self.registry)

    @cached_property
    def where(self) -> str:
        """host:port of the demo server, for the page's title (no login, no password)."""
        values = conninfo.params(self.ctx.server_url)
        return f"{values.get('host', 'localhost')}:{values.get('port', '5432')}"

    def _store(self) -> tuple[list[str], str | None]:
        with self._lock:
            at, found, latest = self._versions
            if "://" in self.ctx.snapshots and time.monotonic() - at < VERSIONS_KEPT_FOR:
                return found, latest  # a remote store is asked twice a minute at most; a directory every time
        try:
            store = open_store(self.ctx.snapshots)
            found = sorted(store.versions())
            latest = store.latest() or (found[-1] if found else None)
        except Exception:  # an unreachable store: the page still lists the demos
            found, latest = [], None
        with self._lock:
            self._versions = (time.monotonic(), found, latest)
        return found, latest

    def versions(self) -> list[str]:
        """The snapshot versions available ([] when the store cannot be read)."""
        return self._store()[0]

    def newest(self) -> str | None:
        """The store's latest version: what a new demo gets, and what "move to the newest" moves to."""
        return self._store()[1]

    @cached_property
    def pages(self) -> Pages:
        """The demos' own pages this console started (Open); they end with it."""
        opened = Pages(self.project)
        atexit.register(opened.stop_all)
        return opened

    @cached_property
    def logins(self) -> list[Login]:
        return [Login(*row) for row in hooks.logins(self.project)]

    @cached_property
    def login_password(self) -> str:
        return self.project.login_password.format(password=DEFAULT_PASSWORD) if self.project.login_password else ""


_ENGINE: Engine | None = None


def engine() -> Engine:
    global _ENGINE
    if _ENGINE is None:
        from builder.console.boot import context

        _ENGINE = Engine(context())
    return _ENGINE
