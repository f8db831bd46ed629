"""Restore from S3 (moto's server on loopback, over HTTP) vs restore from a local directory."""

import os
import shutil
import tempfile
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

from benchmarks.common import Row, build, median_of
from builder.postgres.embedded import EmbeddedPostgres
from builder.snapshot.restore import restore
from builder.store.s3 import S3Store


def measure(repeat: int = 3, scale: int = 100) -> list[Row]:
    work = Path(tempfile.mkdtemp(prefix="cpd-bench-s3-"))
    saved = dict(os.environ)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        os.environ.update(AWS_ENDPOINT_URL=f"http://{host}:{port}", AWS_ACCESS_KEY_ID="bench",
                          AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
        boto3.client("s3").create_bucket(Bucket="cpd-bench")
        snap = build(provider="embedded", scale=scale, output=work, echo=lambda m: None)
        store = S3Store.from_url("s3://cpd-bench/demo")
        store.publish(work / snap.version, snap.version)
        store.set_latest(snap.version)
        with EmbeddedPostgres() as pg:
            url = pg.url("bench_target")
            local = median_of(repeat, None, lambda: restore(str(work), "latest", url, echo=lambda m: None))
            remote = median_of(repeat, None, lambda: restore("s3://cpd-bench/demo", "latest", url,
                                                              echo=lambda m: None))
        return [Row("s3", f"snapshot.restore from S3, scale {scale}", remote, "from a local directory", local,
                    goal="≤ 1.2x")]
    finally:
        server.stop()
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(work, ignore_errors=True)
