import Foundation
import NIOSSL
import SidecarConfig
import SidecarModel

/// Where each signal is POSTed, per the OTLP exporter specification: a shared `endpoint` is a base to which
/// `/v1/traces`, `/v1/metrics` or `/v1/logs` is appended; a `<signal>_endpoint` is used as given.
struct HTTPExportTargets: Sendable, Equatable {
    var urls: [Signal: String]
    /// `tls.server_name`: the URL names it and AHC connects to the real host (`dnsOverride`), so it is the
    /// TLS SNI, the name the certificate is verified against, and the `Host` header.
    var dnsOverride: [String: String]
    var usesTLS: Bool

    static func make(_ exporter: SidecarConfiguration.Exporter) throws(ExportSetupError) -> HTTPExportTargets {
        var urls: [Signal: String] = [:]
        var dnsOverride: [String: String] = [:]
        var usesTLS = false
        for configSignal in exporter.signals {
            guard let signal = Signal(rawValue: configSignal.rawValue), let (text, specific) = exporter.endpoint(for: configSignal) else { continue }
            let key = specific ? "\(signal.rawValue)_endpoint" : "endpoint"
            let endpoint: SidecarConfiguration.ExporterEndpoint
            switch SidecarConfiguration.ExporterEndpoint.parse(text, protocol: exporter.protocol, insecure: exporter.insecure) {
            case .success(let e): endpoint = e
            case .failure(let error): throw ExportSetupError(exporter: exporter.name, key: key, message: error.message)
            }
            let path = specific ? (endpoint.path.isEmpty ? "/" : endpoint.path) : basePath(endpoint.path) + "/v1/\(signal.rawValue)"
            switch endpoint.transport {
            case .unix(let socket):
                urls[signal] = "http+unix://\(percentEncodeSocket(socket))\(path)"
            case .tcp(var host, let port):
                usesTLS = usesTLS || endpoint.usesTLS
                if endpoint.usesTLS, let name = exporter.tls.serverName, !name.isEmpty, name != host {
                    if let other = dnsOverride[name], other != host {
                        throw ExportSetupError(exporter: exporter.name, key: "tls.server_name",
                                               message: "one server_name cannot stand for two hosts ('\(other)' and '\(host)')")
                    }
                    dnsOverride[name] = host
                    host = name
                }
                let h = host.contains(":") ? "[\(host)]" : host
                urls[signal] = "\(endpoint.usesTLS ? "https" : "http")://\(h):\(port)\(path)"
            }
        }
        return HTTPExportTargets(urls: urls, dnsOverride: dnsOverride, usesTLS: usesTLS)
    }

    /// The base path without trailing slashes (`/` and `` give ``).
    static func basePath(_ path: String) -> String {
        var p = Substring(path)
        while p.hasSuffix("/") { p.removeLast() }
        return String(p)
    }

    /// AHC takes the socket path as the URL host, percent-encoded (`/` → `%2F`).
    static func percentEncodeSocket(_ path: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }

    /// NIOSSL client configuration from `exporters[].tls`: CA file (else the system roots), client
    /// certificate and key (mTLS), `insecure_skip_verify`.
    static func tlsConfiguration(_ exporter: SidecarConfiguration.Exporter) throws(ExportSetupError) -> TLSConfiguration {
        let tls = exporter.tls
        var c = TLSConfiguration.makeClientConfiguration()
        if let ca = tls.caFile {
            do {
                c.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
            } catch {
                throw ExportSetupError(exporter: exporter.name, key: "tls.ca_file", message: "cannot read PEM certificates from '\(ca)': \(error)")
            }
        }
        if let cert = tls.certFile, let key = tls.keyFile {
            do {
                c.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
            } catch {
                throw ExportSetupError(exporter: exporter.name, key: "tls.cert_file", message: "cannot read PEM certificates from '\(cert)': \(error)")
            }
            do {
                c.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            } catch {
                // The key's content never appears in the message.
                throw ExportSetupError(exporter: exporter.name, key: "tls.key_file", message: "cannot read a PEM private key from '\(key)'")
            }
        }
        c.certificateVerification = tls.insecureSkipVerify ? .none : .fullVerification
        return c
    }
}
