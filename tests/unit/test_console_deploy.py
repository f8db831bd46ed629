"""The console's deploy forms (offline): a Compose service and a Kubernetes Deployment + Service that
run the console as its task does, keep the server's URL out of command lines, probe a page that
exists, and expose only what the Service routes to."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def kubernetes() -> dict[str, dict]:
    return {doc["kind"]: doc for doc in yaml.safe_load_all((ROOT / "deploy" / "console.yaml").read_text()) if doc}


def test_the_compose_service_serves_the_console_on_loopback_from_the_environment():
    service = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["console"]
    assert service["command"][:4] == ["python", "-m", "builder.console", "serve"]
    assert all(port.startswith("127.0.0.1:") for port in service["ports"])
    assert "CPD_DEMO_CONSOLE_SERVER" in service["environment"] and "team" in service["profiles"]
    assert ":" not in service["environment"]["CPD_DEMO_CONSOLE_SERVER"].split("@")[0].split("//")[1]  # no password


def test_the_deployment_and_its_service():
    docs = kubernetes()
    assert {"Deployment", "Service"} <= set(docs)
    pod = docs["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["command"][:4] == ["python", "-m", "builder.console", "serve"]
    assert not any("postgresql://" in arg for arg in container["command"])
    env = {e["name"]: e for e in container["env"]}
    assert "secretKeyRef" in env["CPD_DEMO_CONSOLE_SERVER"]["valueFrom"]
    assert pod["securityContext"]["runAsNonRoot"] and container["securityContext"]["readOnlyRootFilesystem"]
    urls = (ROOT / "builder" / "console" / "urls.py").read_text()
    for probe in ("readinessProbe", "livenessProbe"):
        assert f'path("{container[probe]["httpGet"]["path"].lstrip("/")}"' in urls
    service = docs["Service"]["spec"]
    assert service["selector"] == docs["Deployment"]["spec"]["selector"]["matchLabels"]
    assert service["ports"][0]["targetPort"] in {p["name"] for p in container["ports"]}
