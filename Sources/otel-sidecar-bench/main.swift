#if canImport(Glibc)
import Glibc
#endif
import EventProtocol
import MetricStore
import OTLPWire
import Redaction
import SidecarModel

/// `otel-sidecar-bench [--json FILE] [--quick]`: codec benchmarks, each beside its baseline in the same run.
/// Figures are thread CPU time, best of 7 rounds.
var args = CommandLine.arguments.dropFirst()
var jsonPath: String?
var quick = false
var only: String?
var workload: (stage: String, requests: Int)?
while let a = args.popFirst() {
    switch a {
    case "--workload":  // for callgrind: a fixed workload, no timing (`--workload all|decode|process|span-metrics|encode N`)
        workload = (args.popFirst() ?? "all", Int(args.popFirst() ?? "") ?? 20)
    case "--json": jsonPath = args.popFirst()
    case "--quick": quick = true
    case "--only": only = args.popFirst()  // run only the benchmarks whose name contains this (for profiling)
    default:
        print("usage: otel-sidecar-bench [--json FILE] [--quick] [--only NAME] | --workload STAGE N")
        exit(2)
    }
}
if let workload {
    print("work: \(Stages.workload(workload.stage, requests: workload.requests))")
    exit(0)
}

struct Row {
    var name: String
    var nsPerOp: Double
    var bytesPerOp: Int
    var itemsPerOp: Int
    var baseline: String

    var mbPerSec: Double { Double(bytesPerOp) / nsPerOp * 1e3 }
    var itemsPerSec: Double { Double(itemsPerOp) / nsPerOp * 1e9 }
}

var rows: [Row] = []

/// Whether a benchmark runs (all of them unless `--only`).
@MainActor func selected(_ name: String) -> Bool { only.map { name.contains($0) } ?? true }

/// Measures `body` when selected; otherwise records nothing.
@MainActor func bench(_ name: String, iterations: Int, bytes: Int, items: Int, baseline: String, _ body: () -> Void) {
    guard selected(name) else { return }
    rows.append(Row(name: name, nsPerOp: Harness.measure(iterations: iterations, body), bytesPerOp: bytes, itemsPerOp: items, baseline: baseline))
}
let scale = quick ? 10 : 1

// Codec: a 512-span request with 8 attributes per span.
let request = Workloads.traces(spans: 512)
let pb = OTLPProtobuf.encode(request)
let json = OTLPJSON.encode(request)
// safe: the benchmark checks its own fixed workload before timing it.
precondition((try? OTLPProtobuf.decodeTraces(pb)) == request, "protobuf round trip")
// safe: as above.
precondition((try? OTLPJSON.decodeTraces(json)) == request, "JSON round trip")

let iters = 200 / scale
var sink = [UInt8](repeating: 0, count: pb.count)
bench("memcpy of the protobuf bytes (ceiling)", iterations: iters * 20, bytes: pb.count, items: 512, baseline: "-") {
    sink.withUnsafeMutableBytes { dst in pb.withUnsafeBytes { src in dst.copyMemory(from: src) } }
    blackHole(sink)
}
bench("protobuf decode, 512 spans x 8 attrs", iterations: iters, bytes: pb.count, items: 512, baseline: "memcpy") {
    blackHole(try? OTLPProtobuf.decodeTraces(pb))
}
bench("protobuf encode, 512 spans x 8 attrs", iterations: iters, bytes: pb.count, items: 512, baseline: "memcpy") {
    blackHole(OTLPProtobuf.encode(request))
}
bench("OTLP/JSON decode, 512 spans x 8 attrs", iterations: iters / 4, bytes: json.count, items: 512, baseline: "memcpy") {
    blackHole(try? OTLPJSON.decodeTraces(json))
}
bench("OTLP/JSON encode, 512 spans x 8 attrs", iterations: iters / 4, bytes: json.count, items: 512, baseline: "memcpy") {
    blackHole(OTLPJSON.encode(request))
}

// Event protocol: decoding span lines of ~470 bytes, beside a newline scan of the same bytes.
let eventLine = Workloads.eventSpanLine
let eventLines = Array(repeating: eventLine, count: 1000).joined(separator: "\n") + "\n"
let eventBytes = Array(eventLines.utf8)
let eventDecoder = EventDecoder(clock: { 1_763_000_000_000_000_000 }, randomID: { 42 })
// safe: the benchmark checks its own fixed workload before timing it.
precondition((try? eventDecoder.decode(eventLine)) != nil, "event line decodes")
bench("newline scan of 1000 event lines (baseline)", iterations: iters * 5, bytes: eventBytes.count, items: 1000, baseline: "-") {
    var n = 0
    eventBytes.withUnsafeBytes { raw in
        var p = raw.baseAddress!
        var left = raw.count
        while left > 0, let nl = memchr(p, 0x0A, left) {
            n += 1
            let used = UnsafeRawPointer(nl) - p + 1
            p += used
            left -= used
        }
    }
    blackHole(n)
}
bench("event line decode, 1000 span lines of \(eventLine.utf8.count) B", iterations: iters / 2, bytes: eventBytes.count, items: 1000, baseline: "newline scan") {
    eventBytes.withUnsafeBytes { raw in
        var p = raw.baseAddress!
        var left = raw.count
        while left > 0, let nl = memchr(p, 0x0A, left) {
            let len = UnsafeRawPointer(nl) - p
            blackHole(try? eventDecoder.decode(UnsafeRawBufferPointer(start: p, count: len)))
            p += len + 1
            left -= len + 1
        }
    }
}

func fmt(_ d: Double, _ places: Int = 1) -> String {
    var s = String(Int((d * pow(10, Double(places))).rounded()))
    if places > 0 {
        while s.count <= places { s = "0" + s }
        s.insert(".", at: s.index(s.endIndex, offsetBy: -places))
    }
    return s
}

print("# otel-sidecar benchmarks\n")
print("- command: `make bench` (`.build/release/otel-sidecar-bench`)")
print("- machine: \(Machine.describe())")
print("- figures: thread CPU time, best of 7 rounds; ratios against a baseline measured in the same run\n")
print("## Codecs and the event protocol\n")
print("| benchmark | µs/op | MB/s | items/s | vs its baseline |")
print("|---|---:|---:|---:|---:|")
var baselineNames: [String: Row] = [:]
if let m = rows.first(where: { $0.name.hasPrefix("memcpy") }) { baselineNames["memcpy"] = m }
if let n = rows.first(where: { $0.name.hasPrefix("newline scan") }) { baselineNames["newline scan"] = n }
for r in rows {
    var ratio = "baseline"
    if let b = baselineNames[r.baseline] {
        ratio = fmt(r.nsPerOp / b.nsPerOp * Double(b.bytesPerOp) / Double(r.bytesPerOp), 1) + "× slower than \(r.baseline)"
    }
    print("| \(r.name) | \(fmt(r.nsPerOp / 1000, 1)) | \(fmt(r.mbPerSec, 0)) | \(fmt(r.itemsPerSec, 0)) | \(ratio) |")
}

// Processors: redaction cost per span with the default rules, beside the same run with redaction off.
let redaction = !selected("redaction") ? [] : quick ? RedactionBenchmark.run(rounds: 3, batches: 20) : RedactionBenchmark.run()
print("\n## Processors (redaction, default rules; MCP tool-call spans, 5% carrying PII)\n")
print("| benchmark | ns/span |")
print("|---|---:|")
for r in redaction { print("| \(r.name) | \(fmt(r.nsPerSpan, 0)) |") }

// The receive path stage by stage, with allocations per span.
let stages = selected("stages") ? Stages.run(iterations: 40 / scale) : []
print("\n## Receive path by stage (512 MCP spans per request; default processors; span metrics on)\n")
print("| stage | ns/span | allocations/span |")
print("|---|---:|---:|")
for r in stages { print("| \(r.name) | \(fmt(r.nsPerSpan, 0)) | \(fmt(r.allocationsPerSpan, 2)) |") }

// Metric store: ns per metric event aggregated beside a dictionary-increment baseline; scrape of 10k series.
let metricStore = selected("metric store") ? MetricStoreBenchmark.run() : []
print("\n## Metric store\n")
print("| benchmark | value | unit |")
print("|---|---:|---|")
for r in metricStore { print("| \(r.name) | \(fmt(r.value, 1)) | \(r.unit) |") }

if let jsonPath {
    var out = "{\"machine\":\"\(Machine.describe())\",\"benchmarks\":["
    var items = rows.map { r in
        "{\"name\":\"\(r.name)\",\"ns_per_op\":\(fmt(r.nsPerOp, 0)),\"bytes_per_op\":\(r.bytesPerOp),\"items_per_op\":\(r.itemsPerOp),\"mb_per_s\":\(fmt(r.mbPerSec, 1)),\"items_per_s\":\(fmt(r.itemsPerSec, 0)),\"baseline\":\"\(r.baseline)\"}"
    }
    items += redaction.map { "{\"name\":\"\($0.name)\",\"ns_per_span\":\(fmt($0.nsPerSpan, 1))}" }
    items += stages.map { "{\"name\":\"stage: \($0.name)\",\"ns_per_span\":\(fmt($0.nsPerSpan, 1)),\"allocations_per_span\":\(fmt($0.allocationsPerSpan, 2))}" }
    items += metricStore.map { "{\"name\":\"\($0.name)\",\"value\":\(fmt($0.value, 3)),\"unit\":\"\($0.unit)\"}" }
    out += items.joined(separator: ",")
    out += "]}\n"
    if let f = fopen(jsonPath, "w") {
        fputs(out, f)
        fclose(f)
    }
}
