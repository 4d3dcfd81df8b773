import SidecarModel

/// The metric store's contents as Prometheus families, following the OTel → Prometheus specification:
/// - family names and unit suffixes from `PrometheusNaming.familyName`; metrics whose names translate to
///   the same Prometheus name share a family when their types agree (the first HELP wins), else the later
///   one (by OTel name) is left out;
/// - labels: the point's attributes (sanitized; attributes that become the same label are joined with `;`
///   in key order), `job` (`service.namespace/service.name` or `service.name`) and `instance`
///   (`service.instance.id`) from the resource, `otel_scope_name`/`otel_scope_version` from the scope, and
///   the configured resource attributes; an attribute that would become one of these labels, `le` or
///   `quantile` is renamed `exported_<label>`;
/// - `target_info` (one per job/instance) carries the other resource attributes; `otel_scope_info` the
///   attributes of scopes that have any.
struct StoreTranslation {
    let contents: StoreContents
    let config: MetricStoreConfig
    private(set) var duplicateSeries = 0

    init(contents: StoreContents, config: MetricStoreConfig) {
        self.contents = contents
        self.config = config
    }

    static let identityKeys: Set<String> = ["service.name", "service.namespace", "service.instance.id"]
    static let alwaysReserved: Set<String> = ["job", "instance", "otel_scope_name", "otel_scope_version", "le", "quantile"]

    /// target_info, otel_scope_info, then the metrics.
    mutating func families() -> [PromFamily] {
        var labelNames: [String: String] = [:]
        var reserved = Self.alwaysReserved
        for key in config.resourceAttributesAsLabels { reserved.insert(PrometheusNaming.labelName(key)) }

        // Resource and scope labels, once per id actually used.
        var resourceLabels: [Int32: [(name: String, value: String)]] = [:]
        var scopeLabels: [Int32: [(name: String, value: String)]] = [:]
        var targets: [String: PromSample] = [:]
        var scopeInfos: [PromSample] = []
        var usedResources = Set<Int32>()
        var usedScopes = Set<Int32>()
        for f in contents.families {
            for key in f.series.keys {
                usedResources.insert(key.resource)
                usedScopes.insert(key.scope)
            }
        }
        for id in usedResources {
            guard let attributes = contents.resources.key(id) else { continue }
            let (identity, info) = resourceLabelSets(attributes, names: &labelNames)
            resourceLabels[id] = identity
            if info.count > identity.filter({ $0.name == "job" || $0.name == "instance" }).count {
                let ji = info.filter { $0.name == "job" || $0.name == "instance" }
                let key = ji.map { $0.name + "=" + $0.value }.joined(separator: "\u{1}")
                let sample = PromSample(labels: info, value: .number(1))
                if let existing = targets[key], labelBlockLess(existing.labelBlock, sample.labelBlock) { continue }
                targets[key] = sample
            }
        }
        for id in usedScopes {
            guard let scope = contents.scopes.key(id) else { continue }
            var labels: [(name: String, value: String)] = []
            if !scope.name.isEmpty { labels.append(("otel_scope_name", scope.name)) }
            if !scope.version.isEmpty { labels.append(("otel_scope_version", scope.version)) }
            scopeLabels[id] = labels
            if !scope.attributes.isEmpty {
                var info = labels
                appendAttributes(scope.attributes, to: &info, reserved: ["otel_scope_name", "otel_scope_version"], names: &labelNames)
                info.sort { $0.name < $1.name }
                scopeInfos.append(PromSample(labels: info, value: .number(1)))
            }
        }

        var out: [PromFamily] = []
        if !targets.isEmpty {
            out.append(PromFamily(name: "target_info", type: .info, help: "Target metadata", unit: "",
                                  samples: uniqueSorted(Array(targets.values)).samples))
        }
        if !scopeInfos.isEmpty {
            out.append(PromFamily(name: "otel_scope_info", type: .info, help: "Instrumentation Scope metadata", unit: "",
                                  samples: uniqueSorted(scopeInfos).samples))
        }

        var byName: [String: Int] = [:]
        var metrics: [PromFamily] = []
        /// Families whose HELP is the OTel name (no description yet): a later description replaces it.
        var fallbackHelp = Set<Int>()
        for f in contents.families {
            let (name, unit) = PrometheusNaming.familyName(f.name, unit: f.unit, kind: f.kind)
            let type: PromType
            switch f.kind {
            case .counter: type = .counter
            case .gauge, .upDownCounter: type = .gauge
            case .histogram, .exponentialHistogram: type = .histogram
            case .summary: type = .summary
            }
            var samples: [PromSample] = []
            samples.reserveCapacity(f.series.count)
            for (key, series) in f.series {
                var labels = resourceLabels[key.resource] ?? []
                labels += scopeLabels[key.scope] ?? []
                appendAttributes(key.attributes, to: &labels, reserved: reserved, names: &labelNames)
                labels.sort { $0.name < $1.name }
                samples.append(PromSample(labels: labels, value: promValue(series.value)))
            }
            if let i = byName[name] {
                // Same Prometheus name from another OTel name: merge when the types agree.
                guard metrics[i].type == type else {
                    metrics.append(PromFamily(name: name, type: type, help: "", unit: unit, samples: samples))  // rejected later as a conflict
                    continue
                }
                metrics[i].samples += samples
                if fallbackHelp.contains(i) && !f.description.isEmpty {
                    metrics[i].help = f.description
                    fallbackHelp.remove(i)
                }
            } else {
                byName[name] = metrics.count
                if f.description.isEmpty { fallbackHelp.insert(metrics.count) }
                metrics.append(PromFamily(name: name, type: type, help: f.description.isEmpty ? f.name : f.description, unit: unit, samples: samples))
            }
        }
        for i in metrics.indices {
            let (unique, duplicates) = uniqueSorted(metrics[i].samples)
            metrics[i].samples = unique
            duplicateSeries += duplicates
        }
        return out + metrics
    }

    /// Identity labels (job, instance, configured resource attributes) and target_info labels.
    private func resourceLabelSets(_ attributes: [Attribute], names: inout [String: String])
        -> (identity: [(name: String, value: String)], info: [(name: String, value: String)])
    {
        var identity: [(name: String, value: String)] = []
        if let service = attributes[key: "service.name"].map(PrometheusNaming.labelValue) {
            if let namespace = attributes[key: "service.namespace"].map(PrometheusNaming.labelValue), !namespace.isEmpty {
                identity.append(("job", namespace + "/" + service))
            } else {
                identity.append(("job", service))
            }
        }
        if let instance = attributes[key: "service.instance.id"].map(PrometheusNaming.labelValue) {
            identity.append(("instance", instance))
        }
        var info = identity
        appendAttributes(attributes.filter { !Self.identityKeys.contains($0.key) }, to: &info, reserved: ["job", "instance"], names: &names)
        info.sort { $0.name < $1.name }
        for key in config.resourceAttributesAsLabels {
            guard !Self.identityKeys.contains(key), let v = attributes[key: key] else { continue }
            let name = PrometheusNaming.labelName(key)
            guard name != "job" && name != "instance" else { continue }
            if let i = identity.firstIndex(where: { $0.name == name }) {
                identity[i].value += ";" + PrometheusNaming.labelValue(v)
            } else {
                identity.append((name, PrometheusNaming.labelValue(v)))
            }
        }
        return (identity, info)
    }

    /// Adds attributes (sorted by key) as labels; same-named labels are joined with `;`.
    private func appendAttributes(_ attributes: [Attribute], to labels: inout [(name: String, value: String)], reserved: Set<String>,
                                  names: inout [String: String]) {
        let start = labels.count
        for a in attributes {
            var name: String
            if let cached = names[a.key] {
                name = cached
            } else {
                name = PrometheusNaming.labelName(a.key)
                names[a.key] = name
            }
            if reserved.contains(name) { name = "exported_" + name }
            let value = PrometheusNaming.labelValue(a.value)
            if let i = labels[start...].firstIndex(where: { $0.name == name }) {
                labels[i].value += ";" + value
            } else {
                labels.append((name, value))
            }
        }
    }

    private func promValue(_ value: SeriesValue) -> PromValue {
        switch value {
        case .number(let v):
            return .number(v)
        case .histogram(let h):
            var buckets: [(le: Double, cumulative: UInt64)] = []
            buckets.reserveCapacity(h.counts.count)
            var running: UInt64 = 0
            for (i, c) in h.counts.enumerated() {
                running &+= c
                buckets.append((i < h.bounds.count ? h.bounds[i] : .infinity, running))
            }
            let total = Swift.max(running, h.count)
            buckets[buckets.count - 1].cumulative = total
            return .histogram(buckets: buckets, count: total, sum: h.sumIsExposable ? h.sum : nil)
        case .exponentialHistogram(let h):
            let buckets = h.classicBuckets(maxBuckets: config.exponentialHistogramMaxBuckets)
            let total = buckets.last?.cumulative ?? h.count
            return .histogram(buckets: buckets, count: total, sum: h.hasNegativeObservations ? nil : h.sum)
        case .summary(let s):
            return .summary(quantiles: s.quantiles.map { ValueAtQuantileValue(quantile: $0.quantile, value: $0.value) },
                            count: s.count, sum: s.sum >= 0 ? s.sum : nil)
        }
    }
}
