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
        var out: [TracesData] = []
        var cur: [ResourceSpans] = []
        var n = 0
        for rs in d.resourceSpans {
            var shell = rs
            shell.scopeSpans = []
            var open = false
            for ss in rs.scopeSpans {
                var start = 0
                while start < ss.spans.count {
                    let take = Swift.min(maxItems - n, ss.spans.count - start)
                    var part = ss
                    part.spans = Array(ss.spans[start..<(start + take)])
                    if !open { cur.append(shell); open = true }
                    cur[cur.count - 1].scopeSpans.append(part)
                    n += take
                    start += take
                    if n == maxItems {
                        out.append(TracesData(resourceSpans: cur))
                        cur = []
                        n = 0
                        open = false
                    }
                }
            }
        }
        if n > 0 { out.append(TracesData(resourceSpans: cur)) }
        return out
    }

    static func splitLogs(_ d: LogsData, _ maxItems: Int) -> [LogsData] {
        var out: [LogsData] = []
        var cur: [ResourceLogs] = []
        var n = 0
        for rl in d.resourceLogs {
            var shell = rl
            shell.scopeLogs = []
            var open = false
            for sl in rl.scopeLogs {
                var start = 0
                while start < sl.logRecords.count {
                    let take = Swift.min(maxItems - n, sl.logRecords.count - start)
                    var part = sl
                    part.logRecords = Array(sl.logRecords[start..<(start + take)])
                    if !open { cur.append(shell); open = true }
                    cur[cur.count - 1].scopeLogs.append(part)
                    n += take
                    start += take
                    if n == maxItems {
                        out.append(LogsData(resourceLogs: cur))
                        cur = []
                        n = 0
                        open = false
                    }
                }
            }
        }
        if n > 0 { out.append(LogsData(resourceLogs: cur)) }
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
