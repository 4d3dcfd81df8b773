import Logging
import NIOCore
import NIOPosix
import Pipeline
import ServiceLifecycle

/// The OTLP/HTTP receiver on one listener (a Unix socket or a TCP address): `HTTPServer` with the OTLP
/// routes (and any extra routes), errors as `google.rpc.Status`. One `Service` per listener; the listeners
/// of one receiver share its `OTLPReceiverStats`.
public final class OTLPHTTPReceiver: Service, Sendable, CustomStringConvertible {
    public struct Settings: Sendable {
        /// The `receiver` label of counters and logs.
        public var receiver: String
        public var listener: HTTPListener
        /// `max_body_bytes`: the largest body, compressed and after decompression (413 above).
        public var maxBodyBytes: Int
        /// A connection idle this long is closed; nil = never.
        public var idleTimeout: Duration?
        /// Accept h2c with prior knowledge besides HTTP/1.1.
        public var http2: Bool

        public init(receiver: String = "otlp_http", listener: HTTPListener, maxBodyBytes: Int = 4 << 20,
                    idleTimeout: Duration? = .seconds(120), http2: Bool = true) {
            self.receiver = receiver
            self.listener = listener
            self.maxBodyBytes = maxBodyBytes
            self.idleTimeout = idleTimeout
            self.http2 = http2
        }
    }

    public let settings: Settings
    /// The underlying server (for `listeningAddress()`).
    public let server: HTTPServer

    /// - Parameter extraRoutes: routes served on the same listener besides the OTLP ones (e.g. `/metrics`).
    public init(
        settings: Settings, pipeline: Pipeline, readiness: Readiness?, stats: OTLPReceiverStats, logger: Logger,
        extraRoutes: HTTPRouter = HTTPRouter(), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.settings = settings
        var router = extraRoutes
        router.merge(OTLPHTTPRoutes.router(receiver: settings.receiver, pipeline: pipeline, stats: stats))
        server = HTTPServer(
            settings: .init(name: settings.receiver, listener: settings.listener, maxBodyBytes: settings.maxBodyBytes,
                            idleTimeout: settings.idleTimeout, http2: settings.http2),
            router: router, counters: pipeline.counters, readiness: readiness, logger: logger,
            renderProblem: OTLPHTTPRoutes.renderProblem,
            onProblem: { problem in stats.requestError(reason: problem.reason, message: problem.message) },
            group: group
        )
    }

    public var description: String { "OTLPHTTPReceiver(\(server.readinessName))" }

    public func run() async throws {
        try await server.run()
    }

    /// The bound address (the real port when the listener asked for port 0), once listening.
    public func listeningAddress() async throws -> SocketAddress {
        try await server.listeningAddress()
    }
}
