#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import Pipeline
import ServiceLifecycle
import Synchronization

/// Where an `HTTPServer` listens.
public enum HTTPListener: Sendable, Hashable, CustomStringConvertible {
    /// A Unix stream socket: its directory is created 0750, a stale socket file replaced only when nothing
    /// answers on it, the file gets `mode` and `group`, and `allowlist` filters peers by SO_PEERCRED.
    case unix(path: String, mode: UInt32 = 0o660, group: String? = nil, allowlist: PeerAllowlist = .anyone)
    /// A TCP address. Port 0 picks a free port (see `HTTPServer.listeningAddress()`).
    case tcp(host: String, port: Int)

    public var description: String {
        switch self {
        case .unix(let path, _, _, _): return "unix://\(path)"
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    var kind: String {
        switch self {
        case .unix: return "unix"
        case .tcp: return "tcp"
        }
    }
}

/// A small HTTP server on SwiftNIO: one listener, HTTP/1.1 (keep-alive, pipelining, `Expect: 100-continue`)
/// and h2c with prior knowledge on the same port, exact-path routes with synchronous handlers, request
/// bodies bounded before and after `Content-Encoding` (gzip, deflate). One `Service`.
///
/// On graceful shutdown it stops accepting, lets every request in flight finish (HTTP/1.1 connections close
/// after their current response; h2c connections get GOAWAY and close when their streams are done), then
/// removes its socket file. Cancellation (the end of the group's grace period) closes what is left.
public final class HTTPServer: Service, Sendable, CustomStringConvertible {
    public struct Settings: Sendable {
        /// The `receiver` / `server` label of counters and logs (e.g. `otlp_http`, `metrics`).
        public var name: String
        public var listener: HTTPListener
        /// The largest request body, as received and after decoding gzip/deflate; larger answers 413.
        public var maxBodyBytes: Int
        /// After an early answer (413, 404, ...), how much more body is read and dropped before the
        /// connection is closed instead.
        public var discardLimitBytes: Int
        /// A connection that sends nothing for this long is closed; nil = never.
        public var idleTimeout: Duration?
        /// Accept h2c (HTTP/2 prior knowledge) besides HTTP/1.1.
        public var http2: Bool
        /// Streams one h2c connection may have open at once (each may buffer up to `maxBodyBytes`).
        public var http2MaxConcurrentStreams: Int
        /// The name under which the listener reports to `Readiness`; default `"<name> (unix|tcp)"`.
        public var readinessName: String?

        public init(
            name: String, listener: HTTPListener, maxBodyBytes: Int = 4 << 20, discardLimitBytes: Int? = nil,
            idleTimeout: Duration? = .seconds(120), http2: Bool = true, http2MaxConcurrentStreams: Int = 32,
            readinessName: String? = nil
        ) {
            self.name = name
            self.listener = listener
            self.maxBodyBytes = maxBodyBytes
            self.discardLimitBytes = discardLimitBytes ?? max(2 * maxBodyBytes, 1 << 20)
            self.idleTimeout = idleTimeout
            self.http2 = http2
            self.http2MaxConcurrentStreams = http2MaxConcurrentStreams
            self.readinessName = readinessName
        }
    }

    private enum Bound {
        case pending([CheckedContinuation<SocketAddress, any Error>])
        case bound(SocketAddress)
        case failed(any Error)
    }

    private struct Connections {
        var open: [ObjectIdentifier: any Channel] = [:]
        var quiescing = false
    }

    public let settings: Settings
    let core: HTTPServerCore
    let readiness: Readiness?
    let logger: Logger
    let group: any EventLoopGroup
    let gate: PeerGate?
    let connectionsTotal: Counter
    let readinessName: String
    private let bound = Mutex(Bound.pending([]))
    private let connections = Mutex(Connections())

    /// - Parameters:
    ///   - renderProblem: how errors are answered (default: `text/plain`).
    ///   - onProblem: called for every rejected request; default: counts
    ///     `otel_sidecar_http_request_errors_total{server,reason}` and logs (rate-limited, reason only).
    public init(
        settings: Settings, router: HTTPRouter, counters: CounterRegistry, readiness: Readiness?, logger: Logger,
        renderProblem: @escaping HTTPProblemRenderer = HTTPProblems.plainText,
        onProblem: (@Sendable (HTTPProblem) -> Void)? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.settings = settings
        self.readiness = readiness
        self.logger = logger
        self.group = group
        let name = settings.name
        let report: @Sendable (HTTPProblem) -> Void
        if let onProblem {
            report = onProblem
        } else {
            let log = RateLimitedLog(logger: logger)
            report = { problem in
                counters.counter("otel_sidecar_http_request_errors_total", [("server", name), ("reason", problem.reason)]).add()
                log.warning("rejected request", metadata: ["server": "\(name)", "reason": "\(problem.reason)", "status": "\(problem.status.code)"])
            }
        }
        self.core = HTTPServerCore(
            name: name, router: router, maxBodyBytes: settings.maxBodyBytes, discardLimitBytes: settings.discardLimitBytes,
            http2: settings.http2, http2MaxConcurrentStreams: settings.http2MaxConcurrentStreams,
            renderProblem: renderProblem, onProblem: report
        )
        if case .unix(_, _, _, let allowlist) = settings.listener, !allowlist.isUnrestricted {
            gate = PeerGate(receiver: name, allowlist: allowlist, counters: counters, logger: logger)
        } else {
            gate = nil
        }
        connectionsTotal = counters.counter("otel_sidecar_receiver_connections_total", [("receiver", name)])
        readinessName = settings.readinessName ?? "\(name) (\(settings.listener.kind))"
        readiness?.expect(readinessName)
    }

    public var description: String { "HTTPServer(\(readinessName))" }

    /// The bound address (with the real port when the listener asked for port 0). Waits until the server
    /// is listening; throws if binding failed.
    public func listeningAddress() async throws -> SocketAddress {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<SocketAddress, any Error>) in
            let now: Result<SocketAddress, any Error>? = bound.withLock { b in
                switch b {
                case .pending(var waiters):
                    waiters.append(c)
                    b = .pending(waiters)
                    return nil
                case .bound(let a): return .success(a)
                case .failed(let e): return .failure(e)
                }
            }
            if let now { c.resume(with: now) }
        }
    }

    private func settle(_ result: Result<SocketAddress, any Error>) {
        let waiters: [CheckedContinuation<SocketAddress, any Error>] = bound.withLock { b in
            guard case .pending(let w) = b else { return [] }
            switch result {
            case .success(let a): b = .bound(a)
            case .failure(let e): b = .failed(e)
            }
            return w
        }
        for w in waiters { w.resume(with: result) }
    }

    public func run() async throws {
        let server: any Channel
        do {
            server = try await bind()
        } catch {
            settle(.failure(error))
            throw error
        }
        let shown: String
        switch settings.listener {
        case .unix(let path, _, _, _): shown = "unix://\(path)"
        case .tcp(let host, _):
            let port = server.localAddress?.port ?? 0
            shown = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
        struct NoLocalAddress: Error {}
        settle(server.localAddress.map { .success($0) } ?? .failure(NoLocalAddress()))
        logger.info("listening", metadata: ["server": "\(settings.name)", "address": "\(shown)", "h2c": "\(settings.http2)"])
        readiness?.markReady(readinessName, address: shown)

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await server.closeFuture.get()
            } onGracefulShutdown: {
                server.close(promise: nil)
            }
            try? await server.closeFuture.get()
            // Intake stopped. Ask every connection to finish what it has started, then wait for them.
            let open = connections.withLock { c in
                c.quiescing = true
                return Array(c.open.values)
            }
            for channel in open { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
            for channel in open { try? await channel.closeFuture.get() }
        } onCancel: {
            server.close(promise: nil)
            let open = connections.withLock { c in
                c.quiescing = true
                return Array(c.open.values)
            }
            for channel in open { channel.close(promise: nil) }
        }
        if case .unix(let path, _, _, _) = settings.listener { unlink(path) }
        logger.info("stopped", metadata: ["server": "\(readinessName)"])
    }

    private func bind() async throws -> any Channel {
        let idle = settings.idleTimeout.map { d -> TimeAmount in
            let c = d.components
            return .nanoseconds(c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000)
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [self] channel in
                let admitted = gate?.admit(channel) ?? channel.eventLoop.makeSucceededVoidFuture()
                return admitted.flatMapThrowing { [self] in
                    try track(channel)
                    try core.initialize(channel, idleTimeout: idle)
                }
            }
        switch settings.listener {
        case .unix(let path, let mode, let groupName, _):
            try UnixSocketFiles.prepare(path: path)
            let server = try await bootstrap.bind(unixDomainSocketPath: path).get()
            do {
                try UnixSocketFiles.applyAccess(path: path, mode: mode, group: groupName)
            } catch {
                try? await server.close()
                unlink(path)
                throw error
            }
            return server
        case .tcp(let host, let port):
            return try await bootstrap.bind(host: host, port: port).get()
        }
    }

    struct ShuttingDown: Error {}

    private func track(_ channel: any Channel) throws {
        let id = ObjectIdentifier(channel)
        let accepted = connections.withLock { c in
            guard !c.quiescing else { return false }
            c.open[id] = channel
            return true
        }
        guard accepted else { throw ShuttingDown() }
        connectionsTotal.add()
        channel.closeFuture.whenComplete { [self] _ in _ = connections.withLock { $0.open.removeValue(forKey: id) } }
    }
}
