"""`snapshot.image`: the Postgres image of a snapshot, built with the docker SDK.

The build context is assembled in a temp dir: Dockerfile, container/, rebase_dates.sql and
snapshot/ (the version's files). Tags `<repository>:<version>` and `:latest`; pushes both
when asked. Nothing secret goes in: no build argument carries a credential.
"""

import secrets
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from builder.errors import UserError
from builder.postgres.tools import REBASE_SQL
from builder.store import manifest as mf

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_REPOSITORY = "cpd-demo-db"


def docker_client():
    try:
        import docker

        client = docker.from_env(timeout=600)
        client.ping()
        return client
    except Exception:
        raise UserError("No Docker engine answers (is dockerd running and DOCKER_HOST right?): "
                        "the image needs one.") from None


def build_context(snapshot_dir: Path, into: Path, tailoring: str | None = None) -> Path:
    """The build context: the project's tailoring SQL (its config's [demo] tailor) goes in as prospect.sql."""
    shutil.copy2(PROJECT_DIR / "Dockerfile", into / "Dockerfile")
    shutil.copytree(PROJECT_DIR / "container", into / "container")
    shutil.copy2(REBASE_SQL, into / "rebase_dates.sql")
    (into / "prospect.sql").write_text(tailoring or "")
    (into / "snapshot").mkdir()
    for name in mf.ALL_FILES:
        shutil.copy2(snapshot_dir / name, into / "snapshot" / name)
    return into


def build_image(snapshot_dir: Path, repository: str = DEFAULT_REPOSITORY, base_image: str | None = None,
                push: bool = False, echo: Callable[[str], None] = print, tailoring: str | None = None) -> list[str]:
    """Build (and optionally push) the image of the verified snapshot in `snapshot_dir`; returns its tags."""
    manifest = mf.verify(snapshot_dir)
    version = manifest["version"]
    base = base_image or f"postgres:{manifest['postgres']['server_major']}"
    client = docker_client()
    tags = [f"{repository}:{version}", f"{repository}:latest"]
    with tempfile.TemporaryDirectory(prefix="cpd-demo-image-") as tmp:
        context = build_context(Path(snapshot_dir), Path(tmp), tailoring)
        echo(f"→ docker build {tags[0]} (base {base})")
        build_id = secrets.token_hex(8)
        build_args = {
            "BASE_IMAGE": base, "VERSION": version, "ANCHOR": manifest["anchor_at"], "BUILD_ID": build_id,
            "CREATED": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "REVISION": manifest.get("builder_revision", "unknown"),
        }
        try:
            image_id = _run_build(client, context, tags[0], build_args, base, echo)
        finally:
            # The first stage holds the dump: never leave it behind as a dangling image.
            client.images.prune(filters={"dangling": True, "label": f"io.cpd-demo.build={build_id}"})
    image = client.images.get(image_id or tags[0])
    image.tag(repository, "latest")
    echo(f"  image {image.short_id}: {', '.join(tags)}")
    if push:
        for tag in tags:
            _push(client, repository, tag.rsplit(":", 1)[1], echo)
    return tags


def _run_build(client, context: Path, tag: str, build_args: dict, base: str, echo: Callable[[str], None]) -> str | None:
    image_id = None
    for chunk in client.api.build(path=str(context), tag=tag, buildargs=build_args, rm=True, forcerm=True,
                                  decode=True, network_mode="host", pull=False):
        if "stream" in chunk and chunk["stream"].strip():
            echo("  " + chunk["stream"].rstrip())
        if "error" in chunk:
            detail = chunk["error"].strip().splitlines()[-1]
            if "pull access denied" in detail or ("not found" in detail and base in detail):
                raise UserError(f"The base image {base} is not available to the engine: pull or build it, "
                                "or pass --base-image.")
            raise UserError(f"docker build failed: {detail}")
        if "aux" in chunk and "ID" in chunk["aux"]:
            image_id = chunk["aux"]["ID"]
    return image_id


def _push(client, repository: str, tag: str, echo) -> None:
    echo(f"→ docker push {repository}:{tag}")
    try:
        for chunk in client.api.push(repository, tag=tag, stream=True, decode=True):
            if "error" in chunk:
                raise UserError(f"The registry refused {repository}:{tag}: {chunk['error'].strip()}")
    except UserError:
        raise
    except Exception as exc:
        raise UserError(f"Pushing {repository}:{tag} failed: {exc}") from None
