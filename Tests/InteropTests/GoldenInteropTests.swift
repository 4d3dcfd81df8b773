import OTLPWire
import SidecarModel
import Testing

/// Both directions against the Python protobuf implementation:
/// Python's bytes and OTLP/JSON decode to the same model; what we encode (protobuf and JSON), Python decodes
/// and compares equal field by field with what it wrote.
@Suite("Interop with Python opentelemetry-proto")
struct GoldenInteropTests {
    /// Goldens we deliberately do not round-trip, with the reason (docs/architecture.md, "Codec decisions").
    static let excluded: [String: String] = [
        "traces_strindex": "key_strindex/string_value_strindex reference the profiles dictionary; not carried for traces",
    ]

    static let goldens = PythonPeer.manifest().filter { excluded[$0.name] == nil }

    enum Decoded {
        case traces(TracesData), metrics(MetricsData), logs(LogsData), response(ExportResponse, Signal)

        var protobuf: [UInt8] {
            switch self {
            case .traces(let d): return OTLPProtobuf.encode(d)
            case .metrics(let d): return OTLPProtobuf.encode(d)
            case .logs(let d): return OTLPProtobuf.encode(d)
            case .response(let r, _): return OTLPProtobuf.encode(r)
            }
        }

        var json: [UInt8] {
            switch self {
            case .traces(let d): return OTLPJSON.encode(d)
            case .metrics(let d): return OTLPJSON.encode(d)
            case .logs(let d): return OTLPJSON.encode(d)
            case .response(let r, let s): return OTLPJSON.encode(r, signal: s)
            }
        }
    }

    static func decode(_ type: String, protobuf bytes: [UInt8]) throws -> Decoded {
        switch type {
        case "traces": return .traces(try OTLPProtobuf.decodeTraces(bytes))
        case "metrics": return .metrics(try OTLPProtobuf.decodeMetrics(bytes))
        case "logs": return .logs(try OTLPProtobuf.decodeLogs(bytes))
        default: return .response(try OTLPProtobuf.decodeResponse(bytes), signal(type))
        }
    }

    static func decode(_ type: String, json bytes: [UInt8]) throws -> Decoded {
        switch type {
        case "traces": return .traces(try OTLPJSON.decodeTraces(bytes))
        case "metrics": return .metrics(try OTLPJSON.decodeMetrics(bytes))
        case "logs": return .logs(try OTLPJSON.decodeLogs(bytes))
        default: return .response(try OTLPJSON.decodeResponse(bytes), signal(type))
        }
    }

    static func signal(_ type: String) -> Signal {
        type.hasPrefix("traces") ? .traces : type.hasPrefix("metrics") ? .metrics : .logs
    }

    @Test func manifestIsComplete() {
        #expect(Self.goldens.count >= 20)
    }

    @Test("Python's protobuf and OTLP/JSON decode to the same model", arguments: goldens)
    func protobufAndJSONAgree(golden: PythonPeer.Golden) throws {
        let fromPB = try Self.decode(golden.type, protobuf: PythonPeer.bytes(golden.name + ".pb"))
        let fromJSON = try Self.decode(golden.type, json: PythonPeer.bytes(golden.name + ".json"))
        // Canonical re-encoding compares every field (doubles bitwise) without IEEE NaN semantics.
        let (a, b) = (fromPB.protobuf, fromJSON.protobuf)
        let same = a == b
        #expect(same, "\(golden.name): differs at byte \(firstDifference(a, b))")
    }

    @Test("What we encode, Python decodes equal field by field", arguments: goldens)
    func pythonAcceptsOurEncoding(golden: PythonPeer.Golden) throws {
        let decoded = try Self.decode(golden.type, protobuf: PythonPeer.bytes(golden.name + ".pb"))
        let goldenPath = PythonPeer.goldens.appendingPathComponent(golden.name + ".pb").path
        let pb = try PythonPeer.tempFile(golden.name + ".ours.pb", decoded.protobuf)
        let r1 = try PythonPeer.run("verify.py", [golden.type, goldenPath, pb, "--zero-ids-as-absent"])
        #expect(r1.status == 0, "protobuf: \(r1.output)")
        let json = try PythonPeer.tempFile(golden.name + ".ours.json", decoded.json)
        let r2 = try PythonPeer.run("verify.py", [golden.type, goldenPath, json, "--json", "--zero-ids-as-absent"])
        #expect(r2.status == 0, "OTLP/JSON: \(r2.output)")
    }

    /// Goldens whose bytes we do not reproduce exactly, though Python finds them equal: all-zero ids are
    /// written as absent (as the Collector's pdata does) and a KeyValue without a value as one with an empty AnyValue.
    static let notByteIdentical: Set<String> = ["traces_maximal", "traces_empty_nested"]

    @Test("Canonical goldens re-encode byte for byte", arguments: goldens.filter { !$0.name.contains("quirks") && !notByteIdentical.contains($0.name) })
    func byteIdentical(golden: PythonPeer.Golden) throws {
        let original = try PythonPeer.bytes(golden.name + ".pb")
        let decoded = try Self.decode(golden.type, protobuf: original)
        let ours = decoded.protobuf
        let firstDifference = firstDifference(ours, original)
        let same = ours == original
        #expect(same, "\(golden.name): \(ours.count) vs \(original.count) bytes, first difference at byte \(firstDifference)")
    }
}

func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
    for i in 0..<min(a.count, b.count) where a[i] != b[i] { return i }
    return min(a.count, b.count)
}
