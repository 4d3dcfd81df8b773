import Delivery
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import OTLPWire
import SidecarConfig
import SidecarModel

/// OTLP/gRPC exporter (grpc-swift-2 over HTTP/2, grpc-swift-nio-transport): plaintext, TLS or mTLS, TCP
/// or a Unix socket, gzip, per-request timeout, keepalive, headers as metadata (never logged).
///
/// The connections live in ``connections``, a `Service` that must run (in the `ServiceGroup`, registered
/// *before* the `DeliveryService` that uses this client, so it stops after the delivery has drained).
/// Until it runs, calls wait (up to the timeout) for a connection.
public final class OTLPGRPCExportClient: ExportClient {
    /// Connection settings that the configuration file does not expose.
    public struct Options: Sendable, Equatable {
        /// HTTP/2 PING after this long without reads while a call is open; default 60s.
        public var keepaliveTime: Duration = .seconds(60)
        /// Close the connection when a PING is not answered within this; default 20s.
        public var keepaliveTimeout: Duration = .seconds(20)
        /// Reconnect backoff: first delay (default 250ms) and cap (default 1s), ×1.6 with 20% jitter. Kept
        /// short on purpose: calls fail fast while the channel waits to reconnect, and the circuit breaker,
        /// not the channel, spaces out the requests to a dead backend. With a long cap (gRPC's default is
        /// 2 min) the breaker's half-open probe fails locally without reaching a backend that is back, and
        /// each wasted probe doubles the cooldown. A connect attempt per second to a dead port costs nothing.
        public var reconnectInitial: Duration = .milliseconds(250)
        public var reconnectMax: Duration = .seconds(1)

        public init() {}
    }

    typealias Client = GRPCClient<HTTP2ClientTransport.Posix>

    public let name: String
    /// The `Service` that runs the HTTP/2 connections of this client (one per distinct endpoint).
    public let connections: GRPCConnectionsService
    private let clients: [Signal: Client]
    private let metadata: Metadata
    private let timeout: Duration
    private let compression: CompressionAlgorithm
    private let logger: Logger

    /// - Throws: ``ExportSetupError`` for an endpoint that does not parse or TLS files that cannot be used.
    public init(exporter: SidecarConfiguration.Exporter, options: Options = Options(), logger: Logger) throws(ExportSetupError) {
        name = exporter.name
        var byURL: [String: Client] = [:]
        var clients: [Signal: Client] = [:]
        for configSignal in exporter.signals {
            guard let signal = Signal(rawValue: configSignal.rawValue), let (url, _) = exporter.endpoint(for: configSignal) else { continue }
            if let existing = byURL[url] {
                clients[signal] = existing
                continue
            }
            let endpoint: SidecarConfiguration.ExporterEndpoint
            switch SidecarConfiguration.ExporterEndpoint.parse(url, protocol: .grpc, insecure: exporter.insecure) {
            case .success(let e): endpoint = e
            case .failure(let error):
                throw ExportSetupError(exporter: exporter.name, key: Self.endpointKey(configSignal, exporter), message: error.message)
            }
            let transport: HTTP2ClientTransport.Posix
            do {
                transport = try GRPCTransportFactory.makeTransport(endpoint: endpoint, exporter: exporter, options: options)
            } catch {
                throw ExportSetupError(exporter: exporter.name, key: "tls", message: "cannot set up the gRPC transport: \(error)")
            }
            let client = Client(transport: transport)
            byURL[url] = client
            clients[signal] = client
        }
        self.clients = clients
        var md = Metadata()
        for (key, secret) in exporter.headers.sorted(by: { $0.key < $1.key }) {
            md.addString(secret.value, forKey: key.lowercased())
        }
        metadata = md
        timeout = exporter.timeout
        compression = exporter.compression == .gzip ? .gzip : .none
        var l = logger
        l[metadataKey: "exporter.name"] = "\(exporter.name)"
        self.logger = l
        connections = GRPCConnectionsService(name: exporter.name, clients: Array(byURL.values), logger: l)
    }

    static func endpointKey(_ signal: SidecarConfiguration.Signal, _ exporter: SidecarConfiguration.Exporter) -> String {
        guard let (_, specific) = exporter.endpoint(for: signal), specific else { return "endpoint" }
        return "\(signal.rawValue)_endpoint"
    }

    public func export(_ batch: EncodedBatch) async -> ExportOutcome {
        guard let client = clients[batch.signal] else {
            return .permanent(reason: "no_endpoint")
        }
        var options = CallOptions.defaults
        options.timeout = timeout
        options.compression = compression
        // Fail fast when the backend is unreachable (the delivery core owns retries and the breaker); a
        // connection that is still being set up is waited for, within the timeout.
        options.waitForReady = false
        let request = ClientRequest(message: batch.bytes, metadata: metadata)
        let start = ContinuousClock.now
        do {
            let outcome = try await client.unary(
                request: request,
                descriptor: OTLPGRPCMethods.descriptor(for: batch.signal),
                serializer: PassThroughSerializer(),
                deserializer: ResponseDeserializer(),
                options: options
            ) { response in
                switch response.accepted {
                case .success(let contents):
                    switch contents.message {
                    case .success(.success(let r)): return ExportOutcome.fromResponse(r)
                    case .success(.failure): return ExportOutcome.success
                    case .failure(let error): return Self.classify(error)
                    }
                case .failure(let error):
                    return Self.classify(error)
                }
            }
            // A call cut short by cancellation comes back as an error status, not a thrown error.
            if Task.isCancelled, !outcome.isDelivered { return .retryable(reason: "cancelled", retryAfter: nil) }
            return outcome
        } catch {
            if Task.isCancelled || error is CancellationError { return .retryable(reason: "cancelled", retryAfter: nil) }
            if let rpc = error as? RPCError {
                if rpc.code == .deadlineExceeded, ContinuousClock.now - start >= timeout {
                    return .retryable(reason: "timeout", retryAfter: nil)
                }
                if rpc.code == .cancelled, Task.isCancelled { return .retryable(reason: "cancelled", retryAfter: nil) }
                return Self.classify(rpc)
            }
            if let runtime = error as? RuntimeError, runtime.code == .clientIsStopped {
                return .retryable(reason: "client_stopped", retryAfter: nil)
            }
            logger.debug("gRPC export failed before a response", metadata: ["error.type": "\(type(of: error))"])
            return .transportFailure("transport")
        }
    }

    /// Status code per the OTLP spec; `RetryInfo` from `grpc-status-details-bin`.
    static func classify(_ error: RPCError) -> ExportOutcome {
        var retryDelay: Duration?
        for bytes in error.metadata[binaryValues: "grpc-status-details-bin"] {
            if let decoded = try? GoogleRPCStatus.decode(bytes), let d = decoded.retryDelay {
                retryDelay = d
                break
            }
        }
        return .grpc(status: error.code.rawValue, retryInfo: retryDelay)
    }

    /// The connections are closed by ``connections``' graceful shutdown (it runs after the delivery's).
    public func shutdown() async {}
}

extension ExportOutcome {
    /// `success` or `partialSuccess`: the backend took the request.
    var isDelivered: Bool {
        switch self {
        case .success, .partialSuccess: true
        case .retryable, .permanent: false
        }
    }
}
