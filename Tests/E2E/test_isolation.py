"""One dead exporter does not slow a healthy one (docs/delivery.md: each exporter has its own queue,
batcher, breaker and retry; "a dead or slow backend only ever fills its own queue; receivers never wait").

No timing ratio: the proof is an ordering. While the load runs, once the dead exporter is known to be
failing (its breaker open, or its single export stuck), a checkpoint takes the set of spans the receiver has
acknowledged so far; the healthy backend must hold all of them while the load is still running and while the
dead exporter is still failing (breaker still not closed / the same export still stuck, nothing sent).
"""

from __future__ import annotations

import socket

import pytest

from conftest import exporter, free_port, sidecar_config, wait_until


@pytest.mark.parametrize("dead_kind", ["refused", "blackhole"])
def test_two_exporters_one_dead(sidecars, backends, loads, dead_kind):
    live = backends.start(name="live")
    blackhole = None
    if dead_kind == "refused":
        dead_endpoint = f"http://127.0.0.1:{free_port()}"  # nothing listens: connection refused at once
        dead = exporter("dead", dead_endpoint, queue={"max_items": 2000})
    else:
        # Accepts TCP connections (the kernel completes the handshake) and never answers: every export waits
        # for its timeout. 60 s is longer than the whole test, so its first export is still stuck at the end.
        blackhole = socket.socket()
        blackhole.bind(("127.0.0.1", 0))
        blackhole.listen(16)
        dead_endpoint = f"http://127.0.0.1:{blackhole.getsockname()[1]}"
        dead = exporter("dead", dead_endpoint, timeout="60s", queue={"max_items": 2000})
    try:
        sc = sidecars.start(sidecar_config([exporter("live", live.grpc_endpoint), dead]))
        load = loads.new(sc.grpc_target, rate=1000, spans_per_request=50).start()

        def dead_failing() -> bool:
            m = sc.metrics()
            if dead_kind == "refused":
                return m.get("otel_sidecar_exporter_breaker_state", exporter="dead") == 1
            return m.get("otel_sidecar_exporter_in_flight_items", exporter="dead") > 0

        wait_until(dead_failing, 30, "the dead exporter to be failing (breaker open / an export stuck)")
        wait_until(lambda: sc.metrics().get("otel_sidecar_exporter_dropped_items_total", exporter="dead", reason="queue_full") > 0,
                   30, "the dead exporter's queue (2000 items) to overflow")
        if dead_kind == "refused":
            # Two probes failed: the dead exporter kept failing for a while (cooldown 1 s, then 2 s).
            wait_until(lambda: sc.metrics().get("otel_sidecar_exporter_breaker_transitions_total", exporter="dead",
                                                to="half_open") >= 2, 30, "two half-open probes of the dead exporter")
        wait_until(lambda: load.acked_spans >= 4000, 30, "4000 spans acknowledged (4 s of load)")
        checkpoint = load.acked_span_ids()
        wait_until(lambda: checkpoint <= set(live.span_ids()), 30,
                   lambda: f"the healthy backend to hold all {len(checkpoint)} spans acknowledged at the checkpoint "
                           f"(has {len(checkpoint & set(live.span_ids()))})")
        assert load.running, "the load must still be running at this point"
        m = sc.metrics()
        if dead_kind == "refused":
            assert m.get("otel_sidecar_exporter_breaker_state", exporter="dead") in (1, 2), "the dead exporter's breaker closed"
            assert m.get("otel_sidecar_exporter_breaker_transitions_total", exporter="dead", to="open") >= 1
        else:
            assert m.get("otel_sidecar_exporter_export_attempts_total", exporter="dead") == 0, \
                "the dead exporter's first export should still be waiting for its 60 s timeout"
            assert m.get("otel_sidecar_exporter_in_flight_items", exporter="dead") > 0
        assert m.get("otel_sidecar_exporter_sent_items_total", exporter="dead") == 0
        load.stop()

        # The receiver never waited for the dead exporter: every request was acknowledged.
        assert load.failed == [], f"requests failed: {load.failed[:5]}"
        acked = load.acked_span_ids()
        wait_until(lambda: acked <= set(live.span_ids()), 30, "the healthy backend to hold every acknowledged span")

        healthy = sc.wait_balanced("live")
        got = live.span_ids()
        assert set(got) == acked and max(got.values()) == 1, "the healthy backend got exactly the acknowledged spans, once each"
        assert healthy["received"] == healthy["sent"] == len(acked), str(healthy)
        assert not any(healthy["dropped"].values()), str(healthy)

        # The dead exporter took the same data and holds it in its queue or counted it dropped (queue_full: its
        # queue of 2000 items overflowed); nothing is lost without being counted.
        broken = sc.wait_balanced("dead", settled=False)
        assert broken["received"] == len(acked), str(broken)
        assert broken["sent"] == 0, str(broken)
        assert broken["dropped"].get("queue_full", 0) > 0, str(broken)
        assert set(k for k, v in broken["dropped"].items() if v) == {"queue_full"}, str(broken)
        assert broken["queue_items"] + broken["in_flight"] <= 2000 + 512, str(broken)
        m = sc.metrics()
        outcomes = m.by_label("otel_sidecar_exporter_export_attempts_total", "outcome", exporter="dead")
        print(f"\n[isolation/{dead_kind}] acked {len(acked)} spans; healthy {healthy}; dead {broken}; dead attempts {outcomes}")
    finally:
        if blackhole:
            blackhole.close()
