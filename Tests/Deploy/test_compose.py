"""deploy/compose: the compose file validates with docker-compose 1.29.2 (`config -q`, no container
engine needed), every image is pinned, every mounted file exists, and the pieces agree with each
other (ports, service names, the Grafana dashboard and its provisioning).

docker-compose 1.29.2 needs PyYAML 5.4.1, which conflicts with the PyYAML 6 of the test venv and
only builds in a particular way (shared/PEERS.md). It therefore gets its own venv, `.venv-compose`
under the repository root (git-ignored), created on first use from the pinned
Tests/Deploy/requirements-compose*.txt (~25 s, needs PyPI) and reused afterwards. Set
OTEL_SIDECAR_COMPOSE_VENV to use another location.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import DEPLOY, REPO, run_validate

COMPOSE_DIR = DEPLOY / "compose"
COMPOSE_FILE = COMPOSE_DIR / "docker-compose.yaml"
HERE = Path(__file__).resolve().parent
BUILD_REQS = HERE / "requirements-compose-build.txt"
REQS = HERE / "requirements-compose.txt"

SIDECAR_METRICS = [
    "otel_sidecar_receiver_received_items_total",
    "otel_sidecar_exporter_sent_items_total",
    "otel_sidecar_exporter_dropped_items_total",
    "otel_sidecar_queue_items",
    "otel_sidecar_breaker_state",
    "traces_span_metrics_calls_total",
    "traces_span_metrics_duration_seconds_bucket",
]


def compose_venv() -> Path:
    return Path(os.environ.get("OTEL_SIDECAR_COMPOSE_VENV", REPO / ".venv-compose"))


def _pip(venv: Path, *args: str) -> None:
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
                    "--quiet", *args], check=True, timeout=600)


@pytest.fixture(scope="session")
def docker_compose() -> Path:
    """docker-compose 1.29.2 in its own venv, built once (see the module docstring)."""
    venv = compose_venv()
    stamp = venv / ".requirements.sha256"
    digest = hashlib.sha256(BUILD_REQS.read_bytes() + REQS.read_bytes()).hexdigest()
    exe = venv / "bin" / "docker-compose"
    if not (exe.exists() and stamp.exists() and stamp.read_text() == digest):
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        _pip(venv, "-r", str(BUILD_REQS))
        _pip(venv, "--no-build-isolation", "PyYAML==5.4.1")
        _pip(venv, "-r", str(REQS))
        stamp.write_text(digest)
    return exe


def _compose(exe: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run([str(exe), "-f", str(COMPOSE_FILE), *args], capture_output=True, text=True,
                          timeout=120, cwd=COMPOSE_DIR, env=env)


def test_compose_file_validates(docker_compose):
    result = _compose(docker_compose, "config", "-q")
    assert result.returncode == 0, f"docker-compose config -q failed:\n{result.stderr}"
    assert result.stderr.strip() == "", f"docker-compose warned:\n{result.stderr}"


def test_compose_validator_catches_an_error(docker_compose, tmp_path):
    """A negative control: an unknown key fails `config -q`."""
    bad = yaml.safe_load(COMPOSE_FILE.read_text())
    bad["services"]["otel-sidecar"]["restart_policy"] = "always"
    bad_file = tmp_path / "docker-compose.yaml"
    bad_file.write_text(yaml.safe_dump(bad))
    result = subprocess.run([str(docker_compose), "-f", str(bad_file), "--project-directory", str(COMPOSE_DIR),
                             "config", "-q"], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "restart_policy" in result.stderr


def test_the_services(docker_compose):
    result = _compose(docker_compose, "config")
    assert result.returncode == 0, result.stderr
    cfg = yaml.safe_load(result.stdout)
    services = cfg["services"]
    assert set(services) == {"proxy", "otel-sidecar", "jaeger", "phoenix", "prometheus", "grafana"}
    assert services["jaeger"]["environment"]["COLLECTOR_OTLP_ENABLED"] == "true"
    # The proxy and the sidecar share the socket volume.
    def volume_targets(svc):   # docker-compose 1.x prints the short syntax, source:target[:mode]
        return {v.split(":")[0]: v.split(":")[1] for v in services[svc]["volumes"]}
    assert volume_targets("otel-sidecar")["sidecar-run"] == "/run/otel-sidecar"
    assert volume_targets("proxy")["sidecar-run"] == "/run/otel-sidecar"
    sidecar = services["otel-sidecar"]
    assert sidecar["read_only"] is True and sidecar["cap_drop"] == ["ALL"]
    assert sidecar["user"] == "65532:65532"


def test_images_are_pinned():
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    for name, svc in compose["services"].items():
        image = svc.get("image")
        assert image, f"{name}: no image name (a built service names its image too)"
        repo, _, tag = image.rpartition(":")
        assert repo and tag and "/" not in tag, f"{name}: image {image} has no tag"
        assert tag != "latest" and "latest" not in tag, f"{name}: {image} is not pinned"
    for dockerfile in [DEPLOY / "docker" / "Dockerfile", COMPOSE_DIR / "proxy" / "Dockerfile"]:
        text = dockerfile.read_text()
        images = re.findall(r"^FROM\s+(\S+)", text, re.M)
        defaults = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", text, re.M))
        assert images, dockerfile
        for image in images:
            image = re.sub(r"\$\{(\w+)\}", lambda m: defaults[m.group(1)], image)
            assert re.search(r":[\w.-]*\d[\w.-]*$", image) and "latest" not in image, f"{dockerfile}: {image} is not pinned"


def test_mounted_files_and_build_contexts_exist():
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    for name, svc in compose["services"].items():
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (COMPOSE_DIR / source).exists(), f"{name}: {source} does not exist"
        build = svc.get("build")
        if build:
            context = COMPOSE_DIR / (build if isinstance(build, str) else build["context"])
            dockerfile = context / (build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile")
            assert dockerfile.is_file(), f"{name}: {dockerfile} does not exist"


def test_sidecar_config_passes_validate_and_points_at_the_services(binary, tmp_path):
    text = (COMPOSE_DIR / "otel-sidecar.yaml").read_text()
    result = run_validate(binary, text, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    cfg = yaml.safe_load(text)
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    hosts = set()
    for exporter in cfg["exporters"]:
        for key in ("endpoint", "traces_endpoint", "metrics_endpoint", "logs_endpoint"):
            if exporter.get(key):
                hosts.add(re.match(r"^\w+://([^:/]+)", exporter[key]).group(1))
    assert hosts <= set(compose["services"]), hosts
    phoenix = next(e for e in cfg["exporters"] if e["name"] == "phoenix")
    assert phoenix["protocol"] == "http/protobuf" and phoenix["traces_endpoint"] == "http://phoenix:6006/v1/traces"
    # Prometheus scrapes the port the sidecar listens on.
    prom = yaml.safe_load((COMPOSE_DIR / "prometheus" / "prometheus.yml").read_text())
    targets = [t for job in prom["scrape_configs"] if job["job_name"] == "otel-sidecar"
               for sc in job["static_configs"] for t in sc["targets"]]
    assert targets == [f"otel-sidecar:{cfg['prometheus']['endpoint'].rsplit(':', 1)[1]}"]
    assert cfg["prometheus"]["endpoint"].startswith("0.0.0.0:")


def test_prometheus_config_checks():
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool (Debian package prometheus) is not installed")
    result = subprocess.run([promtool, "check", "config", "--syntax-only",
                             str(COMPOSE_DIR / "prometheus" / "prometheus.yml")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_grafana_dashboard_and_provisioning():
    dashboard = json.loads((DEPLOY / "grafana" / "otel-sidecar.json").read_text())
    assert dashboard["uid"] == "otel-sidecar" and dashboard["title"]
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    assert exprs
    for metric in SIDECAR_METRICS:
        assert any(metric in e for e in exprs), f"the dashboard does not use {metric}"
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for p in dashboard["panels"]:
        g = p["gridPos"]
        assert g["x"] + g["w"] <= 24, p["title"]
    # Balanced braces and parentheses in every query.
    for e in exprs:
        assert e.count("(") == e.count(")") and e.count("{") == e.count("}"), e

    ds = yaml.safe_load((COMPOSE_DIR / "grafana/provisioning/datasources/prometheus.yaml").read_text())
    assert ds["datasources"][0]["uid"] == "prometheus"
    assert ds["datasources"][0]["url"] == "http://prometheus:9090"
    provider = yaml.safe_load((COMPOSE_DIR / "grafana/provisioning/dashboards/otel-sidecar.yaml").read_text())
    path = provider["providers"][0]["options"]["path"]
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    mounts = {v.split(":")[1]: v.split(":")[0] for v in compose["services"]["grafana"]["volumes"]}
    assert mounts[f"{path}/otel-sidecar.json"] == "../grafana/otel-sidecar.json"


def test_proxy_script_compiles():
    source = (COMPOSE_DIR / "proxy" / "proxy.py").read_text()
    compile(source, "proxy.py", "exec")
    reqs = (COMPOSE_DIR / "proxy" / "requirements.txt").read_text()
    for line in reqs.splitlines():
        if line.strip() and not line.startswith("#"):
            assert "==" in line, f"proxy requirement not pinned: {line}"
