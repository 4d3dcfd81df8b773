/// The exposition formats /metrics serves.
public enum ExpositionFormat: Sendable, Hashable, CaseIterable {
    /// Prometheus text format 0.0.4 (the default: every scraper reads it).
    case prometheusText
    /// OpenMetrics 1.0 text (Prometheus asks for it first).
    case openMetrics

    /// The `Content-Type` of a response in this format.
    public var contentType: String {
        switch self {
        case .prometheusText: return "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: return "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// Picks the format for an `Accept` header: OpenMetrics when `application/openmetrics-text` (version
    /// 1.0.0, 0.0.1 — same text — or none) is acceptable with a quality at least that of the text format;
    /// otherwise the text format, which is also the answer to no header, `*/*`, or anything unparsable
    /// (a scrape should never fail on negotiation).
    public static func negotiate(accept: String?) -> (format: ExpositionFormat, contentType: String) {
        guard let accept, !accept.isEmpty else { return (.prometheusText, ExpositionFormat.prometheusText.contentType) }
        var openMetricsQuality = -1.0
        var openMetricsVersion = "1.0.0"
        var textQuality = -1.0
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingWhitespace() }
            guard let type = parts.first?.lowercased() else { continue }
            var q = 1.0
            var version: String?
            for param in parts.dropFirst() {
                let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
                guard kv.count == 2 else { continue }
                switch kv[0].lowercased() {
                case "q": q = Double(kv[1]) ?? 0
                case "version": version = kv[1].trimmingCharacters(in: "\"")
                default: break
                }
            }
            switch type {
            case "application/openmetrics-text":
                guard version == nil || version == "1.0.0" || version == "0.0.1" else { continue }
                // Prefer 1.0.0 when several versions are acceptable at the best quality.
                if q > openMetricsQuality || (q == openMetricsQuality && version != "0.0.1") {
                    openMetricsQuality = q
                    openMetricsVersion = version ?? "1.0.0"
                }
            case "text/plain", "text/*", "*/*":
                guard version == nil || version == "0.0.4" || type != "text/plain" else { continue }
                textQuality = max(textQuality, q)
            default:
                continue
            }
        }
        if openMetricsQuality > 0 && openMetricsQuality >= textQuality {
            return (.openMetrics, "application/openmetrics-text; version=\(openMetricsVersion); charset=utf-8")
        }
        return (.prometheusText, ExpositionFormat.prometheusText.contentType)
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = self[...]
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
