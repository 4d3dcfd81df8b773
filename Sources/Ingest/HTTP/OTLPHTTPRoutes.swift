import NIOCore
import NIOHTTP1
import OTLPWire
import Pipeline
import SidecarModel

/// OTLP/HTTP (https://opentelemetry.io/docs/specs/otlp/#otlphttp): `POST /v1/traces`, `/v1/metrics`,
/// `/v1/logs` with `application/x-protobuf` or `application/json` bodies; answers in the request's
/// content type; errors carry a `google.rpc.Status` (protobuf, or `{"code":..,"message":..}` for JSON).
public enum OTLPHTTPRoutes {
    public static let paths: [Signal: String] = [.traces: "/v1/traces", .metrics: "/v1/metrics", .logs: "/v1/logs"]

    /// The three OTLP routes; each decodes, hands one batch to the pipeline (which never waits) and answers.
    public static func router(receiver: String, pipeline: Pipeline, stats: OTLPReceiverStats) -> HTTPRouter {
        var router = HTTPRouter()
        for signal in Signal.allCases {
            router.add(paths[signal]!, methods: [.POST], check: checkHead) { request throws(HTTPProblem) in
                try export(signal, request, receiver: receiver, pipeline: pipeline, stats: stats)
            }
        }
        return router
    }

    /// Renders every error of an OTLP listener as a `google.rpc.Status` in the request's content type.
    public static let renderProblem: HTTPProblemRenderer = { problem, head in
        render(problem, as: (try? MediaType.of(head.headers).get()) ?? .protobuf)
    }

    // MARK: - media types

    enum MediaType {
        case protobuf, json

        var contentType: String {
            switch self {
            case .protobuf: return "application/x-protobuf"
            case .json: return "application/json"
            }
        }

        /// `application/x-protobuf` (or `application/protobuf`), `application/json` with no charset or UTF-8.
        static func of(_ headers: HTTPHeaders) -> Result<MediaType, HTTPProblem> {
            let unsupported = HTTPProblem(.unsupportedMediaType, reason: "unsupported_media_type",
                                          "unsupported Content-Type; use application/x-protobuf or application/json")
            guard let value = headers.first(name: "content-type") else { return .failure(unsupported) }
            var parts = value.split(separator: ";").makeIterator()
            let type = (parts.next() ?? "").trimmingASCIISpaces().lowercased()
            switch type {
            case "application/x-protobuf", "application/protobuf":
                return .success(.protobuf)
            case "application/json":
                while let p = parts.next() {
                    let kv = p.trimmingASCIISpaces()
                    guard kv.lowercased().hasPrefix("charset=") else { continue }
                    var charset = kv.dropFirst("charset=".count).lowercased()
                    charset.removeAll { $0 == "\"" }
                    guard charset == "utf-8" || charset == "utf8" else {
                        return .failure(HTTPProblem(.unsupportedMediaType, reason: "unsupported_media_type", "OTLP/JSON must be UTF-8"))
                    }
                }
                return .success(.json)
            default:
                return .failure(unsupported)
            }
        }
    }

    static let checkHead: HTTPHeadCheck = { head in
        if case .failure(let p) = MediaType.of(head.headers) { return p }
        return nil
    }

    // MARK: - export

    static func export(_ signal: Signal, _ request: HTTPRequest, receiver: String, pipeline: Pipeline, stats: OTLPReceiverStats) throws(HTTPProblem) -> HTTPResponse {
        let media = try MediaType.of(request.headers).get()
        let batch = try decode(signal, media, request.body)
        let n = batch.itemCount
        stats.received(signal, n)
        if n == 0 { return success(media, signal) }
        switch pipeline.submit(batch, receiver: receiver) {
        case .accepted:
            return success(media, signal)
        case .refused(let retryAfter):
            stats.refused(signal, n)
            // A full queue is not the client's fault: answered, not counted as a request error.
            return render(HTTPProblem(.tooManyRequests, reason: "refused", "the sidecar's queue is full; retry later", retryAfter: retryAfter), as: media)
        }
    }

    static func decode(_ signal: Signal, _ media: MediaType, _ body: ByteBuffer) throws(HTTPProblem) -> TelemetryBatch {
        let result: Result<TelemetryBatch, WireError>
        switch media {
        case .protobuf:
            result = body.withUnsafeReadableBytes { raw in
                do throws(WireError) {
                    switch signal {
                    case .traces: return .success(.traces(try OTLPProtobuf.decodeTraces(raw)))
                    case .metrics: return .success(.metrics(try OTLPProtobuf.decodeMetrics(raw)))
                    case .logs: return .success(.logs(try OTLPProtobuf.decodeLogs(raw)))
                    }
                } catch {
                    return .failure(error)
                }
            }
        case .json:
            let bytes = Array(body.readableBytesView)
            do throws(WireError) {
                switch signal {
                case .traces: result = .success(.traces(try OTLPJSON.decodeTraces(bytes)))
                case .metrics: result = .success(.metrics(try OTLPJSON.decodeMetrics(bytes)))
                case .logs: result = .success(.logs(try OTLPJSON.decodeLogs(bytes)))
                }
            } catch {
                result = .failure(error)
            }
        }
        switch result {
        case .success(let b): return b
        case .failure(let e):
            // The decoder's explanation may quote the input: the client sees it, the log only code and offset.
            throw HTTPProblem(.badRequest, reason: media == .json ? "invalid_json" : "invalid_protobuf",
                              "malformed \(signal.rawValue) request: \(e.code.rawValue) at byte \(e.offset)", detail: e.message)
        }
    }

    /// `Export*ServiceResponse` in the request's content type (`partial_success` when the pipeline reports
    /// rejected items).
    static func success(_ media: MediaType, _ signal: Signal, partial: PartialSuccess? = nil) -> HTTPResponse {
        let response = ExportResponse(partialSuccess: partial)
        switch media {
        case .protobuf: return HTTPResponse(status: .ok, contentType: media.contentType, body: OTLPProtobuf.encode(response))
        case .json: return HTTPResponse(status: .ok, contentType: media.contentType, body: OTLPJSON.encode(response, signal: signal))
        }
    }

    static func render(_ problem: HTTPProblem, as media: MediaType) -> HTTPResponse {
        let code = grpcCode(problem.status)
        let body: [UInt8]
        switch media {
        case .protobuf: body = GoogleRPCStatus.encode(code: code, message: problem.clientMessage, retryDelay: problem.retryAfter)
        case .json: body = GoogleRPCStatus.encodeJSON(code: code, message: problem.clientMessage)
        }
        var response = HTTPResponse(status: problem.status, contentType: media.contentType, body: body)
        response.headers.add(contentsOf: problem.headers)
        if let d = problem.retryAfter { response.headers.replaceOrAdd(name: "retry-after", value: HTTPProblems.retryAfterValue(d)) }
        return response
    }

    /// The gRPC status code for an HTTP status (google.rpc.Code's HTTP mapping).
    static func grpcCode(_ status: HTTPResponseStatus) -> Int32 {
        switch status.code {
        case 400, 415: return 3  // INVALID_ARGUMENT
        case 404: return 5  // NOT_FOUND
        case 405: return 12  // UNIMPLEMENTED
        case 413, 429: return 8  // RESOURCE_EXHAUSTED
        case 503: return 14  // UNAVAILABLE
        default: return 2  // UNKNOWN
        }
    }
}
