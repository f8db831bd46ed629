"""The snapshot artifact: `cpd-demo.dump`, `media.tar.gz` and `manifest.json` (SPEC §6).

A manifest lists the size and sha256 of every file; `verify` checks them all before anything
reads the dump. Stores (local directory here, S3 in `s3store`) hold immutable versions and a
`latest` pointer written last.
"""

import gzip
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from builder import faults
from builder.errors import UserError
from builder.processes import alive

FORMAT_VERSION = 1
DUMP = "cpd-demo.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
PAYLOAD_FILES = (DUMP, MEDIA)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pack_media(media_root: Path, out: Path) -> None:
    """A reproducible tar.gz of the media tree: sorted entries, zero mtimes and owners."""
    files = sorted(p for p in Path(media_root).rglob("*") if p.is_file()) if Path(media_root).exists() else []
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in files:
            info = tarfile.TarInfo(path.relative_to(media_root).as_posix())
            info.size = path.stat().st_size
            info.mode = 0o644
            with open(path, "rb") as fh:
                tar.addfile(info, fh)


def unpack_media(archive: Path, media_root: Path) -> int:
    """Replace `media_root`'s contents with the archive's files; returns the file count."""
    media_root = Path(media_root)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".media-", dir=media_root.parent))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(staging, filter="data")
            count = sum(1 for m in tar.getmembers() if m.isfile())
        if media_root.exists():
            old = media_root.with_name(media_root.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            media_root.rename(old)
            staging.rename(media_root)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(media_root)
        return count
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def file_entries(directory: Path) -> dict:
    return {name: {"size": (directory / name).stat().st_size, "sha256": sha256_file(directory / name)}
            for name in PAYLOAD_FILES}


def write_manifest(directory: Path, manifest: dict) -> None:
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    tmp = directory / (MANIFEST + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, directory / MANIFEST)


def parse_manifest(text: str | bytes, where: str) -> dict:
    try:
        manifest = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise UserError(f"The manifest of {where} is not valid JSON: the artifact is corrupt.") from None
    if not isinstance(manifest, dict) or "files" not in manifest or "version" not in manifest:
        raise UserError(f"The manifest of {where} lacks its version or file list: the artifact is corrupt.")
    fmt = manifest.get("format_version")
    if not isinstance(fmt, int) or fmt > FORMAT_VERSION:
        raise UserError(f"The manifest of {where} has format version {fmt!r}; this cpd-demo-db reads up to "
                        f"{FORMAT_VERSION}: upgrade cpd-demo-db.")
    return manifest


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    if not path.exists():
        raise UserError(f"{directory} has no {MANIFEST}: not a snapshot, or an incomplete one.")
    return parse_manifest(path.read_bytes(), str(directory))


def verify_file(path: Path, expected: dict) -> None:
    verify_file_as(path, path.name, expected)


def verify_file_as(path: Path, name: str, expected: dict) -> None:
    """Check `path` (holding the artifact file `name`) against its manifest entry."""
    if not path.exists():
        raise UserError(f"{name} is missing from {path.parent}.")
    size = path.stat().st_size
    if size != expected.get("size"):
        raise UserError(f"{name} is {size} bytes but the manifest says {expected.get('size')}: "
                        "the file is truncated or corrupt.")
    if sha256_file(path) != expected.get("sha256"):
        raise UserError(f"{name} does not match its sha256 in the manifest: the file is corrupt.")


def verify(directory: Path) -> dict:
    """Check every file against the manifest; returns the manifest."""
    manifest = read_manifest(directory)
    for name in PAYLOAD_FILES:
        if name not in manifest["files"]:
            raise UserError(f"The manifest of {directory} does not list {name}: the artifact is incomplete.")
        verify_file(Path(directory) / name, manifest["files"][name])
    return manifest


def versions_to_prune(versions: list[str], latest: str | None, keep: int) -> list[str]:
    """All but the newest `keep` versions, never the one `latest` points to (every store's policy)."""
    if keep < 1:
        raise UserError("--keep must be 1 or more.")
    return [v for v in sorted(versions)[:-keep] if v != latest]


def new_version(digest: str, now: datetime | None = None) -> str:
    """Sortable and unique: the UTC build time, then the content digest's start."""
    now = now or datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{digest[:8]}"


class LocalStore:
    """Versions as directories under `root`, and `latest`, a symlink replaced atomically."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def __str__(self) -> str:
        return str(self.root)

    def versions(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir()
                      if p.is_dir() and not p.is_symlink() and not p.name.startswith(".") and (p / MANIFEST).exists())

    def latest(self) -> str | None:
        link = self.root / "latest"
        if link.is_symlink():
            return os.readlink(link)
        return None

    def resolve(self, version: str | None) -> str:
        if not version or version == "latest":
            latest = self.latest()
            if not latest:
                raise UserError(f"{self.root} holds no snapshot yet: run `invoke snapshot.build` first.")
            return latest
        if version not in self.versions():
            known = ", ".join(self.versions()[-3:]) or "none"
            raise UserError(f"There is no version {version!r} in {self.root} (latest versions: {known}).")
        return version

    def path(self, version: str) -> Path:
        return self.root / version

    def fetch(self, version: str, workdir: Path) -> Path:
        return self.path(version)

    def manifest(self, version: str) -> dict:
        return read_manifest(self.path(version))

    def latest_digest(self) -> str | None:
        latest = self.latest()
        return self.manifest(latest).get("content_digest") if latest else None

    def staging_dir(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=self.root))
        staging.chmod(0o755)
        return staging

    def commit(self, staging: Path, version: str) -> Path:
        """Move a complete staging directory into place as `version`; never overwrites."""
        final = self.path(version)
        if final.exists():
            raise UserError(f"Version {version} already exists in {self.root}; versions are immutable.")
        staging.rename(final)
        return final

    def publish_dir(self, source: Path, version: str) -> Path:
        staging = self.staging_dir()
        try:
            for name in (*PAYLOAD_FILES, MANIFEST):
                shutil.copy2(source / name, staging / name)
            faults.checkpoint("local-publish:before-commit")
            verify(staging)
            return self.commit(staging, version)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def set_latest(self, version: str) -> None:
        tmp = self.root / f".latest-{os.getpid()}"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(version, tmp)
        os.replace(tmp, self.root / "latest")

    def prune(self, keep: int) -> list[str]:
        doomed = versions_to_prune(self.versions(), self.latest(), keep)
        for version in doomed:
            shutil.rmtree(self.path(version))
        return doomed

    def clean_staging(self) -> None:
        """Remove staging dirs of this process and of processes that died (a killed build or publish);
        another live build's staging dir is left alone."""
        if not self.root.is_dir():
            return
        for path in self.root.glob(".staging-*"):
            try:
                owner = int(path.name.split("-")[1])
            except (IndexError, ValueError):
                owner = 0
            if owner == os.getpid() or not alive(owner):
                shutil.rmtree(path, ignore_errors=True)


def open_store(location: str | Path):
    location = str(location)
    if location.startswith("s3://"):
        from builder.s3store import S3Store

        return S3Store.from_url(location)
    return LocalStore(location)
