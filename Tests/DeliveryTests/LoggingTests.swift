@testable import Delivery
import InMemoryLogging
import Logging
import SidecarModel
import Testing

/// Breaker transitions and drops are logged with names, reasons and counts, never with telemetry values.
@Suite(.timeLimit(.minutes(1))) struct LoggingTests {
    @Test func transitionsAreLoggedWithoutPayloadValues() async throws {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "delivery", factory: { _ in handler })
        logger.logLevel = .trace
        let client = FakeExportClient(script: [
            .retryable(reason: "grpc_unavailable", retryAfter: nil),
            .permanent(reason: "http_400"),
        ])
        let s = smallSettings(batchItems: 2, breaker: .init(enabled: true, failureThreshold: 1, failureRatio: 0, cooldown: .seconds(1), maxCooldown: .seconds(1)))
        let h = try Harness(settings: s, client: client, logger: logger)
        let secret = "user=alice@example.com token=abc123"
        try await h.run { h in
            await h.settle()
            _ = h.service.consume(traces(2, name: secret))
            await h.client.waitForCalls(1)
            await h.settle()
            h.clock.advance(by: .seconds(1))
            await h.client.waitForCalls(2)
            _ = h.service.consume(traces(2, name: secret))
            await h.client.waitForCalls(3)
            await h.settle()
        }
        let entries = handler.entries
        let opened = entries.first { $0.message.description.contains("circuit breaker opened") }
        #expect(opened?.metadata["exporter"] == "test")
        #expect(opened?.metadata["breaker.to"] == "open")
        #expect(opened?.metadata["error.reason"] == "grpc_unavailable")
        #expect(entries.contains { $0.message.description.contains("half-open") })
        let dropped = entries.first { $0.message.description.contains("failed permanently") }
        #expect(dropped?.level == .warning)
        #expect(dropped?.metadata["error.reason"] == "http_400")
        #expect(dropped?.metadata["items"] == "2")
        for e in entries {
            let text = e.message.description + e.metadata.map { "\($0.key)=\($0.value)" }.joined()
            #expect(!text.contains("alice") && !text.contains("abc123"))
        }
    }

    @Test func intakeDropsAreSummarisedBySender() async throws {
        let handler = InMemoryLogHandler()
        let logger = Logger(label: "delivery", factory: { _ in handler })
        let s = smallSettings(queueItems: 4, overflow: .dropNewest, batchItems: 100, maxDelay: .seconds(3600))
        let h = try Harness(settings: s, logger: logger)
        try await h.run { h in
            await h.settle()
            for _ in 0..<5 { _ = h.service.consume(traces(2)) }
            await h.settle()
            #expect(!handler.entries.contains { $0.message.description.contains("dropped at intake") })
            h.clock.advance(by: .seconds(10))
            await h.settle()
            let line = handler.entries.first { $0.message.description.contains("dropped at intake") }
            #expect(line?.level == .warning)
            #expect(line?.metadata["dropped.queue_full"] == "6")
        }
    }
}
