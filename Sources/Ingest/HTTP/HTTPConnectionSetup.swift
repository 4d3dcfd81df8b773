import NIOCore
import NIOHTTP1
import NIOHTTP2

/// What every connection of one server shares: routes, limits, problem rendering and reporting.
final class HTTPServerCore: Sendable {
    let name: String
    let router: HTTPRouter
    let maxBodyBytes: Int
    let discardLimitBytes: Int
    let http2: Bool
    let http2MaxConcurrentStreams: Int
    let renderProblem: HTTPProblemRenderer
    let onProblem: @Sendable (HTTPProblem) -> Void

    init(name: String, router: HTTPRouter, maxBodyBytes: Int, discardLimitBytes: Int, http2: Bool,
         http2MaxConcurrentStreams: Int, renderProblem: @escaping HTTPProblemRenderer, onProblem: @escaping @Sendable (HTTPProblem) -> Void) {
        self.name = name
        self.router = router
        self.maxBodyBytes = maxBodyBytes
        self.discardLimitBytes = discardLimitBytes
        self.http2 = http2
        self.http2MaxConcurrentStreams = http2MaxConcurrentStreams
        self.renderProblem = renderProblem
        self.onProblem = onProblem
    }

    /// The accepted connection's first handlers: an idle timeout, then the protocol detector.
    func initialize(_ channel: any Channel, idleTimeout: TimeAmount?) throws {
        let sync = channel.pipeline.syncOperations
        if let idleTimeout {
            try sync.addHandler(IdleStateHandler(readTimeout: idleTimeout))
        }
        try sync.addHandler(IdleConnectionCloser())
        try sync.addHandler(HTTPProtocolDetector(core: self))
    }

    /// HTTP/1.1: NIO's codec with pipelining assistance (one request at a time, responses in order) and its
    /// protocol-error handler (400 + close on unparsable input), then our request handler.
    func configureHTTP1(_ channel: any Channel) throws {
        let sync = channel.pipeline.syncOperations
        try sync.configureHTTPServerPipeline(position: .last, withPipeliningAssistance: true, withServerUpgrade: nil, withErrorHandling: true)
        try sync.addHandler(HTTPRequestHandler(core: self, transport: .http1))
    }

    /// h2c (prior knowledge): NIOHTTP2 with one child channel per stream, each translated to HTTP/1-style
    /// parts for the same request handler; NIO's connection manager answers a quiesce with GOAWAY and closes
    /// once the open streams are done.
    func configureHTTP2(_ channel: any Channel) throws {
        let sync = channel.pipeline.syncOperations
        let manager = NIOHTTP2ServerConnectionManagementHandler(
            eventLoop: channel.eventLoop,
            configuration: .init(maxIdleTime: nil, maxAge: nil, maxGraceTime: nil, keepalive: nil)
        )
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: http2MaxConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: 16 * 1024),
        ]
        _ = try sync.configureHTTP2Pipeline(
            mode: .server,
            connectionConfiguration: connection,
            streamConfiguration: .init(),
            streamDelegate: manager.http2StreamDelegate,
            position: .last
        ) { [self] stream in
            stream.eventLoop.makeCompletedFuture {
                let s = stream.pipeline.syncOperations
                try s.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                try s.addHandler(HTTPRequestHandler(core: self, transport: .http2))
            }
        }
        try sync.addHandler(manager)
        try sync.addHandler(HTTP2ConnectionTail(core: self))
    }
}

/// Reads the first bytes of a connection: the HTTP/2 connection preface selects h2c, anything else
/// HTTP/1.1. Then it installs that protocol's handlers, replays the bytes it held, and leaves.
final class HTTPProtocolDetector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    static let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    let core: HTTPServerCore
    private var held: ByteBuffer?

    init(core: HTTPServerCore) {
        self.core = core
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if held == nil {
            held = incoming
        } else {
            held!.writeBuffer(&incoming)
        }
        let seen = held!.readableBytesView
        let n = min(seen.count, Self.preface.count)
        let matches = seen.prefix(n).elementsEqual(Self.preface.prefix(n))
        if matches && n < Self.preface.count { return }  // could still be the preface: wait for more
        do {
            if matches && core.http2 {
                try core.configureHTTP2(context.channel)
            } else {
                try core.configureHTTP1(context.channel)
            }
        } catch {
            context.close(promise: nil)
            return
        }
        let bytes = held!
        held = nil
        context.fireChannelRead(wrapInboundOut(bytes))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if held == nil { context.fireChannelReadComplete() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Shutting down before the client said anything: nothing is in flight, close.
        if event is ChannelShouldQuiesceEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}

/// A connection that sends nothing for the idle timeout is asked to finish (a quiesce: HTTP/1.1 closes once
/// idle, h2c sends GOAWAY); one still silent a timeout after being asked (a stalled upload) is closed.
/// Responses are written synchronously, so a read-idle connection never waits on us. Also lets only the
/// first quiesce through (idle or shutdown): NIO's HTTP/1.1 pipeline handler expects one.
final class IdleConnectionCloser: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private var quiesced = false

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            if quiesced { return }
            quiesced = true
        } else if case IdleStateHandler.IdleStateEvent.read = event {
            if quiesced {
                context.close(promise: nil)
            } else {
                quiesced = true
                context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}

/// The end of an h2c connection pipeline: counts connection-level protocol errors (NIOHTTP2 has already
/// sent GOAWAY) and closes.
final class HTTP2ConnectionTail: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame

    let core: HTTPServerCore

    init(core: HTTPServerCore) {
        self.core = core
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        core.onProblem(HTTPProblem(.badRequest, reason: "malformed_http", "HTTP/2 protocol error: \(type(of: error))"))
        context.close(promise: nil)
    }
}
