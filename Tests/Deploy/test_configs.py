"""Every sidecar configuration shipped under deploy/: valid YAML with only the known top-level
sections, accepted by the chart's values schema, and accepted by `otel-sidecar validate`
(the built binary; missing is a failure, see conftest.binary)."""

from __future__ import annotations

import pytest
import yaml

from conftest import CHART, CONFIG_SECTIONS, DEPLOY, REPO, run_validate

CONFIGS = sorted((DEPLOY / "config").rglob("*.yaml")) + [DEPLOY / "docker" / "config.yaml",
                                                         DEPLOY / "compose" / "otel-sidecar.yaml"]
IDS = [str(p.relative_to(REPO)) for p in CONFIGS]
BACKENDS = {"jaeger", "phoenix", "tempo", "datadog", "collector"}


def test_a_config_per_backend():
    assert {p.stem for p in (DEPLOY / "config" / "backends").glob("*.yaml")} == BACKENDS


@pytest.mark.parametrize("path", CONFIGS, ids=IDS)
def test_yaml_with_known_sections(path):
    cfg = yaml.safe_load(path.read_text())
    assert isinstance(cfg, dict) and cfg, f"{path} is not a mapping"
    unknown = set(cfg) - CONFIG_SECTIONS
    assert not unknown, f"{path}: unknown top-level sections {sorted(unknown)}"


@pytest.mark.parametrize("path", CONFIGS, ids=IDS)
def test_otel_sidecar_validate(path, binary, tmp_path):
    result = run_validate(binary, path.read_text(), tmp_path)
    assert result.returncode == 0, f"otel-sidecar validate --config {path.relative_to(REPO)}:\n{result.stdout}{result.stderr}"
    assert "configuration is valid" in result.stdout


@pytest.mark.parametrize("path", CONFIGS, ids=IDS)
def test_chart_schema_accepts_it(path):
    """The chart's values.schema.json and the sidecar agree on what a valid configuration is."""
    helm = pytest.importorskip("helm_python")
    with helm.Chart.load(str(CHART)) as chart:
        chart.validate_schema({"config": yaml.safe_load(path.read_text())})


def test_validate_fails_on_a_bad_config(binary, tmp_path):
    """A negative control: validate exits 2 and names the key."""
    result = run_validate(binary, "exporters:\n  - name: x\n    protocol: grpc\n    endpoint: http://c:4317\n"
                                  "    queue: {overflow: drop_everything}\n", tmp_path)
    assert result.returncode == 2
    assert "exporters[0].queue.overflow" in result.stdout + result.stderr


def test_phoenix_example():
    cfg = yaml.safe_load((DEPLOY / "config" / "backends" / "phoenix.yaml").read_text())
    (exporter,) = cfg["exporters"]
    assert exporter["protocol"] == "http/protobuf"
    assert exporter["traces_endpoint"].endswith(":6006/v1/traces")
    assert "openinference.project.name" in (DEPLOY / "config" / "backends" / "phoenix.yaml").read_text()


def test_datadog_example_uses_the_agent_otlp_receiver():
    text = (DEPLOY / "config" / "backends" / "datadog.yaml").read_text()
    cfg = yaml.safe_load(text)
    assert cfg["exporters"][0]["endpoint"].endswith(":4317")
    assert "DD_OTLP_CONFIG_RECEIVER_PROTOCOLS_GRPC_ENDPOINT" in text
