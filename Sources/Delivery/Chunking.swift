import OTLPWire
import Pipeline
import SidecarModel

/// Turns a received batch into encoded chunks no larger than a batch: at most `maxItems` items each, and at
/// most `maxBytes` encoded unless a single item is larger. Most requests are one chunk and are encoded once;
/// only an oversized request is split (by items, then in halves while a part is still too large).
enum Chunking {
    static func encode(_ batch: TelemetryBatch, maxItems: Int, maxBytes: Int) -> [EncodedBatch] {
        let n = batch.itemCount
        guard n > 0 else { return [] }
        if n > maxItems {
            return split(batch, maxItems: Swift.max(1, maxItems)).flatMap { encode($0, maxItems: maxItems, maxBytes: maxBytes) }
        }
        let chunk = EncodedBatch(batch)
        if chunk.byteCount <= maxBytes || n == 1 { return [chunk] }
        return split(batch, maxItems: (n + 1) / 2).flatMap { encode($0, maxItems: maxItems, maxBytes: maxBytes) }
    }

    /// Splits a batch into parts of at most `maxItems` items, keeping each item's resource and scope.
    static func split(_ batch: TelemetryBatch, maxItems: Int) -> [TelemetryBatch] {
        switch batch {
        case .traces(let d): return splitTraces(d, maxItems).map { .traces($0) }
        case .metrics(let d): return splitMetrics(d, maxItems).map { .metrics($0) }
        case .logs(let d): return splitLogs(d, maxItems).map { .logs($0) }
        }
    }

    static func splitTraces(_ d: TracesData, _ maxItems: Int) -> [TracesData] {
        splitNested(d.resourceSpans, \.scopeSpans, \.spans, maxItems).map { TracesData(resourceSpans: $0) }
    }

    static func splitLogs(_ d: LogsData, _ maxItems: Int) -> [LogsData] {
        splitNested(d.resourceLogs, \.scopeLogs, \.logRecords, maxItems).map { LogsData(resourceLogs: $0) }
    }

    /// Resource → scope → items, cut into parts of at most `maxItems` items; each part keeps its items'
    /// resource and scope (copied without their other children).
    static func splitNested<R, S, I>(
        _ resources: [R], _ scopes: WritableKeyPath<R, [S]>, _ items: WritableKeyPath<S, [I]>, _ maxItems: Int
    ) -> [[R]] {
        var out: [[R]] = []
        var cur: [R] = []
        var n = 0
        for r in resources {
            var shell = r
            shell[keyPath: scopes] = []
            var open = false
            for s in r[keyPath: scopes] {
                let all = s[keyPath: items]
                var start = 0
                while start < all.count {
                    let take = Swift.min(maxItems - n, all.count - start)
                    var part = s
                    part[keyPath: items] = Array(all[start..<(start + take)])
                    if !open { cur.append(shell); open = true }
                    cur[cur.count - 1][keyPath: scopes].append(part)
                    n += take
                    start += take
                    if n == maxItems {
                        out.append(cur)
                        cur = []
                        n = 0
                        open = false
                    }
                }
            }
        }
        if n > 0 { out.append(cur) }
        return out
    }

    static func splitMetrics(_ d: MetricsData, _ maxItems: Int) -> [MetricsData] {
        var out: [MetricsData] = []
        var cur: [ResourceMetrics] = []
        var n = 0
        for rm in d.resourceMetrics {
            var shell = rm
            shell.scopeMetrics = []
            var openResource = false
            for sm in rm.scopeMetrics {
                var scopeShell = sm
                scopeShell.metrics = []
                var openScope = false
                for m in sm.metrics {
                    let count = m.data.pointCount
                    var start = 0
                    repeat {
                        let take = Swift.min(maxItems - n, count - start)
                        var part = m
                        part.data = m.data.slice(start..<(start + take))
                        if !openResource { cur.append(shell); openResource = true }
                        if !openScope { cur[cur.count - 1].scopeMetrics.append(scopeShell); openScope = true }
                        let r = cur.count - 1, s = cur[r].scopeMetrics.count - 1
                        cur[r].scopeMetrics[s].metrics.append(part)
                        n += take
                        start += take
                        if n == maxItems {
                            out.append(MetricsData(resourceMetrics: cur))
                            cur = []
                            n = 0
                            openResource = false
                            openScope = false
                        }
                    } while start < count
                }
            }
        }
        if n > 0 || !cur.isEmpty { out.append(MetricsData(resourceMetrics: cur)) }
        return out
    }
}

extension MetricData {
    /// The same metric data with only the data points in `r`.
    func slice(_ r: Range<Int>) -> MetricData {
        switch self {
        case .none: return .none
        case .gauge(let p): return .gauge(Array(p[r]))
        case .sum(var s): s.dataPoints = Array(s.dataPoints[r]); return .sum(s)
        case .histogram(var h): h.dataPoints = Array(h.dataPoints[r]); return .histogram(h)
        case .exponentialHistogram(var h): h.dataPoints = Array(h.dataPoints[r]); return .exponentialHistogram(h)
        case .summary(let p): return .summary(Array(p[r]))
        }
    }
}
