@testable import Delivery
import Pipeline
import SidecarConfig
import SidecarModel
import Synchronization
import Testing

/// Property: whatever the backend answers and whenever time moves, every item is sent, dropped (with a
/// reason), queued, in flight or spilled — at every moment, read while the sender runs — and at the end
/// of a graceful shutdown nothing is left in memory, what the backend accepted is exactly `sent`, and what
/// the books say is spilled is exactly what the next start recovers from disk.
@Suite(.timeLimit(.minutes(1))) struct AccountingPropertyTests {
    final class Script: Sendable {
        let rng: Mutex<SplitMix64>
        init(seed: UInt64) { rng = Mutex(SplitMix64(seed: seed)) }

        func outcome(_ batch: EncodedBatch) -> ExportOutcome {
            rng.withLock { r in
                switch r.next() % 20 {
                case 0..<11: return .success
                case 11, 12: return .partialSuccess(rejected: Int(r.next() % UInt64(batch.itemCount + 2)), message: "m")
                case 13..<18:
                    let hint: Duration? = r.next() % 2 == 0 ? nil : .milliseconds(Int64(r.next() % 2000))
                    return .retryable(reason: "grpc_unavailable", retryAfter: hint)
                default: return .permanent(reason: "http_400")
                }
            }
        }
    }

    @Test(arguments: 1...16)
    func booksBalanceUnderRandomOutcomes(seed: Int) async throws {
        var rng = SplitMix64(seed: UInt64(seed))
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let useSpill = seed % 2 == 0
        let policies: [SidecarConfiguration.OverflowPolicy] = [.dropOldest, .dropNewest, .refuse]
        var settings = DeliverySettings(
            queue: .init(maxItems: 10 + Int(rng.next() % 50), maxBytes: 1 << 20),
            overflow: policies[Int(rng.next() % 3)],
            batch: BatchLimits(maxItems: 3 + Int(rng.next() % 10), maxBytes: 1 << 20, maxDelay: .milliseconds(50)),
            retry: RetryPolicy(initial: .milliseconds(100), max: .seconds(1), multiplier: 2, randomization: 0.5, maxElapsed: .seconds(3)),
            breaker: .init(enabled: seed % 3 != 0, failureThreshold: 3, failureRatio: 0.5, window: .seconds(5), minRequests: 6,
                           cooldown: .milliseconds(500), maxCooldown: .seconds(2)),
            drainTimeout: .seconds(2), jitterSeed: UInt64(seed))
        if useSpill {
            settings.spill = DiskSpill.Settings(directory: tmp.path, maxBytes: 2048 + Int(rng.next() % 6144), fsync: .never, segmentBytes: 512)
        }
        let script = Script(seed: UInt64(seed) &* 7919)
        let client = FakeExportClient(responder: { _, b in script.outcome(b) })
        let h = try Harness(settings: settings, client: client)

        func check(_ when: String) {
            for (s, b) in h.service.accounting() {
                #expect(b.isBalanced, "seed \(seed), \(when), \(s): \(b)")
            }
        }

        try await h.run(pump: true) { h in
            await h.settle()
            for step in 0..<150 {
                switch rng.next() % 5 {
                case 0, 1, 2:
                    let n = 1 + Int(rng.next() % 8)
                    let batch = [traces(n), logs(n), metrics(n)][Int(rng.next() % 3)]
                    _ = h.service.consume(batch)
                    check("step \(step) after consume")
                case 3:
                    await h.settle()
                    h.clock.advanceToNextDeadline()
                default:
                    await h.settle()
                    h.clock.advance(by: .milliseconds(Int64(rng.next() % 400)))
                }
            }
            await h.settle()
            check("before shutdown")
        }
        check("after shutdown")
        var sent = 0
        for (s, b) in h.service.accounting() {
            #expect(b.queued == 0 && b.inFlight == 0, "seed \(seed) \(s): \(b)")
            if !useSpill { #expect(b.spilled == 0) }
            sent += Int(b.sent)
        }
        #expect(sent == client.acceptedItems)
        #expect(h.counters.value("otel_sidecar_exporter_received_items_total", [("exporter", "test"), ("signal", "traces")]) > 0)
        if let spillSettings = settings.spill {
            // The lock can outlive close() for an instant when another test spawns a process at that moment
            // (the child holds inherited descriptors until its exec closes them): retry briefly.
            var reopenedSpill: DiskSpill?
            for _ in 0..<200 where reopenedSpill == nil {
                reopenedSpill = try? DiskSpill(settings: spillSettings)
                if reopenedSpill == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            let reopened = try reopenedSpill ?? DiskSpill(settings: spillSettings)
            for (s, b) in h.service.accounting() {
                #expect(reopened.recovery.items[s] == b.spilled, "seed \(seed) \(s)")
            }
        }
    }
}
