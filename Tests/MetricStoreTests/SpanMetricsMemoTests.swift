@testable import MetricStore
import SidecarModel
import Testing

/// `SpanMetrics` reuses the previous span's label set when it matches in place. Differential test against
/// a plain reference (build every label set, count in a dictionary) over random batches in which
/// dimensions are present, absent, absent with a default, equal to the default, or found on the resource.
@Suite struct SpanMetricsMemoTests {
    struct Rng {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    @Test func sameCountsAsBuildingEveryLabelSet() throws {
        let config = SpanMetricsConfig(dimensions: [.init("tenant", default: "none"), .init("region"), .init("mcp.tool.name"), .init("zone")],
                                       attributeSums: [.init(attribute: "tokens", by: ["model", "region"])])
        let metrics = try SpanMetrics(config: config)
        var rng = Rng(state: 42)
        for round in 0..<50 {
            var resourceSpans: [ResourceSpans] = []
            var expectedCalls: [[Attribute]: Int64] = [:]
            var expectedTokens: [[Attribute]: Int64] = [:]
            for r in 0..<(1 + rng.next(3)) {
                var resource = [Attribute("service.name", .string("svc-\(r % 2)"))]
                if rng.next(3) == 0 { resource.append(Attribute("region", "eu")) }
                var spans: [Span] = []
                for _ in 0..<(1 + rng.next(40)) {
                    var attributes: [Attribute] = []
                    let tenant = rng.next(4)
                    if tenant == 1 { attributes.append(Attribute("tenant", "acme")) }
                    if tenant == 2 { attributes.append(Attribute("tenant", "none")) }
                    if rng.next(2) == 0 { attributes.append(Attribute("region", .string(["us", "eu"][rng.next(2)]))) }
                    if rng.next(3) > 0 { attributes.append(Attribute("mcp.tool.name", .string(["a", "b"][rng.next(2)]))) }
                    if rng.next(2) == 0 { attributes.append(Attribute("zone", "z1")) }
                    if rng.next(2) == 0 { attributes.append(Attribute("model", .string(["m1", "m2"][rng.next(2)]))) }
                    let tokens = Int64(rng.next(100))
                    attributes.append(Attribute("tokens", .int(tokens)))
                    attributes.shuffle(using: &rng)
                    let status: StatusCode? = [nil, .ok, .error][rng.next(3)]
                    let name = ["call", "list"][rng.next(2)]
                    spans.append(SpanMetricsTests.span(name, ms: 5, kind: [.server, .client, .unspecified, SpanKind(rawValue: 9)][rng.next(4)], status: status, attributes))

                    // The reference: every label, by the documented rules, sorted by key.
                    func lookup(_ key: String) -> AttributeValue? { attributes[key: key] ?? resource[key: key] }
                    var labels = [Attribute("service.name", resource[0].value), Attribute("span.name", .string(name)),
                                  Attribute("span.kind", .string(SpanMetrics.kindName(spans.last!.kind))),
                                  Attribute("status.code", .string(SpanMetrics.statusName(status ?? .unset)))]
                    labels.append(Attribute("tenant", lookup("tenant") ?? "none"))
                    if let v = lookup("region") { labels.append(Attribute("region", v)) }
                    if let v = lookup("mcp.tool.name") { labels.append(Attribute("mcp.tool.name", v)) }
                    if let v = lookup("zone") { labels.append(Attribute("zone", v)) }  // sorts last: absent shortens the set
                    expectedCalls[labels.sorted { $0.key < $1.key }, default: 0] += 1
                    var sumLabels = [Attribute("service.name", resource[0].value)]
                    if let v = lookup("model") { sumLabels.append(Attribute("model", v)) }
                    if let v = lookup("region") { sumLabels.append(Attribute("region", v)) }
                    expectedTokens[sumLabels.sorted { $0.key < $1.key }, default: 0] += tokens
                }
                resourceSpans.append(ResourceSpans(resource: Resource(attributes: resource), scopeSpans: [ScopeSpans(spans: spans)]))
            }
            let out = metrics.metrics(from: TracesData(resourceSpans: resourceSpans))
            let all = out.resourceMetrics.flatMap { $0.scopeMetrics.flatMap(\.metrics) }
            func points(_ name: String) -> [[Attribute]: Int64] {
                guard case .sum(let s)? = all.first(where: { $0.name == name })?.data else { return [:] }
                var d: [[Attribute]: Int64] = [:]
                #expect(Set(s.dataPoints.map(\.attributes)).count == s.dataPoints.count, "one point per label set")
                for p in s.dataPoints {
                    guard case .int(let v) = p.value else { continue }
                    d[p.attributes, default: 0] += v
                }
                return d
            }
            #expect(points("traces.span.metrics.calls") == expectedCalls, "round \(round)")
            #expect(points("traces.span.metrics.tokens") == expectedTokens, "round \(round)")
        }
    }
}

extension SpanMetricsMemoTests.Rng: RandomNumberGenerator {
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }
}
