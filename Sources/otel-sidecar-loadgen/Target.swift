/// Where `send` sends: `grpc://HOST:PORT`, `grpc+unix:///path`, `http://HOST:PORT[/path]`,
/// `http+unix:///path[:/url-path]`, `events+unix:///path`, `events+unixgram:///path`.
struct Target: Sendable, CustomStringConvertible {
    enum Proto: String, Sendable { case grpc, http, events, eventsDatagram = "events-datagram" }
    enum Address: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    var proto: Proto
    var address: Address
    /// OTLP/HTTP request path (default `/v1/traces`).
    var httpPath: String = "/v1/traces"
    let text: String

    var description: String { text }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ s: String) throws(ParseError) -> Target {
        guard let sep = s.firstRange(of: "://") else { throw ParseError(description: "target '\(s)' has no scheme (grpc://, http://, events+unix://, …)") }
        let scheme = s[..<sep.lowerBound].lowercased()
        let rest = String(s[sep.upperBound...])
        switch scheme {
        case "grpc", "http":
            let proto: Proto = scheme == "grpc" ? .grpc : .http
            var hostPort = rest
            var path = "/v1/traces"
            if let slash = rest.firstIndex(of: "/") {
                hostPort = String(rest[..<slash])
                path = String(rest[slash...])
                if path == "/" { path = "/v1/traces" }
            }
            let (host, port) = try hostAndPort(hostPort, in: s)
            return Target(proto: proto, address: .tcp(host: host, port: port), httpPath: path, text: s)
        case "grpc+unix", "unix", "http+unix", "events+unix", "events+unixgram":
            guard rest.hasPrefix("/") else { throw ParseError(description: "target '\(s)' needs an absolute socket path (scheme:///path)") }
            var path = rest
            var httpPath = "/v1/traces"
            // http+unix:///run/x.sock:/custom/v1/traces — the URL path after the socket path.
            if scheme == "http+unix", let colon = rest.firstRange(of: ":/") {
                path = String(rest[..<colon.lowerBound])
                httpPath = String(rest[rest.index(before: colon.upperBound)...])
            }
            let proto: Proto = switch scheme {
            case "http+unix": .http
            case "events+unix": .events
            case "events+unixgram": .eventsDatagram
            default: .grpc
            }
            return Target(proto: proto, address: .unix(path: path), httpPath: httpPath, text: s)
        default:
            throw ParseError(description: "unknown target scheme '\(scheme)' (grpc, grpc+unix, http, http+unix, events+unix, events+unixgram)")
        }
    }

    static func hostAndPort(_ hp: String, in whole: String) throws(ParseError) -> (String, Int) {
        var host: Substring
        var portText: Substring
        if hp.hasPrefix("[") {
            guard let close = hp.firstIndex(of: "]") else { throw ParseError(description: "bad IPv6 address in '\(whole)'") }
            host = hp[hp.index(after: hp.startIndex)..<close]
            portText = hp[hp.index(after: close)...].drop(while: { $0 == ":" })
        } else {
            guard let colon = hp.lastIndex(of: ":") else { throw ParseError(description: "target '\(whole)' needs HOST:PORT") }
            host = hp[..<colon]
            portText = hp[hp.index(after: colon)...]
        }
        guard let port = Int(portText), (1...65535).contains(port), !host.isEmpty else {
            throw ParseError(description: "target '\(whole)' needs HOST:PORT with a port 1-65535")
        }
        return (host == "localhost" ? "127.0.0.1" : String(host), port)
    }
}

/// A listen address for the sink: `HOST:PORT` (port 0 = any free port) or `unix:/path`.
enum ListenAddress: Sendable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    static func parse(_ s: String) throws(Target.ParseError) -> ListenAddress {
        if s.hasPrefix("unix:") {
            var path = String(s.dropFirst(5))
            while path.hasPrefix("//") { path.removeFirst() }
            return .unix(path: path)
        }
        guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]), (0...65535).contains(port) else {
            throw Target.ParseError(description: "listen address '\(s)' must be HOST:PORT (port 0 = any) or unix:/path")
        }
        var host = String(s[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty || host == "localhost" { host = "127.0.0.1" }
        return .tcp(host: host, port: port)
    }

    var description: String {
        switch self {
        case .tcp(let h, let p): h.contains(":") ? "[\(h)]:\(p)" : "\(h):\(p)"
        case .unix(let p): "unix:\(p)"
        }
    }
}
