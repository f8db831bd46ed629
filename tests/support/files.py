"""A directory tree's state, to show that a refused command left it as it was."""

import hashlib
import os
from pathlib import Path


def tree_state(root: Path) -> dict:
    """Every file under `root` with its bytes' hash and mode, and every symlink's target."""
    state = {}
    for path in sorted(Path(root).rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            state[rel] = ("link", os.readlink(path))
        elif path.is_file():
            state[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode)
        else:
            state[rel] = ("dir", path.stat().st_mode)
    return state
