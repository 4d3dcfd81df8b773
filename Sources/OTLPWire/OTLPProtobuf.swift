import SidecarModel

/// The OTLP protobuf codec: bytes straight to and from the model, no intermediate objects.
///
/// Decoding checks every length against the bytes that remain, bounds AnyValue nesting, skips unknown
/// fields (and known fields sent with an unexpected wire type, as protobuf parsers do), and reports
/// malformed input as a `WireError` with its byte offset. Strings that are not valid UTF-8 are repaired
/// with U+FFFD rather than rejected. Ids of length 0 decode as the invalid (zero) id; other lengths
/// than 16 / 8 bytes are errors. Encoding writes fields in field-number order and omits proto3 defaults.
public enum OTLPProtobuf {
    // MARK: decode

    public static func decodeTraces(_ bytes: UnsafeRawBufferPointer, limits: DecodingLimits = .default) throws(WireError) -> TracesData {
        try decode(bytes, limits) { (r: inout ProtoReader) throws(WireError) in try r.tracesData() }
    }

    public static func decodeMetrics(_ bytes: UnsafeRawBufferPointer, limits: DecodingLimits = .default) throws(WireError) -> MetricsData {
        try decode(bytes, limits) { (r: inout ProtoReader) throws(WireError) in try r.metricsData() }
    }

    public static func decodeLogs(_ bytes: UnsafeRawBufferPointer, limits: DecodingLimits = .default) throws(WireError) -> LogsData {
        try decode(bytes, limits) { (r: inout ProtoReader) throws(WireError) in try r.logsData() }
    }

    public static func decodeResponse(_ bytes: UnsafeRawBufferPointer, limits: DecodingLimits = .default) throws(WireError) -> ExportResponse {
        try decode(bytes, limits) { (r: inout ProtoReader) throws(WireError) in try r.exportResponse() }
    }

    public static func decodeTraces(_ bytes: [UInt8], limits: DecodingLimits = .default) throws(WireError) -> TracesData {
        try withBytes(bytes) { (b) throws(WireError) in try decodeTraces(b, limits: limits) }
    }

    public static func decodeMetrics(_ bytes: [UInt8], limits: DecodingLimits = .default) throws(WireError) -> MetricsData {
        try withBytes(bytes) { (b) throws(WireError) in try decodeMetrics(b, limits: limits) }
    }

    public static func decodeLogs(_ bytes: [UInt8], limits: DecodingLimits = .default) throws(WireError) -> LogsData {
        try withBytes(bytes) { (b) throws(WireError) in try decodeLogs(b, limits: limits) }
    }

    public static func decodeResponse(_ bytes: [UInt8], limits: DecodingLimits = .default) throws(WireError) -> ExportResponse {
        try withBytes(bytes) { (b) throws(WireError) in try decodeResponse(b, limits: limits) }
    }

    // MARK: encode

    public static func encode(_ d: TracesData, capacityHint: Int = 0) -> [UInt8] {
        var w = ProtoWriter(capacity: capacityHint > 0 ? capacityHint : 256 + d.spanCount * 320)
        w.tracesData(d)
        return w.buf
    }

    public static func encode(_ d: MetricsData, capacityHint: Int = 0) -> [UInt8] {
        var w = ProtoWriter(capacity: capacityHint > 0 ? capacityHint : 256 + d.dataPointCount * 160)
        w.metricsData(d)
        return w.buf
    }

    public static func encode(_ d: LogsData, capacityHint: Int = 0) -> [UInt8] {
        var w = ProtoWriter(capacity: capacityHint > 0 ? capacityHint : 256 + d.logRecordCount * 320)
        w.logsData(d)
        return w.buf
    }

    public static func encode(_ r: ExportResponse) -> [UInt8] {
        var w = ProtoWriter(capacity: 64)
        w.exportResponse(r)
        return w.buf
    }

    // MARK: helpers

    @inline(__always)
    static func decode<T>(
        _ bytes: UnsafeRawBufferPointer, _ limits: DecodingLimits,
        _ body: (inout ProtoReader) throws(WireError) -> T
    ) throws(WireError) -> T {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            // An empty message is valid and decodes to the empty value.
            var empty: UInt8 = 0
            return try withUnsafePointer(to: &empty) { (p) throws(WireError) -> T in
                var r = ProtoReader(base: p, count: 0, limits: limits)
                return try body(&r)
            }
        }
        var r = ProtoReader(base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count, limits: limits)
        return try body(&r)
    }

    @inline(__always)
    static func withBytes<T>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(WireError) -> T) throws(WireError) -> T {
        var result: Result<T, WireError>!
        bytes.withUnsafeBytes { raw in
            do throws(WireError) { result = .success(try body(raw)) } catch { result = .failure(error) }
        }
        return try result.get()
    }
}
