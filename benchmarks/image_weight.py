"""What a `docker pull` of the image transfers for its layers over the base (compressed, as the
registry stores them), beside the dump; and how long a first start making 200 demos takes, beside
the HEALTHCHECK's start period that must cover it."""

import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

from builder.postgres.embedded import free_port

PROJECT = Path(__file__).resolve().parent.parent
MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"


@contextlib.contextmanager
def local_registry():
    """An image registry on 127.0.0.1: CPD_DEMO_REGISTRY if one runs, else Debian's docker-registry."""
    if os.environ.get("CPD_DEMO_REGISTRY"):
        yield os.environ["CPD_DEMO_REGISTRY"]
        return
    root = Path(tempfile.mkdtemp(prefix="cpd-bench-registry-"))
    port = free_port()
    (root / "config.yml").write_text(f"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {root}/data\n"
                                     f"http:\n  addr: 127.0.0.1:{port}\n")
    proc = subprocess.Popen(["docker-registry", "serve", str(root / "config.yml")], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=1).close()
                break
            time.sleep(0.1)
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(root, ignore_errors=True)


def pull_bytes_over_base(client, repository: str, tag: str, base_image: str) -> int:
    """Bytes of the pushed image's layers that a host holding `base_image` still pulls: the sizes
    of the compressed layers after the base's, from the registry's manifest."""
    registry, name = repository.split("/", 1)
    request = urllib.request.Request(f"http://{registry}/v2/{name}/manifests/{tag}", headers={"Accept": MANIFEST_V2})
    with urllib.request.urlopen(request, timeout=30) as response:
        layers = json.load(response)["layers"]
    base_layers = len(client.images.get(base_image).attrs["RootFS"]["Layers"])
    return sum(layer["size"] for layer in layers[base_layers:])


def start_period(dockerfile: Path = PROJECT / "Dockerfile") -> float:
    """The HEALTHCHECK's --start-period in seconds."""
    match = re.search(r"--start-period=(\d+)s", dockerfile.read_text())
    if not match:
        raise ValueError("the Dockerfile's HEALTHCHECK has no --start-period in seconds")
    return float(match.group(1))


def first_start_with_demos(client, image: str, demos: int = 200, timeout: float = 900) -> float:
    """Seconds from `docker run` with CPD_DEMO_DATABASES naming `demos` demos to the last one answering."""
    port = free_port()
    names = ",".join(f"demo_{i}" for i in range(1, demos + 1))
    t0 = time.perf_counter()
    container = client.containers.run(image, command=["-p", str(port)], network_mode="host", detach=True,
                                      environment={"CPD_DEMO_DATABASES": names, "POSTGRES_PASSWORD": "bench"})
    try:
        while True:
            with contextlib.suppress(psycopg.Error):
                psycopg.connect(f"postgresql://postgres:bench@127.0.0.1:{port}/demo_{demos}", connect_timeout=1).close()
                return time.perf_counter() - t0
            container.reload()
            if container.status == "exited" or time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"the {demos}-demo start did not finish: {container.logs().decode()[-500:]}")
            time.sleep(0.1)
    finally:
        container.remove(force=True)
