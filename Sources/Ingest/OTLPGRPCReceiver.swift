import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Pipeline
import ServiceLifecycle

/// The OTLP/gRPC receiver on one listener (a Unix socket or a TCP address). One `Service` per listener.
public final class OTLPGRPCReceiver: Service, Sendable, CustomStringConvertible {
    public enum Listener: Sendable {
        case unix(path: String, mode: UInt32, group: String?, allowlist: PeerAllowlist = .anyone)
        case tcp(host: String, port: Int)
    }

    public struct Settings: Sendable {
        public var receiver: String
        public var listener: Listener
        public var maxMessageBytes: Int

        public init(receiver: String = "otlp_grpc", listener: Listener, maxMessageBytes: Int = 4 << 20) {
            self.receiver = receiver
            self.listener = listener
            self.maxMessageBytes = maxMessageBytes
        }
    }

    let settings: Settings
    let pipeline: Pipeline
    let readiness: Readiness
    let logger: Logger
    let stats: OTLPReceiverStats
    let readinessName: String

    public init(settings: Settings, pipeline: Pipeline, readiness: Readiness, stats: OTLPReceiverStats, logger: Logger) {
        self.settings = settings
        self.pipeline = pipeline
        self.readiness = readiness
        self.stats = stats
        self.logger = logger
        switch settings.listener {
        case .unix: readinessName = "\(settings.receiver) (unix)"
        case .tcp: readinessName = "\(settings.receiver) (tcp)"
        }
        readiness.expect(readinessName)
    }

    public var description: String { "OTLPGRPCReceiver(\(readinessName))" }

    public func run() async throws {
        let address: GRPCNIOTransportCore.SocketAddress
        var gate: PeerGate?
        if case .unix(_, _, _, let allowlist) = settings.listener, !allowlist.isUnrestricted {
            gate = PeerGate(receiver: settings.receiver, allowlist: allowlist, counters: pipeline.counters, logger: logger)
        }
        switch settings.listener {
        case .unix(let path, _, _, _):
            try UnixSocketFiles.prepare(path: path)
            address = .unixDomainSocket(path: path)
        case .tcp(let host, let port):
            address = host.contains(":") ? .ipv6(host: host, port: port) : .ipv4(host: host, port: port)
        }
        let transport = HTTP2ServerTransport.Posix(
            address: address,
            transportSecurity: .plaintext,
            config: .defaults { c in
                c.rpc.maxRequestPayloadSize = settings.maxMessageBytes
                c.compression.enabledAlgorithms = [.gzip, .deflate]
                if let gate {
                    // Every accepted connection passes the SO_PEERCRED allowlist first; a refused peer is closed.
                    c.channelDebuggingCallbacks.onAcceptTCPConnection = { channel in gate.admit(channel) }
                }
            }
        )
        let server = GRPCServer(transport: transport, services: [OTLPGRPCService(receiver: settings.receiver, pipeline: pipeline, stats: stats)])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            let bound = try await transport.listeningAddress
            var shown = "\(bound)"
            if case .unix(let path, let mode, let groupName, _) = settings.listener {
                try UnixSocketFiles.applyAccess(path: path, mode: mode, group: groupName)
                shown = "unix://\(path)"
            } else if let ip = bound.ipv4 {
                shown = "\(ip.host):\(ip.port)"
            } else if let ip = bound.ipv6 {
                shown = "[\(ip.host)]:\(ip.port)"
            }
            logger.info("listening", metadata: ["receiver": "\(settings.receiver)", "address": "\(shown)"])
            readiness.markReady(readinessName, address: shown)
            try? await gracefulShutdown()
            server.beginGracefulShutdown()
        }
        if case .unix(let path, _, _, _) = settings.listener { unlink(path) }
        logger.info("stopped", metadata: ["receiver": "\(readinessName)"])
    }
}

#if canImport(Glibc)
import Glibc
#endif
