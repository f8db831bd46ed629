"""The one contract every snapshot store keeps (a local directory, S3), like Django's Storage API:
callers never ask which store they hold, and one test suite runs against every store.

- versions are immutable: `publish` never overwrites one; an interrupted publish is never listed;
- `latest` is a pointer written last, by `set_latest`, and never moves backwards;
- every version name read from a store is checked before it is used in a path or a key.
"""

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from builder.errors import UserError
from builder.store.versions import check_version, to_prune


class Store(ABC):
    @abstractmethod
    def __str__(self) -> str: ...

    @abstractmethod
    def versions(self) -> list[str]:
        """Complete versions, oldest first."""

    @abstractmethod
    def latest(self) -> str | None:
        """The version `latest` points to, or None."""

    @abstractmethod
    def manifest(self, version: str) -> dict[str, Any]:
        """The checked manifest of `version` (UserError if there is none)."""

    @abstractmethod
    def fetch(self, version: str, workdir: Path) -> Path:
        """A verified copy of `version` under `workdir`, safe from a concurrent prune; returns its directory."""

    @abstractmethod
    def publish(self, source: Path, version: str) -> None:
        """Add the complete, verified local version in `source` as `version`; never overwrites."""

    @abstractmethod
    def _move_latest(self, version: str) -> bool:
        """Point latest at `version` unless it points at a newer one, atomically; whether it moved."""

    @abstractmethod
    def _delete(self, version: str) -> None: ...

    @abstractmethod
    def _exists(self, version: str) -> bool: ...

    # -- shared behaviour ------------------------------------------------------------------
    def resolve(self, version: str | None) -> str:
        """`latest`/None -> the version latest points to; a name -> itself, if the store has it."""
        if not version or version == "latest":
            latest = self.latest()
            if not latest:
                raise UserError(f"{self} holds no snapshot yet: build one (`invoke snapshot.build`) or point "
                                "--from at a store that has one.")
            return latest
        check_version(version, "--version")
        if not self._exists(version):
            known = ", ".join(self.versions()[-3:]) or "none"
            raise UserError(f"There is no version {version!r} in {self} (latest versions: {known}).")
        return version

    def latest_digest(self) -> str | None:
        latest = self.latest()
        return self.manifest(latest).get("content_digest") if latest else None

    def set_latest(self, version: str) -> bool:
        """Move latest to `version` (which must be complete) unless it already points at a newer one."""
        check_version(version, "set_latest")
        if not self._exists(version):
            raise UserError(f"There is no complete version {version} in {self} to point latest at.")
        return self._move_latest(version)

    def prune(self, keep: int) -> list[str]:
        """Delete all but the newest `keep` versions, never the one latest points to."""
        doomed = to_prune(self.versions(), self.latest(), keep)
        for version in doomed:
            self._delete(version)
        return doomed
