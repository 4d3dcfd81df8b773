import CPCRE2
import Pipeline
import SidecarConfig
import SidecarModel
import Synchronization

/// A monotonic time source in nanoseconds; tests inject a manual one.
public protocol NanosecondClock: Sendable {
    func nanoseconds() -> UInt64
}

/// `CLOCK_MONOTONIC`.
public struct MonotonicClock: NanosecondClock {
    public init() {}
    public func nanoseconds() -> UInt64 { cpcre2_monotonic_ns() }
}

/// Trace sampling (`processors.sampling`): the sampler, then the per-service rate limit; spans with
/// status ERROR are kept by both when `keep_errors` is on. Sampled-out spans are intentional drops,
/// counted under ``RedactionMetrics/droppedItems`` with `reason="sampled_out"` or `"rate_limited"`.
///
/// Ratio decisions use the rule of the OpenTelemetry SDKs' `TraceIdRatioBased` sampler (as in the Python
/// SDK): keep when the trace id's lower 64 bits, read big-endian as an unsigned integer, are below
/// `ratio × 2^64`. The decision depends on the trace id alone, so all spans of a trace share it.
public final class Sampler: Sendable {
    public let settings: SidecarConfiguration.SamplingSettings
    private let bound: UInt64?
    private let alwaysBelow: Bool
    private let limiter: RateLimiter?
    private let sampledOut: Counter
    private let rateLimited: Counter

    public init(settings: SidecarConfiguration.SamplingSettings, counters: CounterRegistry, clock: any NanosecondClock = MonotonicClock()) {
        self.settings = settings
        let product = settings.ratio * 18_446_744_073_709_551_616.0  // 2^64
        if settings.ratio >= 1 || product >= 18_446_744_073_709_551_616.0 {
            bound = nil
            alwaysBelow = true
        } else if settings.ratio <= 0 || !(product >= 1) {
            bound = 0
            alwaysBelow = false
        } else {
            bound = UInt64(product)
            alwaysBelow = false
        }
        limiter = settings.rateLimit > 0 ? RateLimiter(rate: settings.rateLimit, clock: clock) : nil
        let labels = [("processor", "sampling"), ("signal", "traces")]
        sampledOut = counters.counter(RedactionMetrics.droppedItems, labels + [("reason", "sampled_out")])
        rateLimited = counters.counter(RedactionMetrics.droppedItems, labels + [("reason", "rate_limited")])
    }

    /// Whether the configuration keeps every span (no work to do).
    public var keepsEverything: Bool {
        limiter == nil && (settings.sampler == .alwaysOn || (alwaysBelow && (settings.sampler == .traceIDRatio)))
    }

    /// `traceidratio` on a trace id.
    public func ratioKeeps(_ traceId: TraceID) -> Bool {
        if alwaysBelow { return true }
        guard let bound else { return true }
        return traceId.low < bound
    }

    /// The sampler's decision for one span (before the rate limit).
    public func samplerKeeps(_ span: Span) -> Bool {
        keeps(status: span.status?.code, traceId: span.traceId, parentValid: span.parentSpanId.isValid, flags: span.flags)
    }

    func keeps(status: StatusCode?, traceId: TraceID, parentValid: Bool, flags: UInt32) -> Bool {
        if settings.keepErrors, status == .error { return true }
        // A valid parent whose W3C trace flags are known (bits 0–7 of OTLP `flags` non-zero) decides by its
        // sampled bit; root spans and spans whose sender left the trace-flags byte at 0 go to the root sampler
        // (on the trace id, which keeps traces whole). Several SDKs (Python's among them) set only bits 8–9
        // (the remote-parent flags) and leave the byte at 0: that is "unknown", not "not sampled".
        let parent: Bool? = parentValid && (flags & 0xFF) != 0 ? (flags & 0x01) != 0 : nil
        switch settings.sampler {
        case .alwaysOn: return true
        case .alwaysOff: return false
        case .traceIDRatio: return ratioKeeps(traceId)
        case .parentBasedAlwaysOn: return parent ?? true
        case .parentBasedAlwaysOff: return parent ?? false
        case .parentBasedTraceIDRatio: return parent ?? ratioKeeps(traceId)
        }
    }

    /// For a span with a valid parent whose W3C trace flags are known (bits 0–7 of `flags` non-zero), the
    /// sampled bit; nil for root spans and spans whose sender left the trace-flags byte at 0 (then the root sampler decides, on the
    /// trace id, which keeps traces whole).
    func parentDecision(_ span: Span) -> Bool? {
        guard span.parentSpanId.isValid, span.flags & 0xFF != 0 else { return nil }
        return span.isSampled
    }

    /// The spans kept; nil when none is left. Empty scope and resource entries are removed.
    public func sample(_ data: TracesData) -> TracesData? {
        var out = data
        return sample(&out) == 0 ? nil : out
    }

    /// Samples in place; returns the number of spans kept.
    @discardableResult
    public func sample(_ data: inout TracesData) -> Int {
        var kept = 0
        for r in data.resourceSpans.indices.reversed() {
            let service = Self.serviceName(data.resourceSpans[r].resource)
            for s in data.resourceSpans[r].scopeSpans.indices.reversed() {
                let spans = data.resourceSpans[r].scopeSpans[s].spans
                var keep = [Bool](repeating: true, count: spans.count)
                var dropped = 0
                // Reads the four fields the decision needs; never copies a span (a copy retains every field).
                for i in spans.indices where !keeps(status: spans[i].status?.code, traceId: spans[i].traceId,
                                                     parentValid: spans[i].parentSpanId.isValid, flags: spans[i].flags) {
                    keep[i] = false
                    dropped += 1
                }
                if dropped > 0 { sampledOut.add(UInt64(dropped)) }
                if let limiter {
                    let candidates = spans.indices.filter { keep[$0] && !(settings.keepErrors && spans[$0].status?.code == .error) }
                    let allowed = limiter.take(candidates.count, service: service)
                    if allowed < candidates.count {
                        for i in candidates.dropFirst(allowed) { keep[i] = false }
                        rateLimited.add(UInt64(candidates.count - allowed))
                        dropped += candidates.count - allowed
                    }
                }
                if dropped == spans.count {
                    data.resourceSpans[r].scopeSpans.remove(at: s)
                    continue
                }
                if dropped > 0 {
                    data.resourceSpans[r].scopeSpans[s].spans = spans.indices.filter { keep[$0] }.map { spans[$0] }
                }
                kept += spans.count - dropped
            }
            if data.resourceSpans[r].scopeSpans.isEmpty { data.resourceSpans.remove(at: r) }
        }
        return kept
    }

    static func serviceName(_ resource: Resource?) -> String {
        if case .string(let name)? = resource?.attributes[key: "service.name"], !name.isEmpty { return name }
        return "unknown_service"
    }
}

/// Token buckets per service: `rate` spans per second, a burst of one second's worth.
/// At most ``maxServices`` buckets; further services share one.
final class RateLimiter: Sendable {
    static let maxServices = 1024
    static let overflowKey = "\u{0}overflow"

    private struct Bucket {
        var tokens: Double
        var last: UInt64
    }

    private let rate: Double
    private let burst: Double
    private let clock: any NanosecondClock
    private let buckets = Mutex<[String: Bucket]>([:])

    init(rate: Double, clock: any NanosecondClock) {
        self.rate = rate
        burst = max(1, rate)
        self.clock = clock
    }

    /// Takes up to `count` tokens for `service`; returns how many were granted.
    func take(_ count: Int, service: String) -> Int {
        guard count > 0 else { return 0 }
        let now = clock.nanoseconds()
        return buckets.withLock { map in
            var key = service
            if map[key] == nil, map.count >= Self.maxServices { key = Self.overflowKey }
            var bucket = map[key] ?? Bucket(tokens: burst, last: now)
            if now > bucket.last {
                bucket.tokens = min(burst, bucket.tokens + Double(now - bucket.last) / 1e9 * rate)
                bucket.last = now
            }
            let granted = min(count, Int(bucket.tokens.rounded(.down)))
            bucket.tokens -= Double(granted)
            map[key] = bucket
            return granted
        }
    }
}
