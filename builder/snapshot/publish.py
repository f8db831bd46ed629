"""`snapshot.publish`: build (or take a built version) and publish it to every destination:
a directory, s3://bucket/prefix, or `image` (the Postgres image, see snapshot/image.py)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from builder.errors import UserError
from builder.snapshot.build import BuildOptions, build
from builder.store import manifest as mf
from builder.store import open_store
from builder.store.local import LocalStore


@dataclass
class Outcome:
    destination: str
    status: str        # published | unchanged | failed
    detail: str = ""


@dataclass
class ImageOptions:
    repository: str = "cpd-demo-db"
    push: bool = False
    base_image: str | None = None
    tailoring: str | None = None  # the project's tailoring SQL, for the image's CPD_DEMO_DATABASES prospects


@dataclass
class PublishRequest:
    destinations: list[str]
    version: str | None = None          # an existing build, instead of a new one
    source: str = "snapshots"           # the local builds
    build: BuildOptions = field(default_factory=BuildOptions)
    image: ImageOptions = field(default_factory=ImageOptions)
    force: bool = False


def publish(request: PublishRequest, echo: Callable[[str], None] = print) -> tuple[str, list[Outcome]]:
    if not request.destinations:
        raise UserError("Name at least one destination: --to DIR, --to s3://bucket/prefix or --to image.")
    stores = {dest: (None if dest == "image" else open_store(dest)) for dest in request.destinations}
    local = LocalStore(request.source)
    if request.version:
        version = local.resolve(request.version)
    else:
        version = build(request.build, output=request.source, force=request.force, echo=echo).version
    src = local.path(version)
    manifest = mf.verify(src, version)
    outcomes = []
    for dest, store in stores.items():
        echo(f"→ publish {version} to {dest}")
        try:
            outcomes.append(_publish_one(dest, store, src, version, manifest, request, echo))
        except UserError as exc:
            outcomes.append(Outcome(dest, "failed", str(exc)))
    return version, outcomes


def _publish_one(dest, store, src: Path, version: str, manifest: dict, request: PublishRequest,
                 echo: Callable[[str], None]) -> Outcome:
    if store is None:
        from builder.snapshot import image

        tags = image.build_image(src, repository=request.image.repository, base_image=request.image.base_image,
                                 push=request.image.push, echo=echo, tailoring=request.image.tailoring)
        return Outcome(dest, "published", ", ".join(tags))
    if isinstance(store, LocalStore) and store.root.resolve() == src.parent.resolve():
        return Outcome(dest, "unchanged", "it is the build directory")
    if not request.force and store.latest_digest() == manifest["content_digest"]:
        return Outcome(dest, "unchanged", f"latest ({store.latest()}) has the same content digest")
    if version in store.versions():
        raise UserError(f"Version {version} already exists in {store}; versions are immutable.")
    store.publish(src, version)
    if store.set_latest(version):
        return Outcome(dest, "published", f"latest -> {version}")
    return Outcome(dest, "published", f"latest stays on the newer {store.latest()}")
