import SidecarModel

// Field numbers from opentelemetry/proto/metrics/v1/metrics.proto and collector/metrics/v1/metrics_service.proto.

extension ProtoReader {
    /// `ExportMetricsServiceRequest` / `MetricsData`: 1 repeated ResourceMetrics.
    mutating func metricsData() throws(WireError) -> MetricsData {
        var d = MetricsData()
        while true {
            switch try nextField() {
            case 0: return d
            case 1: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.resourceMetrics() }) { d.resourceMetrics.append(v) }
            default: try skipField()
            }
        }
    }

    /// `ResourceMetrics`: 1 resource, 2 scope_metrics, 3 schema_url.
    mutating func resourceMetrics() throws(WireError) -> ResourceMetrics {
        var rm = ResourceMetrics()
        while true {
            switch try nextField() {
            case 0: return rm
            case 1: try resourceField(into: &rm.resource)
            case 2: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.scopeMetrics() }) { rm.scopeMetrics.append(v) }
            case 3: if let v = try stringField() { rm.schemaUrl = v }
            default: try skipField()
            }
        }
    }

    /// `ScopeMetrics`: 1 scope, 2 metrics, 3 schema_url.
    mutating func scopeMetrics() throws(WireError) -> ScopeMetrics {
        var sm = ScopeMetrics()
        while true {
            switch try nextField() {
            case 0: return sm
            case 1: try scopeField(into: &sm.scope)
            case 2: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.metric() }) { sm.metrics.append(v) }
            case 3: if let v = try stringField() { sm.schemaUrl = v }
            default: try skipField()
            }
        }
    }

    /// `Metric`: 1 name, 2 description, 3 unit, 5 gauge, 7 sum, 9 histogram, 10 exponential_histogram,
    /// 11 summary, 12 metadata.
    mutating func metric() throws(WireError) -> Metric {
        var m = Metric()
        while true {
            switch try nextField() {
            case 0: return m
            case 1: if let v = try stringField() { m.name = v }
            case 2: if let v = try stringField() { m.description = v }
            case 3: if let v = try stringField() { m.unit = v }
            case 5:
                var pts: [NumberDataPoint] = []
                if case .gauge(let existing) = m.data { pts = existing }
                if try message({ (r: inout ProtoReader) throws(WireError) in
                    while true {
                        switch try r.nextField() {
                        case 0: return
                        case 1: if let p = try r.message({ (r: inout ProtoReader) throws(WireError) in try r.numberDataPoint() }) { pts.append(p) }
                        default: try r.skipField()
                        }
                    }
                }) != nil { m.data = .gauge(pts) }
            case 7:
                var s = Sum()
                if case .sum(let existing) = m.data { s = existing }
                if try message({ (r: inout ProtoReader) throws(WireError) in
                    while true {
                        switch try r.nextField() {
                        case 0: return
                        case 1: if let p = try r.message({ (r: inout ProtoReader) throws(WireError) in try r.numberDataPoint() }) { s.dataPoints.append(p) }
                        case 2: if let t = try r.uint64Field() { s.aggregationTemporality = AggregationTemporality(rawValue: Int32(truncatingIfNeeded: t)) }
                        case 3: if let b = try r.uint64Field() { s.isMonotonic = b != 0 }
                        default: try r.skipField()
                        }
                    }
                }) != nil { m.data = .sum(s) }
            case 9:
                var h = Histogram()
                if case .histogram(let existing) = m.data { h = existing }
                if try message({ (r: inout ProtoReader) throws(WireError) in
                    while true {
                        switch try r.nextField() {
                        case 0: return
                        case 1: if let p = try r.message({ (r: inout ProtoReader) throws(WireError) in try r.histogramDataPoint() }) { h.dataPoints.append(p) }
                        case 2: if let t = try r.uint64Field() { h.aggregationTemporality = AggregationTemporality(rawValue: Int32(truncatingIfNeeded: t)) }
                        default: try r.skipField()
                        }
                    }
                }) != nil { m.data = .histogram(h) }
            case 10:
                var h = ExponentialHistogram()
                if case .exponentialHistogram(let existing) = m.data { h = existing }
                if try message({ (r: inout ProtoReader) throws(WireError) in
                    while true {
                        switch try r.nextField() {
                        case 0: return
                        case 1: if let p = try r.message({ (r: inout ProtoReader) throws(WireError) in try r.exponentialHistogramDataPoint() }) { h.dataPoints.append(p) }
                        case 2: if let t = try r.uint64Field() { h.aggregationTemporality = AggregationTemporality(rawValue: Int32(truncatingIfNeeded: t)) }
                        default: try r.skipField()
                        }
                    }
                }) != nil { m.data = .exponentialHistogram(h) }
            case 11:
                var pts: [SummaryDataPoint] = []
                if case .summary(let existing) = m.data { pts = existing }
                if try message({ (r: inout ProtoReader) throws(WireError) in
                    while true {
                        switch try r.nextField() {
                        case 0: return
                        case 1: if let p = try r.message({ (r: inout ProtoReader) throws(WireError) in try r.summaryDataPoint() }) { pts.append(p) }
                        default: try r.skipField()
                        }
                    }
                }) != nil { m.data = .summary(pts) }
            case 12: try appendKeyValue(to: &m.metadata)
            default: try skipField()
            }
        }
    }

    /// `NumberDataPoint`: 7 attributes, 2 start, 3 time, 4 as_double, 6 as_int (sfixed64), 5 exemplars, 8 flags.
    mutating func numberDataPoint() throws(WireError) -> NumberDataPoint {
        var p = NumberDataPoint()
        while true {
            switch try nextField() {
            case 0: return p
            case 2: if let v = try fixed64Field() { p.startTimeUnixNano = v }
            case 3: if let v = try fixed64Field() { p.timeUnixNano = v }
            case 4: if let v = try doubleField() { p.value = .double(v) }
            case 5: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.exemplar() }) { p.exemplars.append(v) }
            case 6: if let v = try fixed64Field() { p.value = .int(Int64(bitPattern: v)) }
            case 7: try appendKeyValue(to: &p.attributes)
            case 8: if let v = try uint64Field() { p.flags = UInt32(truncatingIfNeeded: v) }
            default: try skipField()
            }
        }
    }

    /// `HistogramDataPoint`: 9 attributes, 2 start, 3 time, 4 count, 5 sum?, 6 bucket_counts, 7 explicit_bounds,
    /// 8 exemplars, 10 flags, 11 min?, 12 max?.
    mutating func histogramDataPoint() throws(WireError) -> HistogramDataPoint {
        var p = HistogramDataPoint()
        while true {
            switch try nextField() {
            case 0: return p
            case 2: if let v = try fixed64Field() { p.startTimeUnixNano = v }
            case 3: if let v = try fixed64Field() { p.timeUnixNano = v }
            case 4: if let v = try fixed64Field() { p.count = v }
            case 5: if let v = try doubleField() { p.sum = v }
            case 6: try appendFixed64s(to: &p.bucketCounts)
            case 7:
                var bits: [UInt64] = []
                try appendFixed64s(to: &bits)
                p.explicitBounds.append(contentsOf: bits.lazy.map { Double(bitPattern: $0) })
            case 8: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.exemplar() }) { p.exemplars.append(v) }
            case 9: try appendKeyValue(to: &p.attributes)
            case 10: if let v = try uint64Field() { p.flags = UInt32(truncatingIfNeeded: v) }
            case 11: if let v = try doubleField() { p.min = v }
            case 12: if let v = try doubleField() { p.max = v }
            default: try skipField()
            }
        }
    }

    /// `ExponentialHistogramDataPoint`: 1 attributes, 2 start, 3 time, 4 count, 5 sum?, 6 scale (sint32),
    /// 7 zero_count, 8 positive, 9 negative, 10 flags, 11 exemplars, 12 min?, 13 max?, 14 zero_threshold.
    mutating func exponentialHistogramDataPoint() throws(WireError) -> ExponentialHistogramDataPoint {
        var p = ExponentialHistogramDataPoint()
        while true {
            switch try nextField() {
            case 0: return p
            case 1: try appendKeyValue(to: &p.attributes)
            case 2: if let v = try fixed64Field() { p.startTimeUnixNano = v }
            case 3: if let v = try fixed64Field() { p.timeUnixNano = v }
            case 4: if let v = try fixed64Field() { p.count = v }
            case 5: if let v = try doubleField() { p.sum = v }
            case 6: if let v = try uint64Field() { p.scale = Self.zigzag32(v) }
            case 7: if let v = try fixed64Field() { p.zeroCount = v }
            case 8:
                var b = p.positive ?? ExponentialBuckets()
                if try message({ (r: inout ProtoReader) throws(WireError) in try r.buckets(into: &b) }) != nil { p.positive = b }
            case 9:
                var b = p.negative ?? ExponentialBuckets()
                if try message({ (r: inout ProtoReader) throws(WireError) in try r.buckets(into: &b) }) != nil { p.negative = b }
            case 10: if let v = try uint64Field() { p.flags = UInt32(truncatingIfNeeded: v) }
            case 11: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.exemplar() }) { p.exemplars.append(v) }
            case 12: if let v = try doubleField() { p.min = v }
            case 13: if let v = try doubleField() { p.max = v }
            case 14: if let v = try doubleField() { p.zeroThreshold = v }
            default: try skipField()
            }
        }
    }

    /// `ExponentialHistogramDataPoint.Buckets`: 1 offset (sint32), 2 bucket_counts (packed uint64).
    mutating func buckets(into b: inout ExponentialBuckets) throws(WireError) {
        while true {
            switch try nextField() {
            case 0: return
            case 1: if let v = try uint64Field() { b.offset = Self.zigzag32(v) }
            case 2: try appendVarints(to: &b.bucketCounts)
            default: try skipField()
            }
        }
    }

    /// `SummaryDataPoint`: 7 attributes, 2 start, 3 time, 4 count, 5 sum, 6 quantile_values, 8 flags.
    mutating func summaryDataPoint() throws(WireError) -> SummaryDataPoint {
        var p = SummaryDataPoint()
        while true {
            switch try nextField() {
            case 0: return p
            case 2: if let v = try fixed64Field() { p.startTimeUnixNano = v }
            case 3: if let v = try fixed64Field() { p.timeUnixNano = v }
            case 4: if let v = try fixed64Field() { p.count = v }
            case 5: if let v = try doubleField() { p.sum = v }
            case 6:
                if let q = try message({ (r: inout ProtoReader) throws(WireError) -> ValueAtQuantile in
                    var q = ValueAtQuantile()
                    while true {
                        switch try r.nextField() {
                        case 0: return q
                        case 1: if let v = try r.doubleField() { q.quantile = v }
                        case 2: if let v = try r.doubleField() { q.value = v }
                        default: try r.skipField()
                        }
                    }
                }) { p.quantileValues.append(q) }
            case 7: try appendKeyValue(to: &p.attributes)
            case 8: if let v = try uint64Field() { p.flags = UInt32(truncatingIfNeeded: v) }
            default: try skipField()
            }
        }
    }

    /// `Exemplar`: 7 filtered_attributes, 2 time, 3 as_double, 6 as_int (sfixed64), 4 span_id, 5 trace_id.
    mutating func exemplar() throws(WireError) -> Exemplar {
        var e = Exemplar()
        while true {
            switch try nextField() {
            case 0: return e
            case 2: if let v = try fixed64Field() { e.timeUnixNano = v }
            case 3: if let v = try doubleField() { e.value = .double(v) }
            case 4: if case .value(let id) = try spanIDField() { e.spanId = id }
            case 5: if case .value(let id) = try traceIDField() { e.traceId = id }
            case 6: if let v = try fixed64Field() { e.value = .int(Int64(bitPattern: v)) }
            case 7: try appendKeyValue(to: &e.filteredAttributes)
            default: try skipField()
            }
        }
    }

    @inline(__always)
    static func zigzag32(_ v: UInt64) -> Int32 {
        let u = UInt32(truncatingIfNeeded: v)
        return Int32(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }
}

extension ProtoWriter {
    mutating func metricsData(_ d: MetricsData) {
        for rm in d.resourceMetrics {
            message(1) { w in
                w.resource(1, rm.resource)
                for sm in rm.scopeMetrics {
                    w.message(2) { w in
                        w.scope(1, sm.scope)
                        for m in sm.metrics { w.message(2) { $0.metric(m) } }
                        w.string(3, sm.schemaUrl)
                    }
                }
                w.string(3, rm.schemaUrl)
            }
        }
    }
    mutating func metric(_ m: Metric) {
        string(1, m.name)
        string(2, m.description)
        string(3, m.unit)
        switch m.data {
        case .none: break
        case .gauge(let pts):
            message(5) { w in for p in pts { w.message(1) { $0.numberDataPoint(p) } } }
        case .sum(let s):
            message(7) { w in
                for p in s.dataPoints { w.message(1) { $0.numberDataPoint(p) } }
                w.int32(2, s.aggregationTemporality.rawValue)
                w.bool(3, s.isMonotonic)
            }
        case .histogram(let h):
            message(9) { w in
                for p in h.dataPoints { w.message(1) { $0.histogramDataPoint(p) } }
                w.int32(2, h.aggregationTemporality.rawValue)
            }
        case .exponentialHistogram(let h):
            message(10) { w in
                for p in h.dataPoints { w.message(1) { $0.exponentialHistogramDataPoint(p) } }
                w.int32(2, h.aggregationTemporality.rawValue)
            }
        case .summary(let pts):
            message(11) { w in for p in pts { w.message(1) { $0.summaryDataPoint(p) } } }
        }
        attributes(12, m.metadata)
    }
    mutating func numberValue(doubleField: UInt32, intField: UInt32, _ v: NumberValue) {
        switch v {
        case .none: break
        case .double(let d): doubleAlways(doubleField, d)
        case .int(let i): tag(intField, WireType.fixed64); fixed64Raw(UInt64(bitPattern: i))
        }
    }
    mutating func numberDataPoint(_ p: NumberDataPoint) {
        fixed64(2, p.startTimeUnixNano)
        fixed64(3, p.timeUnixNano)
        switch p.value {
        case .double: numberValue(doubleField: 4, intField: 6, p.value)
        default: break
        }
        for e in p.exemplars { message(5) { $0.exemplar(e) } }
        if case .int = p.value { numberValue(doubleField: 4, intField: 6, p.value) }
        attributes(7, p.attributes)
        uint64(8, UInt64(p.flags))
    }
    mutating func histogramDataPoint(_ p: HistogramDataPoint) {
        fixed64(2, p.startTimeUnixNano)
        fixed64(3, p.timeUnixNano)
        fixed64(4, p.count)
        if let s = p.sum { doubleAlways(5, s) }
        packedFixed64(6, p.bucketCounts)
        packedDouble(7, p.explicitBounds)
        for e in p.exemplars { message(8) { $0.exemplar(e) } }
        attributes(9, p.attributes)
        uint64(10, UInt64(p.flags))
        if let v = p.min { doubleAlways(11, v) }
        if let v = p.max { doubleAlways(12, v) }
    }
    mutating func exponentialHistogramDataPoint(_ p: ExponentialHistogramDataPoint) {
        attributes(1, p.attributes)
        fixed64(2, p.startTimeUnixNano)
        fixed64(3, p.timeUnixNano)
        fixed64(4, p.count)
        if let s = p.sum { doubleAlways(5, s) }
        sint32(6, p.scale)
        fixed64(7, p.zeroCount)
        if let b = p.positive { message(8) { $0.buckets(b) } }
        if let b = p.negative { message(9) { $0.buckets(b) } }
        uint64(10, UInt64(p.flags))
        for e in p.exemplars { message(11) { $0.exemplar(e) } }
        if let v = p.min { doubleAlways(12, v) }
        if let v = p.max { doubleAlways(13, v) }
        double(14, p.zeroThreshold)
    }
    mutating func buckets(_ b: ExponentialBuckets) {
        sint32(1, b.offset)
        packedVarint(2, b.bucketCounts)
    }
    mutating func summaryDataPoint(_ p: SummaryDataPoint) {
        fixed64(2, p.startTimeUnixNano)
        fixed64(3, p.timeUnixNano)
        fixed64(4, p.count)
        double(5, p.sum)
        for q in p.quantileValues {
            message(6) { w in
                w.double(1, q.quantile)
                w.double(2, q.value)
            }
        }
        attributes(7, p.attributes)
        uint64(8, UInt64(p.flags))
    }
    mutating func exemplar(_ e: Exemplar) {
        fixed64(2, e.timeUnixNano)
        if case .double(let d) = e.value { doubleAlways(3, d) }
        spanID(4, e.spanId)
        traceID(5, e.traceId)
        if case .int(let i) = e.value { tag(6, WireType.fixed64); fixed64Raw(UInt64(bitPattern: i)) }
        attributes(7, e.filteredAttributes)
    }
}
