"""The Kubernetes manifests in deploy/ validate against the Kubernetes schemas (offline)."""

from pathlib import Path

import pytest
import yaml

kubernetes_validate = pytest.importorskip("kubernetes_validate")
DEPLOY = Path(__file__).parents[2] / "deploy"
DOCUMENTS = [(path.name, i, doc) for path in sorted(DEPLOY.glob("*.yaml"))
             for i, doc in enumerate(yaml.safe_load_all(path.read_text())) if doc]


def test_there_are_manifests_for_both_fleet_forms():
    kinds = {doc["kind"] for _, _, doc in DOCUMENTS}
    assert {"StatefulSet", "Service", "Secret", "CronJob", "Role", "RoleBinding", "ServiceAccount"} <= kinds


@pytest.mark.parametrize("name, index, doc", DOCUMENTS, ids=[f"{n}#{i}" for n, i, _ in DOCUMENTS])
def test_each_document_is_valid(name, index, doc):
    kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def test_the_probes_follow_the_images_healthcheck():
    dockerfile = (DEPLOY.parent / "Dockerfile").read_text()
    sets = [doc for _, _, doc in DOCUMENTS if doc["kind"] == "StatefulSet"]
    for doc in sets:
        container = doc["spec"]["template"]["spec"]["containers"][0]
        probe = " ".join(container["readinessProbe"]["exec"]["command"])
        assert "/var/run/postgresql/cpd-demo.ready" in probe and "/var/run/postgresql/cpd-demo.ready" in dockerfile
        assert "-h 127.0.0.1" in probe
