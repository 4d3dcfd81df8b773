#if canImport(Glibc)
import Glibc
#endif
import SidecarModel

/// The aggregated (cumulative) value of one series.
public enum SeriesValue: Sendable, Equatable {
    /// Counter (monotonic sum), up-down counter (non-monotonic sum) and gauge values.
    case number(Double)
    case histogram(HistogramValue)
    case exponentialHistogram(ExponentialHistogramValue)
    case summary(SummaryValue)
}

/// An explicit-bucket histogram: `counts[i]` observations in (`bounds[i-1]`, `bounds[i]`], the last
/// one above the last bound. `sum` is nil once any point without a sum was merged.
public struct HistogramValue: Sendable, Equatable {
    public var bounds: [Double]
    public var counts: [UInt64]
    public var count: UInt64
    public var sum: Double?
    public var min: Double?
    public var max: Double?

    public init(bounds: [Double], counts: [UInt64]? = nil, count: UInt64 = 0, sum: Double? = 0, min: Double? = nil, max: Double? = nil) {
        self.bounds = bounds
        self.counts = counts ?? [UInt64](repeating: 0, count: bounds.count + 1)
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
    }

    /// A cumulative point taken as it is; nil when its bucket counts do not fit its bounds.
    init?(point p: HistogramDataPoint) {
        if p.bucketCounts.isEmpty {
            self.init(bounds: [], counts: [p.count], count: p.count, sum: p.sum, min: p.min, max: p.max)
        } else {
            guard p.bucketCounts.count == p.explicitBounds.count + 1 else { return nil }
            self.init(bounds: p.explicitBounds, counts: p.bucketCounts, count: p.count, sum: p.sum, min: p.min, max: p.max)
        }
    }

    /// Adds a delta point. Returns false when the point's buckets had to be mapped approximately onto this
    /// histogram's bounds (different bounds and more than a single observation per source bucket).
    /// Count, sum, min and max stay exact either way.
    mutating func add(delta p: HistogramDataPoint) -> Bool {
        var exact = true
        if p.explicitBounds == bounds && p.bucketCounts.count == counts.count {
            for i in 0..<counts.count { counts[i] &+= p.bucketCounts[i] }
        } else if p.bucketCounts.isEmpty {
            exact = place(p.count, lower: -.infinity, upper: .infinity, min: p.min, max: p.max)
        } else {
            for (j, c) in p.bucketCounts.enumerated() where c > 0 {
                let lower = j > 0 ? p.explicitBounds[j - 1] : -.infinity
                let upper = j < p.explicitBounds.count ? p.explicitBounds[j] : .infinity
                if !place(c, lower: lower, upper: upper, min: p.min, max: p.max) { exact = false }
            }
        }
        count &+= p.count
        if let s = sum, let ps = p.sum { sum = s + ps } else { sum = nil }
        if let pm = p.min { min = Swift.min(min ?? pm, pm) }
        if let pm = p.max { max = Swift.max(max ?? pm, pm) }
        return exact
    }

    /// Puts `n` observations known to lie in (`lower`, `upper`] (and within [`min`, `max`] when known)
    /// into the first bucket whose upper bound is at least their largest possible value: a cumulative
    /// `le` count never claims an observation below a bound it may exceed. Returns whether that bucket
    /// certainly holds them all.
    private mutating func place(_ n: UInt64, lower: Double, upper: Double, min: Double?, max: Double?) -> Bool {
        let top = Swift.min(upper, max ?? upper)
        var k = bounds.count
        // Bounds are few (tens); a linear scan beats a binary search here.
        for (i, b) in bounds.enumerated() where b >= top {
            k = i
            break
        }
        counts[k] &+= n
        if k == 0 { return true }
        let below = bounds[k - 1]
        return lower >= below || (min.map { $0 > below } ?? false)
    }

    /// Whether `_sum` may be exposed: the spec exposes it only when no observation is negative.
    var sumIsExposable: Bool {
        guard sum != nil else { return false }
        if let m = min { return m >= 0 }
        // Without a min: observations in a bucket below 0 may be negative.
        for (i, c) in counts.enumerated() where c > 0 {
            let lower = i > 0 ? bounds[i - 1] : -.infinity
            if lower < 0 { return false }
        }
        return true
    }
}

/// A base-2 exponential histogram (OTLP `ExponentialHistogramDataPoint` semantics).
public struct ExponentialHistogramValue: Sendable, Equatable {
    public var scale: Int32
    public var zeroCount: UInt64
    public var zeroThreshold: Double
    public var positive: ExponentialBuckets
    public var negative: ExponentialBuckets
    public var count: UInt64
    public var sum: Double?
    public var min: Double?
    public var max: Double?

    /// Buckets per sign kept while merging deltas (the OTel SDK's default maximum size).
    static let maxSize = 160

    public init(scale: Int32, zeroCount: UInt64 = 0, zeroThreshold: Double = 0, positive: ExponentialBuckets = .init(),
                negative: ExponentialBuckets = .init(), count: UInt64 = 0, sum: Double? = 0, min: Double? = nil, max: Double? = nil) {
        self.scale = scale
        self.zeroCount = zeroCount
        self.zeroThreshold = zeroThreshold
        self.positive = positive
        self.negative = negative
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
    }

    init(point p: ExponentialHistogramDataPoint) {
        self.init(scale: p.scale, zeroCount: p.zeroCount, zeroThreshold: p.zeroThreshold, positive: p.positive ?? .init(),
                  negative: p.negative ?? .init(), count: p.count, sum: p.sum, min: p.min, max: p.max)
    }

    /// Merges a delta point: both sides are downscaled to a common scale at which each sign fits
    /// `maxSize` buckets. The larger zero threshold wins (buckets inside it are not moved).
    mutating func add(delta p: ExponentialHistogramDataPoint) {
        let other = ExponentialHistogramValue(point: p)
        var target = Swift.min(scale, other.scale)
        while target > -10 {
            let pos = Self.mergedSpan(positive, Int(scale - target), other.positive, Int(other.scale - target))
            let neg = Self.mergedSpan(negative, Int(scale - target), other.negative, Int(other.scale - target))
            if pos <= Self.maxSize && neg <= Self.maxSize { break }
            target -= 1
        }
        positive = Self.add(Self.downscale(positive, by: Int(scale - target)), Self.downscale(other.positive, by: Int(other.scale - target)))
        negative = Self.add(Self.downscale(negative, by: Int(scale - target)), Self.downscale(other.negative, by: Int(other.scale - target)))
        scale = target
        zeroCount &+= other.zeroCount
        zeroThreshold = Swift.max(zeroThreshold, other.zeroThreshold)
        count &+= other.count
        if let s = sum, let o = other.sum { sum = s + o } else { sum = nil }
        if let o = other.min { min = Swift.min(min ?? o, o) }
        if let o = other.max { max = Swift.max(max ?? o, o) }
    }

    var hasNegativeObservations: Bool {
        negative.bucketCounts.contains { $0 > 0 } || (min.map { $0 < 0 } ?? false)
    }

    /// Classic `le` buckets for the text formats: downscaled until positive plus negative buckets fit
    /// `maxBuckets`, then every bucket's upper boundary becomes an `le` bound (negative buckets first,
    /// then the zero bucket at `le` = zero threshold, then positive buckets). Counts are cumulative;
    /// the last entry is `+Inf` with the total count.
    func classicBuckets(maxBuckets: Int) -> [(le: Double, cumulative: UInt64)] {
        var s = scale
        var k = 0
        while k < 64 {
            let n = Self.mergedSpan(positive, k, .init(), 0) + Self.mergedSpan(negative, k, .init(), 0)
            if n <= maxBuckets { break }
            k += 1
            s -= 1
        }
        let pos = Self.downscale(positive, by: k)
        let neg = Self.downscale(negative, by: k)
        // Bucket `i` covers (base^i, base^(i+1)] with base = 2^(2^-scale).
        func power(_ i: Int) -> Double { exp2(Double(i) * exp2(-Double(s))) }

        var entries: [(Double, UInt64)] = []
        for j in stride(from: neg.bucketCounts.count - 1, through: 0, by: -1) {
            let index = Int(neg.offset) + j
            entries.append((-power(index), neg.bucketCounts[j]))
        }
        entries.append((zeroThreshold, zeroCount))
        for (j, c) in pos.bucketCounts.enumerated() {
            let index = Int(pos.offset) + j
            entries.append((power(index + 1), c))
        }
        var out: [(le: Double, cumulative: UInt64)] = []
        var running: UInt64 = 0
        for (le, c) in entries {
            running &+= c
            if let last = out.last, !(le > last.le) || !le.isFinite {
                out[out.count - 1].cumulative = running
            } else {
                out.append((le, running))
            }
        }
        out.append((.infinity, Swift.max(count, running)))
        return out
    }

    /// The number of buckets the two bucket sets span together once downscaled by `ka` and `kb`.
    static func mergedSpan(_ a: ExponentialBuckets, _ ka: Int, _ b: ExponentialBuckets, _ kb: Int) -> Int {
        var lo = Int.max
        var hi = Int.min
        for (buckets, k) in [(a, ka), (b, kb)] where !buckets.bucketCounts.isEmpty {
            let shift = Swift.min(k, 63)
            lo = Swift.min(lo, Int(buckets.offset) >> shift)
            hi = Swift.max(hi, (Int(buckets.offset) + buckets.bucketCounts.count - 1) >> shift)
        }
        return lo > hi ? 0 : hi - lo + 1
    }

    /// Halves the resolution `k` times: bucket `i` moves to `i >> k`.
    static func downscale(_ b: ExponentialBuckets, by k: Int) -> ExponentialBuckets {
        guard k > 0, !b.bucketCounts.isEmpty else { return b }
        let shift = Swift.min(k, 63)
        let newOffset = Int(b.offset) >> shift
        var counts: [UInt64] = []
        counts.reserveCapacity(b.bucketCounts.count >> Swift.min(shift, 8) + 1)
        for (i, c) in b.bucketCounts.enumerated() {
            let j = ((Int(b.offset) + i) >> shift) - newOffset
            if j == counts.count { counts.append(c) } else { counts[j] &+= c }
        }
        return ExponentialBuckets(offset: Int32(clamping: newOffset), bucketCounts: counts)
    }

    /// The bucket-wise sum of two bucket sets at the same scale.
    static func add(_ a: ExponentialBuckets, _ b: ExponentialBuckets) -> ExponentialBuckets {
        if a.bucketCounts.isEmpty { return b }
        if b.bucketCounts.isEmpty { return a }
        let lo = Swift.min(Int(a.offset), Int(b.offset))
        let hi = Swift.max(Int(a.offset) + a.bucketCounts.count, Int(b.offset) + b.bucketCounts.count)
        var counts = [UInt64](repeating: 0, count: hi - lo)
        for (i, c) in a.bucketCounts.enumerated() { counts[Int(a.offset) - lo + i] &+= c }
        for (i, c) in b.bucketCounts.enumerated() { counts[Int(b.offset) - lo + i] &+= c }
        return ExponentialBuckets(offset: Int32(clamping: lo), bucketCounts: counts)
    }
}

/// A summary, carried through as last received (summaries cannot be re-aggregated).
public struct SummaryValue: Sendable, Equatable {
    public var count: UInt64
    public var sum: Double
    public var quantiles: [ValueAtQuantile]

    public init(count: UInt64, sum: Double, quantiles: [ValueAtQuantile]) {
        self.count = count
        self.sum = sum
        self.quantiles = quantiles
    }
}
