import ArgumentParser
import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOHTTP1
import NIOPosix

extension Loadgen {
    struct Sink: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A counting OTLP backend: gRPC and HTTP/protobuf Export requests are counted (spans, metric points, log records) without decoding.",
            discussion: """
            Listen addresses are HOST:PORT (port 0 = any free port) or unix:/path. `GET /stats` on the HTTP \
            listener returns {"requests","spans","points","logs","bytes",…}; --ready FILE gets the bound ports \
            as JSON once both listen; --stats FILE gets the final counts on SIGTERM/SIGINT.
            """
        )

        @Option(help: "OTLP/gRPC listen address.")
        var grpc: String = "127.0.0.1:4317"

        @Option(help: "OTLP/HTTP listen address (also serves GET /stats).")
        var http: String = "127.0.0.1:4318"

        @Option(help: "Write {\"grpc_port\",\"http_port\",\"pid\"} here when listening.")
        var ready: String?

        @Option(help: "Write the final counters here on exit.")
        var stats: String?

        @Option(name: .customLong("max-message-bytes"), help: "Largest gRPC message accepted.")
        var maxMessageBytes: Int = 64 << 20

        func run() async throws {
            let grpcAddress: ListenAddress
            let httpAddress: ListenAddress
            do {
                grpcAddress = try ListenAddress.parse(grpc)
                httpAddress = try ListenAddress.parse(http)
            } catch { throw ValidationError(error.description) }
            let counters = SinkCounters()
            let termination = TerminationSignal()
            let grpcServer = try await SinkServers.startGRPC(grpcAddress, counters: counters, maxMessageBytes: maxMessageBytes)
            let httpChannel = try await SinkServers.startHTTP(httpAddress, counters: counters)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await grpcServer.server.serve() }
                let grpcBound = try await grpcServer.transport.listeningAddress
                let grpcPort = grpcBound.ipv4?.port ?? grpcBound.ipv6?.port ?? 0
                let httpPort = httpChannel.localAddress?.port ?? 0
                let readyJSON = JSONValue.object([
                    ("grpc_port", .int(grpcPort)), ("http_port", .int(httpPort)), ("pid", .int(Int(getpid()))),
                    ("grpc", .string("\(grpcBound)")), ("http", .string(httpChannel.localAddress.map { "\($0)" } ?? httpAddress.description)),
                ]).render() + "\n"
                if let ready { try writeFile(ready, readyJSON) }
                print("sink listening: grpc \(grpcBound), http \(httpChannel.localAddress.map { "\($0)" } ?? "?") (GET /stats)")
                let sig = await termination.wait()
                print("sink: signal \(sig), stopping")
                grpcServer.server.beginGracefulShutdown()
                try? await httpChannel.close()
                // Open client connections may keep graceful shutdown waiting: give it 2 s.
                group.addTask { try await Task.sleep(for: .seconds(2)) }
                _ = try? await group.next()
                group.cancelAll()
            }
            for case .unix(let path) in [grpcAddress, httpAddress] { unlink(path) }
            let final = counters.json().render(pretty: true)
            if let stats { try writeFile(stats, final + "\n") }
            print(final)
        }
    }
}

enum SinkServers {
    struct GRPC: Sendable {
        let server: GRPCServer<HTTP2ServerTransport.Posix>
        let transport: HTTP2ServerTransport.Posix
    }

    static func startGRPC(_ address: ListenAddress, counters: SinkCounters, maxMessageBytes: Int) async throws -> GRPC {
        let socketAddress: GRPCNIOTransportCore.SocketAddress
        switch address {
        case .unix(let path):
            unlink(path)
            socketAddress = .unixDomainSocket(path: path)
        case .tcp(let host, let port):
            socketAddress = host.contains(":") ? .ipv6(host: host, port: port) : .ipv4(host: host, port: port)
        }
        let transport = HTTP2ServerTransport.Posix(
            address: socketAddress, transportSecurity: .plaintext,
            config: .defaults { c in
                c.rpc.maxRequestPayloadSize = maxMessageBytes
                c.compression.enabledAlgorithms = [.gzip, .deflate]
            }
        )
        return GRPC(server: GRPCServer(transport: transport, services: [SinkGRPCService(counters: counters)]), transport: transport)
    }

    static func startHTTP(_ address: ListenAddress, counters: SinkCounters) async throws -> any Channel {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(SinkHTTPHandler(counters: counters))
                }
            }
        switch address {
        case .unix(let path):
            unlink(path)
            return try await bootstrap.bind(unixDomainSocketPath: path).get()
        case .tcp(let host, let port):
            return try await bootstrap.bind(host: host, port: port).get()
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
