import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle

/// Runs the HTTP/2 connections of one OTLP/gRPC exporter (`GRPCClient.runConnections()` of each endpoint)
/// until graceful shutdown, which lets calls in flight finish and then closes the connections.
///
/// Register it in the `ServiceGroup` before the `DeliveryService` of the same exporter: shutdown runs in
/// reverse order, so the delivery drains through these connections first.
public final class GRPCConnectionsService: Service, CustomStringConvertible {
    private let clients: [GRPCClient<HTTP2ClientTransport.Posix>]
    private let logger: Logger
    public let name: String

    init(name: String, clients: [GRPCClient<HTTP2ClientTransport.Posix>], logger: Logger) {
        self.name = name
        self.clients = clients
        self.logger = logger
    }

    public var description: String { "GRPCConnectionsService(\(name))" }

    public func run() async throws {
        let clients = self.clients
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    for client in clients {
                        group.addTask { try await client.runConnections() }
                    }
                }
            } onGracefulShutdown: {
                for client in clients { client.beginGracefulShutdown() }
            }
        } onCancel: {
            for client in clients { client.beginGracefulShutdown() }
        }
        logger.debug("gRPC exporter connections closed")
    }
}
