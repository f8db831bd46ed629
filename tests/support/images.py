"""Docker for the image tests. Tests that need Docker find the engine through DOCKER_HOST (default:
the local socket), make the local base image with scripts/make-postgres-base-image when
CPD_DEMO_BASE_IMAGE names none, and start their own registry unless CPD_DEMO_REGISTRY names one."""

import os

import pytest

BASE_IMAGE = os.environ.get("CPD_DEMO_BASE_IMAGE", "cpd-demo-base-postgres:15")
STAGE_LABEL = "io.cpd-demo.stage=restore"  # the image's first stage, which holds the dump
# Set in the builder's environment while the image is built: it must reach no layer and no label.
IMAGE_BUILD_SECRET = "aws-secret-that-must-not-leak-4711"


def docker_unavailable(reason: str):
    if os.environ.get("CPD_DEMO_REQUIRE_DOCKER") == "1":
        pytest.fail(f"CPD_DEMO_REQUIRE_DOCKER=1 but {reason}")
    pytest.skip(reason)
