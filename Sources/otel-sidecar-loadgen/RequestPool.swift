import OTLPWire
import SidecarModel

/// Pre-encoded `ExportTraceServiceRequest`s, encoded once with the project's codec before the clock starts.
/// `requests[k]` holds spans k·n ..< (k+1)·n of the run (distinct ids across the pool); `tail` holds the
/// remainder when `--spans` is not a multiple of `--spans-per-request`.
struct RequestPool: Sendable {
    /// Protobuf bytes (gzip-compressed when the pool was built with gzip for OTLP/HTTP).
    let requests: [[UInt8]]
    let tail: [UInt8]?
    let spansPerRequest: Int
    let tailSpans: Int
    /// Mean uncompressed protobuf size of the full requests.
    let protobufBytes: Int
    /// Mean size on the wire (after gzip when `gzip`).
    let wireBytes: Int

    static let resource = Resource(attributes: [
        Attribute("service.name", "mcp-gateway"), Attribute("service.version", "1.4.2"),
        Attribute("deployment.environment.name", "bench"),
    ])
    static let scope = InstrumentationScope(name: "otel-sidecar-loadgen", version: "1")

    static func request(spans range: Range<Int>, salt: UInt64, baseTime: UInt64) -> [UInt8] {
        let spans = range.map { SpanShape.span($0, salt: salt, baseTime: baseTime) }
        let data = TracesData(resourceSpans: [ResourceSpans(resource: resource, scopeSpans: [ScopeSpans(scope: scope, spans: spans)])])
        return OTLPProtobuf.encode(data)
    }

    /// - Parameters:
    ///   - count: distinct full requests to encode.
    ///   - gzipBodies: gzip each body once here (OTLP/HTTP `--gzip`); gRPC compresses per message in the transport.
    init(count: Int, spansPerRequest: Int, tailSpans: Int, gzipBodies: Bool, salt: UInt64) throws(GzipError) {
        let base = Mono.wallNanos()
        var reqs: [[UInt8]] = []
        var pb = 0
        var wire = 0
        for k in 0..<count {
            let raw = Self.request(spans: k * spansPerRequest..<(k + 1) * spansPerRequest, salt: salt, baseTime: base)
            pb += raw.count
            let body = gzipBodies ? try Gzip.compress(raw) : raw
            wire += body.count
            reqs.append(body)
        }
        requests = reqs
        self.spansPerRequest = spansPerRequest
        self.tailSpans = tailSpans
        protobufBytes = pb / max(count, 1)
        wireBytes = wire / max(count, 1)
        if tailSpans > 0 {
            let first = count * spansPerRequest
            let raw = Self.request(spans: first..<first + tailSpans, salt: salt, baseTime: base)
            tail = gzipBodies ? try Gzip.compress(raw) : raw
        } else {
            tail = nil
        }
    }

    /// The body for the `seq`-th request of a worker: a full one, or the tail when `spans` is short.
    @inline(__always)
    func body(seq: Int, spans: Int) -> [UInt8] {
        if spans < spansPerRequest, let tail { return tail }
        return requests[seq % requests.count]
    }
}

/// Pre-built event-protocol span lines (newline-terminated), the same span shape as the protobuf pool.
struct EventLinePool: Sendable {
    let lines: [[UInt8]]
    let resourceLine: [UInt8] = Array(#"{"type":"resource","attributes":{"service.name":"mcp-gateway","service.version":"1.4.2","deployment.environment.name":"bench"}}"#.utf8) + [10]
    let meanBytes: Int

    init(count: Int, salt: UInt64) {
        let base = Mono.wallNanos()
        lines = (0..<count).map { Array(Self.line($0, salt: salt, baseTime: base).utf8) }
        meanBytes = lines.reduce(0) { $0 + $1.count } / max(count, 1)
    }

    /// One span line like ingest_bench.py's LINE: the proxy's received `traceparent` plus its own span id.
    static func line(_ i: Int, salt: UInt64, baseTime: UInt64) -> String {
        let f = SpanShape.fields(i, salt: salt, baseTime: baseTime)
        var s = #"{"type":"span","name":"tools/call "# + f.tool + #"","traceparent":"00-"#
        s += f.traceId.hex + "-" + f.parentSpanId.hex + #"-01","spanId":""# + f.spanId.hex
        s += #"","kind":"client","startTimeUnixNano":""# + String(f.start) + #"","durationMs":"#
        s += String(Double(f.end - f.start) / 1e6)
        s += #","attributes":{"mcp.method.name":"tools/call","mcp.tool.name":""# + f.tool
        s += #"","mcp.server.name":""# + f.server + #"","mcp.session.id":""# + f.session
        s += #"","server.address":""# + f.address + #"","server.port":8443,"user.id":""# + f.user
        s += #"","gen_ai.usage.input_tokens":"# + String(f.tokens) + "}"
        s += f.error ? #","status":{"code":"error","message":"tool failed: timeout"}}"# : #","status":{"code":"ok"}}"#
        return s + "\n"
    }
}
