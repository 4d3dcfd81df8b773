#if canImport(Glibc)
import Glibc
#endif
import AsyncHTTPClient
import Delivery
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import OTLPWire
import SidecarConfig
import SidecarModel

/// OTLP/HTTP exporter (async-http-client): `http/protobuf` sends the batch's bytes as they are,
/// `http/json` re-encodes them as OTLP/JSON; gzip through the system zlib; TLS/mTLS; headers (never
/// logged); per-signal endpoint rules; `http+unix://` and `unix://` sockets; a per-request timeout.
///
/// Needs no `Service`: ``shutdown()`` (called by the `DeliveryService` once it is done) closes the
/// connection pool.
public final class OTLPHTTPExportClient: ExportClient {
    public enum Encoding: Sendable, Equatable {
        case protobuf, json
    }

    public let name: String
    let targets: HTTPExportTargets
    private let http: HTTPClient
    private let encoding: Encoding
    private let gzip: Bool
    private let headers: HTTPHeaders
    private let timeout: Duration
    private let logger: Logger
    /// Response bodies are read up to this size (a partial success is a few hundred bytes).
    static let maxResponseBytes = 1 << 20

    public init(exporter: SidecarConfiguration.Exporter, logger: Logger) throws(ExportSetupError) {
        name = exporter.name
        encoding = exporter.protocol == .httpJSON ? .json : .protobuf
        gzip = exporter.compression == .gzip
        timeout = exporter.timeout
        targets = try HTTPExportTargets.make(exporter)
        var h = HTTPHeaders()
        for (key, secret) in exporter.headers.sorted(by: { $0.key < $1.key }) {
            h.add(name: key, value: secret.value)
        }
        h.replaceOrAdd(name: "Content-Type", value: encoding == .json ? "application/json" : "application/x-protobuf")
        if gzip { h.replaceOrAdd(name: "Content-Encoding", value: "gzip") } else { h.remove(name: "Content-Encoding") }
        if !h.contains(name: "User-Agent") { h.add(name: "User-Agent", value: "otel-sidecar") }
        headers = h
        var config = HTTPClient.Configuration(
            tlsConfiguration: targets.usesTLS ? try HTTPExportTargets.tlsConfiguration(exporter) : nil,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .nanoseconds(Int64(clamping: Self.nanoseconds(min(exporter.timeout, .seconds(10)))))),
            decompression: .disabled
        )
        config.dnsOverride = targets.dnsOverride
        // Fail a request at once when its connection cannot be made (refused, unreachable): delivery's
        // retry policy and circuit breaker own the backoff. Left on, async-http-client retries the connect
        // until the connect timeout, so every attempt against a dead backend took the whole timeout and
        // five of them (the breaker's threshold) took ~50 s.
        config.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: config)
        var l = logger
        l[metadataKey: "exporter.name"] = "\(exporter.name)"
        self.logger = l
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        let c = d.components
        return c.seconds &* 1_000_000_000 &+ c.attoseconds / 1_000_000_000
    }

    public func export(_ batch: EncodedBatch) async -> ExportOutcome {
        guard let url = targets.urls[batch.signal] else { return .permanent(reason: "no_endpoint") }
        var body: [UInt8]
        switch encoding {
        case .protobuf:
            body = batch.bytes
        case .json:
            do {
                body = switch try batch.decoded() {
                case .traces(let d): OTLPJSON.encode(d)
                case .metrics(let d): OTLPJSON.encode(d)
                case .logs(let d): OTLPJSON.encode(d)
                }
            } catch {
                return .permanent(reason: "encode")
            }
        }
        if gzip {
            guard let compressed = Gzip.compress(body) else { return .permanent(reason: "compress") }
            body = compressed
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = headers
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(Self.nanoseconds(timeout)))
            let status = Int(response.status.code)
            guard (200...299).contains(status) else {
                let retryAfter = response.headers.first(name: "Retry-After").flatMap {
                    ExportOutcome.parseRetryAfter($0, nowUnixSeconds: Int64(time(nil)))
                }
                return .http(status: status, retryAfter: retryAfter)
            }
            guard let bytes = try? await response.body.collect(upTo: Self.maxResponseBytes), bytes.readableBytes > 0 else {
                return .success
            }
            return Self.outcome(body: Array(bytes.readableBytesView), contentType: response.headers.first(name: "Content-Type"), sent: encoding)
        } catch {
            return classify(error)
        }
    }

    /// A 2xx body: `partial_success` in the format the content type names (else the one sent).
    static func outcome(body: [UInt8], contentType: String?, sent: Encoding) -> ExportOutcome {
        let ct = contentType?.lowercased() ?? ""
        let json = ct.hasPrefix("application/json") || (!ct.contains("protobuf") && sent == .json)
        let response = json ? try? OTLPJSON.decodeResponse(body) : try? OTLPProtobuf.decodeResponse(body)
        guard let response else { return .success }
        return .fromResponse(response)
    }

    func classify(_ error: any Error) -> ExportOutcome {
        if Task.isCancelled || error is CancellationError { return .retryable(reason: "cancelled", retryAfter: nil) }
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: return .retryable(reason: "timeout", retryAfter: nil)
            case .cancelled: return .retryable(reason: "cancelled", retryAfter: nil)
            case .alreadyShutdown: return .retryable(reason: "client_stopped", retryAfter: nil)
            default: break
            }
        }
        if error is NIOConnectionError || error is IOError || error is ChannelError || error is NIOSSLError {
            logger.debug("OTLP/HTTP connection failed", metadata: ["error.type": "\(type(of: error))"])
            return .transportFailure("connect")
        }
        logger.debug("OTLP/HTTP export failed before a response", metadata: ["error.type": "\(type(of: error))"])
        return .transportFailure("transport")
    }

    public func shutdown() async {
        try? await http.shutdown()
    }
}
