"""Stopping the sidecar (docs/delivery.md, "Shutdown" and "Disk spill"): SIGTERM under load loses nothing
that was acknowledged; SIGKILL with a write-ahead spill loses nothing that was acknowledged (at-least-once,
duplicates allowed); a damaged spill segment is cut at the damage at the next start, counted, and the records
before the damage are delivered.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from conftest import exporter, free_port, sidecar_config, wait_until

GRACE = 5.0


def delivery_stopped(sc) -> dict:
    lines = [line for line in sc.log_lines() if line.get("msg", "").startswith("delivery stopped")]
    assert len(lines) == 1, f"expected one 'delivery stopped' log line:\n{sc.log_tail()}"
    return lines[0]


def test_sigterm_under_load(sidecars, backends, loads):
    backend = backends.start(name="backend")
    # A 2 s max_delay keeps up to 2 s of spans queued at any moment: the drain has to send them.
    sc = sidecars.start(sidecar_config([exporter("backend", backend.grpc_endpoint, batch={"max_items": 8192, "max_delay": "2s"})],
                                       service={"shutdown_grace_period": f"{GRACE:g}s"}))
    load = loads.new(sc.grpc_target, rate=1000, spans_per_request=50).start()
    wait_until(lambda: len(backend.span_ids()) > 0 and load.acked_spans >= 3000, 30, "load running and a first batch delivered")
    wait_until(lambda: sc.accounting("backend")["queue_items"] > 0, 10, "spans waiting in the queue")
    rc, seconds = sc.terminate(timeout=GRACE + 10)  # the load keeps running through the shutdown...
    wait_until(lambda: load.failed, 10, "a request to fail once the sidecar is gone")  # ...and past it
    load.stop()

    assert rc == 0, sc.log_tail()
    assert seconds <= GRACE, f"exited {seconds:.1f} s after SIGTERM; the grace period is {GRACE} s"
    acked = load.acked_span_ids()
    got = backend.span_ids()
    missing = acked - set(got)
    assert not missing, f"{len(missing)} acknowledged spans never reached the backend"
    # Nothing arrives that nobody sent: spans beyond the acknowledged ones belong to requests the client saw fail
    # (accepted by the sidecar while its answer was lost in the shutdown).
    failed_nos = {no for no, _ in load.failed}
    assert {int(s, 16) >> 16 for s in set(got) - acked} <= failed_nos
    assert max(got.values()) == 1, "no duplicates with a healthy backend"
    # The final books (the /metrics listener is gone with the process): everything received was sent; nothing
    # dropped, nothing left on disk or in memory (the log line is written after the last item is accounted for).
    books = delivery_stopped(sc)
    assert books["items.dropped"] == "0" and books["items.spilled_pending"] == "0", books
    assert int(books["items.sent"]) == len(got), books
    print(f"\n[sigterm] acked {len(acked)} spans, delivered {len(got)}, exit {rc} after {seconds:.2f} s; {books}")


@pytest.mark.parametrize("backend_state", ["down", "slow"])
def test_sigkill_with_write_ahead_spill(sidecars, backends, loads, tmp_path, backend_state):
    spill = tmp_path / "spill"
    # slow: 1 s per export of at most 512 spans, about half the load's 1000 spans/s, so a backlog builds up.
    backend = backends.new(name="backend", script=",".join(["slow:1"] * 1000) if backend_state == "slow" else "")
    if backend_state == "slow":
        backend.start()
    config = sidecar_config([exporter("backend", backend.grpc_endpoint, queue={
        "spill": {"enabled": True, "mode": "write_ahead", "fsync": "always", "directory": str(spill)}})])
    sc = sidecars.start(config)
    load = loads.new(sc.grpc_target, rate=1000, spans_per_request=50).start()
    wait_until(lambda: load.acked_spans >= 3000, 30, "3000 spans acknowledged")
    if backend_state == "slow":
        wait_until(lambda: len(backend.span_ids()) >= 1000, 30, "the slow backend to get some batches")
    sc.kill()  # SIGKILL, with the load still running
    load.stop()
    acked = load.acked_span_ids()
    before = set(backend.span_ids())
    assert acked - before, "some acknowledged spans must not have been delivered before the kill"

    backend.kill()
    backend.script = ""
    backend.start()
    restarted = sidecars.start(sc.config, name="sidecar-restarted")
    wait_until(lambda: acked <= set(backend.span_ids()), 60,
               lambda: f"every acknowledged span delivered after the restart (missing {len(acked - set(backend.span_ids()))})")
    a = restarted.wait_balanced("backend")
    got = backend.span_ids()
    duplicates = sum(got.values()) - len(got)
    assert a["received"] == 0 and a["sent"] == a["recovered"] > 0, str(a)
    assert not any(a["dropped"].values()), str(a)
    if backend_state == "down":
        # Nothing was ever sent before the kill: what was on disk is what arrives, once.
        assert len(got) == a["recovered"] and duplicates == 0, f"{len(got)} distinct, {duplicates} duplicates; {a}"
    else:
        # At-least-once: the batch in flight at the kill (the slow backend recorded it, the sidecar had not yet
        # committed it) is sent again. One batch is at most batch.max_items (512) spans.
        assert duplicates <= 512, f"{duplicates} duplicates"
    print(f"\n[sigkill/{backend_state}] acked {len(acked)}, delivered before the kill {len(before)}, "
          f"recovered {a['recovered']:.0f}, duplicates {duplicates}")


# ---------------------------------------------------------------- a damaged spill segment

MAGIC = 0x3152534F  # "OSR1"
HEADER = struct.Struct("<IIIBBHI")  # magic, payload length, items, signal, 0, 0, CRC-32C


def read_records(seg: Path) -> list[dict]:
    """The records of a spill segment (docs/delivery.md: magic | length | items | signal | CRC-32C | payload)."""
    data = seg.read_bytes()
    out, off = [], 0
    while off + HEADER.size <= len(data):
        magic, length, items, signal, _, _, _ = HEADER.unpack_from(data, off)
        assert magic == MAGIC and signal == 1, f"unexpected record header at {off} in {seg}"
        out.append({"offset": off, "length": length, "items": items,
                    "payload": data[off + HEADER.size: off + HEADER.size + length]})
        off += HEADER.size + length
    assert off == len(data), f"{seg} does not end on a record boundary"
    return out


def span_ids_of(payload: bytes) -> set[str]:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    req = ExportTraceServiceRequest.FromString(payload)
    return {s.span_id.hex() for rs in req.resource_spans for ss in rs.scope_spans for s in ss.spans}


@pytest.mark.parametrize("damage", ["flipped_byte", "torn_tail"])
def test_corrupt_segment_at_start(sidecars, backends, loads, tmp_path, damage):
    spill = tmp_path / "spill"
    port = free_port()  # the backend's, down during the first run
    config = sidecar_config([exporter("backend", f"http://127.0.0.1:{port}", queue={
        "spill": {"enabled": True, "mode": "write_ahead", "fsync": "always", "directory": str(spill)}})])
    first = sidecars.start(config, name="first")
    load = loads.new(first.grpc_target, rate=1000, spans_per_request=50)
    for _ in range(40):
        assert load.send_one()
    rc, _ = first.terminate(timeout=GRACE + 10)
    assert rc == 0, first.log_tail()

    segments = sorted((spill / "traces").glob("*.seg"))
    assert len(segments) == 1, segments
    seg = segments[0]
    records = read_records(seg)
    assert len(records) == 40 and sum(r["items"] for r in records) == 2000
    size = seg.stat().st_size
    if damage == "flipped_byte":
        k = len(records) // 2  # a record in the middle: it and everything after it in the segment are cut
        at = records[k]["offset"] + HEADER.size + records[k]["length"] // 2
        data = bytearray(seg.read_bytes())
        data[at] ^= 0xFF
        seg.write_bytes(bytes(data))
        cut_bytes = size - records[k]["offset"]
    else:
        k = len(records) - 1  # a torn write: the last record is only half on disk
        torn = records[k]["offset"] + HEADER.size + records[k]["length"] // 2
        with open(seg, "r+b") as f:
            f.truncate(torn)
        cut_bytes = torn - records[k]["offset"]
    kept = records[:k]
    expected = set().union(*(span_ids_of(r["payload"]) for r in kept))
    assert len(expected) == sum(r["items"] for r in kept)

    backend = backends.start(name="backend", grpc_port=port)
    second = sidecars.start(config, name="second")  # waits for /readyz 200: a damaged spill is not fatal
    m = second.metrics()
    assert m.get("otel_sidecar_exporter_spill_truncated_segments_total", exporter="backend") == 1
    assert m.get("otel_sidecar_exporter_spill_truncated_bytes_total", exporter="backend") == cut_bytes
    assert m.get("otel_sidecar_exporter_recovered_items_total", exporter="backend", signal="traces") == len(expected)
    wait_until(lambda: expected <= set(backend.span_ids()), 30, "the records before the damage delivered")
    a = second.wait_balanced("backend")
    got = backend.span_ids()
    assert set(got) == expected and max(got.values()) == 1, "exactly the records before the damage, once each"
    assert a["sent"] == a["recovered"] == len(expected) and a["received"] == 0, str(a)
    assert not any(a["dropped"].values()), str(a)
    warnings = [line for line in second.log_lines() if "damaged" in line.get("msg", "")]
    assert warnings and warnings[0]["spill.truncated_segments"] == "1", second.log_tail()
