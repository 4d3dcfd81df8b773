import Logging
import Synchronization

/// Publishes the breaker's state: the state gauge, a transitions counter, time spent in each state
/// (computed at scrape time) and one log line per transition.
final class BreakerTelemetry: Sendable {
    private struct State {
        var code = 0
        var since: Duration
        var totals: [Duration] = [.zero, .zero, .zero]
    }

    private let state: Mutex<State>
    private let stats: DeliveryStats
    private let clock: any DeliveryClock

    init(exporter: String, stats: DeliveryStats, gauges: DeliveryGauges, clock: any DeliveryClock) {
        self.stats = stats
        self.clock = clock
        state = Mutex(State(since: clock.now))
        stats.breakerState.set(0)
        for (code, name) in ["closed", "open", "half_open"].enumerated() {
            gauges.computedGauge("otel_sidecar_exporter_breaker_time_in_state_seconds", [("exporter", exporter), ("state", name)]) { [weak self] in
                self?.seconds(in: code) ?? 0
            }
        }
    }

    /// Seconds spent in a state (by code) so far, including the current stay.
    func seconds(in code: Int) -> Double {
        let now = clock.now
        return state.withLock { s in
            var d = s.totals[code]
            if s.code == code { d += now - s.since }
            return d.seconds
        }
    }

    /// Records a change from `old` to `new` (no-op when the state kind did not change).
    func transition(from old: CircuitBreaker.State, to new: CircuitBreaker.State, breaker: CircuitBreaker,
                    reason: String?, now: Duration, logger: Logger) {
        guard old.code != new.code else { return }
        state.withLock { s in
            s.totals[s.code] += now - s.since
            s.code = new.code
            s.since = now
        }
        stats.breakerState.set(new.code)
        stats.breakerTransitions[new.code].add()
        var md: Logger.Metadata = ["breaker.from": "\(old.name)", "breaker.to": "\(new.name)"]
        switch new {
        case .open:
            md["breaker.cooldown_ms"] = "\(breaker.currentCooldown.milliseconds)"
            md["breaker.trips"] = "\(breaker.trips)"
            if let reason { md["error.reason"] = "\(reason)" }
            logger.info("circuit breaker opened: nothing is sent until the cooldown ends", metadata: md)
        case .halfOpen:
            logger.info("circuit breaker half-open: sending one probe", metadata: md)
        case .closed:
            logger.info("circuit breaker closed: backend healthy again", metadata: md)
        }
    }
}

/// At most one log line per interval per key, with the count of the ones held back. Owned by one task.
struct LogLimiter {
    private var last: [String: Duration] = [:]
    private var suppressed: [String: Int] = [:]
    let interval: Duration

    init(interval: Duration = .seconds(10)) { self.interval = interval }

    /// nil: hold this one back. Otherwise the number held back since the last one logged.
    mutating func admit(_ key: String, now: Duration) -> Int? {
        if let l = last[key], now - l < interval {
            suppressed[key, default: 0] += 1
            return nil
        }
        last[key] = now
        return suppressed.removeValue(forKey: key) ?? 0
    }
}

extension Duration {
    var milliseconds: Int64 {
        let c = components
        return c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000
    }
}
