import Pipeline
import SidecarModel
import Testing
@testable import Redaction

struct ProcessorsTests {
    @Test func processRunsSamplingLimitsAndRedaction() throws {
        var config = Config.Processors.default
        config.sampling = Config.SamplingSettings(sampler: .traceIDRatio, ratio: 0, keepErrors: true)
        config.limits = Config.LimitSettings(maxAttributes: 1)
        let processors = try Processors(config: config, counters: CounterRegistry())
        let batch = TelemetryBatch.traces(Fixtures.traces([
            Fixtures.span(name: "ok", attributes: [Attribute("mail", "a@example.com")]),
            Fixtures.span(name: "failed for a@example.com", attributes: [Attribute("mail", "a@example.com"), Attribute("x", "y")], trace: 2, status: .error),
        ]))
        guard case .traces(let out)? = processors.process(batch) else {
            Issue.record("expected traces")
            return
        }
        let span = Fixtures.firstSpan(out)
        #expect(out.spanCount == 1)
        #expect(span.name == "failed for [REDACTED:email]")
        #expect(span.attributes == [Attribute("mail", "[REDACTED:email]")] && span.droppedAttributesCount == 1)
        #expect(processors.process(.traces(TracesData())) == nil)
        #expect(processors.process(.logs(LogsData(resourceLogs: [ResourceLogs(scopeLogs: [ScopeLogs(logRecords: [LogRecord(body: "x")])])])))?.itemCount == 1)
        #expect(processors.redactLine("mail a@example.com") == "mail [REDACTED:email]")
    }

    /// One instance used from many tasks at once gives the same results as one at a time.
    @Test func concurrentUseIsSafe() async throws {
        let processors = try Processors(config: .default, counters: CounterRegistry())
        let inputs = (0..<16).map { RedactionBenchmark.makeBatch(spans: 50, seed: $0, piiEvery: 3) }
        let serial = inputs.map { processors.process(.traces($0)) }
        let parallel = await withTaskGroup(of: (Int, TelemetryBatch?).self) { group in
            for _ in 0..<4 {
                for (i, input) in inputs.enumerated() {
                    group.addTask { (i, processors.process(.traces(input))) }
                }
            }
            var results: [(Int, TelemetryBatch?)] = []
            for await r in group { results.append(r) }
            return results
        }
        for (i, out) in parallel { #expect(out == serial[i]) }
    }

    @Test func benchmarkRuns() {
        let results = RedactionBenchmark.run(rounds: 1, batches: 2, spansPerBatch: 20)
        #expect(results.count == 5)
        #expect(results.allSatisfy { $0.nsPerSpan.isFinite })
    }
}
