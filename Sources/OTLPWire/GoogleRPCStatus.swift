import SidecarModel

/// `google.rpc.Status` (1 code int32, 2 message string, 3 details repeated Any) and `google.rpc.RetryInfo`
/// (1 retry_delay google.protobuf.Duration {1 seconds int64, 2 nanos int32}), encoded by hand: what gRPC
/// servers put in the `grpc-status-details-bin` trailer and OTLP/HTTP servers in error bodies.
public enum GoogleRPCStatus {
    public static let retryInfoTypeURL = "type.googleapis.com/google.rpc.RetryInfo"

    /// A Status message; with `retryDelay`, it carries one `RetryInfo` detail.
    public static func encode(code: Int32, message: String, retryDelay: Duration? = nil) -> [UInt8] {
        var w = ProtoWriter(capacity: 64 + message.utf8.count)
        w.int32(1, code)
        w.string(2, message)
        if let retryDelay {
            let c = retryDelay.components
            w.message(3) { any in
                any.string(1, retryInfoTypeURL)
                any.tag(2, WireType.lengthDelimited)
                var info = ProtoWriter(capacity: 16)
                info.message(1) { d in
                    d.int64(1, c.seconds)
                    d.int32(2, Int32(c.attoseconds / 1_000_000_000))
                }
                any.varint(UInt64(info.count))
                any.append(info.buf)
            }
        }
        return w.buf
    }

    /// The JSON form used for OTLP/JSON error bodies: `{"code":3,"message":"..."}`.
    public static func encodeJSON(code: Int32, message: String) -> [UInt8] {
        var w = JSONWriter(capacity: 64 + message.utf8.count)
        w.object { w in
            w.key("code")
            w.int(Int64(code))
            w.key("message")
            w.string(message)
        }
        return w.buf
    }

    /// Decodes `code`, `message` and a RetryInfo delay, if present (for clients and tests).
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> (code: Int32, message: String, retryDelay: Duration?) {
        try OTLPProtobuf.withBytes(bytes) { (raw) throws(WireError) in
            try OTLPProtobuf.decode(raw, .default) { (r: inout ProtoReader) throws(WireError) in
                var code: Int32 = 0
                var message = ""
                var delay: Duration?
                while true {
                    switch try r.nextField() {
                    case 0: return (code, message, delay)
                    case 1: if let v = try r.uint64Field() { code = Int32(truncatingIfNeeded: v) }
                    case 2: if let v = try r.stringField() { message = v }
                    case 3:
                        _ = try r.message { (any: inout ProtoReader) throws(WireError) in
                            var typeURL = ""
                            var value: [UInt8] = []
                            while true {
                                switch try any.nextField() {
                                case 0:
                                    if typeURL == retryInfoTypeURL { delay = try retryDelay(value) }
                                    return
                                case 1: if let v = try any.stringField() { typeURL = v }
                                case 2: if let v = try any.bytesField() { value = v }
                                default: try any.skipField()
                                }
                            }
                        }
                    default: try r.skipField()
                    }
                }
            }
        }
    }

    static func retryDelay(_ bytes: [UInt8]) throws(WireError) -> Duration? {
        try OTLPProtobuf.withBytes(bytes) { (raw) throws(WireError) in
            try OTLPProtobuf.decode(raw, .default) { (r: inout ProtoReader) throws(WireError) -> Duration? in
                var d: Duration?
                while true {
                    switch try r.nextField() {
                    case 0: return d
                    case 1:
                        d = try r.message { (m: inout ProtoReader) throws(WireError) -> Duration in
                            var s: Int64 = 0
                            var n: Int64 = 0
                            while true {
                                switch try m.nextField() {
                                case 0: return .seconds(s) + .nanoseconds(n)
                                case 1: if let v = try m.uint64Field() { s = Int64(bitPattern: v) }
                                case 2: if let v = try m.uint64Field() { n = Int64(Int32(truncatingIfNeeded: v)) }
                                default: try m.skipField()
                                }
                            }
                        }
                    default: try r.skipField()
                    }
                }
            }
        }
    }
}
