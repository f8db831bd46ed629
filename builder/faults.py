"""Fault-injection points: `CPD_DEMO_KILL_AT=<name>` makes the process SIGKILL itself there.

Used by the tests to prove that a process dying at the worst moment loses nothing.
"""

import os
import signal

from builder.settings import SETTINGS


def checkpoint(name: str) -> None:
    if SETTINGS.kill_at == name:
        os.kill(os.getpid(), signal.SIGKILL)
