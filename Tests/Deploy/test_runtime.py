"""The built binary as the deployments run it: systemd readiness through a fake NOTIFY_SOCKET
listener (READY=1 once listening, STOPPING=1 on SIGTERM), the compose demo's proxy stand-in
talking the event protocol to it, and the two behaviours the deployment files rely on that the
binary has: SIGHUP reload and the healthcheck subcommand."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DEPLOY


def write_config(tmp: Path, exporters: str = "[]") -> Path:
    cfg = tmp / "config.yaml"
    cfg.write_text(f"""
receivers:
  events:
    socket: {tmp}/events.sock
  otlp:
    grpc: {{enabled: false}}
    http: {{enabled: false}}
prometheus:
  endpoint: 127.0.0.1:0
exporters: {exporters}
logging:
  level: info
  format: json
""")
    return cfg


class Sidecar:
    def __init__(self, binary: Path, tmp: Path, config: Path, env: dict | None = None):
        self.stderr_path = tmp / "stderr.log"
        self.stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen([str(binary), "run", "--config", str(config)], stdout=subprocess.DEVNULL,
                                     stderr=self.stderr, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **(env or {})})

    def log(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def stop(self, timeout: float = 15) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            self.stderr.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.stderr.close()


def wait_for_socket(path: Path, proc: subprocess.Popen, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, "the sidecar exited"
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.05)


@pytest.mark.parametrize("abstract", [False, True], ids=["path", "abstract"])
def test_sd_notify_ready_then_stopping(binary, tmp_path, abstract):
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if abstract:
        name = f"otel-sidecar-test-{os.getpid()}-{time.monotonic_ns()}"
        listener.bind("\0" + name)
        notify = "@" + name
    else:
        notify = str(tmp_path / "notify.sock")
        listener.bind(notify)
    listener.settimeout(20)
    sidecar = Sidecar(binary, tmp_path, write_config(tmp_path), env={"NOTIFY_SOCKET": notify})
    try:
        message = listener.recv(4096).decode()
        assert "READY=1" in message.split("\n"), message
        # Ready means listening: the socket is there and accepts a connection.
        events = tmp_path / "events.sock"
        assert events.exists()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
            c.connect(str(events))
        sidecar.proc.send_signal(signal.SIGTERM)
        message = listener.recv(4096).decode()
        assert "STOPPING=1" in message.split("\n"), message
        assert sidecar.stop() == 0, sidecar.log()
    finally:
        sidecar.kill()
        listener.close()


def test_no_notify_socket_is_fine(binary, tmp_path):
    sidecar = Sidecar(binary, tmp_path, write_config(tmp_path))
    try:
        wait_for_socket(tmp_path / "events.sock", sidecar.proc)
        assert sidecar.stop() == 0, sidecar.log()
    finally:
        sidecar.kill()


def test_compose_proxy_events_reach_an_exporter(binary, tmp_path):
    """deploy/compose/proxy/proxy.py (event protocol only: stdlib) -> the sidecar -> a console
    exporter writing OTLP/JSON lines: the proxy's spans, resource and metrics arrive."""
    out = tmp_path / "out.jsonl"
    config = write_config(tmp_path, exporters=f'[{{name: console, protocol: console, path: "{out}"}}]')
    sidecar = Sidecar(binary, tmp_path, config)
    try:
        wait_for_socket(tmp_path / "events.sock", sidecar.proc)
        proxy = subprocess.run([sys.executable, str(DEPLOY / "compose" / "proxy" / "proxy.py"),
                                "--events-socket", str(tmp_path / "events.sock"), "--no-sdk",
                                "--count", "12", "--rate", "200", "--seed", "7"],
                               capture_output=True, text=True, timeout=60)
        assert proxy.returncode == 0, proxy.stderr
        assert "sidecar rejected" not in proxy.stderr, proxy.stderr
        assert sidecar.stop() == 0, sidecar.log()
    finally:
        sidecar.kill()
    lines = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    spans = [s for doc in lines for rs in doc.get("resourceSpans", []) for ss in rs["scopeSpans"] for s in ss["spans"]]
    resources = [rs["resource"] for doc in lines for rs in doc.get("resourceSpans", [])]
    assert len(spans) == 12
    assert all(s["name"].split(" ")[0] in {"tools/call", "tools/list", "resources/read", "prompts/get"} for s in spans)
    attrs = {a["key"]: a["value"] for a in resources[0]["attributes"]}
    assert attrs["openinference.project.name"] == {"stringValue": "mcp-gateway"}
    assert any("resourceMetrics" in doc for doc in lines), "no metrics exported"


def test_sighup_reloads_instead_of_exiting(binary, tmp_path):
    sidecar = Sidecar(binary, tmp_path, write_config(tmp_path))
    try:
        wait_for_socket(tmp_path / "events.sock", sidecar.proc)
        sidecar.proc.send_signal(signal.SIGHUP)
        time.sleep(1.0)
        assert sidecar.proc.poll() is None, f"exited with {sidecar.proc.returncode} on SIGHUP"
        assert sidecar.stop() == 0
    finally:
        sidecar.kill()


def test_healthcheck_subcommand_exists(binary):
    result = subprocess.run([str(binary), "help", "healthcheck"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and "--url" in result.stdout, result.stdout + result.stderr
