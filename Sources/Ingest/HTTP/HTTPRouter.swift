import NIOHTTP1

/// A route's handler. It runs synchronously on the connection's event loop, so it must not block: decode,
/// hand to the pipeline (which never waits), answer. Throwing an `HTTPProblem` makes the server count it
/// and answer with the server's problem rendering.
public typealias HTTPHandler = @Sendable (HTTPRequest) throws(HTTPProblem) -> HTTPResponse

/// Checks a request's head before its body is read (e.g. its `Content-Type`): a problem is answered at once
/// and the body is discarded, never buffered.
public typealias HTTPHeadCheck = @Sendable (HTTPRequestHead) -> HTTPProblem?

/// Exact-path routes. A path with no route answers 404; a known path with another method answers 405 with
/// `Allow`. A route that allows GET also answers HEAD (same headers, no body).
public struct HTTPRouter: Sendable {
    public struct Route: Sendable {
        public var methods: [HTTPMethod]
        public var check: HTTPHeadCheck?
        public var handler: HTTPHandler
    }

    private(set) var routes: [String: Route] = [:]

    public init() {}

    /// Adds (or replaces) the route for `path`.
    public mutating func add(_ path: String, methods: [HTTPMethod] = [.GET], check: HTTPHeadCheck? = nil, handler: @escaping HTTPHandler) {
        routes[path] = Route(methods: methods, check: check, handler: handler)
    }

    /// Adds every route of `other` (its routes win on the same path).
    public mutating func merge(_ other: HTTPRouter) {
        for (path, route) in other.routes { routes[path] = route }
    }

    public var paths: [String] { routes.keys.sorted() }

    enum Resolution {
        case found(Route)
        case notFound
        case methodNotAllowed(allow: String)
    }

    func resolve(method: HTTPMethod, path: String) -> Resolution {
        guard let route = routes[path] else { return .notFound }
        if route.methods.contains(method) || (method == .HEAD && route.methods.contains(.GET)) {
            return .found(route)
        }
        var allow = route.methods.map(\.rawValue)
        if route.methods.contains(.GET) && !route.methods.contains(.HEAD) { allow.append("HEAD") }
        return .methodNotAllowed(allow: allow.joined(separator: ", "))
    }
}
