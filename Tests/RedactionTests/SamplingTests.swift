import Pipeline
import SidecarModel
import Testing
@testable import Redaction

struct SamplingTests {
    /// SplitMix64: deterministic trace ids.
    struct Ids {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// 100k traces of 3 spans (a root and two children whose sender left `flags` at 0): the kept share is
    /// within ±1% of the ratio and every trace is kept or dropped whole.
    @Test(arguments: [Config.Sampler.traceIDRatio, .parentBasedTraceIDRatio])
    func ratioKeepsWholeTraces(sampler: Config.Sampler) {
        let counters = CounterRegistry()
        let s = Sampler(settings: Config.SamplingSettings(sampler: sampler, ratio: 0.25), counters: counters)
        var ids = Ids(state: 42)
        var keptTraces = 0
        let traces = 100_000
        for batch in 0..<100 {
            var spans: [Span] = []
            for _ in 0..<(traces / 100) {
                let trace = TraceID(high: ids.next(), low: ids.next())
                let root = ids.next() | 1
                spans.append(Span(traceId: trace, spanId: SpanID(root), name: "root"))
                spans.append(Span(traceId: trace, spanId: SpanID(root &+ 2), parentSpanId: SpanID(root), name: "child"))
                spans.append(Span(traceId: trace, spanId: SpanID(root &+ 4), parentSpanId: SpanID(root &+ 2), name: "grandchild"))
            }
            guard let kept = s.sample(Fixtures.traces(spans.shuffledDeterministically(seed: UInt64(batch)))) else { continue }
            var perTrace: [TraceID: Int] = [:]
            for span in kept.resourceSpans.flatMap({ $0.scopeSpans.flatMap(\.spans) }) { perTrace[span.traceId, default: 0] += 1 }
            #expect(perTrace.values.allSatisfy { $0 == 3 }, "orphan spans")
            keptTraces += perTrace.count
        }
        let share = Double(keptTraces) / Double(traces)
        print("sampling \(sampler.rawValue) 0.25: kept \(keptTraces)/\(traces) traces (\(share))")
        #expect(abs(share - 0.25) <= 0.01)
        let dropped = counters.value(RedactionMetrics.droppedItems, [("processor", "sampling"), ("signal", "traces"), ("reason", "sampled_out")])
        #expect(dropped == UInt64(3 * (traces - keptTraces)))
    }

    /// The rule of the SDKs' TraceIdRatioBased sampler: lower 64 bits below ratio × 2^64.
    @Test func ratioBoundary() {
        let s = Sampler(settings: Config.SamplingSettings(sampler: .traceIDRatio, ratio: 0.5), counters: CounterRegistry())
        #expect(s.ratioKeeps(TraceID(high: .max, low: 0x7FFF_FFFF_FFFF_FFFF)))
        #expect(!s.ratioKeeps(TraceID(high: 0, low: 0x8000_0000_0000_0000)))
        let none = Sampler(settings: Config.SamplingSettings(sampler: .traceIDRatio, ratio: 0), counters: CounterRegistry())
        #expect(!none.ratioKeeps(TraceID(high: 1, low: 0)))
        let all = Sampler(settings: Config.SamplingSettings(sampler: .traceIDRatio, ratio: 1), counters: CounterRegistry())
        #expect(all.ratioKeeps(TraceID(high: 1, low: .max)))
    }

    @Test func parentBasedHonoursTheSampledFlag() {
        let on = Sampler(settings: Config.SamplingSettings(sampler: .parentBasedAlwaysOn), counters: CounterRegistry())
        #expect(on.samplerKeeps(Fixtures.span()))                                       // root
        #expect(on.samplerKeeps(Fixtures.span(parent: 9, flags: 0x101)))                // parent sampled
        #expect(!on.samplerKeeps(Fixtures.span(parent: 9, flags: 0x102)))               // trace flags known, not sampled
        #expect(!on.samplerKeeps(Fixtures.span(parent: 9, flags: 0x302)))               // remote parent, not sampled
        #expect(on.samplerKeeps(Fixtures.span(parent: 9, flags: 0)))                    // flags unknown: root sampler
        // Bits 8–9 only (what the Python SDK sends): the trace-flags byte is unknown, so the root sampler.
        #expect(on.samplerKeeps(Fixtures.span(parent: 9, flags: 0x100)))
        #expect(on.samplerKeeps(Fixtures.span(parent: 9, flags: 0x300)))
        let off = Sampler(settings: Config.SamplingSettings(sampler: .parentBasedAlwaysOff, keepErrors: false), counters: CounterRegistry())
        #expect(!off.samplerKeeps(Fixtures.span()))
        #expect(off.samplerKeeps(Fixtures.span(parent: 9, flags: 0x301)))
        #expect(!off.samplerKeeps(Fixtures.span(parent: 9, flags: 0)))
        #expect(!off.samplerKeeps(Fixtures.span(parent: 9, flags: 0x300)))
    }

    @Test func alwaysOffDropsEverythingButErrors() throws {
        let counters = CounterRegistry()
        var config = Config.Processors.default
        config.sampling = Config.SamplingSettings(sampler: .alwaysOff)
        let processors = try Processors(config: config, counters: counters)
        #expect(processors.process(.traces(Fixtures.traces([Fixtures.span(), Fixtures.span(trace: 2)]))) == nil)
        let out = processors.process(.traces(Fixtures.traces([Fixtures.span(), Fixtures.span(trace: 2, status: .error)])))
        #expect(out?.itemCount == 1)
        #expect(counters.value(RedactionMetrics.droppedItems, [("processor", "sampling"), ("signal", "traces"), ("reason", "sampled_out")]) == 3)
    }

    @Test func rateLimitPerServiceWithInjectedClock() {
        let clock = ManualClock()
        let counters = CounterRegistry()
        let s = Sampler(settings: Config.SamplingSettings(sampler: .alwaysOn, rateLimit: 10), counters: counters, clock: clock)
        func batch(_ n: Int, service: String, errors: Int = 0) -> TracesData {
            Fixtures.traces((0..<n).map { Fixtures.span(trace: UInt64($0 + 1), status: $0 < errors ? .error : nil) }, service: service)
        }
        #expect(s.sample(batch(25, service: "a"))?.spanCount == 10)   // a full bucket: one second's worth
        #expect(s.sample(batch(5, service: "a")) == nil)              // empty until time passes
        #expect(s.sample(batch(25, service: "b"))?.spanCount == 10)   // services have their own buckets
        clock.advance(seconds: 0.5)
        #expect(s.sample(batch(25, service: "a"))?.spanCount == 5)
        #expect(s.sample(batch(4, service: "a", errors: 3))?.spanCount == 3)  // errors pass, without tokens
        clock.advance(seconds: 60)
        #expect(s.sample(batch(25, service: "a"))?.spanCount == 10)   // the burst stays one second's worth
        let limited = counters.value(RedactionMetrics.droppedItems, [("processor", "sampling"), ("signal", "traces"), ("reason", "rate_limited")])
        #expect(limited == 15 + 5 + 15 + 20 + 1 + 15)
    }
}

extension Array {
    func shuffledDeterministically(seed: UInt64) -> [Element] {
        var ids = SamplingTests.Ids(state: seed)
        var out = self
        for i in out.indices.reversed() where i > 0 {
            out.swapAt(i, Int(ids.next() % UInt64(i + 1)))
        }
        return out
    }
}
