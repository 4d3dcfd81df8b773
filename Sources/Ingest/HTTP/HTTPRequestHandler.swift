import NIOCore
import NIOHTTP1

/// Collects one request at a time (an HTTP/1.1 connection behind NIO's pipelining handler, or one h2c
/// stream), enforces the body limit while it arrives, decodes the content coding, runs the route and writes
/// the response. Everything runs on the channel's event loop.
///
/// A request rejected before its body is read (unknown path, wrong method, unsupported media type or
/// coding, declared length over the limit) is answered at once; its body is then discarded as it arrives,
/// never buffered. On HTTP/1.1 the connection is closed after such an answer when the client waits for
/// `100 Continue` (the framing of what follows is unknown) or when the body is too large.
final class HTTPRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private struct Receiving {
        var head: HTTPRequestHead
        var path: String
        var query: String?
        var route: HTTPRouter.Route
        var codings: [HTTPContentCoding]
        var body: ByteBuffer?
        var keepAlive: Bool
    }

    private enum State {
        case idle
        case receiving(Receiving)
        /// Answered early; dropping the rest of the body, then closing (or not).
        case discarding(bytes: Int, closeAtEnd: Bool)
        case closed
    }

    /// What to do with the connection after an early answer.
    private enum AfterEarlyAnswer {
        case discardBody
        case discardBodyThenClose
        case closeNow
    }

    let core: HTTPServerCore
    let transport: HTTPTransport
    private var state = State.idle

    init(core: HTTPServerCore, transport: HTTPTransport) {
        self.core = core
        self.transport = transport
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard case .idle = state else { return }
            begin(context: context, head: head)
        case .body(var part):
            switch state {
            case .receiving(var r):
                state = .idle  // drop the enum's reference so appending does not copy the body
                let total = (r.body?.readableBytes ?? 0) + part.readableBytes
                if total > core.maxBodyBytes {
                    answerEarly(context: context, head: r.head,
                                problem: tooLarge("request body exceeds max_body_bytes (\(core.maxBodyBytes))"),
                                then: transport == .http1 ? .discardBodyThenClose : .discardBody,
                                discarded: total)
                    return
                }
                if r.body == nil {
                    r.body = part
                } else {
                    r.body!.writeBuffer(&part)
                }
                state = .receiving(r)
            case .discarding(let bytes, let closeAtEnd):
                let total = bytes + part.readableBytes
                if total > core.discardLimitBytes {
                    state = .closed
                    context.close(promise: nil)
                } else {
                    state = .discarding(bytes: total, closeAtEnd: closeAtEnd)
                }
            case .idle, .closed:
                break
            }
        case .end:
            switch state {
            case .receiving(let r):
                state = .idle
                finish(context: context, r)
            case .discarding(_, let closeAtEnd):
                state = .idle
                if closeAtEnd {
                    state = .closed
                    context.close(promise: nil)
                }
            case .idle, .closed:
                break
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError {
            // NIO's protocol-error handler has answered 400 already.
            core.onProblem(HTTPProblem(.badRequest, reason: "malformed_http", "unparsable HTTP/1.1 request"))
        }
        state = .closed
        context.close(promise: nil)
    }

    // MARK: - request phases

    private func begin(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let (path, query) = Self.splitTarget(head.uri)
        let keepAlive = transport == .http2 || head.isKeepAlive
        let contentLength = head.headers.first(name: "content-length").flatMap { Int($0.trimmingASCIISpaces()) }
        let chunked = head.headers["transfer-encoding"].contains { $0.lowercased().contains("chunked") }
        let bodyFollows = (contentLength ?? 0) > 0 || chunked || (transport == .http2 && contentLength == nil)
        let expectsContinue = head.headers["expect"].contains { $0.trimmingASCIISpaces().lowercased() == "100-continue" }
        // After an early answer: when the client waits for 100 Continue, the body may never come (HTTP/1.1
        // cannot tell it from the next request): close. Otherwise drop the body as it arrives.
        let after: AfterEarlyAnswer = (expectsContinue && bodyFollows) || !keepAlive ? .closeNow : .discardBody

        let route: HTTPRouter.Route
        switch core.router.resolve(method: head.method, path: path) {
        case .found(let r):
            route = r
        case .notFound:
            answerEarly(context: context, head: head, problem: HTTPProblem(.notFound, reason: "not_found", "no route for the request path", detail: Self.safePath(path)), then: after)
            return
        case .methodNotAllowed(let allow):
            answerEarly(context: context, head: head,
                        problem: HTTPProblem(.methodNotAllowed, reason: "method_not_allowed", "\(head.method.rawValue) is not allowed here; use \(allow)", headers: ["allow": allow]),
                        then: after)
            return
        }
        if let contentLength, contentLength > core.maxBodyBytes {
            answerEarly(context: context, head: head,
                        problem: tooLarge("request body of \(contentLength) bytes exceeds max_body_bytes (\(core.maxBodyBytes))"),
                        then: expectsContinue || transport == .http2 ? after : .discardBodyThenClose)
            return
        }
        guard let codings = HTTPContentCoding.parse(head.headers) else {
            answerEarly(context: context, head: head,
                        problem: HTTPProblem(.unsupportedMediaType, reason: "unsupported_encoding", "unsupported Content-Encoding; use gzip, deflate or identity",
                                             headers: ["accept-encoding": "gzip, deflate, identity"]),
                        then: after)
            return
        }
        if let problem = route.check?(head) {
            answerEarly(context: context, head: head, problem: problem, then: after)
            return
        }
        if expectsContinue && bodyFollows && (transport == .http2 || head.version.isAtLeast11) {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
        }
        var body: ByteBuffer?
        if let contentLength, contentLength > 0 {
            body = context.channel.allocator.buffer(capacity: contentLength)
        }
        state = .receiving(Receiving(head: head, path: path, query: query, route: route, codings: codings, body: body, keepAlive: keepAlive))
    }

    private func finish(context: ChannelHandlerContext, _ r: Receiving) {
        var body = r.body ?? ByteBuffer()
        if !r.codings.isEmpty {
            do throws(HTTPContentCoding.Failure) {
                body = try HTTPContentCoding.decode(body, codings: r.codings, limit: core.maxBodyBytes, allocator: context.channel.allocator)
            } catch {
                let problem: HTTPProblem
                switch error {
                case .tooLarge:
                    problem = tooLarge("decoded request body exceeds max_body_bytes (\(core.maxBodyBytes))")
                case .corrupt(let why):
                    let name = r.codings.map(\.rawValue).joined(separator: ", ")
                    problem = HTTPProblem(.badRequest, reason: "invalid_encoding", "invalid \(name) request body", detail: why)
                }
                respond(context: context, head: r.head, problem: problem, keepAlive: r.keepAlive)
                return
            }
        }
        let request = HTTPRequest(method: r.head.method, uri: r.head.uri, path: r.path, query: r.query, version: r.head.version,
                                  transport: transport, headers: r.head.headers, body: body)
        let response: HTTPResponse
        do throws(HTTPProblem) {
            response = try r.route.handler(request)
        } catch {
            respond(context: context, head: r.head, problem: error, keepAlive: r.keepAlive)
            return
        }
        write(context: context, response, head: r.head, close: !r.keepAlive)
    }

    // MARK: - answers

    private func tooLarge(_ message: String) -> HTTPProblem {
        HTTPProblem(.payloadTooLarge, reason: "body_too_large", message)
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, problem: HTTPProblem, keepAlive: Bool) {
        core.onProblem(problem)
        write(context: context, core.renderProblem(problem, head), head: head, close: !keepAlive)
    }

    private func answerEarly(context: ChannelHandlerContext, head: HTTPRequestHead, problem: HTTPProblem, then after: AfterEarlyAnswer, discarded: Int = 0) {
        core.onProblem(problem)
        let response = core.renderProblem(problem, head)
        switch after {
        case .closeNow:
            state = .closed
            write(context: context, response, head: head, close: true)
        case .discardBodyThenClose:
            state = .discarding(bytes: discarded, closeAtEnd: true)
            write(context: context, response, head: head, close: false, announceClose: true)
        case .discardBody:
            state = .discarding(bytes: discarded, closeAtEnd: false)
            write(context: context, response, head: head, close: false)
        }
    }

    /// Writes a complete response with `Content-Length`. `close` closes the connection (HTTP/1.1) or the
    /// stream (h2c) once it is written; `announceClose` only says `Connection: close`.
    private func write(context: ChannelHandlerContext, _ response: HTTPResponse, head: HTTPRequestHead, close: Bool, announceClose: Bool = false) {
        var headers = response.headers
        headers.replaceOrAdd(name: "content-length", value: String(response.body.readableBytes))
        if transport == .http1 {
            if close || announceClose {
                headers.replaceOrAdd(name: "connection", value: "close")
            } else if !head.version.isAtLeast11 {
                headers.replaceOrAdd(name: "connection", value: "keep-alive")
            }
        }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: response.status, headers: headers))), promise: nil)
        if head.method != .HEAD && response.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        }
        if close {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    // MARK: - helpers

    /// Path and query of a request target (origin form, or absolute form `http://host/path?q`).
    static func splitTarget(_ uri: String) -> (path: String, query: String?) {
        var target = Substring(uri)
        if !target.hasPrefix("/"), let scheme = target.firstRange(of: "://") {
            let afterAuthority = target[scheme.upperBound...]
            target = afterAuthority.firstIndex(of: "/").map { afterAuthority[$0...] } ?? "/"
        }
        if let q = target.firstIndex(of: "?") {
            return (String(target[..<q]), String(target[target.index(after: q)...]))
        }
        return (String(target), nil)
    }

    /// A path for messages: at most 64 printable ASCII characters (it comes from the client).
    static func safePath(_ path: String) -> String {
        var out = ""
        for u in path.unicodeScalars.prefix(64) {
            out.unicodeScalars.append(u.isASCII && u.value >= 0x20 && u.value < 0x7F ? u : "?")
        }
        return path.unicodeScalars.count > 64 ? out + "..." : out
    }
}

extension HTTPVersion {
    /// HTTP/1.1 or later (1.0 has no `100 Continue` and closes by default).
    var isAtLeast11: Bool { major > 1 || (major == 1 && minor >= 1) }
}
