import Foundation
import SidecarModel
import Testing

/// Runs the real OpenTelemetry Python SDK (`python/sdk_export.py`) against a live sidecar and compares
/// every span field with what the SDK recorded.
enum PythonSDK {
    static let scriptDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python")
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var python: String {
        ProcessInfo.processInfo.environment["OTEL_SIDECAR_PYTHON"] ?? repoRoot.appendingPathComponent(".venv/bin/python").path
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a script of python/ and returns its stdout; throws with stderr when it exits non-zero.
    static func run(_ script: String, _ args: [String]) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failure(description: "no Python venv at \(python): run `make test` (it creates .venv with the pinned SDK)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [scriptDir.appendingPathComponent(script).path] + args
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure(description: "\(script) \(args) exited \(p.terminationStatus): \(String(decoding: e, as: UTF8.self).suffix(2000))")
        }
        return String(decoding: o, as: UTF8.self)
    }

    /// What the SDK recorded, as JSON objects.
    static func expectedSpans(_ stdout: String) throws -> (spans: [[String: Any]], resource: [String: Any]) {
        let obj = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
        return ((obj?["spans"] as? [[String: Any]]) ?? [], (obj?["resource"] as? [String: Any]) ?? [:])
    }

    /// Compares one received span with the SDK's record; returns the differences.
    static func differences(_ s: Span, _ e: [String: Any]) -> [String] {
        var d: [String] = []
        func check(_ what: String, _ a: some Equatable, _ b: Any?) {
            if let b = b as? String, let a = a as? String, a == b { return }
            if let b = b as? NSNumber, let a = a as? UInt64, a == b.uint64Value { return }
            if let b = b as? NSNumber, let a = a as? Int32, a == b.int32Value { return }
            d.append("\(what): got \(a), SDK sent \(String(describing: b))")
        }
        check("name", s.name, e["name"])
        check("trace_id", s.traceId.hex, e["trace_id"])
        check("span_id", s.spanId.hex, e["span_id"])
        check("parent_span_id", s.parentSpanId.isValid ? s.parentSpanId.hex : "", e["parent_span_id"])
        check("kind", s.kind.rawValue, e["kind"])
        check("start", s.startTimeUnixNano, e["start"])
        check("end", s.endTimeUnixNano, e["end"])
        check("status code", s.status?.code.rawValue ?? 0, e["status_code"])
        check("status message", s.status?.message ?? "", e["status_message"])
        if !same(s.attributes, e["attributes"]) { d.append("attributes: got \(s.attributes), SDK sent \(String(describing: e["attributes"]))") }
        let events = e["events"] as? [[String: Any]] ?? []
        if events.count != s.events.count { d.append("events: got \(s.events.count), SDK sent \(events.count)") }
        for (ev, exp) in zip(s.events, events) {
            check("event name", ev.name, exp["name"])
            check("event time", ev.timeUnixNano, exp["time"])
            if !same(ev.attributes, exp["attributes"]) { d.append("event attributes differ: \(ev.attributes)") }
        }
        let links = e["links"] as? [[String: Any]] ?? []
        if links.count != s.links.count { d.append("links: got \(s.links.count), SDK sent \(links.count)") }
        for (l, exp) in zip(s.links, links) {
            check("link trace_id", l.traceId.hex, exp["trace_id"])
            check("link span_id", l.spanId.hex, exp["span_id"])
            if !same(l.attributes, exp["attributes"]) { d.append("link attributes differ: \(l.attributes)") }
        }
        return d
    }

    static func same(_ attrs: [Attribute], _ expected: Any?) -> Bool {
        let exp = expected as? [String: Any] ?? [:]
        guard exp.count == attrs.count else { return false }
        return attrs.allSatisfy { a in value(a.value, equals: exp[a.key]) }
    }

    /// `e` is `[type, value]` as sdk_export.py writes it.
    static func value(_ v: AttributeValue, equals e: Any?) -> Bool {
        guard let pair = e as? [Any], pair.count == 2, let type = pair[0] as? String else { return false }
        let x = pair[1]
        switch (v, type) {
        case (.string(let s), "string"): return (x as? String) == s
        case (.bool(let b), "bool"): return (x as? NSNumber)?.boolValue == b
        case (.int(let i), "int"): return (x as? NSNumber)?.int64Value == i
        case (.double(let d), "double"): return (x as? NSNumber)?.doubleValue == d
        case (.array(let a), "array"):
            guard let ea = x as? [Any], ea.count == a.count else { return false }
            return zip(a, ea).allSatisfy { value($0, equals: $1) }
        default: return false
        }
    }
}
