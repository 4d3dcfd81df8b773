#if canImport(Glibc)
import Glibc
#endif
import EventProtocol
import Logging
import NIOCore
import NIOPosix
import Pipeline
import ServiceLifecycle
import Synchronization

/// The event-protocol receiver: newline-delimited JSON over a Unix stream socket. One `Service`.
///
/// On graceful shutdown it stops accepting, lets the connections' buffered lines be processed, closes them,
/// and removes its socket file.
public final class EventSocketReceiver: Service, Sendable {
    public struct Settings: Sendable {
        public var name: String
        public var socketPath: String
        public var socketMode: UInt32
        public var socketGroup: String?
        public var limits: EventLimits
        /// Peers (SO_PEERCRED uid/gid) allowed to connect; unrestricted when empty.
        public var allowlist: PeerAllowlist

        public init(name: String = "events", socketPath: String, socketMode: UInt32 = 0o660, socketGroup: String? = nil,
                    limits: EventLimits = EventLimits(), allowlist: PeerAllowlist = .anyone) {
            self.name = name
            self.socketPath = socketPath
            self.socketMode = socketMode
            self.socketGroup = socketGroup
            self.limits = limits
            self.allowlist = allowlist
        }
    }

    let settings: Settings
    let pipeline: Pipeline
    let readiness: Readiness
    let logger: Logger
    let stats: EventReceiverStats
    let group: any EventLoopGroup
    private let children = Mutex<[ObjectIdentifier: any Channel]>([:])

    public init(settings: Settings, pipeline: Pipeline, readiness: Readiness, logger: Logger,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.pipeline = pipeline
        self.readiness = readiness
        self.logger = logger
        self.stats = EventReceiverStats(receiver: settings.name, counters: pipeline.counters)
        self.group = group
        readiness.expect(settings.name)
    }

    public func run() async throws {
        let path = settings.socketPath
        try UnixSocketFiles.prepare(path: path)
        let decoder = EventDecoder(limits: settings.limits)
        let log = RateLimitedLog(logger: logger)
        let gate = PeerGate(receiver: settings.name, allowlist: settings.allowlist, counters: pipeline.counters, logger: logger)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [self] channel in
                gate.admit(channel).flatMapThrowing { [self] in
                    let handler = EventLineHandler(receiver: settings.name, decoder: decoder, pipeline: pipeline, stats: stats, log: log)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    let id = ObjectIdentifier(channel)
                    children.withLock { $0[id] = channel }
                    channel.closeFuture.whenComplete { [self] _ in _ = children.withLock { $0.removeValue(forKey: id) } }
                }
            }
            .bind(unixDomainSocketPath: path)
            .get()
        do {
            try UnixSocketFiles.applyAccess(path: path, mode: settings.socketMode, group: settings.socketGroup)
        } catch {
            try? await server.close()
            throw error
        }
        logger.info("listening", metadata: ["receiver": "\(settings.name)", "socket": "\(path)", "mode": "\(String(settings.socketMode, radix: 8))"])
        readiness.markReady(settings.name, address: "unix://\(path)")

        await withTaskCancellationOrGracefulShutdownHandler {
            try? await server.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            server.close(promise: nil)
        }
        // Intake stopped: close the connections once their event loops have run what they already read.
        let open = children.withLock { Array($0.values) }
        for c in open { try? await c.close() }
        unlink(path)
        logger.info("stopped", metadata: ["receiver": "\(settings.name)"])
    }
}

extension EventSocketReceiver: CustomStringConvertible {
    public var description: String { "EventSocketReceiver(\(settings.name))" }
}
