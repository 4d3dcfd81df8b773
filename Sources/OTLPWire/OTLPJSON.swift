import SidecarModel

/// The OTLP/JSON codec (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).
///
/// Decoding: lowerCamelCase keys, unknown keys ignored, `null` as the default, hex ids, enums as integers
/// or names, 64-bit integers as strings or numbers, doubles as numbers or "NaN"/"Infinity"/"-Infinity",
/// strings must be valid UTF-8. Encoding omits default values and writes 64-bit integers as strings.
public enum OTLPJSON {
    public static func decodeTraces(_ bytes: [UInt8], limits: DecodingLimits = .default) throws(WireError) -> TracesData {
        try decode(bytes, limits) { (s) throws(WireError) in try s.tracesData() }
    }

    public static func decodeMetrics(_ bytes: [UInt8], limits: DecodingLimits = .default) throws(WireError) -> MetricsData {
        try decode(bytes, limits) { (s) throws(WireError) in try s.metricsData() }
    }

    public static func decodeLogs(_ bytes: [UInt8], limits: DecodingLimits = .default) throws(WireError) -> LogsData {
        try decode(bytes, limits) { (s) throws(WireError) in try s.logsData() }
    }

    public static func decodeResponse(_ bytes: [UInt8], limits: DecodingLimits = .default) throws(WireError) -> ExportResponse {
        try decode(bytes, limits) { (s) throws(WireError) in try s.exportResponse() }
    }

    public static func encode(_ d: TracesData) -> [UInt8] {
        var w = JSONWriter(capacity: 512 + d.spanCount * 600)
        w.tracesData(d)
        return w.buf
    }

    public static func encode(_ d: MetricsData) -> [UInt8] {
        var w = JSONWriter(capacity: 512 + d.dataPointCount * 300)
        w.metricsData(d)
        return w.buf
    }

    public static func encode(_ d: LogsData) -> [UInt8] {
        var w = JSONWriter(capacity: 512 + d.logRecordCount * 600)
        w.logsData(d)
        return w.buf
    }

    /// `signal` picks the name of the rejected count: `rejectedSpans`, `rejectedDataPoints`, `rejectedLogRecords`.
    public static func encode(_ r: ExportResponse, signal: Signal) -> [UInt8] {
        var w = JSONWriter(capacity: 128)
        switch signal {
        case .traces: w.exportResponse(r, rejectedKey: "rejectedSpans")
        case .metrics: w.exportResponse(r, rejectedKey: "rejectedDataPoints")
        case .logs: w.exportResponse(r, rejectedKey: "rejectedLogRecords")
        }
        return w.buf
    }

    static func decode<T>(_ bytes: [UInt8], _ limits: DecodingLimits, _ body: (inout JSONScanner) throws(WireError) -> T) throws(WireError) -> T {
        var result: Result<T, WireError>!
        bytes.withUnsafeBufferPointer { buf in
            var empty: UInt8 = 0
            withUnsafePointer(to: &empty) { emptyPtr in
                var s = JSONScanner(base: buf.baseAddress ?? emptyPtr, count: buf.count, maxDepth: limits.jsonContainerDepth)
                do throws(WireError) {
                    let v = try body(&s)
                    try s.expectEnd()
                    result = .success(v)
                } catch {
                    result = .failure(error)
                }
            }
        }
        return try result.get()
    }
}
