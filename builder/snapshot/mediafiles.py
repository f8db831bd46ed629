"""The media archive (`media.tar.gz`) and the media directory a restore fills.

A media directory the tool made carries a marker file; a restore replaces only such a
directory (or an empty or missing one), and only after the database swap succeeded.
"""

import gzip
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from builder.errors import UserError

MARKER = ".cpd-demo-media"


def pack(media_root: Path, out: Path) -> None:
    """A reproducible tar.gz of the media tree: sorted entries, zero mtimes and owners."""
    root = Path(media_root)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != MARKER) if root.exists() else []
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in files:
            info = tarfile.TarInfo(path.relative_to(root).as_posix())
            info.size = path.stat().st_size
            info.mode = 0o644
            with open(path, "rb") as fh:
                tar.addfile(info, fh)


def check_target(media_root: Path) -> None:
    """Refuse (one sentence) a media path the tool may not replace, before anything is touched."""
    path = Path(media_root)
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise UserError(f"--media-root {path} is not a directory: choose a new or empty directory.")
    if path.is_dir() and any(path.iterdir()) and not (path / MARKER).is_file():
        raise UserError(f"--media-root {path} holds files this tool did not put there; they are left alone: "
                        "choose a new or empty directory.")


def stage(archive: Path, media_root: Path) -> tuple[Path, int]:
    """Unpack the archive beside `media_root` (same filesystem), marked as the tool's; returns the
    staged directory and its file count. Nothing at `media_root` changes yet."""
    media_root = Path(media_root)
    check_target(media_root)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{media_root.name}.new-", dir=media_root.parent))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            tar.extractall(staged, filter="data")
        for directory, _, _ in os.walk(staged):
            os.chmod(directory, 0o755)
        (staged / MARKER).write_text("made by cpd-demo-db: replaced by the next restore\n")
        return staged, sum(1 for m in members if m.isfile())
    except (tarfile.TarError, OSError) as exc:
        shutil.rmtree(staged, ignore_errors=True)
        raise UserError(f"The media archive cannot be unpacked safely ({exc}): the artifact is corrupt.") from None


def install(staged: Path, media_root: Path) -> None:
    """Swap the staged directory in for `media_root` (which must still be ours, empty or missing)."""
    media_root = Path(media_root)
    check_target(media_root)
    if media_root.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{media_root.name}.old-", dir=media_root.parent))
        media_root.rename(old / "media")
        staged.rename(media_root)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staged.rename(media_root)
