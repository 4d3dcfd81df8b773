"""Shared pieces of the end-to-end delivery tests (Tests/E2E/README.md).

The real sidecar binary, real backends (Tests/ExportTests/python/otlp_backend.py, Arize Phoenix) and real
clients (grpcio, the OpenTelemetry SDK), all on loopback ports picked free at run time. Nothing here sleeps to
assert on time: conditions are polled with a bounded deadline (`wait_until`).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Callable

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BACKEND_SCRIPT = REPO / "Tests" / "ExportTests" / "python" / "otlp_backend.py"
ARTIFACTS = REPO / ".build" / "e2e"

# Reused helpers of the ingest benchmark: free loopback ports and /proc readings.
sys.path.insert(0, str(REPO / "Tests" / "Benchmarks"))
import ingest_bench  # noqa: E402

free_port = ingest_bench.free_port
proc_cpu_seconds = ingest_bench.proc_cpu_seconds
proc_peak_rss_mib = ingest_bench.proc_peak_rss_mib

TRACE_SERVICE = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"


# ---------------------------------------------------------------- polling


def wait_until(cond: Callable[[], object], timeout: float, what: str, interval: float = 0.1):
    """Polls `cond` until it returns something truthy (returned) or `timeout` seconds pass (a test failure
    naming `what`; `what` may be a callable giving the message, evaluated only then)."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what() if callable(what) else what}", pytrace=False)
        time.sleep(interval)


# ---------------------------------------------------------------- the binary


def sidecar_binary() -> Path:
    return Path(os.environ.get("OTEL_SIDECAR_BIN", REPO / ".build" / "debug" / "otel-sidecar"))


@pytest.fixture(scope="session")
def binary(tmp_path_factory):
    """The sidecar binary, copied once per session so that a rebuild of .build/ while the tests run cannot
    swap it between a test's first and second start. Missing is a failure, not a skip."""
    path = sidecar_binary()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"{path} not found: build it first (swift build --product otel-sidecar), "
                    "or point OTEL_SIDECAR_BIN at a built otel-sidecar", pytrace=False)
    copy = tmp_path_factory.mktemp("bin") / "otel-sidecar"
    shutil.copy2(path, copy)
    r = subprocess.run([str(copy), "--version"], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        pytest.fail(f"{path} does not run (is a build writing it right now?): {r.stderr.strip()}", pytrace=False)
    yield copy
    copy.unlink()


# ---------------------------------------------------------------- /metrics


class Metrics:
    """One Prometheus text scrape: `get(name, **labels)` sums the series whose labels include `labels`."""

    def __init__(self, text: str):
        self.text = text
        self.samples: list[tuple[str, dict[str, str], float]] = []
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            head, value = line.rsplit(" ", 1)
            if "{" in head:
                name, rest = head.split("{", 1)
                labels = dict(_parse_labels(rest.rstrip("}")))
            else:
                name, labels = head, {}
            self.samples.append((name, labels, float(value)))

    def get(self, name: str, **labels: str) -> float:
        return sum(v for n, ls, v in self.samples if n == name and all(ls.get(k) == w for k, w in labels.items()))

    def by_label(self, name: str, label: str, **labels: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for n, ls, v in self.samples:
            if n == name and label in ls and all(ls.get(k) == w for k, w in labels.items()):
                out[ls[label]] = out.get(ls[label], 0) + v
        return out


def _parse_labels(s: str):
    i = 0
    while i < len(s):
        eq = s.index("=", i)
        key = s[i:eq].strip().lstrip(",").strip()
        assert s[eq + 1] == '"'
        j = eq + 2
        val = []
        while s[j] != '"':
            if s[j] == "\\":
                j += 1
                val.append({"n": "\n"}.get(s[j], s[j]))
            else:
                val.append(s[j])
            j += 1
        yield key, "".join(val)
        i = j + 1


class Accounting(dict):
    """Per exporter and signal: received + recovered == sent + Σ dropped{reason} + queued + in_flight + spilled
    (docs/delivery.md, "Accounting")."""

    @property
    def lhs(self) -> float:
        return self["received"] + self["recovered"]

    @property
    def rhs(self) -> float:
        return self["sent"] + sum(self["dropped"].values()) + self["queue_items"] + self["in_flight"] + self["spill_items"]

    @property
    def balanced(self) -> bool:
        return self.lhs == self.rhs

    @property
    def settled(self) -> bool:
        """Nothing waiting: the queue, the export in flight and the spill are empty."""
        return self["queue_items"] == 0 and self["in_flight"] == 0 and self["spill_items"] == 0

    def __str__(self) -> str:
        dropped = {k: int(v) for k, v in self["dropped"].items() if v}
        return (f"received {self['received']:.0f} + recovered {self['recovered']:.0f} = {self.lhs:.0f}; sent {self['sent']:.0f}"
                f" + dropped {dropped} + queued {self['queue_items']:.0f} + in flight {self['in_flight']:.0f}"
                f" + spilled {self['spill_items']:.0f} = {self.rhs:.0f}")


def accounting(m: Metrics, exporter: str, signal: str = "traces") -> Accounting:
    e = {"exporter": exporter, "signal": signal}
    return Accounting(
        received=m.get("otel_sidecar_exporter_received_items_total", **e),
        recovered=m.get("otel_sidecar_exporter_recovered_items_total", **e),
        sent=m.get("otel_sidecar_exporter_sent_items_total", **e),
        dropped=m.by_label("otel_sidecar_exporter_dropped_items_total", "reason", **e),
        queue_items=m.get("otel_sidecar_exporter_queue_items", **e),
        in_flight=m.get("otel_sidecar_exporter_in_flight_items", **e),
        spill_items=m.get("otel_sidecar_exporter_spill_items", **e),
        refused=m.get("otel_sidecar_exporter_refused_items_total", **e),
        spilled_total=m.get("otel_sidecar_exporter_spilled_items_total", **e),
    )


# ---------------------------------------------------------------- configuration


def deep_merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for k, v in extra.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def exporter(name: str, endpoint: str, protocol: str = "grpc", **overrides) -> dict:
    """An exporter of traces with timers shortened for tests (defaults are seconds to minutes): a batch
    leaves after 50 ms, retries start at 100 ms, the breaker cools down for 1 s doubling to 4 s."""
    base = {
        "name": name, "protocol": protocol, "endpoint": endpoint, "signals": ["traces"], "timeout": "2s",
        "queue": {"max_items": 100_000},
        "batch": {"max_items": 512, "max_delay": "50ms"},
        "retry": {"initial": "100ms", "max": "1s", "multiplier": 2, "randomization": 0.2},
        "circuit_breaker": {"failure_threshold": 5, "cooldown": "1s", "max_cooldown": "4s"},
    }
    return deep_merge(base, overrides)


def sidecar_config(exporters: list[dict], **overrides) -> dict:
    """A whole configuration: OTLP/gRPC on a free loopback port only (no Unix sockets, no events),
    /metrics on another; filled with the ports by `SidecarFactory.start`."""
    base = {
        "service": {"name": "e2e-sidecar", "shutdown_grace_period": "5s"},
        "receivers": {"events": {"enabled": False},
                      "otlp": {"grpc": {"socket": "", "endpoint": None}, "http": {"enabled": False}}},
        "exporters": exporters,
        "prometheus": {"endpoint": None},
        "logging": {"level": "info", "format": "json"},
    }
    return deep_merge(base, overrides)


# ---------------------------------------------------------------- the sidecar process


class Sidecar:
    def __init__(self, binary: Path, config: dict, workdir: Path, name: str):
        self.binary = binary
        self.config = config
        self.workdir = workdir
        self.name = name
        self.grpc_port = int(config["receivers"]["otlp"]["grpc"]["endpoint"].rsplit(":", 1)[1])
        self.metrics_port = int(config["prometheus"]["endpoint"].rsplit(":", 1)[1])
        self.config_path = workdir / f"{name}.yaml"
        self.config_path.write_text(yaml.safe_dump(config, sort_keys=False))
        self.stderr_path = workdir / f"{name}.stderr.log"
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0

    @property
    def grpc_target(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def validate(self) -> None:
        r = subprocess.run([str(self.binary), "validate", "--config", str(self.config_path)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, f"otel-sidecar validate refused {self.config_path}:\n{r.stdout}{r.stderr}"

    def start(self, ready_timeout: float = 30) -> "Sidecar":
        with open(self.stderr_path, "ab") as err:
            self.proc = subprocess.Popen([str(self.binary), "run", "--config", str(self.config_path)],
                                         stdout=subprocess.DEVNULL, stderr=err, cwd=self.workdir,
                                         env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        self.started_at = time.monotonic()
        wait_until(self.ready, ready_timeout, lambda: f"{self.name} to answer /readyz 200\n{self.log_tail()}")
        return self

    def ready(self) -> bool:
        if self.proc.poll() is not None:
            pytest.fail(f"{self.name} exited with {self.proc.returncode} before it was ready:\n{self.log_tail()}", pytrace=False)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/readyz", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def metrics(self) -> Metrics:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10) as r:
            return Metrics(r.read().decode())

    def accounting(self, exporter: str, signal: str = "traces") -> Accounting:
        return accounting(self.metrics(), exporter, signal)

    def wait_balanced(self, exporter: str, *, settled: bool = True, timeout: float = 60,
                      extra: Callable[[Accounting], bool] = lambda a: True) -> Accounting:
        """Polls /metrics until the accounting identity holds for `exporter` (and, with `settled`, nothing is
        queued, in flight or spilled; and `extra`). One scrape reads counters and gauges one after the other,
        so while data moves a scrape may straddle a change: the identity is asserted on a quiet scrape."""
        last: list[Accounting] = []

        def check():
            a = self.accounting(exporter)
            last[:] = [a]
            return a if a.balanced and (a.settled or not settled) and extra(a) else None

        return wait_until(check, timeout, lambda: f"the accounting of '{exporter}' to balance{' and settle' if settled else ''}: "
                          f"{last[0] if last else '(no scrape)'}", interval=0.2)

    def log_lines(self) -> list[dict]:
        out = []
        for line in self.stderr_path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
        return out

    def log_tail(self, n: int = 40) -> str:
        if not self.stderr_path.exists():
            return "(no log)"
        return "\n".join(self.stderr_path.read_text(errors="replace").splitlines()[-n:])

    def terminate(self, timeout: float) -> tuple[int, float]:
        """SIGTERM; returns (exit status, seconds until it exited). Fails if it has not exited in `timeout`."""
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            pytest.fail(f"{self.name} did not exit within {timeout} s of SIGTERM:\n{self.log_tail()}", pytrace=False)
        return rc, time.monotonic() - t0

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class SidecarFactory:
    def __init__(self, binary: Path, workdir: Path):
        self.binary = binary
        self.workdir = workdir
        self.started: list[Sidecar] = []

    def start(self, config: dict, name: str = "sidecar", ready_timeout: float = 30) -> Sidecar:
        """Fills in free ports where the configuration has none, validates it with `otel-sidecar validate`,
        starts the binary and waits for /readyz."""
        config = json.loads(json.dumps(config))
        grpc = config["receivers"]["otlp"]["grpc"]
        if not grpc.get("endpoint"):
            grpc["endpoint"] = f"127.0.0.1:{free_port()}"
        if not config["prometheus"].get("endpoint"):
            config["prometheus"]["endpoint"] = f"127.0.0.1:{free_port()}"
        s = Sidecar(self.binary, config, self.workdir, name)
        s.validate()
        self.started.append(s)
        return s.start(ready_timeout)

    def cleanup(self) -> None:
        for s in self.started:
            s.kill()


@pytest.fixture
def sidecars(binary, tmp_path):
    """Starts sidecars (`sidecars.start(config)`); every one still running at the end is killed."""
    f = SidecarFactory(binary, tmp_path)
    yield f
    f.cleanup()


# ---------------------------------------------------------------- the OTLP backend (otlp_backend.py)


class Backend:
    """Tests/ExportTests/python/otlp_backend.py on loopback: OTLP/gRPC (and OTLP/HTTP when asked). It records
    every request; `span_ids()` counts the span ids of the requests it answered with success. Killing and
    restarting it keeps the port and appends to the same record file."""

    def __init__(self, workdir: Path, name: str = "backend", grpc_port: int | None = None, http: bool = False,
                 script: str = ""):
        self.workdir = workdir
        self.name = name
        self.grpc_port = grpc_port or free_port()
        self.http_port = free_port() if http else None
        self.script = script
        self.record = workdir / f"{name}.jsonl"
        self.record.touch()
        self.proc: subprocess.Popen | None = None
        self._offset = 0
        self._counts: Counter[str] = Counter()
        self.requests = 0
        self.restarts = 0

    @property
    def grpc_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.grpc_port}"

    @property
    def http_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self, timeout: float = 30) -> "Backend":
        ready = self.workdir / f"{self.name}.ready.{self.restarts}.json"
        args = [sys.executable, str(BACKEND_SCRIPT), "--record", str(self.record), "--ready", str(ready),
                "--grpc-port", str(self.grpc_port)]
        if self.http_port:
            args += ["--http-port", str(self.http_port)]
        if self.script:
            args += ["--script", self.script]
        with open(self.workdir / f"{self.name}.stderr.log", "ab") as err:
            self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
        self.restarts += 1

        def is_ready():
            assert self.proc.poll() is None, f"{self.name} exited with {self.proc.returncode}"
            return ready.exists()

        wait_until(is_ready, timeout, f"{self.name} to listen on port {self.grpc_port}")
        ports = json.loads(ready.read_text())
        assert ports["grpc_port"] == self.grpc_port
        return self

    def kill(self) -> None:
        """SIGKILL: the backend dies as a crashed process would (requests it recorded are on disk: it writes
        a record before answering)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def span_ids(self) -> Counter[str]:
        """Span id (hex) -> times received in a request answered with success. Reads the record file
        incrementally (complete lines only)."""
        with open(self.record, "rb") as f:
            f.seek(self._offset)
            data = f.read()
        end = data.rfind(b"\n") + 1
        self._offset += end
        for line in data[:end].splitlines():
            entry = json.loads(line)
            if entry.get("transport") not in ("grpc", "http") or entry.get("signal") != "traces":
                continue
            self.requests += 1
            answer = entry.get("answer", "")
            if answer != "ok" and not answer.startswith("slow:"):
                continue
            for rs in entry["request"].get("resourceSpans", []):
                for ss in rs.get("scopeSpans", []):
                    for sp in ss.get("spans", []):
                        self._counts[sp["spanId"]] += 1
        return self._counts


@pytest.fixture
def backends(tmp_path):
    """Starts otlp_backend.py instances (`backends.start(name=...)`); all are killed at the end."""
    made: list[Backend] = []

    class Factory:
        def new(self, **kw) -> Backend:
            b = Backend(tmp_path, **kw)
            made.append(b)
            return b

        def start(self, **kw) -> Backend:
            return self.new(**kw).start()

    yield Factory()
    for b in made:
        b.kill()


# ---------------------------------------------------------------- the load (OTLP/gRPC client)


def span_id(request_no: int, index: int) -> bytes:
    """Deterministic, never zero: the request number in the high 6 bytes, the span's index in the low 2."""
    return struct.pack(">Q", (request_no << 16) | index)


class SpanLoad:
    """Sends ExportTraceServiceRequests of `spans_per_request` spans to the sidecar's OTLP/gRPC receiver at
    `rate` spans/s from one thread, and records which requests were acknowledged OK. Every span has a
    distinct id (`span_id(request_no, index)`), so what a backend received can be compared with what the
    sidecar acknowledged."""

    def __init__(self, target: str, rate: float, spans_per_request: int = 50, pad_bytes: int = 0,
                 call_timeout: float = 5, tag: str = "e2e"):
        import grpc

        self.target = target
        self.rate = rate
        self.spans_per_request = spans_per_request
        self.pad = "x" * pad_bytes
        self.call_timeout = call_timeout
        self.tag = tag
        self.trace_prefix = os.urandom(8)
        self.channel = grpc.insecure_channel(target)
        self.call = self.channel.unary_unary(TRACE_SERVICE, request_serializer=None, response_deserializer=None)
        self.next_no = 1
        self.acked: list[int] = []
        self.failed: list[tuple[int, str]] = []
        self.offered_bytes = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def request(self, no: int) -> bytes:
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
        from opentelemetry.proto.common.v1.common_pb2 import AnyValue, InstrumentationScope, KeyValue
        from opentelemetry.proto.resource.v1.resource_pb2 import Resource
        from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span

        now = time.time_ns()
        trace_id = self.trace_prefix + struct.pack(">Q", no)
        spans = []
        for i in range(self.spans_per_request):
            attrs = [KeyValue(key="e2e.request", value=AnyValue(int_value=no)),
                     KeyValue(key="e2e.index", value=AnyValue(int_value=i))]
            if self.pad:
                attrs.append(KeyValue(key="e2e.pad", value=AnyValue(string_value=self.pad)))
            spans.append(Span(trace_id=trace_id, span_id=span_id(no, i), name=f"{self.tag} op", kind=Span.SPAN_KIND_SERVER,
                              start_time_unix_nano=now, end_time_unix_nano=now + 1_000_000, attributes=attrs))
        req = ExportTraceServiceRequest(resource_spans=[ResourceSpans(
            resource=Resource(attributes=[KeyValue(key="service.name", value=AnyValue(string_value=f"{self.tag}-client"))]),
            scope_spans=[ScopeSpans(scope=InstrumentationScope(name="e2e"), spans=spans)])])
        return req.SerializeToString()

    def send_one(self) -> bool:
        import grpc

        no = self.next_no
        self.next_no += 1
        body = self.request(no)
        self.offered_bytes += len(body)
        try:
            self.call(body, timeout=self.call_timeout)
        except grpc.RpcError as e:
            with self._lock:
                self.failed.append((no, e.code().name))
            return False
        with self._lock:
            self.acked.append(no)
        return True

    def _run(self) -> None:
        interval = self.spans_per_request / self.rate
        nxt = time.monotonic()
        while not self._stop.is_set():
            self.send_one()
            nxt += interval
            delay = nxt - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
            elif delay < -1:
                nxt = time.monotonic()  # fell behind (a slow call): no burst to catch up

    def start(self) -> "SpanLoad":
        self._thread = threading.Thread(target=self._run, name=f"load-{self.tag}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(self.call_timeout + 10)

    def close(self) -> None:
        self.stop()
        self.channel.close()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def acked_span_ids(self) -> set[str]:
        with self._lock:
            nos = list(self.acked)
        return {span_id(no, i).hex() for no in nos for i in range(self.spans_per_request)}

    @property
    def acked_spans(self) -> int:
        with self._lock:
            return len(self.acked) * self.spans_per_request

    @property
    def sent_requests(self) -> int:
        return self.next_no - 1


@pytest.fixture
def loads():
    """Makes `SpanLoad`s (`loads.new(target, rate, ...)`); all are stopped and closed at the end."""
    made: list[SpanLoad] = []

    class Factory:
        def new(self, *a, **kw) -> SpanLoad:
            made.append(SpanLoad(*a, **kw))
            return made[-1]

    yield Factory()
    for load in made:
        load.close()


# ---------------------------------------------------------------- memory


class RSSSampler:
    """Samples VmRSS of a process from /proc every `interval` seconds in a thread."""

    def __init__(self, pid: int, interval: float = 0.5):
        self.pid = pid
        self.interval = interval
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def rss_bytes(pid: int) -> int:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def _run(self) -> None:
        t0 = time.monotonic()
        while not self._stop.is_set():
            try:
                self.samples.append((time.monotonic() - t0, self.rss_bytes(self.pid)))
            except OSError:
                return
            self._stop.wait(self.interval)

    def start(self) -> "RSSSampler":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    @property
    def peak(self) -> int:
        return max(v for _, v in self.samples)


def write_artifact(name: str, data: dict) -> Path:
    """Figures for docs/performance.md: .build/e2e/NAME.json (and printed, visible with pytest -s)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    print(f"\n[{name}] {json.dumps(data, sort_keys=True)}")
    return path
