import Foundation

extension SidecarConfiguration {
    /// Why an address or URL was rejected.
    public struct EndpointError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String

        public init(message: String) {
            self.message = message
        }

        public var description: String { message }
    }
}

typealias EndpointFailure = Config.EndpointError

/// `host:port` for listeners; IPv6 in brackets (`[::1]:4317`).
enum ListenAddressParser {
    static func parse(_ text: String) -> Result<Config.ListenAddress, EndpointFailure> {
        guard let (host, port) = splitHostPort(text) else {
            return .failure(EndpointFailure(message: "expected host:port such as 127.0.0.1:4317 or [::1]:4317, got '\(excerpt(text))'"))
        }
        guard let port else {
            return .failure(EndpointFailure(message: "missing port in '\(excerpt(text))'; expected host:port"))
        }
        return validatePort(port, in: text).map { Config.ListenAddress(host: host, port: $0) }
    }

    /// Splits `host[:port]` / `[v6][:port]`; nil when malformed (empty host, bare IPv6, junk after `]`).
    static func splitHostPort(_ text: String) -> (host: String, port: String?)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard !host.isEmpty, host.contains(":"), host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" }) else { return nil }
            if rest.isEmpty { return (host, nil) }
            guard rest.hasPrefix(":") else { return nil }
            return (host, String(rest.dropFirst()))
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty, parts.count <= 2,
              first.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }) else { return nil }
        return (String(first), parts.count == 2 ? String(parts[1]) : nil)
    }

    static func validatePort(_ port: String, in text: String) -> Result<Int, EndpointFailure> {
        guard !port.isEmpty, port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber), let value = Int(port), (0...65535).contains(value) else {
            return .failure(EndpointFailure(message: "invalid port '\(excerpt(port))' in '\(excerpt(text))'; expected 0...65535"))
        }
        return .success(value)
    }
}

extension SidecarConfiguration {
    /// A parsed exporter endpoint, ready for a transport.
    public struct ExporterEndpoint: Sendable, Equatable {
        public enum Transport: Sendable, Equatable {
            case tcp(host: String, port: Int)
            case unix(path: String)
        }

        public var transport: Transport
        /// `https://`, or a scheme-less grpc endpoint without `insecure: true`.
        public var usesTLS: Bool
        /// The URL path, `""` when none. A shared http endpoint is a base: the exporter appends `/v1/<signal>`.
        public var path: String

        public init(transport: Transport, usesTLS: Bool, path: String) {
            self.transport = transport
            self.usesTLS = usesTLS
            self.path = path
        }

        /// Parses an endpoint for `protocol`: grpc takes `http(s)://host:port`, `unix:///path` or a
        /// bare `host:port` (TLS unless `insecure`); http takes `http(s)://host:port[/path]`,
        /// `http+unix://%2Fpath%2Fto.sock[/path]` or `unix:///path`.
        public static func parse(_ text: String, protocol: ExporterProtocol, insecure: Bool) -> Result<ExporterEndpoint, EndpointError> {
            EndpointParser.parse(text, protocol: `protocol`, insecure: insecure)
        }
    }
}

enum EndpointParser {
    static func parse(_ text: String, protocol: Config.ExporterProtocol, insecure: Bool) -> Result<Config.ExporterEndpoint, EndpointFailure> {
        let isHTTP = `protocol` == .httpProtobuf || `protocol` == .httpJSON
        if text.contains("?") || text.contains("#") {
            return .failure(EndpointFailure(message: "query strings and fragments ('?', '#') are not allowed in an endpoint"))
        }
        if text.hasPrefix("unix://") {
            let path = String(text.dropFirst("unix://".count))
            guard path.hasPrefix("/"), path.count > 1 else {
                return .failure(EndpointFailure(message: "expected unix:///absolute/path.sock, got '\(excerpt(text))'"))
            }
            return .success(.init(transport: .unix(path: path), usesTLS: false, path: ""))
        }
        if text.hasPrefix("http+unix://") {
            guard isHTTP else {
                return .failure(EndpointFailure(message: "http+unix:// is for the http protocols; for grpc write unix:///path.sock"))
            }
            let rest = text.dropFirst("http+unix://".count)
            let encoded = rest.prefix { $0 != "/" }
            guard let socket = String(encoded).removingPercentEncoding, socket.hasPrefix("/"), socket.count > 1 else {
                return .failure(EndpointFailure(message: "expected http+unix://%2Fpath%2Fto.sock with the socket path percent-encoded, got '\(excerpt(text))'"))
            }
            return .success(.init(transport: .unix(path: socket), usesTLS: false, path: String(rest.dropFirst(encoded.count))))
        }
        let usesTLS: Bool
        let rest: Substring
        var hasScheme = true
        if text.hasPrefix("https://") {
            usesTLS = true
            rest = text.dropFirst("https://".count)
        } else if text.hasPrefix("http://") {
            usesTLS = false
            rest = text.dropFirst("http://".count)
        } else if `protocol` == .grpc, !text.contains("://") {
            usesTLS = !insecure
            rest = Substring(text)
            hasScheme = false
        } else {
            let schemes = isHTTP ? "http://, https://, http+unix:// or unix://" : "http://, https:// or unix://"
            return .failure(EndpointFailure(message: "expected a URL starting with \(schemes), got '\(excerpt(text))'"))
        }
        let authority = rest.prefix { $0 != "/" }
        let path = String(rest.dropFirst(authority.count))
        if authority.contains("@") {
            return .failure(EndpointFailure(message: "credentials in the URL are not supported (they would be logged); use headers or headers_file"))
        }
        guard let (host, port) = ListenAddressParser.splitHostPort(String(authority)) else {
            return .failure(EndpointFailure(message: "invalid host in '\(excerpt(text))'"))
        }
        if `protocol` == .grpc, !path.isEmpty, path != "/" {
            return .failure(EndpointFailure(message: "a grpc endpoint has no path; got '\(excerpt(path))' in '\(excerpt(text))'"))
        }
        let portNumber: Int
        if let port {
            switch ListenAddressParser.validatePort(port, in: text) {
            case .success(let value): portNumber = value
            case .failure(let failure): return .failure(failure)
            }
            guard portNumber > 0 else { return .failure(EndpointFailure(message: "port 0 is not a destination in '\(excerpt(text))'")) }
        } else if !hasScheme {
            return .failure(EndpointFailure(message: "missing port in '\(excerpt(text))'; expected host:port"))
        } else {
            portNumber = usesTLS ? 443 : 80
        }
        return .success(.init(transport: .tcp(host: host, port: portNumber), usesTLS: usesTLS, path: path))
    }
}
