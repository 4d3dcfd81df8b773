import MetricStore
import SidecarConfig
import Testing

/// The YAML sections map onto the store's settings, with one set of defaults.
@Suite struct SettingsTests {
    @Test func yamlDefaultsAreTheStoreDefaults() {
        #expect(MetricStoreConfig(SidecarConfiguration.MetricsSettings.default) == MetricStoreConfig.default)
    }

    @Test func checkNamesEveryProblemWithItsFullKeyPath() {
        var c = SidecarConfiguration.default
        c.metrics.histograms = [.init(name: "a", buckets: [2, 1]), .init(name: "a", buckets: [])]
        c.processors.spanMetrics.dimensions = [.init(name: "session.id"), .init(name: "")]
        c.processors.spanMetrics.attributeSums = [.init(attribute: "cost", by: ["user.email"])]
        let paths = MetricStoreConfig.check(c).map(\.keyPath)
        #expect(paths == ["metrics.histograms[0].buckets", "metrics.histograms[1].name", "metrics.histograms[1].buckets",
                          "processors.span_metrics.dimensions[0].name", "processors.span_metrics.dimensions[1].name", "processors.span_metrics.attribute_sums[0].by[0]"])
        c.processors.spanMetrics.allowHighCardinality = ["session.id", "user.email"]
        c.metrics.histograms = []
        c.processors.spanMetrics.dimensions.removeLast()
        #expect(MetricStoreConfig.check(c).isEmpty)
    }
}
