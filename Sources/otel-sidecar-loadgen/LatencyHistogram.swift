/// A log-linear histogram of nanosecond values (HdrHistogram-like): exact below 256 ns, then 128 buckets per
/// power of two, so a reported percentile is within 0.8% of the true sample. Fixed size (~58 KiB), so a
/// run of any length records every sample. `min`, `max`, `count` and `sum` are exact.
struct LatencyHistogram: Sendable {
    private static let linear = 256
    private static let perOctave = 128
    private static let bucketCount = 256 + (63 - 7) * 128

    private var counts = [UInt64](repeating: 0, count: bucketCount)
    private(set) var count: UInt64 = 0
    private(set) var sum: UInt64 = 0
    private(set) var min: UInt64 = .max
    private(set) var max: UInt64 = 0

    @inline(__always)
    static func index(_ v: UInt64) -> Int {
        if v < UInt64(linear) { return Int(v) }
        let msb = 63 - v.leadingZeroBitCount
        let shift = msb - 7
        let mantissa = Int(v >> UInt64(shift))  // 128...255
        return linear + (msb - 8) * perOctave + (mantissa - perOctave)
    }

    /// The largest value that falls in bucket `i`.
    static func upperBound(_ i: Int) -> UInt64 {
        if i < linear { return UInt64(i) }
        let octave = (i - linear) / perOctave
        let mantissa = UInt64((i - linear) % perOctave + perOctave)
        let shift = UInt64(octave + 1)
        return ((mantissa + 1) << shift) - 1
    }

    @inline(__always)
    mutating func record(_ nanos: UInt64) {
        counts[Self.index(nanos)] &+= 1
        count &+= 1
        sum &+= nanos
        if nanos < min { min = nanos }
        if nanos > max { max = nanos }
    }

    mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        for i in 0..<counts.count where other.counts[i] != 0 { counts[i] &+= other.counts[i] }
        count &+= other.count
        sum &+= other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }

    /// The value at quantile `q` (0...1): the upper bound of the bucket holding the ceil(q·count)-th sample,
    /// clamped to the exact max. 0 when empty.
    func quantile(_ q: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = Swift.max(1, UInt64((q * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for i in 0..<counts.count {
            seen &+= counts[i]
            if seen >= rank { return Swift.min(Self.upperBound(i), max) }
        }
        return max
    }

    var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }
}
