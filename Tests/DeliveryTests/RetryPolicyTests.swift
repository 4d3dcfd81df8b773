@testable import Delivery
import Testing

@Suite(.timeLimit(.minutes(1))) struct RetryPolicyTests {
    let policy = RetryPolicy(initial: .seconds(1), max: .seconds(10), multiplier: 2, randomization: 0, maxElapsed: .seconds(60))

    @Test func exponentialBackoffCappedAtMax() {
        let delays = (0..<7).map { policy.delay(retry: $0, serverHint: nil, random: 0.5) }
        #expect(delays == [1, 2, 4, 8, 10, 10, 10].map { Duration.seconds($0) })
    }

    @Test func jitterStaysWithinRandomization() {
        var p = policy
        p.randomization = 0.5
        var rng = SplitMix64(seed: 7)
        var seen: Set<Int64> = []
        for _ in 0..<1000 {
            let d = p.delay(retry: 2, serverHint: nil, random: rng.unit())
            #expect(d >= .seconds(2) && d <= .seconds(6))
            seen.insert(d.milliseconds)
        }
        #expect(seen.count > 100)  // actually random
        #expect(p.delay(retry: 2, serverHint: nil, random: 0) == .seconds(2))
        #expect(p.delay(retry: 2, serverHint: nil, random: 0.999_999_999) > .milliseconds(5999))
    }

    @Test func serverHintWinsWhenLonger() {
        #expect(policy.delay(retry: 0, serverHint: .seconds(5), random: 0.5) == .seconds(5))
        #expect(policy.delay(retry: 3, serverHint: .seconds(5), random: 0.5) == .seconds(8))
        // A hint beyond `max` is still honoured (the server knows when it is back).
        #expect(policy.delay(retry: 0, serverHint: .seconds(45), random: 0.5) == .seconds(45))
    }

    @Test func maxElapsedGivesUp() {
        // First attempt at t=0; after failure n at time `now`, retry at now + delay unless past 60 s.
        #expect(policy.decide(retry: 0, firstAttempt: .zero, now: .zero, serverHint: nil, random: 0.5) == .retry(at: .seconds(1)))
        #expect(policy.decide(retry: 5, firstAttempt: .zero, now: .seconds(50), serverHint: nil, random: 0.5) == .retry(at: .seconds(60)))
        #expect(policy.decide(retry: 5, firstAttempt: .zero, now: .seconds(51), serverHint: nil, random: 0.5) == .giveUp)
        // A server hint that would end past max_elapsed gives up at once.
        #expect(policy.decide(retry: 0, firstAttempt: .zero, now: .seconds(1), serverHint: .seconds(120), random: 0.5) == .giveUp)
        var forever = policy
        forever.maxElapsed = .zero
        #expect(forever.decide(retry: 50, firstAttempt: .zero, now: .seconds(100_000), serverHint: nil, random: 0.5) == .retry(at: .seconds(100_010)))
    }

    @Test func disabledRetryGivesUpAtOnce() {
        var p = policy
        p.enabled = false
        #expect(p.decide(retry: 0, firstAttempt: .zero, now: .zero, serverHint: nil, random: 0.5) == .giveUp)
    }

    @Test func shutdownCapAndDeadline() {
        #expect(policy.decide(retry: 4, firstAttempt: .zero, now: .seconds(10), serverHint: nil, random: 0.5, cap: .milliseconds(500)) == .retry(at: .milliseconds(10_500)))
        #expect(policy.decide(retry: 0, firstAttempt: .zero, now: .zero, serverHint: .seconds(3), random: 0.5, cap: .seconds(1)) == .giveUp)
        #expect(policy.decide(retry: 0, firstAttempt: .zero, now: .zero, serverHint: nil, random: 0.5, cap: .seconds(1), deadline: .milliseconds(900)) == .giveUp)
    }

    /// Through the service: a retryable failure waits max(backoff, hint) on the clock, then succeeds.
    @Test func serviceWaitsForServerHintThenDelivers() async throws {
        let client = FakeExportClient(script: [.retryable(reason: "grpc_unavailable", retryAfter: .seconds(3)), .retryable(reason: "http_503", retryAfter: nil)])
        let h = try Harness(settings: smallSettings(batchItems: 5), client: client)
        try await h.run { h in
            await h.settle()
            _ = h.service.consume(traces(5))
            await h.client.waitForCalls(1)
            await h.settle()
            #expect(h.clock.nextDeadline == .seconds(3))  // hint 3 s > backoff 1 s
            #expect(h.books().inFlight == 5)
            h.clock.advance(by: .seconds(3))
            await h.client.waitForCalls(2)
            await h.settle()
            #expect(h.clock.nextDeadline == .seconds(5))  // second retry: backoff 2 s, no hint
            h.clock.advance(by: .seconds(2))
            await h.client.waitForCalls(3)
            await h.settle()
            let b = h.books()
            #expect(b.sent == 5 && b.inFlight == 0 && b.isBalanced)
        }
    }

    @Test func servicePermanentAndPartialAndExhausted() async throws {
        let client = FakeExportClient(script: [
            .permanent(reason: "http_400"),
            .partialSuccess(rejected: 2, message: "bad attribute"),
        ], fallback: .retryable(reason: "http_503", retryAfter: nil))
        var s = smallSettings(batchItems: 5)
        s.retry = RetryPolicy(initial: .seconds(1), max: .seconds(1), multiplier: 1, randomization: 0, maxElapsed: .seconds(3))
        let h = try Harness(settings: s, client: client)
        try await h.run { h in
            await h.settle()
            _ = h.service.consume(traces(5))
            await h.client.waitForCalls(1)
            _ = h.service.consume(traces(5))
            await h.client.waitForCalls(2)
            _ = h.service.consume(traces(5))
            await h.client.waitForCalls(3)
            // The third batch is tried at 0, 1, 2 and 3 s; a fifth try would start after max_elapsed (3 s).
            for n in 4...6 {
                await h.settle()
                h.clock.advance(by: .seconds(1))
                await h.client.waitForCalls(n)
            }
            await h.settle()
            let b = h.books()
            #expect(h.dropped(.permanent) == 5)
            #expect(h.dropped(.rejected) == 2)
            #expect(b.sent == 3)
            #expect(h.dropped(.retriesExhausted) == 5)
            #expect(b.failed == 12)
            #expect(h.client.callCount == 6)
            #expect(b.isBalanced && b.inFlight == 0)
        }
    }
}
