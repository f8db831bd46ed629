"""Running the tool as a user does: `invoke ARGS` in a fresh process, and what a refusal must look like."""

import os
import socket
import subprocess
import sys
import time

from tests.support.project import PROJECT


def invoke(*args: str, env_extra: dict | None = None, env: dict | None = None,
           timeout: float = 900) -> subprocess.CompletedProcess:
    """Run `invoke ARGS` as a user would: a fresh process, DATABASE_URL unset unless given in env_extra."""
    full = dict(env if env is not None else os.environ)
    full.pop("DATABASE_URL", None)
    full.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=PROJECT, env=full, capture_output=True,
                          text=True, timeout=timeout)


def one_sentence(proc: subprocess.CompletedProcess, expected: str) -> str:
    """The failure was one line on stderr, containing `expected`, with exit code 1 and no traceback."""
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert len(lines) == 1 and expected in lines[0], proc.stderr
    return lines[0]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def start_invoke_until(args: list[str], ready, env: dict | None = None, timeout: float = 60,
                       **popen) -> subprocess.Popen:
    """Start `invoke ARGS` and return once `ready()` is true (the process must still be running)."""
    if env is None:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    proc = subprocess.Popen([sys.executable, "-m", "invoke", *args], cwd=PROJECT, env=env, **popen)
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, "the process ended before it was ready"
        assert time.monotonic() < deadline, "the process did not get ready in time"
        time.sleep(0.005)
    return proc
