"""Snapshot versions in S3: `s3://bucket/prefix/<version>/{cpd-demo.dump, media.tar.gz, manifest.json}`
and `s3://bucket/prefix/latest.json`.

Endpoint, region and credentials come only from boto3's standard chain (AWS_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, profiles, instance roles). Versions are immutable: every object is written
with `If-None-Match: *`. The manifest goes last, then each object is checked against it, and
only then `latest.json` moves. Downloads stream to a temporary file, are verified, then renamed.
"""

import base64
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

from builder import faults
from builder.errors import UserError
from builder.settings import SETTINGS
from builder.store import manifest as mf
from builder.store.base import Store
from builder.store.versions import check_version, is_version

LATEST = "latest.json"


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def _client():
    try:
        return boto3.client("s3", config=Config(retries={"max_attempts": 2, "mode": "standard"},
                                                connect_timeout=5, read_timeout=60))
    except ValueError as exc:  # e.g. AWS_ENDPOINT_URL=notaurl
        raise UserError(f"The S3 settings are not usable: {exc} (check AWS_ENDPOINT_URL and AWS_DEFAULT_REGION).") \
            from None
    except BotoCoreError as exc:
        raise UserError(f"The S3 settings are not usable: {exc}.") from None


class S3Store(Store):
    def __init__(self, bucket: str, prefix: str, client=None):
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.client = client or _client()

    @classmethod
    def from_url(cls, url: str) -> "S3Store":
        rest = url.removeprefix("s3://")
        bucket, _, prefix = rest.partition("/")
        if not bucket:
            raise UserError(f"{url} names no bucket (expected s3://bucket/prefix).")
        if ".." in prefix.split("/"):
            raise UserError(f"{url} has '..' in its prefix: name the prefix plainly.")
        return cls(bucket, prefix)

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def key(self, *parts: str) -> str:
        return "/".join(p for p in (self.prefix, *parts) if p)

    # -- errors --------------------------------------------------------------------------
    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except EndpointConnectionError:
            endpoint = self.client.meta.endpoint_url
            raise UserError(f"Cannot reach the S3 endpoint {endpoint} while trying to {what}.") from None
        except NoCredentialsError:
            raise UserError("No AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, "
                            "or an instance role.") from None
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "NoSuchBucket":
                raise UserError(f"The bucket {self.bucket} does not exist (at {self.client.meta.endpoint_url}).") \
                    from None
            if code in ("AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden"):
                raise UserError(f"Access to {self} was denied while trying to {what} ({code}).") from None
            raise
        except BotoCoreError as exc:
            raise UserError(f"S3 failed while trying to {what}: {exc}.") from None

    # -- reading ---------------------------------------------------------------------------
    def _get_json(self, key: str, what: str) -> tuple[bytes | None, str | None]:
        try:
            obj = self._call(what, self.client.get_object, Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None, None
            raise
        return obj["Body"].read(), obj.get("ETag")

    def versions(self) -> list[str]:
        found = []
        paginator = self.client.get_paginator("list_objects_v2")
        prefix = self.key("") + "/" if self.prefix else ""
        pages = self._call("list versions", lambda: list(paginator.paginate(Bucket=self.bucket, Prefix=prefix)))
        for page in pages:
            for obj in page.get("Contents", []):
                rel = obj["Key"][len(prefix):]
                version, _, name = rel.partition("/")
                if name == mf.MANIFEST and is_version(version):
                    found.append(version)
        return sorted(found)

    def latest_pointer(self) -> tuple[dict | None, str | None]:
        body, etag = self._get_json(self.key(LATEST), "read latest.json")
        if body is None:
            return None, None
        try:
            pointer = json.loads(body)
        except ValueError:
            raise UserError(f"{self}/latest.json is not valid JSON: fix or delete it.") from None
        if not isinstance(pointer, dict):
            raise UserError(f"{self}/latest.json is not a JSON object: fix or delete it.")
        check_version(pointer.get("version"), f"{self}/latest.json")
        return pointer, etag

    def latest(self) -> str | None:
        pointer, _ = self.latest_pointer()
        return pointer["version"] if pointer else None

    def _exists(self, version: str) -> bool:
        body, _ = self._get_json(self.key(check_version(version, str(self)), mf.MANIFEST), f"read version {version}")
        return body is not None

    def manifest(self, version: str) -> dict[str, Any]:
        key = self.key(check_version(version, str(self)), mf.MANIFEST)
        body, _ = self._get_json(key, f"read the manifest of {version}")
        if body is None:
            raise UserError(f"There is no version {version!r} in {self}.")
        return mf.parse(body, f"{self}/{version}")

    def fetch(self, version: str, workdir: Path) -> Path:
        """Download a version into workdir/<version>/, each file verified before it is renamed into place."""
        manifest = self.manifest(version)
        target = Path(workdir) / version
        target.mkdir(parents=True, exist_ok=True)
        mf.write(target, manifest)
        config = TransferConfig(multipart_threshold=SETTINGS.s3_multipart_threshold,
                                multipart_chunksize=SETTINGS.s3_part_size)
        for name in mf.PAYLOAD_FILES:
            expected = manifest["files"][name]
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=target)
            os.close(fd)
            try:
                self._call(f"download {name}", self.client.download_file, self.bucket,
                           self.key(version, name), tmp, Config=config)
                mf.verify_file(Path(tmp), name, expected)
                os.replace(tmp, target / name)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        return target

    # -- writing ---------------------------------------------------------------------------
    def _put_immutable(self, path: Path, key: str, version: str) -> None:
        size = path.stat().st_size
        what = f"upload {path.name}"
        try:
            if size < SETTINGS.s3_multipart_threshold:
                with open(path, "rb") as fh:
                    digest = hashlib.sha256(fh.read()).digest()
                    fh.seek(0)
                    self._call(what, self.client.put_object, Bucket=self.bucket, Key=key, Body=fh,
                               ChecksumAlgorithm="SHA256", ChecksumSHA256=_b64(digest), IfNoneMatch="*")
            else:
                self._multipart(path, key, what)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("PreconditionFailed", "ConditionalRequestConflict"):
                raise UserError(f"Version {version} already exists in {self}; versions are immutable.") from None
            raise

    def _multipart(self, path: Path, key: str, what: str) -> None:
        upload = self._call(what, self.client.create_multipart_upload, Bucket=self.bucket, Key=key,
                            ChecksumAlgorithm="SHA256")
        parts = []
        try:
            with open(path, "rb") as fh:
                number = 1
                while chunk := fh.read(SETTINGS.s3_part_size):
                    checksum = _b64(hashlib.sha256(chunk).digest())
                    resp = self._call(what, self.client.upload_part, Bucket=self.bucket, Key=key,
                                      UploadId=upload["UploadId"], PartNumber=number, Body=chunk,
                                      ChecksumAlgorithm="SHA256", ChecksumSHA256=checksum)
                    parts.append({"ETag": resp["ETag"], "PartNumber": number, "ChecksumSHA256": checksum})
                    number += 1
            self._call(what, self.client.complete_multipart_upload, Bucket=self.bucket, Key=key,
                       UploadId=upload["UploadId"], MultipartUpload={"Parts": parts}, IfNoneMatch="*")
        except BaseException:
            try:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload["UploadId"])
            except Exception:
                pass
            raise

    def _discard_incomplete(self, version: str) -> None:
        """Objects of a version without a manifest are what an interrupted upload left: never
        listed, never restored, and in the way of a retry's conditional writes."""
        keys = [{"Key": self.key(version, name)} for name in mf.PAYLOAD_FILES]
        self._call("clear an interrupted upload", self.client.delete_objects, Bucket=self.bucket,
                   Delete={"Objects": keys, "Quiet": True})

    @staticmethod
    def _accepted_checksums(path: Path, expected: dict) -> set[str]:
        """The full-object sha256, and for multipart objects the composite one (sha256 of the
        parts' digests, with or without the `-N` suffix)."""
        accepted = {_b64(bytes.fromhex(expected["sha256"]))}
        if expected["size"] >= SETTINGS.s3_multipart_threshold:
            digests = []
            with open(path, "rb") as fh:
                while chunk := fh.read(SETTINGS.s3_part_size):
                    digests.append(hashlib.sha256(chunk).digest())
            composite = _b64(hashlib.sha256(b"".join(digests)).digest())
            accepted |= {composite, f"{composite}-{len(digests)}"}
        return accepted

    def _check_uploaded(self, key: str, expected: dict, path: Path) -> None:
        head = self._call("check an upload", self.client.head_object, Bucket=self.bucket, Key=key,
                          ChecksumMode="ENABLED")
        if head["ContentLength"] != expected["size"]:
            raise UserError(f"{key} has {head['ContentLength']} bytes in S3, expected {expected['size']}.")
        stored = head.get("ChecksumSHA256", "")
        if stored and stored not in self._accepted_checksums(path, expected):
            raise UserError(f"{key} in S3 does not match its sha256 in the manifest.")

    def publish(self, source: Path, version: str) -> None:
        """Upload a complete local version; the manifest last, each object checked afterwards."""
        manifest = mf.verify(source, version)
        if version in self.versions():
            raise UserError(f"Version {version} already exists in {self}; versions are immutable.")
        self._discard_incomplete(version)
        for name in mf.PAYLOAD_FILES:
            self._put_immutable(Path(source) / name, self.key(version, name), version)
            faults.checkpoint(f"s3-after-{name}")
        self._put_immutable(Path(source) / mf.MANIFEST, self.key(version, mf.MANIFEST), version)
        for name in mf.PAYLOAD_FILES:
            self._check_uploaded(self.key(version, name), manifest["files"][name], Path(source) / name)

    def _move_latest(self, version: str) -> bool:
        """Compare-and-swap on latest.json's ETag, so two publishes at once cannot move it backwards."""
        manifest = self.manifest(version)
        body = json.dumps({"version": version, "content_digest": manifest.get("content_digest"),
                           "updated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}).encode()
        for _ in range(20):
            pointer, etag = self.latest_pointer()
            if pointer and pointer["version"] >= version:
                return False
            condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
            try:
                self._call("write latest.json", self.client.put_object, Bucket=self.bucket, Key=self.key(LATEST),
                           Body=body, ContentType="application/json", **condition)
                return True
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") not in ("PreconditionFailed", "ConditionalRequestConflict"):
                    raise
        raise UserError(f"latest.json in {self} kept changing; try again.")

    def _delete(self, version: str) -> None:
        # The manifest first: a half-deleted version is never listed.
        for names in ((mf.MANIFEST,), mf.PAYLOAD_FILES):
            keys = [{"Key": self.key(version, n)} for n in names]
            self._call(f"delete {version}", self.client.delete_objects, Bucket=self.bucket,
                       Delete={"Objects": keys, "Quiet": True})
