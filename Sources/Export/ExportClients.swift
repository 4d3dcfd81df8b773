import Delivery
import Logging
import ServiceLifecycle
import SidecarConfig

/// Builds the `ExportClient` of one configured exporter.
public enum ExportClients {
    /// The client for `exporter`, and the services it needs running.
    ///
    /// Register `services` in the `ServiceGroup` **before** the exporter's `DeliveryService` (which is
    /// before the receivers): graceful shutdown runs in reverse order, so the receivers stop, the delivery
    /// drains through the client, and only then are the client's connections closed. Today only `grpc`
    /// has a service (``GRPCConnectionsService``); `http/*` and `console` return none and are closed by
    /// `ExportClient.shutdown()`, which the `DeliveryService` calls when it is done.
    ///
    /// - Throws: ``ExportSetupError`` (with the key) for an endpoint that does not parse, TLS files that cannot
    ///   be read, or a console file that cannot be opened. Header values never appear in it.
    public static func make(
        for exporter: SidecarConfiguration.Exporter,
        logger: Logger
    ) throws(ExportSetupError) -> (client: any ExportClient, services: [any Service]) {
        switch exporter.protocol {
        case .grpc:
            let client = try OTLPGRPCExportClient(exporter: exporter, logger: logger)
            return (client, [client.connections])
        case .httpProtobuf, .httpJSON:
            return (try OTLPHTTPExportClient(exporter: exporter, logger: logger), [])
        case .console:
            return (try ConsoleExportClient(name: exporter.name, path: exporter.path), [])
        }
    }
}
