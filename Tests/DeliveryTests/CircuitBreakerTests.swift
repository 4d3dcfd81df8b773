@testable import Delivery
import Testing

@Suite struct CircuitBreakerTests {
    func breaker(threshold: Int = 3, ratio: Double = 0, minRequests: Int = 4, window: Duration = .seconds(10),
                 cooldown: Duration = .seconds(5), maxCooldown: Duration = .seconds(30)) -> CircuitBreaker {
        CircuitBreaker(.init(enabled: true, failureThreshold: threshold, failureRatio: ratio, window: window,
                             minRequests: minRequests, cooldown: cooldown, maxCooldown: maxCooldown))
    }

    @Test func opensAfterConsecutiveFailuresOnly() {
        var b = breaker()
        b.record(failure: true, now: .seconds(1))
        b.record(failure: true, now: .seconds(2))
        b.record(failure: false, now: .seconds(3))  // resets the run
        b.record(failure: true, now: .seconds(4))
        b.record(failure: true, now: .seconds(5))
        #expect(b.state == .closed)
        b.record(failure: true, now: .seconds(6))
        #expect(b.state == .open(until: .seconds(11)))
        #expect(b.peek(now: .seconds(10)) == .wait(until: .seconds(11)))
        #expect(b.acquire(now: .seconds(10)) == .wait(until: .seconds(11)))
    }

    @Test func opensOnFailureRatioOverTheWindow() {
        var b = breaker(threshold: 100, ratio: 0.5, minRequests: 4)
        b.record(failure: false, now: .seconds(1))
        b.record(failure: true, now: .seconds(2))
        b.record(failure: false, now: .seconds(3))
        #expect(b.state == .closed)  // 3 requests < min_requests
        b.record(failure: true, now: .seconds(4))
        #expect(b.state == .open(until: .seconds(9)))
    }

    @Test func oldRequestsLeaveTheWindow() {
        var b = breaker(threshold: 100, ratio: 0.5, minRequests: 4, window: .seconds(10))
        b.record(failure: true, now: .seconds(0))
        b.record(failure: true, now: .seconds(1))
        b.record(failure: false, now: .seconds(30))
        b.record(failure: false, now: .seconds(31))
        b.record(failure: true, now: .seconds(32))
        #expect(b.state == .closed)  // the two early failures are long gone: 1 of 3
    }

    @Test func halfOpenAllowsExactlyOneProbe() {
        var b = breaker(threshold: 1)
        b.record(failure: true, now: .zero)
        #expect(b.acquire(now: .seconds(4)) == .wait(until: .seconds(5)))
        #expect(b.acquire(now: .seconds(5)) == .send(probe: true))
        #expect(b.state == .halfOpen(probing: true))
        #expect(b.acquire(now: .seconds(5)) == .wait(until: nil))
        #expect(b.acquire(now: .seconds(50)) == .wait(until: nil))
        b.record(failure: false, now: .seconds(6))
        #expect(b.state == .closed)
        #expect(b.acquire(now: .seconds(6)) == .send(probe: false))
        #expect(b.acquire(now: .seconds(6)) == .send(probe: false))
    }

    @Test func cooldownDoublesOnRepeatedTripsUpToMax() {
        var b = breaker(threshold: 1, cooldown: .seconds(5), maxCooldown: .seconds(30))
        var now = Duration.zero
        b.record(failure: true, now: now)
        var cooldowns: [Duration] = []
        for _ in 0..<5 {
            guard case .open(let until) = b.state else { Issue.record("not open"); return }
            cooldowns.append(until - now)
            now = until
            #expect(b.acquire(now: now) == .send(probe: true))
            b.record(failure: true, now: now)  // the probe fails
        }
        #expect(cooldowns == [5, 10, 20, 30, 30].map { Duration.seconds($0) })
        // A successful probe closes it and the next trip starts from the base cooldown again.
        guard case .open(let until) = b.state else { Issue.record("not open"); return }
        _ = b.acquire(now: until)
        b.record(failure: false, now: until)
        #expect(b.state == .closed && b.trips == 0)
        b.record(failure: true, now: until)
        #expect(b.state == .open(until: until + .seconds(5)))
    }

    @Test func disabledBreakerNeverBlocks() {
        var b = CircuitBreaker(.init(enabled: false, failureThreshold: 1))
        for i in 0..<10 { b.record(failure: true, now: .seconds(Int64(i))) }
        #expect(b.state == .closed)
        #expect(b.acquire(now: .seconds(10)) == .send(probe: false))
    }
}

/// The breaker in the running service: nothing is sent while open, one probe per cooldown, data waits.
@Suite(.timeLimit(.minutes(1))) struct ServiceBreakerTests {
    @Test func openBreakerHoldsDataAndProbesOncePerCooldown() async throws {
        let client = FakeExportClient(fallback: .retryable(reason: "grpc_unavailable", retryAfter: nil))
        let s = smallSettings(batchItems: 5, breaker: .init(enabled: true, failureThreshold: 2, failureRatio: 0, cooldown: .seconds(5), maxCooldown: .seconds(20)))
        let h = try Harness(settings: s, client: client)
        let e = [("exporter", "test")]
        try await h.run { h in
            await h.settle()
            _ = h.service.consume(traces(5))
            await h.client.waitForCalls(1)              // t=0 fails
            await h.settle()
            h.clock.advance(by: .seconds(1))            // retry at 1 s fails: second failure opens it until 6 s
            await h.client.waitForCalls(2)
            await h.settle()
            #expect(h.gauges.value("otel_sidecar_exporter_breaker_state", e) == 1)
            for _ in 0..<3 { _ = h.service.consume(traces(5)) }
            await h.settle()
            h.clock.advance(by: .milliseconds(4900))    // 5.9 s: still open
            await h.settle()
            #expect(h.client.callCount == 2)
            #expect(h.books().queued == 15)
            h.clock.advance(by: .milliseconds(100))     // 6 s: exactly one probe, it fails: open for 10 s
            await h.client.waitForCalls(3)
            await h.settle()
            h.clock.advance(by: .milliseconds(9999))
            await h.settle()
            #expect(h.client.callCount == 3)
            h.client.setFallback(.success)
            h.clock.advance(by: .milliseconds(1))       // 16 s: the probe succeeds, the other three batches follow
            await h.client.waitForCalls(7)
            await h.settle()
            #expect(h.client.callCount == 7)
            let b = h.books()
            #expect(b.sent == 20 && b.queued == 0 && b.isBalanced)
            #expect(h.gauges.value("otel_sidecar_exporter_breaker_state", e) == 0)
            #expect(h.counters.value("otel_sidecar_exporter_breaker_transitions_total", e + [("to", "open")]) == 2)
            #expect(h.counters.value("otel_sidecar_exporter_breaker_transitions_total", e + [("to", "half_open")]) == 2)
            #expect(h.counters.value("otel_sidecar_exporter_breaker_transitions_total", e + [("to", "closed")]) == 1)
            // Open 1 s…6 s and 6 s…16 s; the probes themselves took no time on this clock.
            #expect(h.gauges.value("otel_sidecar_exporter_breaker_time_in_state_seconds", e + [("state", "open")]) == 15)
            #expect(h.gauges.value("otel_sidecar_exporter_breaker_time_in_state_seconds", e + [("state", "closed")]) == 1)
        }
    }

    @Test func permanentErrorsDoNotOpenTheBreaker() async throws {
        let client = FakeExportClient(fallback: .permanent(reason: "http_400"))
        let s = smallSettings(batchItems: 1, breaker: .init(enabled: true, failureThreshold: 2, failureRatio: 0))
        let h = try Harness(settings: s, client: client)
        try await h.run { h in
            await h.settle()
            for _ in 0..<5 { _ = h.service.consume(traces(1)) }
            await h.client.waitForCalls(5)
            await h.settle()
            #expect(h.dropped(.permanent) == 5)
            #expect(h.gauges.value("otel_sidecar_exporter_breaker_state", [("exporter", "test")]) == 0)
        }
    }
}
