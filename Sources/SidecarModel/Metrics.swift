/// `ExportMetricsServiceRequest` / `MetricsData`.
public struct MetricsData: Sendable, Hashable {
    public var resourceMetrics: [ResourceMetrics]

    public init(resourceMetrics: [ResourceMetrics] = []) { self.resourceMetrics = resourceMetrics }

    /// Data points across all metrics (the unit OTLP's partial success counts).
    public var dataPointCount: Int {
        var n = 0
        for rm in resourceMetrics { for sm in rm.scopeMetrics { for m in sm.metrics { n += m.data.pointCount } } }
        return n
    }
}

public struct ResourceMetrics: Sendable, Hashable {
    public var resource: Resource?
    public var scopeMetrics: [ScopeMetrics]
    public var schemaUrl: String

    public init(resource: Resource? = nil, scopeMetrics: [ScopeMetrics] = [], schemaUrl: String = "") {
        self.resource = resource
        self.scopeMetrics = scopeMetrics
        self.schemaUrl = schemaUrl
    }
}

public struct ScopeMetrics: Sendable, Hashable {
    public var scope: InstrumentationScope?
    public var metrics: [Metric]
    public var schemaUrl: String

    public init(scope: InstrumentationScope? = nil, metrics: [Metric] = [], schemaUrl: String = "") {
        self.scope = scope
        self.metrics = metrics
        self.schemaUrl = schemaUrl
    }
}

public struct Metric: Sendable, Hashable {
    public var name: String
    public var description: String
    public var unit: String
    public var data: MetricData
    public var metadata: [Attribute]

    public init(name: String = "", description: String = "", unit: String = "", data: MetricData = .none, metadata: [Attribute] = []) {
        self.name = name
        self.description = description
        self.unit = unit
        self.data = data
        self.metadata = metadata
    }
}

/// OTLP `AggregationTemporality`; unknown values are carried through.
public struct AggregationTemporality: RawRepresentable, Sendable, Hashable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let unspecified = AggregationTemporality(rawValue: 0)
    public static let delta = AggregationTemporality(rawValue: 1)
    public static let cumulative = AggregationTemporality(rawValue: 2)
}

/// The `data` oneof of a `Metric`.
public enum MetricData: Sendable, Hashable {
    case none
    case gauge([NumberDataPoint])
    case sum(Sum)
    case histogram(Histogram)
    case exponentialHistogram(ExponentialHistogram)
    case summary([SummaryDataPoint])

    public var pointCount: Int {
        switch self {
        case .none: return 0
        case .gauge(let p): return p.count
        case .sum(let s): return s.dataPoints.count
        case .histogram(let h): return h.dataPoints.count
        case .exponentialHistogram(let h): return h.dataPoints.count
        case .summary(let p): return p.count
        }
    }
}

public struct Sum: Sendable, Hashable {
    public var dataPoints: [NumberDataPoint]
    public var aggregationTemporality: AggregationTemporality
    public var isMonotonic: Bool

    public init(dataPoints: [NumberDataPoint] = [], aggregationTemporality: AggregationTemporality = .unspecified, isMonotonic: Bool = false) {
        self.dataPoints = dataPoints
        self.aggregationTemporality = aggregationTemporality
        self.isMonotonic = isMonotonic
    }
}

public struct Histogram: Sendable, Hashable {
    public var dataPoints: [HistogramDataPoint]
    public var aggregationTemporality: AggregationTemporality

    public init(dataPoints: [HistogramDataPoint] = [], aggregationTemporality: AggregationTemporality = .unspecified) {
        self.dataPoints = dataPoints
        self.aggregationTemporality = aggregationTemporality
    }
}

public struct ExponentialHistogram: Sendable, Hashable {
    public var dataPoints: [ExponentialHistogramDataPoint]
    public var aggregationTemporality: AggregationTemporality

    public init(dataPoints: [ExponentialHistogramDataPoint] = [], aggregationTemporality: AggregationTemporality = .unspecified) {
        self.dataPoints = dataPoints
        self.aggregationTemporality = aggregationTemporality
    }
}

/// The `value` oneof of a `NumberDataPoint` / `Exemplar`.
public enum NumberValue: Sendable, Hashable {
    case none
    case double(Double)
    case int(Int64)

    public var asDouble: Double {
        switch self {
        case .none: return 0
        case .double(let d): return d
        case .int(let i): return Double(i)
        }
    }
}

public struct NumberDataPoint: Sendable, Hashable {
    public var attributes: [Attribute]
    public var startTimeUnixNano: UInt64
    public var timeUnixNano: UInt64
    public var value: NumberValue
    public var exemplars: [Exemplar]
    public var flags: UInt32

    public init(attributes: [Attribute] = [], startTimeUnixNano: UInt64 = 0, timeUnixNano: UInt64 = 0, value: NumberValue = .none, exemplars: [Exemplar] = [], flags: UInt32 = 0) {
        self.attributes = attributes
        self.startTimeUnixNano = startTimeUnixNano
        self.timeUnixNano = timeUnixNano
        self.value = value
        self.exemplars = exemplars
        self.flags = flags
    }
}

public struct HistogramDataPoint: Sendable, Hashable {
    public var attributes: [Attribute]
    public var startTimeUnixNano: UInt64
    public var timeUnixNano: UInt64
    public var count: UInt64
    public var sum: Double?
    public var bucketCounts: [UInt64]
    public var explicitBounds: [Double]
    public var exemplars: [Exemplar]
    public var flags: UInt32
    public var min: Double?
    public var max: Double?

    public init(attributes: [Attribute] = [], startTimeUnixNano: UInt64 = 0, timeUnixNano: UInt64 = 0, count: UInt64 = 0, sum: Double? = nil, bucketCounts: [UInt64] = [], explicitBounds: [Double] = [], exemplars: [Exemplar] = [], flags: UInt32 = 0, min: Double? = nil, max: Double? = nil) {
        self.attributes = attributes
        self.startTimeUnixNano = startTimeUnixNano
        self.timeUnixNano = timeUnixNano
        self.count = count
        self.sum = sum
        self.bucketCounts = bucketCounts
        self.explicitBounds = explicitBounds
        self.exemplars = exemplars
        self.flags = flags
        self.min = min
        self.max = max
    }
}

public struct ExponentialBuckets: Sendable, Hashable {
    public var offset: Int32
    public var bucketCounts: [UInt64]

    public init(offset: Int32 = 0, bucketCounts: [UInt64] = []) {
        self.offset = offset
        self.bucketCounts = bucketCounts
    }
}

public struct ExponentialHistogramDataPoint: Sendable, Hashable {
    public var attributes: [Attribute]
    public var startTimeUnixNano: UInt64
    public var timeUnixNano: UInt64
    public var count: UInt64
    public var sum: Double?
    public var scale: Int32
    public var zeroCount: UInt64
    public var positive: ExponentialBuckets?
    public var negative: ExponentialBuckets?
    public var flags: UInt32
    public var exemplars: [Exemplar]
    public var min: Double?
    public var max: Double?
    public var zeroThreshold: Double

    public init(attributes: [Attribute] = [], startTimeUnixNano: UInt64 = 0, timeUnixNano: UInt64 = 0, count: UInt64 = 0, sum: Double? = nil, scale: Int32 = 0, zeroCount: UInt64 = 0, positive: ExponentialBuckets? = nil, negative: ExponentialBuckets? = nil, flags: UInt32 = 0, exemplars: [Exemplar] = [], min: Double? = nil, max: Double? = nil, zeroThreshold: Double = 0) {
        self.attributes = attributes
        self.startTimeUnixNano = startTimeUnixNano
        self.timeUnixNano = timeUnixNano
        self.count = count
        self.sum = sum
        self.scale = scale
        self.zeroCount = zeroCount
        self.positive = positive
        self.negative = negative
        self.flags = flags
        self.exemplars = exemplars
        self.min = min
        self.max = max
        self.zeroThreshold = zeroThreshold
    }
}

public struct ValueAtQuantile: Sendable, Hashable {
    public var quantile: Double
    public var value: Double

    public init(quantile: Double = 0, value: Double = 0) {
        self.quantile = quantile
        self.value = value
    }
}

public struct SummaryDataPoint: Sendable, Hashable {
    public var attributes: [Attribute]
    public var startTimeUnixNano: UInt64
    public var timeUnixNano: UInt64
    public var count: UInt64
    public var sum: Double
    public var quantileValues: [ValueAtQuantile]
    public var flags: UInt32

    public init(attributes: [Attribute] = [], startTimeUnixNano: UInt64 = 0, timeUnixNano: UInt64 = 0, count: UInt64 = 0, sum: Double = 0, quantileValues: [ValueAtQuantile] = [], flags: UInt32 = 0) {
        self.attributes = attributes
        self.startTimeUnixNano = startTimeUnixNano
        self.timeUnixNano = timeUnixNano
        self.count = count
        self.sum = sum
        self.quantileValues = quantileValues
        self.flags = flags
    }
}

public struct Exemplar: Sendable, Hashable {
    public var filteredAttributes: [Attribute]
    public var timeUnixNano: UInt64
    public var value: NumberValue
    public var spanId: SpanID
    public var traceId: TraceID

    public init(filteredAttributes: [Attribute] = [], timeUnixNano: UInt64 = 0, value: NumberValue = .none, spanId: SpanID = .invalid, traceId: TraceID = .invalid) {
        self.filteredAttributes = filteredAttributes
        self.timeUnixNano = timeUnixNano
        self.value = value
        self.spanId = spanId
        self.traceId = traceId
    }
}
