"""A Postgres cluster made from the server binaries on this machine.

Throwaway by default (a temp dir, removed on stop); persistent when given a data directory
(the local demo server). Postgres refuses to run as root, so as root the cluster belongs
to an unprivileged OS user (CPD_DEMO_PG_OS_USER, default `postgres`).
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from builder.errors import UserError
from builder.postgres import binaries
from builder.processes import alive

# Durability is pointless for a cluster that lives for one build; these make it fast.
FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


ORPHAN_PREFIX = "cpd-demo-pg-"


def reap_orphans(bindir: Path, user: str | None) -> None:
    """Stop and remove throwaway clusters whose builder died without cleaning up (e.g. SIGKILL)."""
    for base in Path(tempfile.gettempdir()).glob(ORPHAN_PREFIX + "*"):
        try:
            owner = int((base / "owner.pid").read_text())
        except (OSError, ValueError):
            continue
        if alive(owner):
            continue
        if (base / "data" / "postmaster.pid").exists():
            subprocess.run([str(bindir / "pg_ctl"), "-D", str(base / "data"), "-m", "immediate", "-w", "stop"],
                           user=user, capture_output=True, cwd="/")
        shutil.rmtree(base, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _os_user() -> str | None:
    """The unprivileged user to run the server as, or None to run as ourselves."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("CPD_DEMO_PG_OS_USER", "postgres")
    try:
        pwd.getpwnam(name)
    except KeyError:
        raise UserError(
            f"Postgres refuses to run as root and there is no `{name}` user to run it as: "
            f"create one (`useradd {name}`) or set CPD_DEMO_PG_OS_USER."
        ) from None
    return name


class EmbeddedPostgres:
    def __init__(self, data_dir: Path | None = None, port: int | None = None, durable: bool = False):
        self.persistent = data_dir is not None
        self.base = Path(data_dir) if data_dir else None
        self.port = port
        self.durable = durable
        self.user = _os_user()
        self.bindir = Path(binaries.require("initdb")).resolve().parent
        self.major = binaries.tool_major(str(self.bindir / "postgres"))

    # -- paths -----------------------------------------------------------------
    @property
    def home(self) -> Path:
        if self.base is None:
            raise RuntimeError("the cluster has no directory until it starts")
        return self.base

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def socket_dir(self) -> Path:
        return self.home / "run"

    @property
    def log_file(self) -> Path:
        return self.home / "postgres.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    # -- lifecycle -------------------------------------------------------------
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(list(args), user=self.user, capture_output=True, text=True, cwd="/")
        if check and proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise UserError(f"{Path(args[0]).name} failed: {' '.join(tail)}")
        return proc

    def _prepare_base(self) -> None:
        if self.base is None:
            reap_orphans(self.bindir, self.user)
            self.base = Path(tempfile.mkdtemp(prefix=ORPHAN_PREFIX))
            (self.base / "owner.pid").write_text(str(os.getpid()))
        self.base.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if self.user:
            entry = pwd.getpwnam(self.user)
            for path in (self.base, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
            if self.log_file.exists():
                os.chown(self.log_file, entry.pw_uid, entry.pw_gid)
        os.chmod(self.base, 0o700 if not self.user else 0o755)
        if self.user and subprocess.run(["test", "-w", str(self.base)], user=self.user).returncode != 0:
            raise UserError(f"The `{self.user}` user cannot reach {self.base} (a parent directory is closed to it): "
                            "choose a directory it can reach, e.g. set CPD_DEMO_HOME under /tmp or /var/lib.")

    def initialized(self) -> bool:
        return (self.data / "PG_VERSION").exists() if self.base else False

    def start(self) -> "EmbeddedPostgres":
        self._prepare_base()
        if not self.initialized():
            self._run(
                str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
            )
        if self.port is None:
            self.port = free_port()
        options = [f"-p {self.port}", "-c listen_addresses=127.0.0.1",
                   f"-c unix_socket_directories={self.socket_dir}", "-c timezone=UTC"]
        if not self.durable:
            options += [f"-c {s}" for s in FAST_SETTINGS]
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log_file),
            "-o", " ".join(options), "-w", "-t", "60", "start",
        )
        return self

    def running(self) -> bool:
        if not self.initialized():
            return False
        return self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "status", check=False).returncode == 0

    def stop(self) -> None:
        if self.base is None:
            return
        if self.running():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
        if not self.persistent:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None

    def __enter__(self) -> "EmbeddedPostgres":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()
