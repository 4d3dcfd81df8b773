"""The Helm chart: rendered offline with the Helm v4 SDK (helm-python-sdk), linted, every manifest
validated with kubernetes-validate (strict), the values schema checked, and the rendered sidecar
configuration checked by `otel-sidecar validate`."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from conftest import (CHART, CONFIG_SECTIONS, FIXTURES, NAMESPACE, RELEASE, all_objects, copy_tree, find,
                      render_chart, render_notes, run_validate, validate_k8s)

helm = pytest.importorskip("helm_python", reason="helm-python-sdk is in Tests/Deploy/requirements.txt")

TLS_EXPORT = {
    "tls": {"existingSecret": "collector-client-tls"},
    "secrets": {"files": {"otlp-headers": "x-api-key: s3cr3t\n"}},
    "config": {"exporters": [{
        "name": "otlp", "protocol": "grpc", "endpoint": "https://otel-collector.observability.svc:4317",
        "headers_file": "/etc/otel-sidecar/secrets/otlp-headers",
        "tls": {"ca_file": "/etc/otel-sidecar/tls/ca.crt", "cert_file": "/etc/otel-sidecar/tls/tls.crt",
                "key_file": "/etc/otel-sidecar/tls/tls.key"},
        "queue": {"spill": {"enabled": True, "max_bytes": "1GiB"}},
    }]},
}
MONITORING = {"serviceMonitor": {"enabled": True, "labels": {"release": "kube-prometheus-stack"}},
              "podMonitor": {"enabled": True},
              "networkPolicy": {"enabled": True,
                                "otlpFrom": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "mcp-gateway"}}}],
                                "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "observability"}}}],
                                            "ports": [{"port": 4317, "protocol": "TCP"}]}]}}
TWO_EXPORTERS = {"config": {"exporters": [
    {"name": "jaeger", "protocol": "grpc", "endpoint": "http://jaeger-collector.observability:4317",
     "signals": ["traces"]},
    {"name": "phoenix", "protocol": "http/protobuf", "traces_endpoint": "http://phoenix.observability:6006/v1/traces",
     "signals": ["traces"], "queue": {"overflow": "drop_newest"}},
]}}
LIBRARY_ONLY = {"standalone": {"enabled": False}}

VALUE_SETS = {
    "defaults": {},
    "tls-export-with-secret": TLS_EXPORT,
    "servicemonitor-podmonitor-networkpolicy": MONITORING,
    "two-exporters": TWO_EXPORTERS,
    "library-only": LIBRARY_ONLY,
}


@pytest.fixture(scope="module")
def chart():
    with helm.Chart.load(str(CHART)) as c:
        yield c


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_lint_is_clean(values):
    report = helm.lint(str(CHART), values, strict=True, namespace=NAMESPACE)
    assert report["errors"] == [], report
    assert report["messages"] == [], f"helm lint found: {report['messages']}"


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_rendered_manifests_validate(values):
    rendered = render_chart(values)
    objects = all_objects(rendered)
    assert objects
    for path, objs in rendered.items():
        for obj in objs:
            validate_k8s(obj, path)


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_rendered_config_passes_otel_sidecar_validate(values, binary, tmp_path):
    cm = find(all_objects(render_chart(values)), "ConfigMap")
    text = cm["data"]["config.yaml"]
    assert set(yaml.safe_load(text)) <= CONFIG_SECTIONS
    result = run_validate(binary, text, tmp_path)
    assert result.returncode == 0, f"otel-sidecar validate rejected the rendered config:\n{result.stdout}{result.stderr}\n{text}"


def test_defaults_render_a_standalone_install():
    objects = all_objects(render_chart({}))
    kinds = sorted(o["kind"] for o in objects)
    assert kinds == ["ConfigMap", "Deployment", "Secret", "Service", "ServiceAccount"]
    svc = find(objects, "Service")
    assert {p["name"]: p["port"] for p in svc["spec"]["ports"]} == {"otlp-grpc": 4317, "otlp-http": 4318, "metrics": 9464}
    pod = find(objects, "Deployment")["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    assert "restartPolicy" not in container          # a plain container in the standalone Deployment
    assert {p["name"]: p["containerPort"] for p in container["ports"]} == {"otlp-grpc": 4317, "otlp-http": 4318, "metrics": 9464}
    # The standalone config listens on the pod IP, so that the Service reaches it.
    cfg = yaml.safe_load(find(objects, "ConfigMap")["data"]["config.yaml"])
    assert cfg["receivers"]["otlp"]["grpc"]["endpoint"] == "0.0.0.0:4317"
    assert cfg["receivers"]["otlp"]["http"]["endpoint"] == "0.0.0.0:4318"
    assert cfg["prometheus"]["endpoint"] == "0.0.0.0:9464"
    assert pod["metadata"]["annotations"]["checksum/otel-sidecar-config"]


def test_library_only_renders_config_and_secret():
    objects = all_objects(render_chart(LIBRARY_ONLY))
    assert sorted(o["kind"] for o in objects) == ["ConfigMap", "Secret"]
    cfg = yaml.safe_load(find(objects, "ConfigMap")["data"]["config.yaml"])
    assert cfg["receivers"]["otlp"]["grpc"]["endpoint"] == "127.0.0.1:4317"   # pod-local in a sidecar


def test_tls_export_mounts_the_secrets():
    objects = all_objects(render_chart(TLS_EXPORT))
    pod = find(objects, "Deployment")["spec"]["template"]["spec"]
    mounts = {m["name"]: m for m in pod["containers"][0]["volumeMounts"]}
    assert mounts["otel-sidecar-tls"] == {"name": "otel-sidecar-tls", "mountPath": "/etc/otel-sidecar/tls", "readOnly": True}
    assert mounts["otel-sidecar-secrets"]["mountPath"] == "/etc/otel-sidecar/secrets"
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["otel-sidecar-tls"]["secret"]["secretName"] == "collector-client-tls"
    secret = find(objects, "Secret")
    import base64
    assert base64.b64decode(secret["data"]["otlp-headers"]).decode() == "x-api-key: s3cr3t\n"
    cfg = yaml.safe_load(find(objects, "ConfigMap")["data"]["config.yaml"])
    assert cfg["exporters"][0]["tls"]["ca_file"] == "/etc/otel-sidecar/tls/ca.crt"
    # The secret value is in the Secret only, never in the ConfigMap.
    assert "s3cr3t" not in find(objects, "ConfigMap")["data"]["config.yaml"]


def test_monitoring_objects():
    objects = all_objects(render_chart(MONITORING))
    sm = find(objects, "ServiceMonitor")
    assert sm["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert sm["spec"]["endpoints"][0]["port"] == "metrics"
    assert sm["spec"]["endpoints"][0]["path"] == "/metrics"
    pm = find(objects, "PodMonitor")
    assert pm["spec"]["podMetricsEndpoints"][0]["port"] == "metrics"
    svc_selector = find(objects, "Service")["spec"]["selector"]
    assert sm["spec"]["selector"]["matchLabels"] == svc_selector
    np = find(objects, "NetworkPolicy")
    assert np["spec"]["podSelector"]["matchLabels"] == svc_selector
    assert sorted(np["spec"]["policyTypes"]) == ["Egress", "Ingress"]


def test_servicemonitor_without_standalone_fails_with_a_clear_message():
    with pytest.raises(helm.HelmError, match="serviceMonitor.enabled needs standalone.enabled"):
        render_chart({"serviceMonitor": {"enabled": True}, "standalone": {"enabled": False}})


def test_two_exporters_keep_their_settings():
    cfg = yaml.safe_load(find(all_objects(render_chart(TWO_EXPORTERS)), "ConfigMap")["data"]["config.yaml"])
    assert [e["name"] for e in cfg["exporters"]] == ["jaeger", "phoenix"]
    assert cfg["exporters"][1]["queue"]["overflow"] == "drop_newest"


def test_probe_port_and_paths_follow_the_config():
    values = {"config": {"prometheus": {"endpoint": "0.0.0.0:9100"},
                         "health": {"live_path": "/live", "ready_path": "/ready"}},
              "standalone": {"service": {"ports": {"metrics": 9100}}}}
    pod = find(all_objects(render_chart(values)), "Deployment")["spec"]["template"]["spec"]
    c = pod["containers"][0]
    assert {p["name"]: p["containerPort"] for p in c["ports"]}["metrics"] == 9100
    assert c["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "metrics"}
    assert c["startupProbe"]["httpGet"] == {"path": "/ready", "port": "metrics"}
    assert c["livenessProbe"]["httpGet"] == {"path": "/live", "port": "metrics"}


def test_image_digest_wins_over_tag():
    digest = "sha256:" + "a" * 64
    pod = find(all_objects(render_chart({"image": {"digest": digest, "tag": "9.9.9"}})), "Deployment")
    assert pod["spec"]["template"]["spec"]["containers"][0]["image"] == f"registry.example.com/otel-sidecar@{digest}"


def test_app_version_helper_matches_chart_yaml(chart):
    # "otel-sidecar.appVersion" is the default image tag for charts that include our templates.
    helpers = (CHART / "templates" / "_helpers.tpl").read_text()
    m = re.search(r'define "otel-sidecar.appVersion" -}}\s*(\S+)\s*{{-', helpers)
    assert m and m.group(1) == chart.metadata["appVersion"]


def test_notes_render():
    notes = render_notes({})
    assert f"http://{RELEASE}.{NAMESPACE}.svc:4317" in notes
    assert "No exporter is configured" in notes
    assert "otel-sidecar.container" in render_notes(LIBRARY_ONLY)


# --- the values schema -------------------------------------------------------------------------

BAD_VALUES = [
    pytest.param({"config": {"exporters": [{"name": "otlp", "protocol": "grpc", "endpoint": "http://c:4317",
                                            "queue": {"overflow": "drop_everything"}}]}},
                 r"at '/config/exporters/0/queue/overflow': value must be one of 'drop_oldest', 'drop_newest', 'refuse'",
                 id="queue-overflow-drop_everything"),
    pytest.param({"standalone": {"service": {"ports": {"otlpGrpc": -1}}}},
                 r"at '/standalone/service/ports/otlpGrpc': minimum: got -1, want 1", id="negative-port"),
    pytest.param({"config": {"receivers": {"otlp": {"grpc": {"endpoint": "0.0.0.0:70000"}}}}},
                 r"at '/config/receivers/otlp/grpc/endpoint': '0.0.0.0:70000' does not match pattern", id="listen-port-out-of-range"),
    pytest.param({"config": {"receivers": {"events": {"socket_mode": 432}}}},
                 r"at '/config/receivers/events/socket_mode': got number, want string", id="unquoted-socket-mode"),
    pytest.param({"config": {"logging": {"levle": "debug"}}},
                 r"at '/config/logging': additional properties 'levle' not allowed", id="typo-in-key"),
    pytest.param({"config": {"exporters": [{"name": "x", "protocol": "grpc", "endpoint": "http://c:4317", "timeout": "10 seconds"}]}},
                 r"at '/config/exporters/0/timeout': '10 seconds' does not match pattern", id="bad-duration"),
    pytest.param({"config": {"exporters": [{"name": "x", "protocol": "zipkin", "endpoint": "http://c:9411"}]}},
                 r"at '/config/exporters/0/protocol': value must be one of 'grpc', 'http/protobuf', 'http/json', 'console'",
                 id="unknown-protocol"),
    pytest.param({"config": {"exporters": [{"protocol": "grpc", "endpoint": "http://c:4317"}]}},
                 r"at '/config/exporters/0': missing property 'name'", id="exporter-without-name"),
    pytest.param({"config": {"processors": {"sampling": {"ratio": 1.5}}}},
                 r"at '/config/processors/sampling/ratio': maximum: got 1.5, want 1", id="ratio-above-one"),
    pytest.param({"config": {"metrics": {"exponential_histogram_max_buckets": 200}}},
                 r"at '/config/metrics/exponential_histogram_max_buckets': maximum: got 200, want 160",
                 id="exponential-buckets-above-160"),
    pytest.param({"config": {"processors": {"span_metrics": {"duration_buckets": [-1, 0.5]}}}},
                 r"at '/config/processors/span_metrics/duration_buckets/0': minimum: got -1, want 0",
                 id="negative-duration-bucket"),
    pytest.param({"config": {"processors": {"span_metrics": {"attribute_sums": [{"by": ["gen_ai.request.model"]}]}}}},
                 r"at '/config/processors/span_metrics/attribute_sums/0': missing property 'attribute'",
                 id="attribute-sum-without-attribute"),
    pytest.param({"config": {"exporters": [{"name": "x", "protocol": "grpc", "endpoint": "http://c:4317",
                                            "queue": {"spill": {"mode": "write_behind"}}}]}},
                 r"at '/config/exporters/0/queue/spill/mode': value must be one of 'overflow', 'write_ahead'",
                 id="spill-mode-write_behind"),
    pytest.param({"resources": {"limits": {"memory": "128Mi"}}, "replicaCount": 3},
                 r"additional properties 'replicaCount' not allowed", id="unknown-top-level-value"),
]


@pytest.mark.parametrize("values,message", BAD_VALUES)
def test_schema_rejects_bad_values_with_a_clear_message(chart, values, message):
    with pytest.raises(helm.HelmValuesError) as info:
        chart.validate_schema(values)
    assert re.search(message, str(info.value)), str(info.value)
    # helm install/template fail the same way: rendering validates the values first.
    with pytest.raises(helm.HelmValuesError, match=re.escape("values don't meet the specifications of the schema")):
        render_chart(values)


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_schema_accepts_the_value_sets(chart, values):
    chart.validate_schema(values)


def _schema_has_path(schema: dict, path: list[str]) -> bool:
    node = schema
    for key in path:
        if node.get("type") == "array" or "items" in node:
            node = node["items"]
        props = node.get("properties", {})
        if key == "[]":
            continue
        if key in props:
            node = props[key]
        elif isinstance(node.get("additionalProperties"), dict) or node.get("additionalProperties") is None:
            return True          # a free-form map (service.resource, headers, ...)
        else:
            return False
    return True


def _key_paths(value, prefix=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield prefix + (k,)
            if k in ("resource", "headers"):        # maps with user keys
                continue
            yield from _key_paths(v, prefix + (k,))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield from _key_paths(item, prefix + ("[]",))


def test_schema_covers_every_key_the_sidecar_knows(chart, binary):
    """`otel-sidecar config` prints every key; each must exist in values.schema.json's `config`,
    so a key added to the sidecar without its schema entry fails here."""
    import subprocess

    from conftest import REPO
    out = subprocess.run([str(binary), "config", "--config", str(REPO / "deploy/config/example.yaml")],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    effective = yaml.safe_load(out.replace("$$", "$"))
    config_schema = chart.schema["properties"]["config"]
    missing = ["/".join(p) for p in set(_key_paths(effective)) if not _schema_has_path(config_schema, list(p))]
    assert not missing, f"keys missing from values.schema.json config: {sorted(missing)}"
    assert set(effective) == CONFIG_SECTIONS


def test_values_yaml_has_every_config_section(chart):
    assert set(chart.values["config"]) == CONFIG_SECTIONS


# --- including the sidecar in another chart's pods ---------------------------------------------

@pytest.fixture(scope="module")
def gateway_chart(tmp_path_factory):
    """tests/fixtures/gateway-chart, a parent chart that adds otel-sidecar to its own pods with the
    named templates, with this chart as its dependency under charts/."""
    root = tmp_path_factory.mktemp("gateway")
    path = copy_tree(FIXTURES / "gateway-chart", root / "mcp-gateway")
    copy_tree(CHART, path / "charts" / "otel-sidecar")
    return path


def test_parent_chart_includes_the_sidecar(gateway_chart):
    rendered = render_chart({}, chart_path=gateway_chart, name=RELEASE)
    objects = all_objects(rendered)
    for path, objs in rendered.items():
        for obj in objs:
            validate_k8s(obj, path)
    kinds = sorted(o["kind"] for o in objects)
    assert kinds == ["ConfigMap", "Deployment", "Secret", "Service"]   # the subchart's standalone install is off
    pod = find(objects, "Deployment", "mcp-gateway")["spec"]["template"]["spec"]
    (sidecar,) = pod["initContainers"]
    assert sidecar["name"] == "otel-sidecar" and sidecar["restartPolicy"] == "Always"
    gateway = pod["containers"][0]
    assert {"name": "otel-sidecar-run", "mountPath": "/run/otel-sidecar", "readOnly": True} in gateway["volumeMounts"]
    report = helm.lint(str(gateway_chart), {}, strict=True, namespace=NAMESPACE)
    assert report["errors"] == [] and [m for m in report["messages"] if m["severity"] >= 2] == [], report
