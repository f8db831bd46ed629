"""Whether a process still runs: leftovers (staging dirs, throwaway clusters) are cleared only
when the process that made them is gone."""

import os


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
