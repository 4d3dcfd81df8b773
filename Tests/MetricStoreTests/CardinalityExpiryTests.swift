import EventProtocol
@testable import MetricStore
import Pipeline
import SidecarModel
import Testing

@Suite("Cardinality limit and expiry")
struct CardinalityExpiryTests {
    static func events(_ range: Range<Int>) -> [MetricEvent] {
        range.map { MetricEvent(name: "requests", kind: .counter, value: .int(1), attributes: [Attribute("user", .string("u\($0)"))]) }
    }

    @Test func tenThousandAttributeSetsGiveTheLimitPlusOneOverflowSeries() {
        let f = Fixture()
        f.send(Self.events(0..<10_000))
        let m = f.metric("requests")
        #expect(m?.series.count == 2001)
        let overflow = m?.series([Attribute(overflowAttributeKey, true)])
        #expect(overflow?.number == 8000)
        let regular = m?.series.filter { $0.attributes.first?.key == "user" } ?? []
        #expect(regular.count == 2000)
        #expect(regular.allSatisfy { $0.number == 1 })
        #expect(f.counters.value("otel_sidecar_metric_store_overflow_points_total") == 8000)

        // Known series keep aggregating; new ones keep overflowing; the series count stays flat.
        f.send(Self.events(0..<10_000))
        f.send(Self.events(10_000..<20_000))
        #expect(f.store.seriesCount == 2001)
        #expect(f.metric("requests")?.series([Attribute(overflowAttributeKey, true)])?.number == 26_000.0)  // 8000 + 8000 + 10 000

        let text = f.text()
        #expect(lines(text, containing: "requests_total{").count == 2001)
        #expect(text.contains("requests_total{otel_metric_overflow=\"true\"} 26000\n"))
    }

    @Test func theLimitIsPerMetricAndConfigurable() {
        let f = Fixture(MetricStoreConfig(cardinalityLimit: 10))
        f.send(Self.events(0..<50))
        f.send((0..<5).map { MetricEvent(name: "other", kind: .gauge, value: .int(Int64($0)), attributes: [Attribute("k", .int(Int64($0)))]) })
        #expect(f.metric("requests")?.series.count == 11)
        #expect(f.metric("other")?.series.count == 5)
    }

    @Test func cumulativePointsBeyondTheLimitAreDroppedNotOverflowed() {
        let f = Fixture(MetricStoreConfig(cardinalityLimit: 2))
        f.send((0..<5).map { sum("c", .int(10), [Attribute("k", .int(Int64($0)))], temporality: .cumulative) })
        #expect(f.metric("c")?.series.count == 2)
        #expect(f.metric("c")?.series([Attribute(overflowAttributeKey, true)]) == nil)
        #expect(f.dropped(.cardinalityLimit) == 3)
    }

    @Test func seriesExpireAfterFiveMinutesWithoutUpdates() {
        let f = Fixture()
        f.send([MetricEvent(name: "c", kind: .counter, value: .int(1), attributes: [Attribute("k", "old")])],
               resource: Resource(attributes: [Attribute("service.name", "gw"), Attribute("host.name", "h1")]))
        f.clock.advance(by: .seconds(240))
        f.send([MetricEvent(name: "c", kind: .counter, value: .int(1), attributes: [Attribute("k", "new")])])
        #expect(f.metric("c")?.series.count == 2)
        #expect(f.text().contains("target_info{host_name=\"h1\",job=\"gw\"} 1"))

        f.clock.advance(by: .seconds(61))  // "old" is 301 s old, "new" 61 s
        let series = f.metric("c")?.series ?? []
        #expect(series.map(\.attributes) == [[Attribute("k", "new")]])
        let text = f.text(counters: true)
        #expect(!text.contains("k=\"old\""))
        #expect(!text.contains("target_info"))
        #expect(f.counters.value("otel_sidecar_metric_store_expired_series_total") == 1)
        #expect(f.store.seriesAtLastSweep == 1)
        #expect(text.contains("otel_sidecar_metric_store_series 1\n"))

        f.clock.advance(by: .seconds(300))
        #expect(f.store.snapshot().isEmpty)
        #expect(f.store.metricCount == 0)
    }

    @Test func expiredSeriesFreeTheirPlaceUnderTheLimit() {
        let f = Fixture(MetricStoreConfig(cardinalityLimit: 2, expiry: .seconds(60)))
        f.send(Self.events(0..<2))
        f.clock.advance(by: .seconds(61))
        // No sweep ran: the limit check itself frees the expired places.
        f.send(Self.events(2..<4))
        let m = f.metric("requests")
        #expect(m?.series.count == 2)
        #expect(m?.series([Attribute(overflowAttributeKey, true)]) == nil)
        #expect(Set(m?.series.compactMap { $0.attributes.first?.value.stringValue } ?? []) == ["u2", "u3"])
    }

    @Test func aRecreatedSeriesStartsFromZero() {
        let f = Fixture(MetricStoreConfig(expiry: .seconds(10)))
        f.send(Self.events(0..<1))
        f.clock.advance(by: .seconds(11))
        f.store.sweep()
        f.send(Self.events(0..<1))
        #expect(f.metric("requests")?.series.first?.number == 1)
    }
}
