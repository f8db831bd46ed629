"""`console.adduser` in a terminal says a password is too short as soon as it is typed, before it
asks for it a second time (no server is reached: nothing was changed)."""

import os
import select
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def read_until(fd: int, wanted: bytes, timeout: float = 30) -> bytes:
    seen, deadline = b"", time.monotonic() + timeout
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # the child ended
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_a_short_password_is_refused_before_it_is_asked_again():
    env = {k: v for k, v in os.environ.items() if k not in ("CPD_DEMO_CONSOLE_PASSWORD", "CPD_DEMO_CONSOLE_SERVER")}
    pid, fd = os.forkpty()
    if pid == 0:  # the child: the command, in a terminal of its own
        os.chdir(PROJECT)
        os.execve(sys.executable, [sys.executable, "-m", "builder.console", "adduser", "--username", "maria"], env)
    try:
        asked = read_until(fd, b"password")
        assert b"at least 8 characters" in asked, asked
        os.write(fd, b"short\n")
        said = read_until(fd, b"characters.")
        assert b"A console password has at least 8 characters." in said, said
        assert b"again" not in said, said
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 1
