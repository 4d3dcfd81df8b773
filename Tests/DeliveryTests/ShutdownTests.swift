@testable import Delivery
import SidecarModel
import Testing

@Suite(.timeLimit(.minutes(1))) struct ShutdownTests {
    @Test func drainDeliversWhatIsQueuedWithoutWaitingForMaxDelay() async throws {
        let h = try Harness(settings: smallSettings(batchItems: 10, maxDelay: .seconds(3600)))
        try await h.run { h in
            await h.settle()
            for _ in 0..<7 { _ = h.service.consume(traces(3)) }
            await h.client.waitForCalls(2)
            await h.settle()
            #expect(h.books().queued == 3)  // two batches of three chunks (9 items) left
        }
        let b = h.books()
        #expect(b.sent == 21 && b.queued == 0 && b.droppedTotal == 0 && b.isBalanced)
        #expect(h.counter("otel_sidecar_exporter_batches_total", .traces, [("trigger", "drain")]) == 1)
        #expect(h.clock.now == .zero)
        #expect(h.client.shutdownCalled)
    }

    @Test func deadBackendWithoutSpillCountsTheRestAsShutdownDrops() async throws {
        let client = FakeExportClient(fallback: .retryable(reason: "grpc_unavailable", retryAfter: nil))
        let h = try Harness(settings: smallSettings(batchItems: 5), client: client)
        try await h.run(pump: true) { h in
            await h.settle()
            for _ in 0..<6 { _ = h.service.consume(traces(5)) }
            await h.client.waitForCalls(1)
            await h.settle()
        }
        let b = h.books()
        #expect(b.sent == 0 && b.queued == 0 && b.inFlight == 0)
        #expect(h.dropped(.shutdown) == 30)
        #expect(b.isBalanced)
    }

    @Test func drainRetriesAreCappedAndStopAtTheDeadline() async throws {
        // Fails twice, then works: during the drain the retry waits at most drainRetryCap (1 s), not 30 s.
        let client = FakeExportClient(script: [.retryable(reason: "http_503", retryAfter: nil), .retryable(reason: "http_503", retryAfter: nil)])
        var s = smallSettings(batchItems: 5, maxDelay: .seconds(3600))
        s.retry = RetryPolicy(initial: .seconds(30), max: .seconds(60), multiplier: 2, randomization: 0, maxElapsed: .seconds(600))
        let h = try Harness(settings: s, client: client)
        try await h.run(pump: true) { h in
            await h.settle()
            _ = h.service.consume(traces(3))
        }
        let b = h.books()
        #expect(b.sent == 3 && b.isBalanced)
        #expect(h.client.callCount == 3)
        #expect(h.clock.now == .seconds(2))
    }

    @Test func hangingExportIsCutAtTheDrainDeadlineAndSpilled() async throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let client = FakeExportClient()
        client.setHang(true)
        let s = smallSettings(batchItems: 5, maxDelay: .seconds(3600), spill: .init(directory: tmp.path, maxBytes: 1 << 20))
        let h = try Harness(settings: s, client: client)
        try await h.run(pump: true) { h in
            await h.settle()
            for _ in 0..<3 { _ = h.service.consume(traces(5)) }
            await h.client.waitForCalls(1)  // hangs
        }
        let b = h.books()
        #expect(h.clock.now == .seconds(5))  // the drain timeout
        #expect(b.sent == 0 && b.spilled == 15 && b.droppedTotal == 0 && b.isBalanced)
    }

    @Test func arrivalsAfterTheEndAreCountedNotLost() async throws {
        let h = try Harness(settings: smallSettings())
        try await h.run { h in await h.settle() }
        #expect(h.service.consume(traces(4)) == .accepted)
        let b = h.books()
        #expect(b.received == 4 && h.dropped(.shutdown) == 4 && b.isBalanced)
    }

    @Test func cancellationInsteadOfGracefulShutdownStillAccountsForEverything() async throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let client = FakeExportClient()
        client.setHang(true)
        let s = smallSettings(batchItems: 5, spill: .init(directory: tmp.path, maxBytes: 1 << 20))
        let h = try Harness(settings: s, client: client)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await h.service.run() }
            await h.settle()
            for _ in 0..<4 { _ = h.service.consume(traces(5)) }
            await h.client.waitForCalls(1)
            group.cancelAll()
        }
        let b = h.books()
        #expect(b.spilled == 20 && b.inFlight == 0 && b.queued == 0 && b.isBalanced)
    }

    @Test func shutdownSpillsWhatFitsAndCountsTheRestAsSpillFull() async throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let record = SpillRecord.headerSize + EncodedBatch(traces(5)).byteCount
        var s = smallSettings(batchItems: 100, maxDelay: .seconds(3600), spill: .init(directory: tmp.path, maxBytes: record * 2))
        s.drainTimeout = .zero
        let h = try Harness(settings: s)
        try await h.run { h in
            await h.settle()
            for _ in 0..<4 { _ = h.service.consume(traces(5)) }
        }
        let b = h.books()
        #expect(b.spilled == 10 && h.dropped(.spillFull) == 10 && b.sent == 0 && b.isBalanced)
        #expect(h.client.callCount == 0)
    }
}
