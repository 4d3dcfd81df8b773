/// gRPC status codes (`google.rpc.Code`).
public enum GRPCStatusCode: Int, Sendable, CaseIterable {
    case ok = 0
    case cancelled = 1
    case unknown = 2
    case invalidArgument = 3
    case deadlineExceeded = 4
    case notFound = 5
    case alreadyExists = 6
    case permissionDenied = 7
    case resourceExhausted = 8
    case failedPrecondition = 9
    case aborted = 10
    case outOfRange = 11
    case unimplemented = 12
    case `internal` = 13
    case unavailable = 14
    case dataLoss = 15
    case unauthenticated = 16

    /// `UNAVAILABLE`, `RESOURCE_EXHAUSTED`, …
    public var name: String {
        switch self {
        case .ok: "OK"
        case .cancelled: "CANCELLED"
        case .unknown: "UNKNOWN"
        case .invalidArgument: "INVALID_ARGUMENT"
        case .deadlineExceeded: "DEADLINE_EXCEEDED"
        case .notFound: "NOT_FOUND"
        case .alreadyExists: "ALREADY_EXISTS"
        case .permissionDenied: "PERMISSION_DENIED"
        case .resourceExhausted: "RESOURCE_EXHAUSTED"
        case .failedPrecondition: "FAILED_PRECONDITION"
        case .aborted: "ABORTED"
        case .outOfRange: "OUT_OF_RANGE"
        case .unimplemented: "UNIMPLEMENTED"
        case .internal: "INTERNAL"
        case .unavailable: "UNAVAILABLE"
        case .dataLoss: "DATA_LOSS"
        case .unauthenticated: "UNAUTHENTICATED"
        }
    }
}

extension ExportOutcome {
    /// Classifies a gRPC status per the OTLP specification ("OTLP/gRPC Response"): retryable are `CANCELLED`,
    /// `DEADLINE_EXCEEDED`, `ABORTED`, `OUT_OF_RANGE`, `UNAVAILABLE`, `DATA_LOSS`, and `RESOURCE_EXHAUSTED` only
    /// when the server sent `RetryInfo` (it then knows it can recover); every other code is permanent.
    /// `OK` is `.success` (the caller decodes the response for a partial success).
    ///
    /// - Parameter retryInfo: `google.rpc.RetryInfo.retry_delay` from the status details, if present.
    public static func grpc(status: Int, retryInfo: Duration? = nil) -> ExportOutcome {
        guard let code = GRPCStatusCode(rawValue: status) else { return .permanent(reason: "grpc_unknown_code") }
        let reason = "grpc_" + code.name.lowercased()
        switch code {
        case .ok:
            return .success
        case .cancelled, .deadlineExceeded, .aborted, .outOfRange, .unavailable, .dataLoss:
            return .retryable(reason: reason, retryAfter: retryInfo)
        case .resourceExhausted:
            if let retryInfo { return .retryable(reason: reason, retryAfter: retryInfo) }
            return .permanent(reason: reason)
        default:
            return .permanent(reason: reason)
        }
    }

    /// Classifies an HTTP status per the OTLP specification ("OTLP/HTTP Response"): 2xx is success,
    /// 429, 502, 503 and 504 are retryable (honouring `Retry-After`), everything else is permanent.
    ///
    /// - Parameter retryAfter: the parsed `Retry-After` header (``ExportOutcome/parseRetryAfter(_:nowUnixSeconds:)``).
    public static func http(status: Int, retryAfter: Duration? = nil) -> ExportOutcome {
        guard (100...599).contains(status) else { return .permanent(reason: "http_invalid_status") }
        if (200...299).contains(status) { return .success }
        let reason = "http_\(status)"
        switch status {
        case 429, 502, 503, 504: return .retryable(reason: reason, retryAfter: retryAfter)
        default: return .permanent(reason: reason)
        }
    }

    /// A connection that could not be made or broke before a response: retryable.
    public static func transportFailure(_ reason: String = "connect") -> ExportOutcome {
        .retryable(reason: reason, retryAfter: nil)
    }

    /// Parses a `Retry-After` value: delay-seconds (`120`) or an IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`,
    /// relative to `nowUnixSeconds`; a date in the past is a zero delay). Anything else is nil (no hint).
    public static func parseRetryAfter(_ value: String, nowUnixSeconds: Int64? = nil) -> Duration? {
        let v = value.trimmingSpaces
        if !v.isEmpty, v.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard v.utf8.count <= 10, let n = Int64(v) else { return .seconds(Int64(Int32.max)) }
            return .seconds(n)
        }
        guard let now = nowUnixSeconds, let t = parseIMFFixdate(v) else { return nil }
        return .seconds(max(0, t - now))
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT` → Unix seconds.
    static func parseIMFFixdate(_ s: String) -> Int64? {
        let parts = s.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let day = Int(parts[1]), (1...31).contains(day),
              let mi = months.firstIndex(of: String(parts[2])),
              let year = Int(parts[3]), (1970...9999).contains(year) else { return nil }
        let hms = parts[4].split(separator: ":")
        guard hms.count == 3, let h = Int(hms[0]), let m = Int(hms[1]), let sec = Int(hms[2]),
              (0...23).contains(h), (0...59).contains(m), (0...60).contains(sec) else { return nil }
        let days = daysFromCivil(year: year, month: mi + 1, day: day)
        return Int64(days) * 86_400 + Int64(h * 3600 + m * 60 + sec)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var u = Substring(self)
        while let f = u.first, f == " " || f == "\t" { u.removeFirst() }
        while let l = u.last, l == " " || l == "\t" { u.removeLast() }
        return String(u)
    }
}
