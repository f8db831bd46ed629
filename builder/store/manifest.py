"""The snapshot artifact: `cpd-demo.dump`, `media.tar.gz` and `manifest.json`.

A manifest lists the size and sha256 of every file; `verify` checks them all, and `parse`
checks the manifest's own shape, before anything reads the dump.
"""

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from builder.errors import UserError
from builder.store.versions import check_version

FORMAT_VERSION = 1
DUMP = "cpd-demo.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
PAYLOAD_FILES = (DUMP, MEDIA)
ALL_FILES = (*PAYLOAD_FILES, MANIFEST)
# What a reader relies on, with its type; anything else is informative.
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "format_version": int, "version": str, "anchor_at": str, "seed": int, "scale": int,
    "postgres": dict, "row_counts": dict, "total_rows": int, "files": dict, "content_digest": str,
}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entries(directory: Path) -> dict:
    return {name: {"size": (directory / name).stat().st_size, "sha256": sha256_file(directory / name)}
            for name in PAYLOAD_FILES}


def write(directory: Path, manifest: dict) -> None:
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    tmp = directory / (MANIFEST + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, directory / MANIFEST)


def _corrupt(where: str, what: str) -> UserError:
    return UserError(f"The manifest of {where} {what}: the artifact is corrupt or was edited by hand.")


def parse(text: str | bytes, where: str) -> dict[str, Any]:
    """A manifest read from `text`, checked for every key a reader relies on."""
    try:
        manifest = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise UserError(f"The manifest of {where} is not valid JSON: the artifact is corrupt.") from None
    if not isinstance(manifest, dict):
        raise _corrupt(where, "is not a JSON object")
    fmt = manifest.get("format_version")
    if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt > FORMAT_VERSION:
        raise UserError(f"The manifest of {where} has format version {fmt}; this cpd-demo-db reads up to "
                        f"{FORMAT_VERSION}: upgrade cpd-demo-db.")
    for key, kind in REQUIRED.items():
        if key not in manifest:
            raise _corrupt(where, f"lacks {key!r}")
        if not isinstance(manifest[key], kind) or isinstance(manifest[key], bool):
            raise _corrupt(where, f"has an invalid {key!r} ({manifest[key]!r})")
    check_version(manifest["version"], f"The manifest of {where}")
    major = manifest["postgres"].get("server_major")
    if not isinstance(major, int) or isinstance(major, bool) or major < 9:
        raise _corrupt(where, f"has an invalid Postgres server_major ({major!r})")
    for name in PAYLOAD_FILES:
        entry = manifest["files"].get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get("size"), int) \
                or not isinstance(entry.get("sha256"), str) or len(entry["sha256"]) != 64:
            raise _corrupt(where, f"has no valid size and sha256 for {name}")
    if not all(isinstance(n, int) for n in manifest["row_counts"].values()):
        raise _corrupt(where, "has a row count that is not a number")
    return manifest


def read(directory: Path) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise UserError(f"{directory} has no {MANIFEST}: not a snapshot, or an incomplete one.")
    return parse(path.read_bytes(), str(directory))


def verify_file(path: Path, name: str, expected: dict) -> None:
    """Check `path` (holding the artifact file `name`) against its manifest entry."""
    if not path.is_file():
        raise UserError(f"{name} is missing from {path.parent}.")
    size = path.stat().st_size
    if size != expected["size"]:
        raise UserError(f"{name} is {size} bytes but the manifest says {expected['size']}: "
                        "the file is truncated or corrupt.")
    if sha256_file(path) != expected["sha256"]:
        raise UserError(f"{name} does not match its sha256 in the manifest: the file is corrupt.")


def verify(directory: Path, version: str | None = None) -> dict[str, Any]:
    """Check the manifest and every file against it; returns the manifest."""
    manifest = read(directory)
    if version is not None and manifest["version"] != version:
        raise UserError(f"{directory} holds version {manifest['version']}, not {version}: the store is inconsistent.")
    for name in PAYLOAD_FILES:
        verify_file(Path(directory) / name, name, manifest["files"][name])
    return manifest
