"""Long actions of the page (new, reset, drop) run in a background thread each, so the page stays
usable: it polls their progress (the engine's own progress lines) and their outcome.

Jobs live in this process only. What another process is doing to a demo (a CLI reset, another
console replica) the page learns from the server itself: the demo's lock says who holds it.
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from builder.console.guard import unreachable
from builder.errors import UserError
from builder.postgres import rebase

log = logging.getLogger("builder.console")
KEPT_FOR = 600.0   # seconds a finished job stays on the page
KEPT_AT_MOST = 200

Echo = Callable[[str], None]
VERBS = {"new": ("Making", "Made"), "reset": ("Resetting", "Reset"), "move": ("Moving", "Moved"),
         "drop": ("Dropping", "Dropped")}


@dataclass
class Job:
    action: str
    demo: str
    by: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    started: float = field(default_factory=time.time)
    state: str = "running"   # running, ok, failed
    lines: list[str] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def title(self) -> str:
        doing, done = VERBS.get(self.action, (self.action.title(), self.action.title()))
        if self.running:
            return f"{doing} {self.demo}"
        return f"{done} {self.demo}" if self.state == "ok" else f"{doing} {self.demo} failed"

    @property
    def progress(self) -> str:
        return self.message if not self.running else (self.lines[-1].strip() if self.lines else "starting…")

    def elapsed(self) -> float:
        return self.seconds if not self.running else time.time() - self.started

    def as_json(self) -> dict:
        return {"id": self.id, "action": self.action, "demo": self.demo, "by": self.by, "state": self.state,
                "title": self.title, "progress": self.progress, "seconds": round(self.elapsed(), 1),
                "lines": list(self.lines)}


class Jobs:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def start(self, action: str, demo: str, by: str, work: Callable[[Echo], str]) -> Job:
        """Run `work(echo)` in a thread; what it returns is the job's closing message."""
        job = Job(action, demo, by)
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
        threading.Thread(target=self._run, args=(job, work), name=f"console-{action}-{demo}", daemon=True).start()
        return job

    def _run(self, job: Job, work: Callable[[Echo], str]) -> None:
        started = time.monotonic()
        try:
            job.message = work(job.lines.append) or ""
            job.state = "ok"
        except UserError as exc:
            job.message, job.state = str(exc), "failed"
        except Exception as exc:  # the page says it failed; the trace goes to the console's log
            if unreachable(exc):  # expected: one line, no trace
                log.warning("%s of %s failed: the demo server is unreachable: %s", job.action, job.demo,
                            rebase.first_line(exc))
            else:
                log.exception("%s of %s failed", job.action, job.demo)
            job.message, job.state = f"It failed: {rebase.first_line(exc)}", "failed"
        job.seconds = time.monotonic() - started

    def _forget_old(self) -> None:
        now = time.time()
        for key, job in list(self._jobs.items()):
            if not job.running and now - job.started - job.seconds > KEPT_FOR:
                del self._jobs[key]
        while len(self._jobs) > KEPT_AT_MOST:
            del self._jobs[next(iter(self._jobs))]

    def get(self, key: str) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def recent(self) -> list[Job]:
        """Running jobs and those that ended in the last few minutes, newest first."""
        with self._lock:
            self._forget_old()
            return sorted(self._jobs.values(), key=lambda j: j.started, reverse=True)

    def running_on(self, demo: str) -> Job | None:
        with self._lock:
            return next((j for j in self._jobs.values() if j.demo == demo and j.running), None)


JOBS = Jobs()
