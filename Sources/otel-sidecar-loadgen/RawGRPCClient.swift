import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix

/// A minimal OTLP/gRPC client straight on swift-nio-http2 (`--client raw`): one HTTP/2 connection, one
/// stream per unary call, the request already framed (5-byte gRPC prefix + message, pre-gzipped with
/// `--gzip`) and written as one DATA payload. It reads only `grpc-status`/`grpc-message`. It exists
/// because grpc-swift-2's per-call CPU (~0.5 ms plus a per-message gzip) would compete with the sidecar for
/// the same 2 cores; `--client grpc-swift` keeps the reference path.
struct RawGRPCConnection: Sendable {
    let channel: any Channel
    let multiplexer: NIOHTTP2Handler.StreamMultiplexer
    let authority: String

    static func connect(_ address: Target.Address) async throws -> RawGRPCConnection {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    var connection = NIOHTTP2Handler.ConnectionConfiguration()
                    connection.initialSettings = [
                        HTTP2Setting(parameter: .initialWindowSize, value: 8 << 20),
                        HTTP2Setting(parameter: .maxFrameSize, value: 1 << 14),
                    ]
                    var stream = NIOHTTP2Handler.StreamConfiguration()
                    stream.targetWindowSize = 8 << 20
                    _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                        mode: .client, connectionConfiguration: connection, streamConfiguration: stream,
                        inboundStreamInitializer: { $0.close() }
                    )
                }
            }
        let channel: any Channel
        let authority: String
        switch address {
        case .unix(let path):
            channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            authority = "localhost"
        case .tcp(let host, let port):
            channel = try await bootstrap.connect(host: host, port: port).get()
            authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
        let multiplexer = try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: NIOHTTP2Handler.self).syncMultiplexer()
        }.get()
        return RawGRPCConnection(channel: channel, multiplexer: multiplexer, authority: authority)
    }

    /// The request headers of an OTLP trace Export call.
    func headers(gzip: Bool, timeout: Duration) -> HPACKHeaders {
        var h = HPACKHeaders()
        h.add(name: ":method", value: "POST")
        h.add(name: ":scheme", value: "http")
        h.add(name: ":path", value: "/opentelemetry.proto.collector.trace.v1.TraceService/Export")
        h.add(name: ":authority", value: authority)
        h.add(name: "content-type", value: "application/grpc")
        h.add(name: "te", value: "trailers")
        h.add(name: "user-agent", value: "otel-sidecar-loadgen")
        h.add(name: "grpc-accept-encoding", value: "gzip")
        if gzip { h.add(name: "grpc-encoding", value: "gzip") }
        h.add(name: "grpc-timeout", value: "\(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)m")
        return h
    }

    /// One unary call: the gRPC status code (0 = OK), or -1 when the stream failed before a status.
    func call(headers: HPACKHeaders, framedMessage: ByteBuffer, timeout: Duration) async -> UnaryResult {
        let timeout = TimeAmount.nanoseconds(timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        let promise = channel.eventLoop.makePromise(of: UnaryResult.self)
        multiplexer.createStreamChannel { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(UnaryCallHandler(headers: headers, body: framedMessage, promise: promise, timeout: timeout))
            }
        }.whenFailure { promise.fail($0) }
        do {
            return try await promise.futureResult.get()
        } catch {
            return UnaryResult(status: -1, message: "\(error)")
        }
    }

    func close() async {
        try? await channel.close()
    }

    /// `[compressed flag][length, big endian][message]`.
    static func frame(_ message: [UInt8], compressed: Bool) -> ByteBuffer {
        var b = ByteBufferAllocator().buffer(capacity: message.count + 5)
        b.writeInteger(UInt8(compressed ? 1 : 0))
        b.writeInteger(UInt32(message.count))
        b.writeBytes(message)
        return b
    }
}

struct UnaryResult: Sendable {
    var status: Int
    var message: String
    /// The response message (without the 5-byte prefix) when it came uncompressed.
    var response: [UInt8] = []
}

/// Writes HEADERS + one DATA (end of stream), then waits for the trailers (or a trailers-only response).
final class UnaryCallHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let headers: HPACKHeaders
    private let body: ByteBuffer
    private let promise: EventLoopPromise<UnaryResult>
    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var done = false
    private var httpStatus = ""
    private var data: ByteBuffer?

    init(headers: HPACKHeaders, body: ByteBuffer, promise: EventLoopPromise<UnaryResult>, timeout: TimeAmount) {
        self.headers = headers
        self.body = body
        self.promise = promise
        self.timeout = timeout
    }

    func channelActive(context: ChannelHandlerContext) {
        // The client-side deadline: DEADLINE_EXCEEDED and a reset stream when no status came in time.
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            finish(UnaryResult(status: 4, message: "deadline exceeded (client)"))
            context.close(promise: nil)
        }
        context.write(wrapOutboundOut(.headers(.init(headers: headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(body), endStream: true))), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let h: HTTP2Frame.FramePayload.Headers
        switch unwrapInboundIn(data) {
        case .headers(let headers): h = headers
        case .data(let d):
            if case .byteBuffer(var b) = d.data {
                if self.data == nil { self.data = b } else { self.data!.writeBuffer(&b) }
            }
            return
        default: return
        }
        if let s = h.headers.first(name: ":status") { httpStatus = s }
        if let code = h.headers.first(name: "grpc-status") {
            var response: [UInt8] = []
            if var d = self.data, d.readableBytes >= 5, d.readInteger(as: UInt8.self) == 0, let len = d.readInteger(as: UInt32.self) {
                response = d.readBytes(length: min(Int(len), d.readableBytes)) ?? []
            }
            finish(UnaryResult(status: Int(code) ?? 2, message: h.headers.first(name: "grpc-message") ?? "", response: response))
        } else if h.endStream {
            // No grpc-status at the end: per the gRPC spec, map the HTTP status (200 without status = UNKNOWN).
            finish(UnaryResult(status: httpStatus == "200" ? 2 : 14, message: "HTTP \(httpStatus) without grpc-status"))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(UnaryResult(status: -1, message: "stream closed before a status"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(UnaryResult(status: -1, message: "\(error)"))
        context.close(promise: nil)
    }

    private func finish(_ r: UnaryResult) {
        guard !done else { return }
        done = true
        deadline?.cancel()
        promise.succeed(r)
    }
}
