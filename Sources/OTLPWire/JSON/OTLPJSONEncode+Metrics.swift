import SidecarModel

extension JSONWriter {
    mutating func metricsData(_ d: MetricsData) {
        object { w in
            w.list("resourceMetrics", d.resourceMetrics) { w, rm in
                w.resource(rm.resource)
                w.list("scopeMetrics", rm.scopeMetrics) { w, sm in
                    w.scope(sm.scope)
                    w.list("metrics", sm.metrics) { w, m in w.metric(m) }
                    w.str("schemaUrl", sm.schemaUrl)
                }
                w.str("schemaUrl", rm.schemaUrl)
            }
        }
    }

    mutating func metric(_ m: Metric) {
        str("name", m.name)
        str("description", m.description)
        str("unit", m.unit)
        switch m.data {
        case .none: break
        case .gauge(let pts):
            key("gauge")
            object { w in w.list("dataPoints", pts) { w, p in w.numberDataPoint(p) } }
        case .sum(let s):
            key("sum")
            object { w in
                w.list("dataPoints", s.dataPoints) { w, p in w.numberDataPoint(p) }
                w.i32("aggregationTemporality", s.aggregationTemporality.rawValue)
                if s.isMonotonic { w.key("isMonotonic"); w.bool(true) }
            }
        case .histogram(let h):
            key("histogram")
            object { w in
                w.list("dataPoints", h.dataPoints) { w, p in w.histogramDataPoint(p) }
                w.i32("aggregationTemporality", h.aggregationTemporality.rawValue)
            }
        case .exponentialHistogram(let h):
            key("exponentialHistogram")
            object { w in
                w.list("dataPoints", h.dataPoints) { w, p in w.exponentialHistogramDataPoint(p) }
                w.i32("aggregationTemporality", h.aggregationTemporality.rawValue)
            }
        case .summary(let pts):
            key("summary")
            object { w in w.list("dataPoints", pts) { w, p in w.summaryDataPoint(p) } }
        }
        attrs("metadata", m.metadata)
    }

    mutating func numberValue(_ v: NumberValue) {
        switch v {
        case .none: break
        case .double(let d): key("asDouble"); double(d)
        case .int(let i): key("asInt"); int64String(i)
        }
    }

    mutating func numberDataPoint(_ p: NumberDataPoint) {
        attrs("attributes", p.attributes)
        u64("startTimeUnixNano", p.startTimeUnixNano)
        u64("timeUnixNano", p.timeUnixNano)
        numberValue(p.value)
        list("exemplars", p.exemplars) { w, e in w.exemplar(e) }
        u32("flags", p.flags)
    }

    mutating func histogramDataPoint(_ p: HistogramDataPoint) {
        attrs("attributes", p.attributes)
        u64("startTimeUnixNano", p.startTimeUnixNano)
        u64("timeUnixNano", p.timeUnixNano)
        u64("count", p.count)
        if let s = p.sum { key("sum"); double(s) }
        if !p.bucketCounts.isEmpty {
            key("bucketCounts")
            array { w in for c in p.bucketCounts { w.uint64String(c) } }
        }
        if !p.explicitBounds.isEmpty {
            key("explicitBounds")
            array { w in for b in p.explicitBounds { w.double(b) } }
        }
        list("exemplars", p.exemplars) { w, e in w.exemplar(e) }
        u32("flags", p.flags)
        if let v = p.min { key("min"); double(v) }
        if let v = p.max { key("max"); double(v) }
    }

    mutating func exponentialHistogramDataPoint(_ p: ExponentialHistogramDataPoint) {
        attrs("attributes", p.attributes)
        u64("startTimeUnixNano", p.startTimeUnixNano)
        u64("timeUnixNano", p.timeUnixNano)
        u64("count", p.count)
        if let s = p.sum { key("sum"); double(s) }
        i32("scale", p.scale)
        u64("zeroCount", p.zeroCount)
        if let b = p.positive { key("positive"); buckets(b) }
        if let b = p.negative { key("negative"); buckets(b) }
        u32("flags", p.flags)
        list("exemplars", p.exemplars) { w, e in w.exemplar(e) }
        if let v = p.min { key("min"); double(v) }
        if let v = p.max { key("max"); double(v) }
        dbl("zeroThreshold", p.zeroThreshold)
    }

    mutating func buckets(_ b: ExponentialBuckets) {
        object { w in
            w.i32("offset", b.offset)
            if !b.bucketCounts.isEmpty {
                w.key("bucketCounts")
                w.array { w in for c in b.bucketCounts { w.uint64String(c) } }
            }
        }
    }

    mutating func summaryDataPoint(_ p: SummaryDataPoint) {
        attrs("attributes", p.attributes)
        u64("startTimeUnixNano", p.startTimeUnixNano)
        u64("timeUnixNano", p.timeUnixNano)
        u64("count", p.count)
        dbl("sum", p.sum)
        list("quantileValues", p.quantileValues) { w, q in
            w.dbl("quantile", q.quantile)
            w.dbl("value", q.value)
        }
        u32("flags", p.flags)
    }

    mutating func exemplar(_ e: Exemplar) {
        attrs("filteredAttributes", e.filteredAttributes)
        u64("timeUnixNano", e.timeUnixNano)
        numberValue(e.value)
        spanID("spanId", e.spanId)
        traceID("traceId", e.traceId)
    }
}
