"""A named demo's pages, opened: a link from the project's `[demo] open_url` where the platform runs
elsewhere, else the project's own pages served by the engine on a free loopback port, with the
media of the demo's snapshot version and its clock at its pin (a demo prepared with --now).

The console starts one server per demo on demand and passes /open/NAME/… on to it for a signed-in
user; a server nobody asked for in IDLE seconds is stopped, and every one ends with the console.
"""

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from builder.errors import UserError
from builder.named.demos import DemoServer
from builder.named.registry import Demo
from builder.project import Project
from builder.settings import SETTINGS
from builder.snapshot import django_side, mediafiles
from builder.store import open_store

IDLE = 15 * 60   # seconds without a request before a demo's server is stopped
READY = 60.0     # seconds a demo's server may take to answer its first request
MEDIA = "media-versions"


def link(project: Project, name: str) -> str | None:
    """The demo's address from `[demo] open_url` ("https://{name}.demo.example.com/"), or None."""
    return project.open_url.format(name=name) if project.open_url else None


def clock(demo: Demo, now: datetime | None = None) -> datetime | None:
    """Where the pages' clock starts: the instant asked for, else the demo's pin, else the real now (None)."""
    return now or demo.pinned_at


def media_of(srv: DemoServer, demo: Demo, store: str) -> Path | None:
    """The media of the demo's snapshot version, from where its template came (else `store`)."""
    source = srv.registry.template_source(demo.template) if demo.template else None
    return media_root(source[0] if source and source[0] else store, demo.version) if demo.version else None


def media_root(store: str, version: str) -> Path | None:
    """The media of snapshot `version`, unpacked once into CPD_DEMO_HOME/media-versions/VERSION (every
    demo of that version shows the same files); None where the store no longer has it."""
    root = SETTINGS.home / MEDIA / version
    if (root / mediafiles.MARKER).is_file():
        return root
    try:
        snapshots = open_store(store)
        with tempfile.TemporaryDirectory(prefix="cpd-demo-media-") as work:
            local = snapshots.fetch(version, Path(work))
            archive = local / "media.tar.gz"
            if not archive.is_file():
                return None
            root.parent.mkdir(parents=True, exist_ok=True)
            staged, _ = mediafiles.stage(archive, root)
            if root.exists():  # another opener unpacked it meanwhile
                shutil.rmtree(staged, ignore_errors=True)
            else:
                mediafiles.install(staged, root)
    except (UserError, OSError):
        return None
    return root


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class Served:
    port: int
    proc: subprocess.Popen
    log: IO[str]
    used: float = field(default_factory=time.monotonic)

    def running(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Pages:
    """The demos' servers this process started: at most one per demo, stopped when idle."""

    def __init__(self, project: Project, idle: float = IDLE):
        self.project, self.idle = project, idle
        self._served: dict[str, Served] = {}
        self._lock = threading.Lock()
        self._starting: dict[str, threading.Lock] = {}
        self._reaper: threading.Thread | None = None

    def port(self, name: str) -> int | None:
        """The port of the demo's running server (marked as used now), or None."""
        with self._lock:
            served = self._served.get(name)
            if served is None or not served.running():
                return None
            served.used = time.monotonic()
            return served.port

    def start(self, name: str, database_url: str, media: Path | None, now: datetime | None, prefix: str) -> int:
        """The demo's server, started if it is not running; its port once it answers."""
        with self._lock:
            starting = self._starting.setdefault(name, threading.Lock())
        with starting:  # two first requests for one demo start one server
            found = self.port(name)
            if found is not None:
                return found
            port = free_port()
            log = tempfile.TemporaryFile("w+", prefix=f"cpd-demo-open-{name}-")
            proc = django_side.start_serve(self.project, database_url, port, str(media) if media else None,
                                           now.isoformat() if now else None, prefix, f"demo_{name}", log)
            served = Served(port, proc, log)
            deadline = time.monotonic() + READY
            while not answers(port):
                if proc.poll() is not None or time.monotonic() > deadline:
                    why = self._last_line(log)
                    served.stop()
                    raise UserError(f"The pages of {name} did not start: {why}")
                time.sleep(0.1)
            with self._lock:
                self._served[name] = served
            self._watch()
            return port

    @staticmethod
    def _last_line(log: IO[str]) -> str:
        log.seek(0)
        lines = [ln.strip() for ln in log.read().splitlines() if ln.strip()]
        return lines[-1] if lines else "it stopped at once"

    def stop(self, name: str) -> None:
        with self._lock:
            served = self._served.pop(name, None)
        if served is not None:
            served.stop()

    def stop_idle(self) -> list[str]:
        """Stop the servers nobody asked for in `idle` seconds (and forget the ones that ended)."""
        now = time.monotonic()
        with self._lock:
            gone = [n for n, s in self._served.items() if not s.running() or now - s.used > self.idle]
        for name in gone:
            self.stop(name)
        return gone

    def stop_all(self) -> None:
        for name in list(self._served):
            self.stop(name)

    def _watch(self) -> None:
        if self._reaper is None:
            def reap() -> None:
                while True:
                    time.sleep(min(30.0, max(1.0, self.idle / 4)))
                    self.stop_idle()

            self._reaper = threading.Thread(target=reap, name="cpd-demo open: idle servers", daemon=True)
            self._reaper.start()
