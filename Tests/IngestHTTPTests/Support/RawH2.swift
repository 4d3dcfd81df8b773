/// Just enough HTTP/2 (prior knowledge) to hold a stream open across a shutdown: frames by hand, request
/// headers as HPACK literals with static-table names.
struct RawH2 {
    struct Frame {
        var type: UInt8
        var flags: UInt8
        var stream: UInt32
        var payload: [UInt8]

        static let data: UInt8 = 0, headers: UInt8 = 1, settings: UInt8 = 4, ping: UInt8 = 6, goaway: UInt8 = 7

        /// Whether a response HEADERS block says `:status: 200` (indexed 0x88, or a literal "200").
        var isStatus200: Bool { payload.first == 0x88 || payload.firstRange(of: Array("200".utf8)) != nil }
    }

    let client: RawHTTPClient

    static func frame(_ type: UInt8, flags: UInt8, stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count
        return [UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF), type, flags,
                UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)] + payload
    }

    /// The connection preface and an empty SETTINGS frame.
    func start() {
        client.send(Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + Self.frame(Frame.settings, flags: 0, stream: 0, []))
    }

    /// HEADERS for `POST path` with a content type and length (END_HEADERS, no END_STREAM).
    func post(stream: UInt32, path: String, contentType: String, contentLength: Int) {
        func literal(_ nameIndex: UInt8, _ value: String) -> [UInt8] {
            let v = Array(value.utf8)
            precondition(v.count < 127)
            let name: [UInt8] = nameIndex < 15 ? [nameIndex] : [0x0F, nameIndex - 15]
            return name + [UInt8(v.count)] + v
        }
        var block: [UInt8] = [0x83, 0x86]  // :method POST, :scheme http
        block += literal(4, path) + literal(1, "sidecar") + literal(31, contentType) + literal(28, String(contentLength))
        client.send(Self.frame(Frame.headers, flags: 0x4, stream: stream, block))
    }

    func data(stream: UInt32, _ bytes: [UInt8], end: Bool) {
        client.send(Self.frame(Frame.data, flags: end ? 0x1 : 0, stream: stream, bytes))
    }

    func readFrame() async -> Frame? {
        guard let h = await client.readBytes(9) else { return nil }
        let n = Int(h[0]) << 16 | Int(h[1]) << 8 | Int(h[2])
        let stream = (UInt32(h[5]) & 0x7F) << 24 | UInt32(h[6]) << 16 | UInt32(h[7]) << 8 | UInt32(h[8])
        guard let payload = n == 0 ? [] : await client.readBytes(n) else { return nil }
        return Frame(type: h[3], flags: h[4], stream: stream, payload: payload)
    }

    /// Reads frames until one matches; nil on EOF. PINGs are acknowledged, as every client does (the
    /// server's graceful shutdown waits for that acknowledgement).
    func read(until match: (Frame) -> Bool) async -> Frame? {
        while let f = await readFrame() {
            if f.type == Frame.ping && f.flags & 0x1 == 0 {
                client.send(Self.frame(Frame.ping, flags: 0x1, stream: 0, f.payload))
            }
            if match(f) { return f }
        }
        return nil
    }
}
