import CAllocCounter
import MetricStore
import OTLPWire
import Pipeline
import Redaction
import SidecarConfig
import SidecarModel

/// The receive path of one OTLP request, stage by stage, on the MCP span shape (512 spans × 8 attributes):
/// protobuf decode → processors (default: sampling, limits, redaction) → span-derived metrics into the
/// store → protobuf encode (what an exporter's queue does). Per stage: CPU ns per span and heap
/// allocations per span (counted by the allocator interposer of `CAllocCounter`).
enum Stages {
    struct Result {
        var name: String
        var nsPerSpan: Double
        var allocationsPerSpan: Double
    }

    static let spans = 512

    final class Context {
        let request = Workloads.traces(spans: Stages.spans)
        let bytes: [UInt8]
        let processors: Processors
        let spanMetrics: SpanMetrics
        let store: MetricStore

        init() {
            bytes = OTLPProtobuf.encode(request)
            let counters = CounterRegistry()
            // safe: the default configuration is valid by construction; a failure is a bug in the benchmark.
            processors = try! Processors(config: .default, counters: counters)
            // safe: as above.
            spanMetrics = try! SpanMetrics(config: .default, counters: counters)
            store = MetricStore(spanMetrics: spanMetrics, counters: counters, clock: ManualMetricClock())
        }

        func decode() -> TracesData {
            // safe: the benchmark's own fixed workload, checked by the codec benchmarks.
            try! OTLPProtobuf.decodeTraces(bytes)
        }

        func process(_ data: TracesData) -> TracesData {
            guard case .traces(let out)? = processors.process(.traces(data)) else { return TracesData() }
            return out
        }
    }

    static func run(iterations: Int) -> [Result] {
        let c = Context()
        let decoded = c.decode()
        let processed = c.process(decoded)
        var results: [Result] = []
        func stage(_ name: String, _ body: () -> Void) {
            let ns = Harness.measure(iterations: iterations, body)
            let before = alloc_counter_total()
            for _ in 0..<iterations { body() }
            let allocations = Double(alloc_counter_total() - before) / Double(iterations * spans)
            results.append(Result(name: name, nsPerSpan: ns / Double(spans), allocationsPerSpan: allocations))
        }
        stage("protobuf decode") { blackHole(c.decode()) }
        stage("processors (default rules)") { blackHole(c.process(decoded)) }
        stage("span metrics into the store") { blackHole(c.store.consume(.traces(processed))) }
        stage("protobuf encode (exporter queue)") { blackHole(OTLPProtobuf.encode(processed)) }
        stage("all four") {
            let p = c.process(c.decode())
            _ = c.store.consume(.traces(p))
            blackHole(OTLPProtobuf.encode(p))
        }
        return results
    }

    /// A fixed amount of work for `valgrind --tool=callgrind` (instruction counts do not vary with the
    /// machine's load): `requests` requests through one stage or all of them.
    static func workload(_ stage: String, requests: Int) -> Int {
        let c = Context()
        let decoded = c.decode()
        let processed = c.process(decoded)
        var n = 0
        for _ in 0..<requests {
            switch stage {
            case "decode": n += c.decode().spanCount
            case "process": n += c.process(decoded).spanCount
            case "span-metrics": _ = c.store.consume(.traces(processed)); n += spans
            case "encode": n += OTLPProtobuf.encode(processed).count
            default:
                let p = c.process(c.decode())
                _ = c.store.consume(.traces(p))
                n += OTLPProtobuf.encode(p).count
            }
        }
        return n
    }
}
