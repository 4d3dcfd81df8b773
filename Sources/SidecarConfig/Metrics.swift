extension SidecarConfiguration {
    /// `metrics`: the metric store that aggregates metric events, OTLP metrics and span-derived metrics for
    /// `/metrics` and for the periodic OTLP export (docs/metrics.md).
    public struct MetricsSettings: Sendable, Equatable {
        /// `metrics.export_interval`, default `60s`; env `OTEL_METRIC_EXPORT_INTERVAL` (milliseconds, as the
        /// specification says). Every interval the aggregated series go to each exporter that sends metrics,
        /// as cumulative OTLP metrics. `0s` turns the periodic export off (`/metrics` only).
        public var exportInterval: Duration
        /// `metrics.cardinality_limit`, default 2000 (the OTel SDK's): series per metric name.
        public var cardinalityLimit: Int
        /// `metrics.expiry`, default `5m`: a series not updated for this long is removed.
        public var expiry: Duration
        /// `metrics.max_metrics`, default 1000: distinct metric names kept.
        public var maxMetrics: Int
        /// `metrics.histograms`: explicit bucket bounds per metric name. Default none (the OTel SDK's
        /// default bounds, 0 … 10000, suited to milliseconds).
        public var histograms: [HistogramBuckets]
        /// `metrics.exponential_histogram_max_buckets`, default 40.
        public var exponentialHistogramMaxBuckets: Int
        /// `metrics.resource_attributes_as_labels`, default none.
        public var resourceAttributesAsLabels: [String]

        public init(
            exportInterval: Duration = .seconds(60), cardinalityLimit: Int = 2000, expiry: Duration = .seconds(300),
            maxMetrics: Int = 1000, histograms: [HistogramBuckets] = [], exponentialHistogramMaxBuckets: Int = 40,
            resourceAttributesAsLabels: [String] = []
        ) {
            self.exportInterval = exportInterval
            self.cardinalityLimit = cardinalityLimit
            self.expiry = expiry
            self.maxMetrics = maxMetrics
            self.histograms = histograms
            self.exponentialHistogramMaxBuckets = exponentialHistogramMaxBuckets
            self.resourceAttributesAsLabels = resourceAttributesAsLabels
        }

        public static let `default` = MetricsSettings()
    }

    /// `metrics.histograms[]`.
    public struct HistogramBuckets: Sendable, Equatable {
        /// `name`: the metric's OTel name (as sent, e.g. `mcp.tool.latency`).
        public var name: String
        /// `buckets`: explicit upper bounds, increasing.
        public var buckets: [Double]

        public init(name: String, buckets: [Double]) {
            self.name = name
            self.buckets = buckets
        }
    }

    /// `processors.span_metrics`: RED metrics derived from spans (the Collector's spanmetrics connector).
    public struct SpanMetricsSettings: Sendable, Equatable {
        /// `enabled`, default `true`.
        public var enabled: Bool
        /// `namespace`, default `traces.span.metrics`.
        public var namespace: String
        /// `dimensions`, default `mcp.method.name`, `mcp.tool.name`, `server.address`.
        public var dimensions: [Dimension]
        /// `duration_buckets`, seconds, default 0.005 … 120.
        public var durationBuckets: [Double]
        /// `allow_high_cardinality`, default none.
        public var allowHighCardinality: [String]
        /// `attribute_sums`, default the GenAI input and output token counts by `gen_ai.request.model`.
        public var attributeSums: [AttributeSum]

        public struct Dimension: Sendable, Equatable {
            /// `name`: the attribute key (span first, then resource).
            public var name: String
            /// `default`: the label value when the attribute is absent; unset leaves the label out.
            public var defaultValue: String?

            public init(name: String, defaultValue: String? = nil) {
                self.name = name
                self.defaultValue = defaultValue
            }
        }

        public struct AttributeSum: Sendable, Equatable {
            /// `attribute`: the numeric span attribute to add up.
            public var attribute: String
            /// `by`: grouping attribute keys, besides `service.name`.
            public var by: [String]
            /// `name`: the counter's name, default `<namespace>.<attribute>`.
            public var name: String?
            /// `unit`, default empty.
            public var unit: String
            /// `description`, default "Sum of the span attribute <attribute>."
            public var description: String?

            public init(attribute: String, by: [String] = [], name: String? = nil, unit: String = "", description: String? = nil) {
                self.attribute = attribute
                self.by = by
                self.name = name
                self.unit = unit
                self.description = description
            }
        }

        public static let defaultDurationBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

        public init(
            enabled: Bool = true, namespace: String = "traces.span.metrics",
            dimensions: [Dimension] = [Dimension(name: "mcp.method.name"), Dimension(name: "mcp.tool.name"), Dimension(name: "server.address")],
            durationBuckets: [Double] = SpanMetricsSettings.defaultDurationBuckets,
            allowHighCardinality: [String] = [],
            attributeSums: [AttributeSum] = [
                AttributeSum(attribute: "gen_ai.usage.input_tokens", by: ["gen_ai.request.model"], unit: "{token}"),
                AttributeSum(attribute: "gen_ai.usage.output_tokens", by: ["gen_ai.request.model"], unit: "{token}"),
            ]
        ) {
            self.enabled = enabled
            self.namespace = namespace
            self.dimensions = dimensions
            self.durationBuckets = durationBuckets
            self.allowHighCardinality = allowHighCardinality
            self.attributeSums = attributeSums
        }

        public static let `default` = SpanMetricsSettings()
    }
}
