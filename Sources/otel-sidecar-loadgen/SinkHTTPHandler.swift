import NIOCore
import NIOHTTP1

/// OTLP/HTTP for the sink (HTTP/1.1, keep-alive): `POST …/v1/traces|metrics|logs` with a protobuf body
/// (gzip/deflate aware) is counted and answered 200 with an empty protobuf response; `GET /stats` returns
/// the counters as JSON.
final class SinkHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let maxBody = 64 << 20
    let counters: SinkCounters
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var tooLarge = false

    init(counters: SinkCounters) { self.counters = counters }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = nil
            tooLarge = false
            if h.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: .continue))), promise: nil)
            }
        case .body(var chunk):
            guard !tooLarge else { return }
            if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
            if body!.readableBytes > Self.maxBody {
                tooLarge = true
                body = nil
            }
        case .end:
            guard let h = head else { return }
            let (status, contentType, payload) = tooLarge ? (.payloadTooLarge, "text/plain", Array("body too large\n".utf8)) : respond(h, body)
            head = nil
            body = nil
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "Content-Length", value: String(payload.count))
            let keepAlive = h.isKeepAlive && !tooLarge
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: status, headers: headers))), promise: nil)
            if !payload.isEmpty {
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: payload)))), promise: nil)
            }
            if keepAlive {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            } else {
                context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            }
        }
    }

    func respond(_ h: HTTPRequestHead, _ body: ByteBuffer?) -> (HTTPResponseStatus, String, [UInt8]) {
        let path = h.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? h.uri
        if h.method == .GET, path == "/stats" {
            return (.ok, "application/json", Array((counters.json().render() + "\n").utf8))
        }
        if h.method == .GET, path == "/healthz" { return (.ok, "text/plain", Array("ok\n".utf8)) }
        let signal: ProtoCount.Signal? = path.hasSuffix("/v1/traces") ? .traces : path.hasSuffix("/v1/metrics") ? .metrics
            : path.hasSuffix("/v1/logs") ? .logs : nil
        guard let signal else { return reject(.notFound, "unknown path \(path)") }
        guard h.method == .POST else { return reject(.methodNotAllowed, "POST only") }
        let contentType = h.headers["content-type"].first?.lowercased() ?? ""
        guard !contentType.hasPrefix("application/json") else {
            return reject(.unsupportedMediaType, "the counting sink takes application/x-protobuf only")
        }
        let encoding = h.headers["content-encoding"].first?.lowercased() ?? "identity"
        let raw = body ?? ByteBuffer()
        counters.httpWireBytes.add(raw.readableBytes, ordering: .relaxed)
        let counted: Counted? = raw.withUnsafeReadableBytes { bytes -> Counted? in
            switch encoding {
            case "identity", "":
                return Counted(items: ProtoCount.count(signal, bytes), bytes: bytes.count)
            case "gzip", "x-gzip", "deflate":
                let bits: Int32 = encoding == "deflate" ? 15 : 31
                guard let plain = try? Gzip.inflate(bytes, windowBits: bits) else { return nil }
                return plain.withUnsafeBytes { Counted(items: ProtoCount.count(signal, $0), bytes: $0.count) }
            default:
                return nil
            }
        }
        guard let counted else { return reject(.badRequest, "unsupported or corrupt Content-Encoding \(encoding)") }
        guard let items = counted.items else { return reject(.badRequest, "malformed protobuf") }
        counters.counted(signal, items: items, bytes: counted.bytes, grpc: false)
        return (.ok, "application/x-protobuf", [])
    }

    private func reject(_ status: HTTPResponseStatus, _ message: String) -> (HTTPResponseStatus, String, [UInt8]) {
        counters.rejected.add(1, ordering: .relaxed)
        return (status, "text/plain", Array((message + "\n").utf8))
    }
}
