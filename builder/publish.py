"""`snapshot.publish`: build (or take a built version) and publish it to every destination:
a directory, s3://bucket/prefix, or `image` (the Postgres image, see builder/image.py)."""

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from builder import artifact
from builder.errors import UserError


@dataclass
class Outcome:
    destination: str
    status: str        # published | unchanged | failed
    detail: str = ""


def publish(destinations: list[str], version: str | None, source: str, build_options: dict, force: bool,
            image_options: dict | None = None, echo: Callable[[str], None] = print) -> tuple[str, list[Outcome]]:
    if not destinations:
        raise UserError("Name at least one destination: --to DIR, --to s3://bucket/prefix or --to image.")
    local = artifact.LocalStore(source)
    if version:
        version = local.resolve(version)
    else:
        from builder.build import build

        version = build(output=source, force=force, echo=echo, **build_options).version
    src = local.path(version)
    manifest = artifact.verify(src)
    outcomes = []
    for dest in destinations:
        echo(f"→ publish {version} to {dest}")
        try:
            outcomes.append(_publish_one(dest, src, version, manifest, force, image_options or {}, echo))
        except UserError as exc:
            outcomes.append(Outcome(dest, "failed", str(exc)))
    return version, outcomes


def _publish_one(dest, src: Path, version, manifest, force, image_options, echo) -> Outcome:
    if dest == "image":
        from builder import image

        tags = image.build_image(src, echo=echo, **image_options)
        return Outcome(dest, "published", ", ".join(tags))
    store = artifact.open_store(dest)
    if not str(dest).startswith("s3://") and Path(dest).resolve() == src.parent.resolve():
        return Outcome(dest, "unchanged", "it is the build directory")
    if not force and store.latest_digest() == manifest["content_digest"]:
        return Outcome(dest, "unchanged", f"latest ({store.latest()}) has the same content digest")
    if version in store.versions():
        raise UserError(f"Version {version} already exists in {store}; versions are immutable.")
    store.publish_dir(src, version)
    moved = store.set_latest(version)
    return Outcome(dest, "published", "latest -> " + version if moved else "latest already newer")
