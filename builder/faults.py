"""Fault-injection points: `CPD_DEMO_KILL_AT=<name>` makes the process SIGKILL itself there.

Used by the tests to prove that a process dying at the worst moment loses nothing.
"""

import os
import signal


def checkpoint(name: str) -> None:
    if os.environ.get("CPD_DEMO_KILL_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
