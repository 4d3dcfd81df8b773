import Testing
@testable import SidecarConfig

/// `metrics` and `processors.span_metrics`: keys, defaults, the environment variable, errors by key path.
@Suite struct MetricsConfigTests {
    @Test func defaults() throws {
        let config = try #require(load(nil))
        #expect(config.metrics.exportInterval == .seconds(60))
        #expect(config.metrics.cardinalityLimit == 2000)
        #expect(config.metrics.expiry == .seconds(300))
        #expect(config.metrics.histograms.isEmpty)
        #expect(config.processors.spanMetrics.enabled)
        #expect(config.processors.spanMetrics.dimensions.map(\.name) == ["mcp.method.name", "mcp.tool.name", "server.address"])
    }

    @Test func everyKeyIsRead() throws {
        let yaml = """
        metrics:
          export_interval: 15s
          cardinality_limit: 50
          expiry: 1m
          max_metrics: 10
          histograms:
            - {name: mcp.tool.duration, buckets: [0.01, 0.1, 1]}
          exponential_histogram_max_buckets: 20
          resource_attributes_as_labels: [deployment.environment.name]
        processors:
          span_metrics:
            enabled: false
            namespace: red
            dimensions: [{name: tenant, default: none}, {name: region}]
            duration_buckets: [0.1, 1]
            allow_high_cardinality: [user.id]
            attribute_sums: [{attribute: cost, by: [model], name: red.cost, unit: USD, description: Money.}]
        """
        let c = try #require(load(yaml))
        #expect(c.metrics.exportInterval == .seconds(15))
        #expect(c.metrics.cardinalityLimit == 50)
        #expect(c.metrics.expiry == .seconds(60))
        #expect(c.metrics.maxMetrics == 10)
        #expect(c.metrics.histograms == [.init(name: "mcp.tool.duration", buckets: [0.01, 0.1, 1])])
        #expect(c.metrics.exponentialHistogramMaxBuckets == 20)
        #expect(c.metrics.resourceAttributesAsLabels == ["deployment.environment.name"])
        let s = c.processors.spanMetrics
        #expect(!s.enabled && s.namespace == "red" && s.durationBuckets == [0.1, 1] && s.allowHighCardinality == ["user.id"])
        #expect(s.dimensions == [.init(name: "tenant", defaultValue: "none"), .init(name: "region")])
        #expect(s.attributeSums == [.init(attribute: "cost", by: ["model"], name: "red.cost", unit: "USD", description: "Money.")])
    }

    @Test func exportIntervalFromTheEnvironmentIsInMilliseconds() throws {
        let c = try #require(load("metrics: {export_interval: 15s}", env: ["OTEL_METRIC_EXPORT_INTERVAL": "2500"]))
        #expect(c.metrics.exportInterval == .milliseconds(2500))
        #expect(throws: ConfigErrors.self) { try ConfigLoader.load(yaml: nil, environment: ["OTEL_METRIC_EXPORT_INTERVAL": "5s"]) }
    }

    @Test func wrongTypesAreReportedWithTheirKeyPath() {
        let yaml = """
        metrics:
          histograms: [{name: x, buckets: [1, two]}]
          cardinality_limit: 0
        processors:
          span_metrics:
            duration_buckets: [-1]
        """
        #expect {
            try ConfigLoader.load(yaml: yaml, environment: [:])
        } throws: { error in
            let text = "\(error)"
            return text.contains("metrics.histograms[0].buckets[1]") && text.contains("metrics.cardinality_limit")
                && text.contains("processors.span_metrics.duration_buckets[0]")
        }
    }
}
