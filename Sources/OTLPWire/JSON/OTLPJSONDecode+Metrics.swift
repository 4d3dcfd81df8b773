import SidecarModel

extension JSONScanner {
    mutating func metricsData() throws(WireError) -> MetricsData {
        var d = MetricsData()
        try fields { (s, k) throws(WireError) in
            guard k == "resourceMetrics" else { return false }
            d.resourceMetrics = try s.list { (s) throws(WireError) -> ResourceMetrics in
                var rm = ResourceMetrics()
                try s.fields { (s, k) throws(WireError) in
                    if k == "resource" { rm.resource = try s.resource() }
                    else if k == "scopeMetrics" {
                        rm.scopeMetrics = try s.list { (s) throws(WireError) -> ScopeMetrics in
                            var sm = ScopeMetrics()
                            try s.fields { (s, k) throws(WireError) in
                                if k == "scope" { sm.scope = try s.scope() }
                                else if k == "metrics" { sm.metrics = try s.list { (s) throws(WireError) in try s.metric() } }
                                else if k == "schemaUrl" { sm.schemaUrl = try s.readString() }
                                else { return false }
                                return true
                            }
                            return sm
                        }
                    } else if k == "schemaUrl" { rm.schemaUrl = try s.readString() }
                    else { return false }
                    return true
                }
                return rm
            }
            return true
        }
        return d
    }

    mutating func metric() throws(WireError) -> Metric {
        var m = Metric()
        try fields { (s, k) throws(WireError) in
            if k == "name" { m.name = try s.readString() }
            else if k == "description" { m.description = try s.readString() }
            else if k == "unit" { m.unit = try s.readString() }
            else if k == "metadata" { m.metadata = try s.keyValues() }
            else if k == "gauge" {
                var pts: [NumberDataPoint] = []
                try s.fields { (s, k) throws(WireError) in
                    guard k == "dataPoints" else { return false }
                    pts = try s.list { (s) throws(WireError) in try s.numberDataPoint() }
                    return true
                }
                m.data = .gauge(pts)
            } else if k == "sum" {
                var sum = Sum()
                try s.fields { (s, k) throws(WireError) in
                    if k == "dataPoints" { sum.dataPoints = try s.list { (s) throws(WireError) in try s.numberDataPoint() } }
                    else if k == "aggregationTemporality" { sum.aggregationTemporality = .init(rawValue: try s.enumValue(EnumNames.temporality)) }
                    else if k == "isMonotonic" { sum.isMonotonic = try s.readBool() }
                    else { return false }
                    return true
                }
                m.data = .sum(sum)
            } else if k == "histogram" {
                var h = Histogram()
                try s.fields { (s, k) throws(WireError) in
                    if k == "dataPoints" { h.dataPoints = try s.list { (s) throws(WireError) in try s.histogramDataPoint() } }
                    else if k == "aggregationTemporality" { h.aggregationTemporality = .init(rawValue: try s.enumValue(EnumNames.temporality)) }
                    else { return false }
                    return true
                }
                m.data = .histogram(h)
            } else if k == "exponentialHistogram" {
                var h = ExponentialHistogram()
                try s.fields { (s, k) throws(WireError) in
                    if k == "dataPoints" { h.dataPoints = try s.list { (s) throws(WireError) in try s.exponentialHistogramDataPoint() } }
                    else if k == "aggregationTemporality" { h.aggregationTemporality = .init(rawValue: try s.enumValue(EnumNames.temporality)) }
                    else { return false }
                    return true
                }
                m.data = .exponentialHistogram(h)
            } else if k == "summary" {
                var pts: [SummaryDataPoint] = []
                try s.fields { (s, k) throws(WireError) in
                    guard k == "dataPoints" else { return false }
                    pts = try s.list { (s) throws(WireError) in try s.summaryDataPoint() }
                    return true
                }
                m.data = .summary(pts)
            } else { return false }
            return true
        }
        return m
    }

    mutating func numberDataPoint() throws(WireError) -> NumberDataPoint {
        var p = NumberDataPoint()
        try fields { (s, k) throws(WireError) in
            if k == "attributes" { p.attributes = try s.keyValues() }
            else if k == "startTimeUnixNano" { p.startTimeUnixNano = try s.readUInt64() }
            else if k == "timeUnixNano" { p.timeUnixNano = try s.readUInt64() }
            else if k == "asDouble" { p.value = .double(try s.readDouble()) }
            else if k == "asInt" { p.value = .int(try s.readInt64()) }
            else if k == "exemplars" { p.exemplars = try s.list { (s) throws(WireError) in try s.exemplar() } }
            else if k == "flags" { p.flags = try s.readUInt32() }
            else { return false }
            return true
        }
        return p
    }

    mutating func histogramDataPoint() throws(WireError) -> HistogramDataPoint {
        var p = HistogramDataPoint()
        try fields { (s, k) throws(WireError) in
            if k == "attributes" { p.attributes = try s.keyValues() }
            else if k == "startTimeUnixNano" { p.startTimeUnixNano = try s.readUInt64() }
            else if k == "timeUnixNano" { p.timeUnixNano = try s.readUInt64() }
            else if k == "count" { p.count = try s.readUInt64() }
            else if k == "sum" { p.sum = try s.readDouble() }
            else if k == "bucketCounts" { p.bucketCounts = try s.list { (s) throws(WireError) in try s.readUInt64() } }
            else if k == "explicitBounds" { p.explicitBounds = try s.list { (s) throws(WireError) in try s.readDouble() } }
            else if k == "exemplars" { p.exemplars = try s.list { (s) throws(WireError) in try s.exemplar() } }
            else if k == "flags" { p.flags = try s.readUInt32() }
            else if k == "min" { p.min = try s.readDouble() }
            else if k == "max" { p.max = try s.readDouble() }
            else { return false }
            return true
        }
        return p
    }

    mutating func exponentialHistogramDataPoint() throws(WireError) -> ExponentialHistogramDataPoint {
        var p = ExponentialHistogramDataPoint()
        try fields { (s, k) throws(WireError) in
            if k == "attributes" { p.attributes = try s.keyValues() }
            else if k == "startTimeUnixNano" { p.startTimeUnixNano = try s.readUInt64() }
            else if k == "timeUnixNano" { p.timeUnixNano = try s.readUInt64() }
            else if k == "count" { p.count = try s.readUInt64() }
            else if k == "sum" { p.sum = try s.readDouble() }
            else if k == "scale" { p.scale = try s.readInt32() }
            else if k == "zeroCount" { p.zeroCount = try s.readUInt64() }
            else if k == "positive" { p.positive = try s.buckets() }
            else if k == "negative" { p.negative = try s.buckets() }
            else if k == "flags" { p.flags = try s.readUInt32() }
            else if k == "exemplars" { p.exemplars = try s.list { (s) throws(WireError) in try s.exemplar() } }
            else if k == "min" { p.min = try s.readDouble() }
            else if k == "max" { p.max = try s.readDouble() }
            else if k == "zeroThreshold" { p.zeroThreshold = try s.readDouble() }
            else { return false }
            return true
        }
        return p
    }

    mutating func buckets() throws(WireError) -> ExponentialBuckets {
        var b = ExponentialBuckets()
        try fields { (s, k) throws(WireError) in
            if k == "offset" { b.offset = try s.readInt32() }
            else if k == "bucketCounts" { b.bucketCounts = try s.list { (s) throws(WireError) in try s.readUInt64() } }
            else { return false }
            return true
        }
        return b
    }

    mutating func summaryDataPoint() throws(WireError) -> SummaryDataPoint {
        var p = SummaryDataPoint()
        try fields { (s, k) throws(WireError) in
            if k == "attributes" { p.attributes = try s.keyValues() }
            else if k == "startTimeUnixNano" { p.startTimeUnixNano = try s.readUInt64() }
            else if k == "timeUnixNano" { p.timeUnixNano = try s.readUInt64() }
            else if k == "count" { p.count = try s.readUInt64() }
            else if k == "sum" { p.sum = try s.readDouble() }
            else if k == "quantileValues" {
                p.quantileValues = try s.list { (s) throws(WireError) -> ValueAtQuantile in
                    var q = ValueAtQuantile()
                    try s.fields { (s, k) throws(WireError) in
                        if k == "quantile" { q.quantile = try s.readDouble() }
                        else if k == "value" { q.value = try s.readDouble() }
                        else { return false }
                        return true
                    }
                    return q
                }
            } else if k == "flags" { p.flags = try s.readUInt32() }
            else { return false }
            return true
        }
        return p
    }

    mutating func exemplar() throws(WireError) -> Exemplar {
        var e = Exemplar()
        try fields { (s, k) throws(WireError) in
            if k == "filteredAttributes" { e.filteredAttributes = try s.keyValues() }
            else if k == "timeUnixNano" { e.timeUnixNano = try s.readUInt64() }
            else if k == "asDouble" { e.value = .double(try s.readDouble()) }
            else if k == "asInt" { e.value = .int(try s.readInt64()) }
            else if k == "spanId" { e.spanId = try s.spanID() }
            else if k == "traceId" { e.traceId = try s.traceID() }
            else { return false }
            return true
        }
        return e
    }
}
