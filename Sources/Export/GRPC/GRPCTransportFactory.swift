import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOPosix
import SidecarConfig

/// Builds the grpc-swift-nio-transport HTTP/2 client transport for one endpoint: target, plaintext or
/// TLS/mTLS, gzip, keepalive and connection backoff.
enum GRPCTransportFactory {
    typealias Transport = HTTP2ClientTransport.Posix

    static func makeTransport(
        endpoint: SidecarConfiguration.ExporterEndpoint,
        exporter: SidecarConfiguration.Exporter,
        options: OTLPGRPCExportClient.Options
    ) throws -> Transport {
        let target: any ResolvableTarget
        switch endpoint.transport {
        case .unix(let path):
            target = .unixDomainSocket(path: path)
        case .tcp(let host, let port):
            if isIPv4(host) {
                target = .ipv4(address: host, port: port)
            } else if host.contains(":") {
                target = .ipv6(address: host, port: port)
            } else {
                target = .dns(host: host, port: port)
            }
        }
        let config = HTTP2ClientTransport.Posix.Config.defaults { c in
            // The transport's defaults leave compression off: gzip must be enabled here *and* asked for per
            // call (CallOptions.compression), else requests go uncompressed.
            if exporter.compression == .gzip {
                c.compression = .init(algorithm: .gzip, enabledAlgorithms: .gzip)
            }
            c.connection.keepalive = .init(time: options.keepaliveTime, timeout: options.keepaliveTimeout, allowWithoutCalls: false)
            c.backoff = .init(initial: options.reconnectInitial, max: options.reconnectMax, multiplier: 1.6, jitter: 0.2)
            if endpoint.usesTLS, let name = exporter.tls.serverName, !name.isEmpty {
                // The authority is both `:authority` and the TLS SNI / verification name.
                c.http2.authority = name
            }
        }
        return try HTTP2ClientTransport.Posix(
            target: target,
            transportSecurity: try security(endpoint: endpoint, tls: exporter.tls),
            config: config,
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton
        )
    }

    static func security(
        endpoint: SidecarConfiguration.ExporterEndpoint,
        tls: SidecarConfiguration.Exporter.TLS
    ) throws -> HTTP2ClientTransport.Posix.TransportSecurity {
        guard endpoint.usesTLS else { return .plaintext }
        return .tls(.defaults { t in
            if let ca = tls.caFile { t.trustRoots = .certificates([.file(path: ca, format: .pem)]) }
            if let cert = tls.certFile, let key = tls.keyFile {
                t.certificateChain = [.file(path: cert, format: .pem)]
                t.privateKey = .file(path: key, format: .pem)
            }
            t.serverCertificateVerification = tls.insecureSkipVerify ? .noVerification : .fullVerification
        })
    }

    static func isIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in
            !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCII) && p.allSatisfy(\.isNumber) && (Int(p) ?? 256) <= 255
        }
    }
}
