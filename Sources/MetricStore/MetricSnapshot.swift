import SidecarModel

struct StoreContents: Sendable {
    var families: [MetricFamily]
    var resources: InternTable<[Attribute]>
    var scopes: InternTable<ScopeKey>
}

/// One stored metric, for tests and the OTLP export.
public struct MetricSnapshot: Sendable, Equatable {
    public var name: String
    public var description: String
    public var unit: String
    public var kind: AggregationKind
    public var series: [SeriesSnapshot]

    /// The series with exactly these attributes (in any order), if any.
    public func series(_ attributes: [Attribute]) -> SeriesSnapshot? {
        let key = AttributeSet.normalized(attributes)
        return series.first { $0.attributes == key }
    }
}

public struct SeriesSnapshot: Sendable, Equatable {
    /// The resource's attributes (sorted by key), nil for none.
    public var resource: [Attribute]?
    public var scope: InstrumentationScope?
    /// Sorted by key.
    public var attributes: [Attribute]
    public var value: SeriesValue
    public var startTimeUnixNano: UInt64
    public var timeUnixNano: UInt64

    /// The number value of a counter, up-down counter or gauge series.
    public var number: Double? {
        if case .number(let v) = value { return v }
        return nil
    }
}
