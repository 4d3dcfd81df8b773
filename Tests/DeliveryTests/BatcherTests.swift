@testable import Delivery
import SidecarModel
import Testing

@Suite(.timeLimit(.minutes(1))) struct BatcherTests {
    let limits = BatchLimits(maxItems: 100, maxBytes: 1000, maxDelay: .milliseconds(200))

    @Test func flushesAtWhicheverLimitComesFirst() {
        #expect(Batcher.decide(items: 0, bytes: 0, oldestEnqueuedAt: nil, now: .zero, limits: limits) == .empty)
        #expect(Batcher.decide(items: 100, bytes: 10, oldestEnqueuedAt: .zero, now: .zero, limits: limits) == .flush(.items))
        #expect(Batcher.decide(items: 5, bytes: 1000, oldestEnqueuedAt: .zero, now: .zero, limits: limits) == .flush(.bytes))
        #expect(Batcher.decide(items: 5, bytes: 10, oldestEnqueuedAt: .seconds(1), now: .seconds(1), limits: limits) == .wait(until: .milliseconds(1200)))
        #expect(Batcher.decide(items: 5, bytes: 10, oldestEnqueuedAt: .seconds(1), now: .milliseconds(1199), limits: limits) == .wait(until: .milliseconds(1200)))
        #expect(Batcher.decide(items: 5, bytes: 10, oldestEnqueuedAt: .seconds(1), now: .milliseconds(1200), limits: limits) == .flush(.delay))
        #expect(Batcher.decide(items: 5, bytes: 10, oldestEnqueuedAt: .seconds(1), now: .seconds(1), limits: limits, force: true) == .flush(.drain))
    }

    @Test func takeCountFillsUpToTheLimits() {
        let sizes = [(items: 40, bytes: 100), (items: 40, bytes: 100), (items: 40, bytes: 100)]
        #expect(Batcher.takeCount(sizes, limits: limits) == 2)
        let big = [(items: 500, bytes: 5000), (items: 1, bytes: 1)]
        #expect(Batcher.takeCount(big, limits: limits) == 1)
        let bytes = [(items: 1, bytes: 600), (items: 1, bytes: 600)]
        #expect(Batcher.takeCount(bytes, limits: limits) == 1)
    }

    /// Through the running service: a partial batch leaves only when `max_delay` has passed on the clock.
    @Test func maxDelayFlushWithManualClock() async throws {
        let h = try Harness(settings: smallSettings(batchItems: 10, maxDelay: .milliseconds(200)))
        try await h.run { h in
            await h.settle()
            _ = h.service.consume(traces(3))
            await h.settle()
            #expect(h.clock.nextDeadline == .milliseconds(200))
            h.clock.advance(by: .milliseconds(199))
            await h.settle()
            #expect(h.client.callCount == 0)
            h.clock.advance(by: .milliseconds(1))
            await h.client.waitForCalls(1)
            #expect(h.client.calls[0].batch.itemCount == 3)
            #expect(h.counter("otel_sidecar_exporter_batches_total", .traces, [("trigger", "delay")]) == 1)
        }
    }

    @Test func fullBatchLeavesWithoutWaiting() async throws {
        let h = try Harness(settings: smallSettings(batchItems: 10, maxDelay: .seconds(3600)))
        try await h.run { h in
            await h.settle()
            for _ in 0..<5 { _ = h.service.consume(traces(4)) }
            await h.client.waitForCalls(2)
            await h.settle()
            // 20 items went as two full batches (4+4 chunks are not split: 8 items each), the rest waits.
            #expect(h.client.calls.map(\.batch.itemCount) == [8, 8])
            #expect(h.books().queued == 4)
            #expect(h.clock.now == .zero)
            #expect(h.counter("otel_sidecar_exporter_batches_total", .traces, [("trigger", "items")]) == 2)
        }
    }

    @Test func batchesAreOfOneSignal() async throws {
        let h = try Harness(settings: smallSettings(batchItems: 100, maxDelay: .milliseconds(50)))
        try await h.run { h in
            await h.settle()
            _ = h.service.consume(traces(2))
            _ = h.service.consume(logs(3))
            _ = h.service.consume(traces(1))
            await h.settle()
            h.clock.advance(by: .milliseconds(50))
            await h.client.waitForCalls(2)
            let bySignal = Dictionary(grouping: h.client.calls, by: \.batch.signal).mapValues { $0.map(\.batch.itemCount) }
            #expect(bySignal[.traces] == [3])
            #expect(bySignal[.logs] == [3])
        }
    }
}
