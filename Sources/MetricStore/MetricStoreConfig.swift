/// Settings of the metric store. Every property names its proposed YAML key (under `metrics:`) and its
/// default; `MetricStoreConfig.default` is the one place the defaults live.
public struct MetricStoreConfig: Sendable, Equatable {
    /// `metrics.cardinality_limit`, default 2000 (the OTel SDK's default): distinct series per metric.
    /// Further attribute sets of a delta or gauge metric go to one overflow series labelled
    /// `otel_metric_overflow="true"`; cumulative points beyond the limit are dropped and counted.
    public var cardinalityLimit: Int
    /// `metrics.expiry`, default 5 minutes: a series not updated for this long is removed (from exposition
    /// and from memory, freeing its place under the cardinality limit).
    public var expiry: Duration
    /// `metrics.max_metrics`, default 1000: distinct metric names kept; points of further names are dropped
    /// and counted (`reason="metric_limit"`). Together with the cardinality limit this bounds memory.
    public var maxMetrics: Int
    /// `metrics.histogram_buckets`, default none: explicit bucket bounds per metric name for delta
    /// histograms (metric events arrive bucketed with the OTel SDK's default bounds; a single observation is
    /// re-bucketed exactly into these bounds).
    public var histogramBounds: [String: [Double]]
    /// `metrics.exponential_histogram_max_buckets`, default 40: exponential histograms are exposed as
    /// classic histograms (the text formats have no native histograms); they are downscaled until positive
    /// plus negative buckets fit this many `le` buckets.
    public var exponentialHistogramMaxBuckets: Int
    /// `metrics.resource_attributes_as_labels`, default none: resource attributes copied onto every series
    /// of that resource, besides `job` and `instance` (which are always set from `service.namespace`,
    /// `service.name` and `service.instance.id`).
    public var resourceAttributesAsLabels: [String]

    public init(
        cardinalityLimit: Int = 2000, expiry: Duration = .seconds(300), maxMetrics: Int = 1000,
        histogramBounds: [String: [Double]] = [:], exponentialHistogramMaxBuckets: Int = 40,
        resourceAttributesAsLabels: [String] = []
    ) {
        self.cardinalityLimit = cardinalityLimit
        self.expiry = expiry
        self.maxMetrics = maxMetrics
        self.histogramBounds = histogramBounds
        self.exponentialHistogramMaxBuckets = exponentialHistogramMaxBuckets
        self.resourceAttributesAsLabels = resourceAttributesAsLabels
    }

    public static let `default` = MetricStoreConfig()

    /// Problems with key paths relative to the `metrics` section; empty when valid.
    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if cardinalityLimit < 1 {
            problems.append(ConfigProblem("cardinality_limit", "must be at least 1, got \(cardinalityLimit)"))
        }
        if expiry <= .zero { problems.append(ConfigProblem("expiry", "must be positive")) }
        if maxMetrics < 1 { problems.append(ConfigProblem("max_metrics", "must be at least 1, got \(maxMetrics)")) }
        if exponentialHistogramMaxBuckets < 2 {
            problems.append(ConfigProblem("exponential_histogram_max_buckets", "must be at least 2, got \(exponentialHistogramMaxBuckets)"))
        }
        for (name, bounds) in histogramBounds.sorted(by: { $0.key < $1.key }) {
            if let message = BucketBounds.problem(bounds) {
                problems.append(ConfigProblem("histogram_buckets.\(name)", message))
            }
        }
        return problems
    }
}

/// One configuration problem: a key path (relative to the section the struct maps) and a message.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    public var keyPath: String
    public var message: String

    public init(_ keyPath: String, _ message: String) {
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String { "\(keyPath): \(message)" }
}

enum BucketBounds {
    /// Why `bounds` cannot be explicit histogram bounds, or nil.
    static func problem(_ bounds: [Double]) -> String? {
        if bounds.isEmpty { return "must list at least one bound" }
        if bounds.contains(where: { !$0.isFinite }) { return "bounds must be finite numbers" }
        for i in 1..<bounds.count where bounds[i] <= bounds[i - 1] {
            return "bounds must be strictly increasing (\(bounds[i - 1]) then \(bounds[i]))"
        }
        return nil
    }
}
