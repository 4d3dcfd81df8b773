"""The plain manifests in deploy/kubernetes: strict schema validation, and "they match what the
chart renders".

What "match" means (docs/deploy-kubernetes.md, "The plain manifests and the chart"):

1. Chart defaults (the standalone install, release "otel-sidecar"): the sidecar container of the
   standalone Deployment equals the native-sidecar init container of deploy/kubernetes/
   gateway-deployment.yaml field by field, except `restartPolicy: Always` (only a native sidecar
   has it); the pod securityContext and the otel-sidecar-* volumes are equal; the configuration
   is equal except `exporters` (the chart has none by default) and the OTLP TCP listeners (the
   standalone install opens them to the pod IP).
2. The chart included in a parent chart (Tests/Deploy/fixtures/gateway-chart, whose values set
   the example's exporter and secret): the rendered Deployment equals gateway-deployment.yaml as a
   whole (only the config checksum annotation is extra), and the ConfigMap's configuration and
   the Secret's files are equal.
"""

from __future__ import annotations

import base64
import copy

import pytest
import yaml

from conftest import (CHART, DEPLOY, FIXTURES, NAMESPACE, RELEASE, all_objects, copy_tree, find, load_docs,
                      render_chart, run_validate, validate_k8s)

PLAIN = DEPLOY / "kubernetes"
PLAIN_FILES = sorted(PLAIN.rglob("*.yaml"))


def plain_objects() -> list[dict]:
    return [obj for f in PLAIN_FILES for obj in load_docs(f.read_text())]


@pytest.mark.parametrize("path", PLAIN_FILES, ids=[str(p.relative_to(PLAIN)) for p in PLAIN_FILES])
def test_plain_manifests_validate(path):
    objs = load_docs(path.read_text())
    assert objs, f"{path} holds no object"
    for obj in objs:
        validate_k8s(obj, str(path.relative_to(DEPLOY.parent)))


def test_strict_validation_catches_a_misplaced_field():
    """A negative control: the validation above would notice a typo."""
    deployment = copy.deepcopy(find(plain_objects(), "Deployment", "mcp-gateway"))
    deployment["spec"]["template"]["spec"]["initContainers"][0]["readynessProbe"] = {}
    with pytest.raises(pytest.fail.Exception, match="readynessProbe"):
        validate_k8s(deployment, "mutated")


def test_plain_config_passes_otel_sidecar_validate(binary, tmp_path):
    text = find(plain_objects(), "ConfigMap", "otel-sidecar-config")["data"]["config.yaml"]
    result = run_validate(binary, text, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_native_sidecar_shape():
    pod = find(plain_objects(), "Deployment", "mcp-gateway")["spec"]["template"]["spec"]
    (sidecar,) = pod["initContainers"]
    assert sidecar["restartPolicy"] == "Always"
    sc = sidecar["securityContext"]
    assert sc["runAsNonRoot"] and sc["readOnlyRootFilesystem"] and sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"] == {"drop": ["ALL"]} and sc["seccompProfile"] == {"type": "RuntimeDefault"}
    assert sidecar["resources"] == {"requests": {"cpu": "50m", "memory": "32Mi"}, "limits": {"memory": "128Mi"}}
    assert sidecar["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert sidecar["livenessProbe"]["httpGet"]["path"] == "/healthz"
    env = {e["name"]: e for e in sidecar["env"]}
    assert env["K8S_POD_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
    assert env["K8S_NAMESPACE_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.namespace"
    assert env["K8S_NODE_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "spec.nodeName"
    assert env["OTEL_RESOURCE_ATTRIBUTES"]["value"] == (
        "k8s.pod.name=$(K8S_POD_NAME),k8s.namespace.name=$(K8S_NAMESPACE_NAME),k8s.node.name=$(K8S_NODE_NAME)")
    # The probes reach the Prometheus listener on the pod IP.
    cfg = yaml.safe_load(find(plain_objects(), "ConfigMap", "otel-sidecar-config")["data"]["config.yaml"])
    assert cfg["prometheus"]["endpoint"] == "0.0.0.0:9464"
    assert {p["name"]: p["containerPort"] for p in sidecar["ports"]}["metrics"] == 9464
    # The socket directory is shared through an emptyDir.
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes["otel-sidecar-run"]
    gateway = pod["containers"][0]
    assert {"name": "otel-sidecar-run", "mountPath": "/run/otel-sidecar", "readOnly": True} in gateway["volumeMounts"]
    # The headers file the config names is in the Secret the pod mounts.
    assert cfg["exporters"][0]["headers_file"] == "/etc/otel-sidecar/secrets/otlp-headers"
    secret = find(plain_objects(), "Secret", volumes["otel-sidecar-secrets"]["secret"]["secretName"])
    assert "otlp-headers" in secret["stringData"]


def _sidecar_parts(pod_spec: dict, container: dict) -> dict:
    return {
        "container": {k: v for k, v in container.items() if k != "restartPolicy"},
        "podSecurityContext": pod_spec.get("securityContext"),
        "volumes": [v for v in pod_spec["volumes"] if v["name"].startswith("otel-sidecar-")],
    }


def _without(cfg: dict, *paths: tuple[str, ...]) -> dict:
    cfg = copy.deepcopy(cfg)
    for path in paths:
        node = cfg
        for key in path[:-1]:
            node = node[key]
        node.pop(path[-1], None)
    return cfg


def test_plain_manifests_match_the_chart_defaults():
    chart = all_objects(render_chart({}, name=RELEASE, namespace=NAMESPACE))
    chart_pod = find(chart, "Deployment")["spec"]["template"]["spec"]
    plain_pod = find(plain_objects(), "Deployment", "mcp-gateway")["spec"]["template"]["spec"]
    ours = _sidecar_parts(plain_pod, plain_pod["initContainers"][0])
    theirs = _sidecar_parts(chart_pod, chart_pod["containers"][0])
    for part in ours:
        assert ours[part] == theirs[part], f"{part} differs from the chart's defaults"

    ignore = [("exporters",), ("receivers", "otlp", "grpc", "endpoint"), ("receivers", "otlp", "http", "endpoint")]
    plain_cfg = yaml.safe_load(find(plain_objects(), "ConfigMap", "otel-sidecar-config")["data"]["config.yaml"])
    chart_cfg = yaml.safe_load(find(chart, "ConfigMap")["data"]["config.yaml"])
    assert _without(plain_cfg, *ignore) == _without(chart_cfg, *ignore)
    # The names the plain pod refers to are the ones the chart gives for release "otel-sidecar".
    assert find(chart, "ConfigMap")["metadata"]["name"] == "otel-sidecar-config"
    assert find(chart, "Secret")["metadata"]["name"] == "otel-sidecar-secrets"


@pytest.fixture(scope="module")
def gateway_render(tmp_path_factory):
    root = tmp_path_factory.mktemp("gateway")
    path = copy_tree(FIXTURES / "gateway-chart", root / "mcp-gateway")
    copy_tree(CHART, path / "charts" / "otel-sidecar")
    return all_objects(render_chart({}, chart_path=path, name=RELEASE, namespace=NAMESPACE))


def test_plain_manifests_match_the_chart_included_in_a_gateway_chart(gateway_render):
    rendered = find(gateway_render, "Deployment", "mcp-gateway")
    annotations = rendered["spec"]["template"]["metadata"].pop("annotations")
    assert set(annotations) == {"checksum/otel-sidecar-config"}
    plain = find(plain_objects(), "Deployment", "mcp-gateway")
    assert rendered == plain

    plain_cfg = yaml.safe_load(find(plain_objects(), "ConfigMap", "otel-sidecar-config")["data"]["config.yaml"])
    chart_cfg = yaml.safe_load(find(gateway_render, "ConfigMap", "otel-sidecar-config")["data"]["config.yaml"])
    assert plain_cfg == chart_cfg

    plain_secret = find(plain_objects(), "Secret", "otel-sidecar-secrets")["stringData"]
    chart_secret = find(gateway_render, "Secret", "otel-sidecar-secrets")["data"]
    assert plain_secret == {k: base64.b64decode(v).decode() for k, v in chart_secret.items()}

    assert find(gateway_render, "Service", "mcp-gateway") == find(plain_objects(), "Service", "mcp-gateway")
