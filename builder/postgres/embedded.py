"""A Postgres cluster made from the server binaries on this machine.

Throwaway by default (a temp dir, removed on stop); persistent when given a data directory
(the local demo server). Postgres refuses to run as root, so as root the cluster belongs
to an unprivileged OS user (CPD_DEMO_PG_OS_USER, default `postgres`), started with that user's
own groups only (never the caller's).

Nobody else on the machine gets in: every login, on TCP and on the socket, needs its password
(SCRAM). The superuser's password is generated when the cluster is made; a persistent cluster
keeps it in a file only the invoking user can read, a throwaway one in memory. The socket lives
in a directory only the server's user can enter.
"""

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from builder.errors import UserError
from builder.postgres import binaries
from builder.processes import alive
from builder.settings import SETTINGS

# Durability is pointless for a cluster that lives for one build; these make it fast.
FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
PASSWORD_FILE = "superuser.password"
SUPERUSER = "postgres"
# Every login needs its password. With own_database_only (the tool's own demo server) a login
# other than the superuser opens only the database of its own name: a demo login, its demo.
HBA_HEAD = "# cpd-demo-db: every login needs its password (SCRAM); nothing else is let in.\n"
HBA_ANY = ("local all all scram-sha-256\n"
           "host all all 127.0.0.1/32 scram-sha-256\n"
           "host all all ::1/128 scram-sha-256\n")
HBA_OWN = (f"local all {SUPERUSER} scram-sha-256\n"
           f"host all {SUPERUSER} 127.0.0.1/32 scram-sha-256\n"
           f"host all {SUPERUSER} ::1/128 scram-sha-256\n"
           "local sameuser all scram-sha-256\n"
           "host sameuser all 127.0.0.1/32 scram-sha-256\n"
           "host sameuser all ::1/128 scram-sha-256\n")


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


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _os_user() -> str | None:
    """The unprivileged user to run the server as, or None to run as ourselves."""
    if os.geteuid() != 0:
        return None
    name = SETTINGS.pg_os_user
    try:
        pwd.getpwnam(name)
    except KeyError:
        raise UserError(
            f"Postgres refuses to run as root and there is no `{name}` user to run it as: "
            f"create one (`useradd {name}`) or set CPD_DEMO_PG_OS_USER."
        ) from None
    return name


def _write_private(path: Path, text: str, owner: str | None = None) -> None:
    """A file only its owner can read (0600), written whole or not at all."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    if owner:
        entry = pwd.getpwnam(owner)
        os.chown(tmp, entry.pw_uid, entry.pw_gid)
    os.replace(tmp, path)


class EmbeddedPostgres:
    def __init__(self, data_dir: Path | None = None, port: int | None = None, durable: bool = False,
                 own_database_only: bool = False, settings: tuple[str, ...] = ()):
        """`settings`: more server settings ("max_connections=20"), given at every start."""
        self.persistent = data_dir is not None
        self.settings = settings
        self.base = Path(data_dir) if data_dir else None
        self.port = port
        self.durable = durable
        self.own_database_only = own_database_only
        self.user = _os_user()
        self._password: str | None = None
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

    @property
    def password_file(self) -> Path:
        return self.home / PASSWORD_FILE

    @property
    def password(self) -> str:
        """The superuser's password: made with the cluster; a persistent one reads it from its file."""
        if self._password is None and self.persistent and self.password_file.exists():
            self._password = self.password_file.read_text().strip()
        if self._password is None:
            raise UserError(f"The superuser password of the cluster in {self.home} is missing "
                            f"({self.password_file}): start it with `invoke demo.up` as the user who made it.")
        return self._password

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/{database}"

    # -- lifecycle -------------------------------------------------------------
    def _as_server_user(self) -> dict:
        """subprocess arguments that run a child as the server's OS user, with that user's own
        groups only: the caller's (root's) supplementary groups never reach the server."""
        if not self.user:
            return {}
        entry = pwd.getpwnam(self.user)
        return {"user": entry.pw_uid, "group": entry.pw_gid,
                "extra_groups": os.getgrouplist(self.user, entry.pw_gid)}

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(list(args), capture_output=True, text=True, cwd="/", **self._as_server_user())
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
        # The cluster, its log, its password file and its socket are for the server's user (and
        # the caller who made it) alone.
        os.chmod(self.base, 0o700)
        os.chmod(self.socket_dir, 0o700)
        if self.user and subprocess.run(["test", "-w", str(self.base)], **self._as_server_user()).returncode != 0:
            raise UserError(f"The `{self.user}` user cannot reach {self.base} (a parent directory is closed to it): "
                            "choose a directory it can reach, e.g. set CPD_DEMO_HOME under /tmp or /var/lib.")

    def initialized(self) -> bool:
        return (self.data / "PG_VERSION").exists() if self.base else False

    def _hba(self) -> str:
        return HBA_HEAD + (HBA_OWN if self.own_database_only else HBA_ANY)

    def _initdb(self) -> None:
        """A new cluster whose superuser has a new password, and our pg_hba.conf."""
        self._password = secrets.token_urlsafe(24)
        if self.persistent:
            _write_private(self.password_file, self._password + "\n")
        pwfile = self.home / f".initdb-pw.{os.getpid()}"  # read by initdb as the server's user, then gone
        _write_private(pwfile, self._password + "\n", owner=self.user)
        try:
            self._run(
                str(self.bindir / "initdb"), "-D", str(self.data), "-U", SUPERUSER, f"--pwfile={pwfile}",
                "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
            )
        finally:
            pwfile.unlink(missing_ok=True)
        _write_private(self.data / "pg_hba.conf", self._hba(), owner=self.user)

    def _secure_trusting_cluster(self) -> None:
        """A persistent cluster made before logins needed passwords (trust): give its superuser a
        password (a SCRAM verifier; the server still trusts loopback until the new pg_hba.conf is
        loaded) and put our pg_hba.conf in place. Nothing to do for a cluster made here."""
        hba = self.data / "pg_hba.conf"
        if self.password_file.exists() and hba.read_text() == self._hba():
            return
        if not self.password_file.exists():
            import psycopg

            from builder.postgres.scram import verifier

            self._password = secrets.token_urlsafe(24)
            with psycopg.connect(f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
                conn.execute("SET log_statement = 'none'")
                conn.execute(f"ALTER ROLE {SUPERUSER} PASSWORD '{verifier(self._password)}'")
            _write_private(self.password_file, self._password + "\n")
        _write_private(hba, self._hba(), owner=self.user)
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "reload")

    def start(self) -> "EmbeddedPostgres":
        self._prepare_base()
        if not self.initialized():
            self._initdb()
        if not self.running():
            self._start_server()
        elif self.port is None:
            self.port = int((self.data / "postmaster.pid").read_text().splitlines()[3])
        if self.persistent:
            self._secure_trusting_cluster()
        return self

    def _start_server(self) -> "EmbeddedPostgres":
        if self.port is None:
            self.port = free_port()
        options = [f"-p {self.port}", "-c listen_addresses=127.0.0.1",
                   f"-c unix_socket_directories={self.socket_dir}", "-c timezone=UTC"]
        if not self.durable:
            options += [f"-c {s}" for s in FAST_SETTINGS]
        options += [f"-c {s}" for s in self.settings]
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
