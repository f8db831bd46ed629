"""`docker run` to the first answered query with rebased dates: the baked image vs an image of the
same dump that restores at start (the /docker-entrypoint-initdb.d way). Also the image's weight
next to the dump's size: on disk, and what a pull transfers (image_weight)."""

import os
import shutil
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg

from benchmarks.common import Row, build
from benchmarks.image_weight import first_start_with_demos, local_registry, pull_bytes_over_base, start_period
from builder import hooks
from builder.postgres import databases
from builder.postgres.clients import REBASE_SQL
from builder.postgres.embedded import free_port
from builder.project import load as load_project
from builder.snapshot.image import build_image, docker_client
from builder.store import manifest as artifact

HERE = Path(__file__).resolve().parent
BASE_IMAGE = os.environ.get("CPD_DEMO_BASE_IMAGE", "cpd-demo-base-postgres:15")


def first_rebased_answer(client, image: str, timeout: float = 300) -> float:
    port = free_port()
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    container = client.containers.run(image, command=["-p", str(port)], network_mode="host", detach=True)
    try:
        while True:
            try:
                with psycopg.connect(f"postgresql://postgres:cpd-demo-only@127.0.0.1:{port}/cpd_demo",
                                     connect_timeout=1) as conn:
                    anchor = databases.scalar(conn, "SELECT anchor_at FROM cpd_demo_snapshot")
                    if anchor >= started - timedelta(seconds=1):
                        return time.perf_counter() - t0
            except psycopg.Error:
                pass
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError(f"{image} did not answer within {timeout} s")
            time.sleep(0.01)
    finally:
        container.remove(force=True)


def baseline_image(client, snapshot_dir: Path, tag: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        ctx = Path(tmp)
        shutil.copytree(HERE / "restore_at_start", ctx, dirs_exist_ok=True)
        shutil.copy2(snapshot_dir / artifact.DUMP, ctx / artifact.DUMP)
        shutil.copytree(REBASE_SQL.parent, ctx / "rebase", ignore=shutil.ignore_patterns("__pycache__"))
        client.images.build(path=str(ctx), tag=tag, buildargs={"BASE_IMAGE": BASE_IMAGE}, network_mode="host",
                            rm=True, pull=False)
    return tag


def measure(repeat: int = 3, scales=(1, 100)) -> list[Row]:
    with local_registry() as registry:
        return _measure(repeat, scales, registry)


def _measure(repeat: int, scales, registry: str) -> list[Row]:
    client = docker_client()
    base_size = client.images.get(BASE_IMAGE).attrs["Size"]
    rows = []
    work = Path(tempfile.mkdtemp(prefix="cpd-bench-image-"))
    try:
        for scale in scales:
            snap = build(provider="embedded", scale=scale, output=work / f"s{scale}", echo=lambda m: None)
            src = work / f"s{scale}" / snap.version
            repository = f"{registry}/cpd-bench-baked-{scale}"
            ours = build_image(src, repository=repository, base_image=BASE_IMAGE, push=True, echo=lambda m: None,
                               tailoring=hooks.tailoring(load_project()))[0]
            theirs = baseline_image(client, src, f"cpd-bench-restore-at-start-{scale}:latest")
            ours_t = sorted(first_rebased_answer(client, ours) for _ in range(repeat))[repeat // 2]
            theirs_t = sorted(first_rebased_answer(client, theirs) for _ in range(repeat))[repeat // 2]
            rows.append(Row("image", f"docker run → first rebased answer, scale {scale}", ours_t,
                            "image restoring the dump at start", theirs_t, goal="≥ 3x faster; ≤ 1 s at 100, ≤ 3 s at 1000"))
            over = (client.images.get(ours).attrs["Size"] - base_size) / 1_048_576
            dump = snap.manifest["files"][artifact.DUMP]["size"] / 1_048_576
            rows.append(Row("image", f"image size over its base, scale {scale}", over, "dump size", dump,
                            unit="MiB"))
            pulled = pull_bytes_over_base(client, repository, snap.version, BASE_IMAGE) / 1_048_576
            rows.append(Row("image", f"docker pull over its base, scale {scale}", pulled, "dump size", dump,
                            unit="MiB", goal="≤ 4x at 100 and 1000"))
            if scale == 1:
                rows.append(Row("image", "first start making 200 demos (CPD_DEMO_DATABASES), scale 1",
                                first_start_with_demos(client, ours), "HEALTHCHECK start period", start_period(),
                                goal="≤ 1x: healthy, never unhealthy"))
            for tag in (ours, f"{repository}:latest", theirs):
                client.images.remove(tag, force=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows
