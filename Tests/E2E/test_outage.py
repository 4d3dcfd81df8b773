"""A backend outage under steady load (docs/delivery.md, "During an outage"): the breaker opens and lets one
probe through per cooldown; the memory queue fills; with a spill nothing is lost, without one every loss is
counted as `queue_full`; and memory stays bounded by `queue.max_bytes`.

The backend is otlp_backend.py, SIGKILLed and restarted on the same port. Figures go to .build/e2e/*.json.
"""

from __future__ import annotations

import time

from conftest import (RSSSampler, accounting, deep_merge, exporter, free_port, proc_peak_rss_mib, sidecar_config, wait_until,
                      write_artifact)

COOLDOWN = 1.0
MAX_COOLDOWN = 8.0
THRESHOLD = 5
RETRY_MAX = 1.0


def outage_exporter(endpoint: str, **overrides) -> dict:
    base = {"queue": {"max_items": 2000}, "retry": {"initial": "100ms", "max": f"{RETRY_MAX:g}s"},
            "circuit_breaker": {"failure_threshold": THRESHOLD, "cooldown": f"{COOLDOWN:g}s", "max_cooldown": f"{MAX_COOLDOWN:g}s"}}
    return exporter("backend", endpoint, **deep_merge(base, overrides))


def max_probes(duration: float, cooldown: float = COOLDOWN, max_cooldown: float = MAX_COOLDOWN) -> int:
    """Probes an open breaker can let through in `duration` seconds after it opened: one per cooldown, the
    cooldown doubling after each failed probe up to `max_cooldown`."""
    n, t, c = 0, 0.0, cooldown
    while t + c <= duration:
        t += c
        n += 1
        c = min(c * 2, max_cooldown)
    return n


def run_outage(sc, backend, load, outage_s: float) -> dict:
    """Load running; kill the backend for `outage_s` seconds, restart it on the same port; returns what was
    observed. Polls /metrics during the outage (breaker state, queue, spill)."""
    wait_until(lambda: len(backend.span_ids()) >= 2000, 30, "2000 spans delivered before the outage")
    before = sc.metrics()
    t_kill = time.monotonic()
    backend.kill()
    seen = {"breaker_open": False, "max_spill_items": 0.0, "max_queue_items": 0.0, "max_queue_bytes": 0.0}
    while time.monotonic() - t_kill < outage_s:
        m = sc.metrics()
        seen["breaker_open"] |= m.get("otel_sidecar_exporter_breaker_state", exporter="backend") == 1
        seen["max_spill_items"] = max(seen["max_spill_items"], m.get("otel_sidecar_exporter_spill_items", exporter="backend"))
        seen["max_queue_items"] = max(seen["max_queue_items"], m.get("otel_sidecar_exporter_queue_items", exporter="backend"))
        seen["max_queue_bytes"] = max(seen["max_queue_bytes"], m.get("otel_sidecar_exporter_queue_bytes", exporter="backend"))
        time.sleep(0.25)
    during = sc.metrics()
    backend.start()
    t_restart = time.monotonic()
    closed_before = during.get("otel_sidecar_exporter_breaker_transitions_total", exporter="backend", to="closed")
    # Bound: the gRPC channel's own reconnect backoff (up to 30 s + 20 % jitter, README.md) plus one cooldown.
    wait_until(lambda: sc.metrics().get("otel_sidecar_exporter_breaker_transitions_total", exporter="backend",
                                        to="closed") > closed_before,
               36 + MAX_COOLDOWN + 15, "the breaker to close after the backend came back", interval=0.05)
    t_closed = time.monotonic()
    acked_at_close = load.acked_span_ids()
    after = sc.metrics()
    # A few more seconds of load once it is healthy again, then stop.
    n = load.acked_spans
    wait_until(lambda: load.acked_spans >= n + 3 * load.rate, 30, "3 s more of load after the recovery")
    load.stop()

    def attempts(m, outcome):
        return m.get("otel_sidecar_exporter_export_attempts_total", exporter="backend", outcome=outcome)

    return {
        "seen": seen, "before": before, "during": during, "after": after, "acked_at_close": acked_at_close,
        "outage_seconds": t_restart - t_kill, "kill_to_closed_seconds": t_closed - t_kill,
        "restart_to_closed_seconds": t_closed - t_restart,
        "retryable_attempts": attempts(after, "retryable") - attempts(before, "retryable"),
        "retryable_before": attempts(before, "retryable"),
    }


def test_outage_30s_with_spill(sidecars, backends, loads, tmp_path):
    backend = backends.start(name="backend")
    spill = tmp_path / "spill"
    sc = sidecars.start(sidecar_config([outage_exporter(backend.grpc_endpoint,
                                                        queue={"spill": {"enabled": True, "directory": str(spill)}})]))
    load = loads.new(sc.grpc_target, rate=2000, spans_per_request=100).start()
    r = run_outage(sc, backend, load, outage_s=30)

    assert load.failed == [], f"the receiver refused or failed requests: {load.failed[:5]}"
    acked = load.acked_span_ids()
    wait_until(lambda: acked <= set(backend.span_ids()), 120,
               lambda: f"every acknowledged span at the backend (missing {len(acked - set(backend.span_ids()))})")
    a = sc.wait_balanced("backend")
    got = backend.span_ids()
    dupes = sum(got.values()) - len(got)

    assert r["seen"]["breaker_open"], "the breaker never showed state 1 (open) during the outage"
    assert r["seen"]["max_spill_items"] > 0, "the memory queue never overflowed to the spill"
    assert set(got) == acked, "the backend has spans that were never acknowledged"
    assert a["received"] == a["sent"] == len(acked), str(a)
    assert not any(a["dropped"].values()), f"nothing may be dropped with a spill: {a}"
    assert a["spilled_total"] > 0, str(a)

    # The breaker bounds what the backend is asked during the outage: THRESHOLD failures open it, then one
    # probe per cooldown (1 s, 2 s, 4 s, 8 s, 8 s, ...), counted up to the moment it was seen closed again.
    bound = THRESHOLD + max_probes(r["kill_to_closed_seconds"])
    retry_only = r["kill_to_closed_seconds"] / RETRY_MAX  # what retries alone (capped at retry.max) would make
    m = sc.metrics()
    opened = m.get("otel_sidecar_exporter_breaker_transitions_total", exporter="backend", to="open")
    figures = {
        "offered_spans_per_second": load.rate, "outage_seconds": round(r["outage_seconds"], 2),
        "kill_to_breaker_closed_seconds": round(r["kill_to_closed_seconds"], 2),
        "backend_back_to_breaker_closed_seconds": round(r["restart_to_closed_seconds"], 2),
        "retryable_attempts_during_outage": r["retryable_attempts"], "attempt_bound_threshold_plus_probes": bound,
        "attempts_with_retry_only_about": round(retry_only), "breaker_opened_times": opened,
        "acked_spans": len(acked), "delivered_distinct": len(got), "duplicates": dupes,
        "max_spill_items": r["seen"]["max_spill_items"], "spilled_items_total": a["spilled_total"],
        "max_queue_items": r["seen"]["max_queue_items"],
    }
    write_artifact("outage_spill", figures)
    assert r["retryable_before"] == 0
    assert THRESHOLD <= r["retryable_attempts"] <= bound, figures
    assert opened >= 2, "a failed probe opens the breaker again"


def test_outage_memory_only(sidecars, backends, loads):
    """Over OTLP/HTTP this time (the spill test covers gRPC). Against a closed port each OTLP/HTTP attempt
    fails only at its timeout (async-http-client's pool waits for its reconnect backoff), so the timeout is
    1 s here: five failures open the breaker in ~5 s of the 12 s outage."""
    backend = backends.start(name="backend", http=True)
    sc = sidecars.start(sidecar_config([outage_exporter(backend.http_endpoint, protocol="http/protobuf", timeout="1s")]))
    load = loads.new(sc.grpc_target, rate=2000, spans_per_request=100).start()
    r = run_outage(sc, backend, load, outage_s=12)

    assert load.failed == [], f"the receiver refused or failed requests: {load.failed[:5]}"
    acked = load.acked_span_ids()
    after_recovery = load.acked_span_ids() - r["acked_at_close"]
    wait_until(lambda: after_recovery <= set(backend.span_ids()), 60, "every span acknowledged after the recovery delivered")
    a = sc.wait_balanced("backend")
    got = backend.span_ids()
    delivered = set(got)

    assert r["seen"]["breaker_open"], "the breaker never showed state 1 (open) during the outage"
    assert r["seen"]["max_queue_items"] <= 2000
    assert delivered <= acked
    assert r["retryable_attempts"] <= THRESHOLD + max_probes(r["kill_to_closed_seconds"])
    assert a["received"] == len(acked), str(a)
    assert a["sent"] == len(delivered), str(a)
    lost = len(acked) - len(delivered)
    assert lost > 0, "a 12 s outage at 2000 spans/s must overflow a queue of 2000 items"
    assert a["dropped"]["queue_full"] == lost, f"{lost} acknowledged spans never arrived; {a}"
    assert {k for k, v in a["dropped"].items() if v} == {"queue_full"}, str(a)
    write_artifact("outage_memory_only", {
        "outage_seconds": round(r["outage_seconds"], 2), "acked_spans": len(acked), "delivered_distinct": len(delivered),
        "backend_back_to_breaker_closed_seconds": round(r["restart_to_closed_seconds"], 2),
        "dropped_queue_full": a["dropped"]["queue_full"], "duplicates": sum(got.values()) - len(got),
        "retryable_attempts_during_outage": r["retryable_attempts"],
        "attempt_bound_threshold_plus_probes": THRESHOLD + max_probes(r["kill_to_closed_seconds"]),
    })


QUEUE_BYTES = 16 << 20
BATCH_BYTES = 1 << 20
# Beyond what docs/delivery.md accounts for (queue.max_bytes + 2 x batch.max_bytes + ~100 B per queued chunk):
# the receive path's buffers for a request being decoded, processed and encoded (~110 KB requests here, a few
# copies), and the allocator keeping freed chunk memory (drop_oldest frees and allocates ~100 KB blocks all
# the time). Measured 3.5-5.2 MiB on the debug build, the most with the CPUs contended (README.md); 12 MiB
# leaves more than twice that. An unbounded queue would exceed the bound by far: the test offers three times
# queue.max_bytes (+48 MiB, against a bound of +30 MiB over idle).
MARGIN = 12 << 20


def test_memory_bounded_during_outage(sidecars, loads):
    """Backend down for the whole test, ~20 s of load offering about three times `queue.max_bytes`: the queue
    stays at its byte bound (the rest is dropped, counted) and the resident set stays under idle RSS + the
    queue bound + the margin documented in README.md."""
    dead = f"http://127.0.0.1:{free_port()}"
    sc = sidecars.start(sidecar_config([exporter("backend", dead, queue={"max_items": 1_000_000, "max_bytes": "16MiB"},
                                                 batch={"max_items": 8192, "max_bytes": "1MiB"})]))
    idle_samples = []
    for _ in range(4):
        idle_samples.append(RSSSampler.rss_bytes(sc.pid))
        time.sleep(0.25)
    idle = max(idle_samples)
    sampler = RSSSampler(sc.pid, interval=0.5).start()
    load = loads.new(sc.grpc_target, rate=2000, spans_per_request=100, pad_bytes=1000).start()
    t0 = time.monotonic()
    wait_until(lambda: load.offered_bytes >= 3 * QUEUE_BYTES and time.monotonic() - t0 >= 20, 90,
               "three times queue.max_bytes offered over at least 20 s")
    load.stop()
    time.sleep(1)  # one more RSS sample after the last request
    sampler.stop()
    m = sc.metrics()
    a = accounting(m, "backend")
    queue_bytes = m.get("otel_sidecar_exporter_queue_bytes", exporter="backend")
    hwm = proc_peak_rss_mib(sc.pid) * (1 << 20)
    peak = max(sampler.peak, hwm)
    chunks = a["queue_items"] / 100 + 1  # one chunk per received request (100 spans)
    bound = idle + QUEUE_BYTES + 2 * BATCH_BYTES + 100 * chunks + MARGIN
    figures = {
        "idle_rss_mib": round(idle / 2**20, 1), "peak_rss_mib": round(peak / 2**20, 1), "vmhwm_mib": round(hwm / 2**20, 1),
        "growth_mib": round((peak - idle) / 2**20, 1), "queue_max_bytes_mib": QUEUE_BYTES / 2**20,
        "batch_max_bytes_mib": BATCH_BYTES / 2**20, "margin_mib": MARGIN / 2**20, "bound_mib": round(bound / 2**20, 1),
        "queue_bytes_at_end_mib": round(queue_bytes / 2**20, 2), "offered_mib": round(load.offered_bytes / 2**20, 1),
        "offered_spans": load.acked_spans, "queued_items": a["queue_items"], "dropped": a["dropped"],
        "seconds": round(time.monotonic() - t0, 1), "samples": len(sampler.samples),
        "rss_mib_series": [round(v / 2**20, 1) for _, v in sampler.samples],
    }
    write_artifact("memory_outage", figures)
    assert load.failed == []
    assert a.balanced, str(a)
    assert a["dropped"]["queue_full"] > 0, "the queue must have overflowed"
    assert QUEUE_BYTES - 2 * 110_000 <= queue_bytes <= QUEUE_BYTES, "the queue holds (about) its byte bound"
    assert peak <= bound, f"peak RSS {peak / 2**20:.1f} MiB is over idle + queue + 2 batches + margin = {bound / 2**20:.1f} MiB"
