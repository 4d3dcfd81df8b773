import NIOCore
import NIOHTTP1

/// Which protocol a request arrived on.
public enum HTTPTransport: String, Sendable, Hashable {
    case http1 = "HTTP/1.1"
    case http2 = "HTTP/2"
}

/// A complete request as a route handler sees it: the body is fully received, bounded by the server's
/// `maxBodyBytes`, and already decoded from its `Content-Encoding` (gzip, deflate).
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request target as sent (`/v1/traces?x=1`).
    public var uri: String
    /// The path of the target, without the query.
    public var path: String
    /// The query string, without `?`; nil when absent.
    public var query: String?
    public var version: HTTPVersion
    public var transport: HTTPTransport
    public var headers: HTTPHeaders
    public var body: ByteBuffer

    public init(
        method: HTTPMethod, uri: String, path: String, query: String? = nil, version: HTTPVersion = .http1_1,
        transport: HTTPTransport = .http1, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer()
    ) {
        self.method = method
        self.uri = uri
        self.path = path
        self.query = query
        self.version = version
        self.transport = transport
        self.headers = headers
        self.body = body
    }

    /// The body's bytes, copied into an array.
    public var bodyBytes: [UInt8] { Array(body.readableBytesView) }
}

/// A response a route handler returns. The server sets `Content-Length` (and `Connection` on HTTP/1.1).
public struct HTTPResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: ByteBuffer

    public init(status: HTTPResponseStatus, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: HTTPResponseStatus, contentType: String, body: some Sequence<UInt8>) {
        self.status = status
        self.headers = ["content-type": contentType]
        self.body = ByteBuffer(bytes: body)
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ status: HTTPResponseStatus, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }
}

/// A request the server or a route rejects. The server counts it (by `reason`), logs it (rate-limited,
/// `reason` and `message` only) and renders it with its `HTTPProblemRenderer`.
public struct HTTPProblem: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponseStatus
    /// A low-cardinality label for the error counter: `not_found`, `method_not_allowed`, `body_too_large`,
    /// `unsupported_media_type`, `unsupported_encoding`, `invalid_encoding`, `malformed_http`, ...
    public var reason: String
    /// For the client and the log: never payload content or header values.
    public var message: String
    /// Appended to `message` for the client only, never logged (it may quote the client's own input).
    public var detail: String?
    /// Sent as `Retry-After` (whole seconds, rounded up).
    public var retryAfter: Duration?
    /// Extra response headers (`Allow`, `Accept-Encoding`).
    public var headers: HTTPHeaders

    public init(_ status: HTTPResponseStatus, reason: String, _ message: String, detail: String? = nil, retryAfter: Duration? = nil,
                headers: HTTPHeaders = [:]) {
        self.status = status
        self.reason = reason
        self.message = message
        self.detail = detail
        self.retryAfter = retryAfter
        self.headers = headers
    }

    /// What the client is told: `message`, then `detail`.
    public var clientMessage: String { detail.map { "\(message): \($0)" } ?? message }

    public var description: String { "\(status.code) \(reason): \(message)" }
}

/// Turns a problem into the response body a client of this server expects. `head` is the request's head.
public typealias HTTPProblemRenderer = @Sendable (HTTPProblem, HTTPRequestHead) -> HTTPResponse

public enum HTTPProblems {
    /// The default rendering: the message as `text/plain`, plus the problem's headers and `Retry-After`.
    public static let plainText: HTTPProblemRenderer = { problem, _ in
        var r = HTTPResponse.text(problem.status, problem.clientMessage + "\n")
        r.headers.add(contentsOf: problem.headers)
        if let d = problem.retryAfter { r.headers.replaceOrAdd(name: "retry-after", value: retryAfterValue(d)) }
        return r
    }

    /// Whole seconds, rounded up, at least 1 (the `Retry-After` delay-seconds form).
    public static func retryAfterValue(_ d: Duration) -> String {
        let c = d.components
        let seconds = c.seconds + (c.attoseconds > 0 ? 1 : 0)
        return String(max(seconds, 1))
    }
}
