"""Shared fixtures for the deployment tests (Tests/Deploy/README.md)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "helm" / "otel-sidecar"
DEPLOY = REPO / "deploy"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Kubernetes versions the manifests are validated against: the newest schema kubernetes-validate
# ships, and the oldest version the chart supports (native sidecars are on by default from 1.29).
def kubernetes_versions() -> list[str]:
    import kubernetes_validate.utils as kv

    return ["1.29.0", kv.latest_version()]


# The sidecar configuration's top-level sections (docs/configuration.md).
CONFIG_SECTIONS = {"service", "receivers", "processors", "exporters", "metrics", "prometheus", "health", "logging",
                   "store"}

# The release name the plain manifests in deploy/kubernetes correspond to.
RELEASE = "otel-sidecar"
NAMESPACE = "observability"


def sidecar_binary() -> Path:
    return Path(os.environ.get("OTEL_SIDECAR_BIN", REPO / ".build" / "debug" / "otel-sidecar"))


@pytest.fixture(scope="session")
def binary() -> Path:
    """The sidecar binary. Missing is a failure, not a skip: `make test` builds it first."""
    path = sidecar_binary()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(
            f"{path} not found: build it first (swift build --product otel-sidecar), "
            "or point OTEL_SIDECAR_BIN at a built otel-sidecar",
            pytrace=False,
        )
    return path


def load_docs(text: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(text) if d]


def render_chart(values: dict | None = None, *, chart_path: Path = CHART, name: str = RELEASE,
                 namespace: str = NAMESPACE) -> dict[str, list[dict]]:
    """Renders a chart offline; returns template path -> parsed objects (NOTES.txt left out)."""
    import helm_python as helm

    with helm.Chart.load(str(chart_path)) as chart:
        rendered = chart.render(values or {}, name=name, namespace=namespace)
    return {path: load_docs(text) for path, text in rendered.items() if not path.endswith("NOTES.txt")}


def render_notes(values: dict | None = None) -> str:
    import helm_python as helm

    with helm.Chart.load(str(CHART)) as chart:
        rendered = chart.render(values or {}, name=RELEASE, namespace=NAMESPACE)
    return next(text for path, text in rendered.items() if path.endswith("NOTES.txt"))


def all_objects(rendered: dict[str, list[dict]]) -> list[dict]:
    return [obj for objs in rendered.values() for obj in objs]


def find(objects: list[dict], kind: str, name: str | None = None) -> dict:
    hits = [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]
    assert len(hits) == 1, f"expected one {kind} {name or ''}, found {len(hits)}"
    return hits[0]


# Hand-written schemas for the two Prometheus Operator kinds the chart renders (kubernetes-validate
# has no CRD schemas). They cover the fields the chart uses, strictly: a subset of the CRDs.
_SELECTOR = {"type": "object", "additionalProperties": False,
             "properties": {"matchLabels": {"type": "object", "additionalProperties": {"type": "string"}},
                            "matchExpressions": {"type": "array"}}}
_ENDPOINT = {"type": "object", "additionalProperties": False, "required": ["port"],
             "properties": {"port": {"type": "string"}, "path": {"type": "string", "pattern": "^/"},
                            "interval": {"type": "string", "pattern": "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"},
                            "scrapeTimeout": {"type": "string", "pattern": "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"},
                            "honorLabels": {"type": "boolean"}, "scheme": {"enum": ["http", "https"]}}}
_METADATA = {"type": "object", "required": ["name"],
             "properties": {"name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63},
                            "labels": {"type": "object", "additionalProperties": {"type": "string"}}}}
def _monitor_schema(kind: str, endpoints_key: str) -> dict:
    return {"type": "object", "additionalProperties": False, "required": ["apiVersion", "kind", "metadata", "spec"],
            "properties": {"apiVersion": {"const": "monitoring.coreos.com/v1"}, "kind": {"const": kind},
                           "metadata": _METADATA,
                           "spec": {"type": "object", "additionalProperties": False, "required": ["selector", endpoints_key],
                                    "properties": {"selector": _SELECTOR,
                                                   "namespaceSelector": {"type": "object", "additionalProperties": False,
                                                                         "properties": {"matchNames": {"type": "array", "items": {"type": "string"}},
                                                                                        "any": {"type": "boolean"}}},
                                                   endpoints_key: {"type": "array", "minItems": 1, "items": _ENDPOINT}}}}}
CRD_SCHEMAS = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): _monitor_schema("ServiceMonitor", "endpoints"),
    ("monitoring.coreos.com/v1", "PodMonitor"): _monitor_schema("PodMonitor", "podMetricsEndpoints"),
}


def validate_k8s(obj: dict, where: str) -> None:
    """Strict schema validation of one object, against every version in kubernetes_versions()."""
    import jsonschema
    import kubernetes_validate.utils as kv

    key = (obj.get("apiVersion"), obj.get("kind"))
    if key in CRD_SCHEMAS:
        try:
            jsonschema.validate(obj, CRD_SCHEMAS[key])
        except jsonschema.ValidationError as e:
            pytest.fail(f"{where}: {key[1]} {obj['metadata'].get('name')}: {'.'.join(map(str, e.path))}: {e.message}",
                        pytrace=False)
        return
    for version in kubernetes_versions():
        try:
            kv.validate(obj, version, strict=True)
        except kv.ValidationError as e:
            pytest.fail(f"{where}: {obj['kind']} {obj['metadata'].get('name')} is invalid for Kubernetes {e.version}: "
                        f"{'.'.join(map(str, e.path))}: {e.message}", pytrace=False)
        except kv.SchemaNotFoundError as e:
            pytest.fail(f"{where}: {e.message}", pytrace=False)


def run_validate(binary: Path, config_text: str, tmp_path: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """`otel-sidecar validate` on a configuration text. Secret files it must read (headers_file,
    hash_key_file) are pointed at stand-ins in tmp_path with --set, since validate reads them."""
    cfg = yaml.safe_load(config_text) or {}
    cfg_file = tmp_path / "config.yaml"
    cfg_file.write_text(config_text)
    overrides: list[str] = []
    for i, exporter in enumerate(cfg.get("exporters") or []):
        if exporter.get("headers_file"):
            stand_in = tmp_path / f"headers-{i}"
            stand_in.write_text("x-test-header: value\n")
            overrides += ["--set", f"exporters[{i}].headers_file={stand_in}"]
    redaction = ((cfg.get("processors") or {}).get("redaction") or {})
    if redaction.get("hash_key_file"):
        stand_in = tmp_path / "hash-key"
        stand_in.write_text("test-hash-key\n")
        overrides += ["--set", f"processors.redaction.hash_key_file={stand_in}"]
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **(env or {})}
    return subprocess.run([str(binary), "validate", "--config", str(cfg_file), *overrides],
                          capture_output=True, text=True, timeout=60, env=full_env)


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dst
