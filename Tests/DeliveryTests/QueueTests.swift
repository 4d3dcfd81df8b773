@testable import Delivery
import Pipeline
import SidecarConfig
import SidecarModel
import Testing

@Suite struct BoundedQueueTests {
    func chunk(_ s: Signal, items: Int, bytes: Int) -> EncodedBatch {
        EncodedBatch(signal: s, itemCount: items, bytes: [UInt8](repeating: 0, count: bytes))
    }

    @Test func boundsItemsAndBytesAtIntake() {
        var q = BoundedQueue(capacity: .init(maxItems: 10, maxBytes: 100), policy: .dropNewest)
        #expect(q.offer(chunk(.traces, items: 6, bytes: 10), now: .zero) == .queued(evicted: .init()))
        #expect(q.offer(chunk(.traces, items: 5, bytes: 10), now: .zero) == .full)  // 11 items
        #expect(q.offer(chunk(.logs, items: 4, bytes: 91), now: .zero) == .full)    // 101 bytes
        #expect(q.offer(chunk(.logs, items: 4, bytes: 90), now: .zero) == .queued(evicted: .init()))
        #expect(q.items == 10 && q.bytes == 100)
        #expect(q.offer(chunk(.logs, items: 11, bytes: 1), now: .zero) == .tooLarge)
        #expect(q.offer(chunk(.logs, items: 1, bytes: 101), now: .zero) == .tooLarge)
    }

    @Test func dropOldestEvictsTheOldestAcrossSignals() {
        var q = BoundedQueue(capacity: .init(maxItems: 10, maxBytes: 1000), policy: .dropOldest)
        _ = q.offer(chunk(.logs, items: 3, bytes: 1), now: .zero)
        _ = q.offer(chunk(.traces, items: 3, bytes: 1), now: .zero)
        _ = q.offer(chunk(.metrics, items: 3, bytes: 1), now: .zero)
        // 9 queued; 5 more need the two oldest chunks (logs, then traces) to go, and no more.
        #expect(q.offer(chunk(.traces, items: 5, bytes: 1), now: .zero) == .queued(evicted: .init(traces: 3, logs: 3)))
        #expect(q.items(of: .logs) == 0)
        #expect(q.items(of: .traces) == 5)
        #expect(q.items(of: .metrics) == 3)
        #expect(q.items == 8)
    }

    @Test func takeBatchRespectsLimitsAndOrder() {
        var q = BoundedQueue(capacity: .init(maxItems: 100, maxBytes: 1000), policy: .dropOldest)
        for i in 1...5 { _ = q.offer(chunk(.traces, items: i, bytes: 10), now: .zero) }
        let first = q.takeBatch(.traces, limits: BatchLimits(maxItems: 6, maxBytes: 1000))
        #expect(first.map(\.items) == [1, 2, 3])
        let second = q.takeBatch(.traces, limits: BatchLimits(maxItems: 2, maxBytes: 1000))
        #expect(second.map(\.items) == [4])  // at least one chunk, even over the limit
        #expect(q.items == 5)
    }
}

/// The overflow policies as a receiver sees them through the sink, with the drops counted by reason.
@Suite(.timeLimit(.minutes(1))) struct OverflowPolicyTests {
    @Test func dropOldestKeepsTheNewestAndCountsTheEvicted() async throws {
        let h = try Harness(settings: smallSettings(queueItems: 20, overflow: .dropOldest, batchItems: 1000, maxDelay: .seconds(3600)))
        // No sender running: the queue only fills.
        for i in 0..<5 { #expect(h.service.consume(traces(6, name: "b\(i)")) == .accepted) }
        let b = h.books()
        #expect(b.received == 30)
        #expect(b.queued == 18)  // 3 × 6 newest fit in 20
        #expect(h.dropped(.queueFull) == 12)
        #expect(b.isBalanced)
        #expect(h.gauges.value("otel_sidecar_exporter_queue_items", [("exporter", "test"), ("signal", "traces")]) == 18)
    }

    @Test func dropNewestKeepsTheOldest() async throws {
        let h = try Harness(settings: smallSettings(queueItems: 20, overflow: .dropNewest, batchItems: 1000))
        for _ in 0..<5 { #expect(h.service.consume(traces(6)) == .accepted) }
        let b = h.books()
        #expect(b.queued == 18 && h.dropped(.queueFull) == 12 && b.received == 30)
        #expect(b.isBalanced)
    }

    @Test func refuseAnswersRetryableAndReceivesNothing() async throws {
        let h = try Harness(settings: smallSettings(queueItems: 20, overflow: .refuse, batchItems: 1000))
        #expect(h.service.consume(traces(15)) == .accepted)
        #expect(h.service.consume(traces(6)) == .refused(retryAfter: .seconds(1)))
        #expect(h.service.consume(traces(5)) == .accepted)
        let b = h.books()
        #expect(b.received == 20 && b.refused == 6 && b.droppedTotal == 0 && b.queued == 20)
        #expect(b.isBalanced)
    }

    @Test func byteBoundAppliesToEncodedSize() async throws {
        let one = EncodedBatch(traces(1, attributeBytes: 400)).byteCount
        let h = try Harness(settings: smallSettings(queueItems: 1000, queueBytes: one * 3, overflow: .dropNewest, batchItems: 1000))
        for _ in 0..<5 { _ = h.service.consume(traces(1, attributeBytes: 400)) }
        #expect(h.books().queued == 3)
        #expect(h.dropped(.queueFull) == 2)
        #expect(h.gauges.value("otel_sidecar_exporter_queue_bytes", [("exporter", "test")]) == Double(one * 3))
    }

    @Test func signalsNotExportedAreIgnored() async throws {
        var s = smallSettings()
        s.signals = [.logs]
        let h = try Harness(settings: s)
        #expect(h.service.consume(traces(5)) == .accepted)
        #expect(h.books(.traces).received == 0)
        _ = h.service.consume(logs(2))
        #expect(h.books(.logs).received == 2)
    }
}
