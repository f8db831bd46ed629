"""Versions as directories under a root, and `latest`, a symlink replaced atomically under a lock."""

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from builder import faults
from builder.errors import UserError
from builder.processes import alive
from builder.store import manifest as mf
from builder.store.base import Store
from builder.store.versions import check_version, is_version

STAGING_PREFIX = ".staging-"


def link_or_copy(src: Path, dst: Path) -> None:
    """A hard link where the filesystem allows (instant, and it outlives a prune of the source),
    else a copy."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


class LocalStore(Store):
    def __init__(self, root: str | Path):
        self.root = Path(root)
        if (self.root / mf.MANIFEST).is_file():
            raise UserError(f"{self.root} is one snapshot version, not a snapshots directory: pass --from "
                            f"{self.root.parent} --version {self.root.name}.")
        if self.root.exists() and not self.root.is_dir():
            raise UserError(f"{self.root} is a file, not a snapshots directory.")

    def __str__(self) -> str:
        return str(self.root)

    def path(self, version: str) -> Path:
        return self.root / check_version(version, str(self.root))

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialises writers of `latest` and pruners on this directory."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            yield

    def versions(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir()
                      if is_version(p.name) and p.is_dir() and not p.is_symlink() and (p / mf.MANIFEST).is_file())

    def latest(self) -> str | None:
        link = self.root / "latest"
        if not link.is_symlink():
            return None
        return check_version(os.readlink(link), f"The latest link in {self.root}")

    def _exists(self, version: str) -> bool:
        return (self.path(version) / mf.MANIFEST).is_file()

    def manifest(self, version: str) -> dict[str, Any]:
        if not self._exists(version):
            raise UserError(f"There is no version {version!r} in {self.root}.")
        return mf.read(self.path(version))

    def fetch(self, version: str, workdir: Path) -> Path:
        source = self.path(version)
        target = Path(workdir) / version
        target.mkdir(parents=True, exist_ok=True)
        try:
            for name in mf.ALL_FILES:
                if (source / name).exists():
                    link_or_copy(source / name, target / name)
        except FileNotFoundError:
            raise UserError(f"Version {version} disappeared from {self.root} while it was read "
                            "(pruned meanwhile?): try again.") from None
        mf.verify(target, version)
        return target

    def staging_dir(self) -> Path:
        """A private directory inside the root (same filesystem, so a commit is one rename)."""
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=self.root))
        staging.chmod(0o755)
        return staging

    def publish(self, source: Path, version: str) -> None:
        final = self.path(version)
        staging = self.staging_dir()
        try:
            for name in mf.ALL_FILES:
                link_or_copy(Path(source) / name, staging / name)
            faults.checkpoint("local-publish:before-commit")
            mf.verify(staging, version)
            if final.exists():
                raise UserError(f"Version {version} already exists in {self.root}; versions are immutable.")
            staging.rename(final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _move_latest(self, version: str) -> bool:
        with self._locked():
            current = self.latest()
            if current is not None and current >= version:
                return False
            tmp = self.root / f".latest-{os.getpid()}"
            if tmp.is_symlink() or tmp.exists():
                tmp.unlink()
            os.symlink(version, tmp)
            os.replace(tmp, self.root / "latest")
            return True

    def _delete(self, version: str) -> None:
        # Renamed aside first: a half-deleted version is never listed.
        path = self.path(version)
        doomed = self.root / f".deleting-{os.getpid()}-{version}"
        path.rename(doomed)
        shutil.rmtree(doomed)

    def prune(self, keep: int) -> list[str]:
        with self._locked():
            return super().prune(keep)

    def clean_staging(self) -> None:
        """Remove staging dirs of this process and of processes that died (a killed build or publish);
        another live build's staging dir is left alone."""
        if not self.root.is_dir():
            return
        for path in list(self.root.glob(f"{STAGING_PREFIX}*")) + list(self.root.glob(".deleting-*")):
            try:
                owner = int(path.name.split("-")[1])
            except (IndexError, ValueError):
                owner = 0
            if owner == os.getpid() or not alive(owner):
                shutil.rmtree(path, ignore_errors=True)
