import SidecarConfig

extension MetricStoreConfig {
    /// From the `metrics` section.
    public init(_ s: SidecarConfiguration.MetricsSettings) {
        var bounds: [String: [Double]] = [:]
        for h in s.histograms { bounds[h.name] = h.buckets }
        self.init(cardinalityLimit: s.cardinalityLimit, expiry: s.expiry, maxMetrics: s.maxMetrics, histogramBounds: bounds,
                  exponentialHistogramMaxBuckets: s.exponentialHistogramMaxBuckets, resourceAttributesAsLabels: s.resourceAttributesAsLabels)
    }

    /// Every problem of the `metrics` and `processors.span_metrics` sections, with full key paths (for
    /// `otel-sidecar validate` and at start).
    public static func check(_ config: SidecarConfiguration) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        var seen: [String: Int] = [:]
        for (i, h) in config.metrics.histograms.enumerated() {
            let path = "metrics.histograms[\(i)]"
            if h.name.isEmpty {
                issues.append(ConfigIssue(keyPath: path + ".name", message: "is required"))
            } else if let first = seen[h.name] {
                issues.append(ConfigIssue(keyPath: path + ".name", message: "'\(h.name)' is already listed at metrics.histograms[\(first)]"))
            } else {
                seen[h.name] = i
            }
            if let message = BucketBounds.problem(h.buckets) { issues.append(ConfigIssue(keyPath: path + ".buckets", message: message)) }
        }
        if config.metrics.expiry <= .zero { issues.append(ConfigIssue(keyPath: "metrics.expiry", message: "must be more than 0s")) }
        if config.metrics.exportInterval < .zero {
            issues.append(ConfigIssue(keyPath: "metrics.export_interval", message: "must not be negative (0s turns the export off)"))
        }
        let span = config.processors.spanMetrics
        if span.enabled {
            for p in span.validate() { issues.append(ConfigIssue(keyPath: "processors.span_metrics." + p.keyPath, message: p.message)) }
        }
        return issues
    }
}
