@testable import Delivery
import OTLPWire
import SidecarModel
import Testing

/// The spill inside the running service: an outage longer than memory allows loses nothing until the
/// disk budget is spent, and what is on disk survives a restart and goes out first.
@Suite(.timeLimit(.minutes(1))) struct ServiceSpillTests {
    let down = ExportOutcome.retryable(reason: "grpc_unavailable", retryAfter: nil)

    func settings(_ dir: String, spillBytes: Int = 1 << 20, queueItems: Int = 20) -> DeliverySettings {
        smallSettings(queueItems: queueItems, batchItems: 5, maxDelay: .milliseconds(10),
                      breaker: .init(enabled: true, failureThreshold: 1, failureRatio: 0, cooldown: .seconds(5), maxCooldown: .seconds(5)),
                      spill: .init(directory: dir, maxBytes: spillBytes, fsync: .interval, fsyncInterval: .seconds(1)))
    }

    @Test func outageSpillsInsteadOfDroppingThenDeliversEverything() async throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let h = try Harness(settings: settings(tmp.path), client: FakeExportClient(fallback: down))
        try await h.run { h in
            await h.settle()
            _ = h.service.consume(traces(5, name: "first"))
            await h.client.waitForCalls(1)      // fails: breaker open for 5 s
            await h.settle()
            for i in 0..<19 { #expect(h.service.consume(traces(5, name: "b\(i)")) == .accepted) }
            await h.settle()
            var b = h.books()
            #expect(b.received == 100 && b.inFlight == 5 && b.queued == 20 && b.spilled == 75)
            #expect(b.droppedTotal == 0 && b.isBalanced)
            #expect(h.counter("otel_sidecar_exporter_spilled_items_total") == 75)
            #expect(h.gauges.value("otel_sidecar_exporter_spill_bytes", [("exporter", "test")])! > 0)
            h.client.setFallback(.success)
            h.clock.advance(by: .seconds(5))
            await h.client.waitForCalls(21)
            await h.settle()
            b = h.books()
            #expect(b.sent == 100 && b.spilled == 0 && b.queued == 0 && b.isBalanced)
            #expect(h.client.acceptedItems == 100)
            #expect(h.service.core.spill?.bytesOnDisk == 0)
            // Arrival order is kept per signal: memory first (the oldest), then the spill.
            let names = try h.client.calls.dropFirst().map { try OTLPProtobuf.decodeTraces($0.batch.bytes).resourceSpans[0].scopeSpans[0].spans[0].name }
            #expect(names == ["first"] + (0..<19).map { "b\($0)" })
        }
    }

    @Test func spentBudgetDropsWithReasonSpillFull() async throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let record = SpillRecord.headerSize + EncodedBatch(traces(5)).byteCount
        let h = try Harness(settings: settings(tmp.path, spillBytes: record * 3), client: FakeExportClient(fallback: down))
        try await h.run { h in
            await h.settle()
            _ = h.service.consume(traces(5))
            await h.client.waitForCalls(1)
            await h.settle()
            for _ in 0..<9 { _ = h.service.consume(traces(5)) }
            let b = h.books()
            #expect(b.queued == 20 && b.spilled == 15 && h.dropped(.spillFull) == 10, "\(b)")
            #expect(b.isBalanced)
        }
    }

    @Test func shutdownSpillsAndTheNextRunDeliversRecoveredDataFirst() async throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        do {
            let h = try Harness(settings: settings(tmp.path), client: FakeExportClient(fallback: down))
            try await h.run(pump: true) { h in
                await h.settle()
                for i in 0..<6 { _ = h.service.consume(traces(5, name: "old\(i)")) }
                await h.client.waitForCalls(1)
                await h.settle()
            }
            let b = h.books()
            #expect(b.sent == 0 && b.queued == 0 && b.inFlight == 0 && b.spilled == 30)
            #expect(b.droppedTotal == 0 && b.isBalanced)
            #expect(h.client.shutdownCalled)
        }
        let h = try Harness(settings: settings(tmp.path))
        #expect(h.books().recovered == 30)
        #expect(h.books().spilled == 30)
        try await h.run { h in
            _ = h.service.consume(traces(5, name: "new"))
            await h.client.waitForCalls(7)
            await h.settle()
            let names = try h.client.calls.map { try OTLPProtobuf.decodeTraces($0.batch.bytes).resourceSpans.map { $0.scopeSpans[0].spans[0].name } }
            #expect(names.last == ["new"])
            #expect(Set(names.dropLast().flatMap { $0 }) == Set((0..<6).map { "old\($0)" }))
            let b = h.books()
            #expect(b.sent == 35 && b.spilled == 0 && b.isBalanced)
        }
    }

    @Test func writeAheadModePutsEverythingOnDiskFirst() async throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        var s = settings(tmp.path)
        s.spillMode = .writeAhead
        s.spill?.fsync = .always
        let h = try Harness(settings: s)
        try await h.run { h in
            await h.settle()
            for _ in 0..<4 { _ = h.service.consume(traces(5)) }
            await h.client.waitForCalls(4)
            await h.settle()
            let b = h.books()
            #expect(b.sent == 20 && b.spilledTotal == 20 && b.queued == 0 && b.isBalanced)
            #expect(h.service.core.spill?.bytesOnDisk == 0)
        }
    }

    @Test func unusableSpillDirectoryFailsConstruction() throws {
        #expect(throws: SpillError.self) {
            _ = try Harness(settings: settings("/proc/otel-sidecar-cannot-write-here"))
        }
    }
}
