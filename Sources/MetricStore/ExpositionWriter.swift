#if canImport(Glibc)
import Glibc
#endif

/// Prometheus types as written in `# TYPE` lines (`info` is OpenMetrics only; the text format writes it
/// as a gauge).
enum PromType: String, Sendable {
    case counter, gauge, histogram, summary, info
}

enum PromValue: Sendable {
    case number(Double)
    /// Cumulative bucket counts by upper bound, the last one `+Inf`.
    case histogram(buckets: [(le: Double, cumulative: UInt64)], count: UInt64, sum: Double?)
    case summary(quantiles: [ValueAtQuantileValue], count: UInt64, sum: Double?)
}

struct ValueAtQuantileValue: Sendable {
    var quantile: Double
    var value: Double
}

struct PromSample: Sendable {
    /// `name="value",…` for labels sorted by name, values escaped: rendered once, used to sort, to find
    /// duplicates and to write every line of the sample.
    var labelBlock: [UInt8]
    var value: PromValue

    /// `labels` sorted by name, names unique.
    init(labels: [(name: String, value: String)], value: PromValue) {
        var block: [UInt8] = []
        block.reserveCapacity(labels.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 })
        for (i, l) in labels.enumerated() {
            if i > 0 { block.append(UInt8(ascii: ",")) }
            block.append(contentsOf: l.name.utf8)
            block.append(UInt8(ascii: "="))
            block.append(UInt8(ascii: "\""))
            appendEscaped(l.value, to: &block, quote: true)
            block.append(UInt8(ascii: "\""))
        }
        labelBlock = block
        self.value = value
    }
}

/// Byte-wise order of two label blocks.
func labelBlockLess(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            let n = Swift.min(pa.count, pb.count)
            if n > 0, let x = pa.baseAddress, let y = pb.baseAddress {
                let c = memcmp(x, y, n)
                if c != 0 { return c < 0 }
            }
            return pa.count < pb.count
        }
    }
}

/// Backslash and newline always; the double quote in label values and OpenMetrics HELP.
func appendEscaped(_ s: String, to out: inout [UInt8], quote: Bool) {
    let utf8 = s.utf8
    if !utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") || (quote && $0 == UInt8(ascii: "\"")) }) {
        out.append(contentsOf: utf8)
        return
    }
    for b in utf8 {
        switch b {
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "\n"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\"") where quote: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\""))
        default: out.append(b)
        }
    }
}

/// One family as it will be written.
struct PromFamily: Sendable {
    /// The name in the text format (counters end in `_total` when their source did).
    var name: String
    var type: PromType
    var help: String
    /// The OpenMetrics `UNIT` (the family name ends with `_<unit>`), "" for none.
    var unit: String
    var samples: [PromSample]

    /// The OpenMetrics family name: counters without `_total`, info metrics without `_info`.
    var openMetricsName: String {
        switch type {
        case .counter where name.hasSuffix("_total"): return String(name.dropLast(6))
        case .info where name.hasSuffix("_info"): return String(name.dropLast(5))
        default: return name
        }
    }

    /// Every sample name this family can write, in either format: a later family claiming any of them is a
    /// conflict (two TYPEs for one name, or samples read as another family's).
    var reservedNames: [String] {
        let base = openMetricsName
        switch type {
        case .counter: return [name, base, base + "_total", base + "_created"]
        case .gauge: return [name]
        case .info: return [name, base, base + "_info"]
        case .histogram: return [name, name + "_bucket", name + "_count", name + "_sum", name + "_created"]
        case .summary: return [name, name + "_count", name + "_sum", name + "_created"]
        }
    }
}

/// Writes families in the text format 0.0.4 or OpenMetrics 1.0.
struct ExpositionWriter {
    let openMetrics: Bool
    var out: [UInt8] = []
    /// The `le` strings of the last bucket layout written (series of one family mostly share it).
    private var cachedBounds: [Double] = []
    private var cachedBoundStrings: [[UInt8]] = []

    init(format: ExpositionFormat, capacity: Int) {
        openMetrics = format == .openMetrics
        out.reserveCapacity(capacity)
    }

    mutating func write(_ families: [PromFamily]) {
        for family in families where !family.samples.isEmpty {
            write(family)
        }
        if openMetrics { append("# EOF\n") }
    }

    private mutating func write(_ f: PromFamily) {
        let metadataName = openMetrics ? f.openMetricsName : f.name
        if openMetrics {
            append("# TYPE "); append(metadataName); append(" "); append(f.type.rawValue); append("\n")
            if !f.unit.isEmpty && metadataName.hasSuffix("_" + f.unit) {
                append("# UNIT "); append(metadataName); append(" "); append(f.unit); append("\n")
            }
            append("# HELP "); append(metadataName); append(" "); appendEscaped(f.help, to: &out, quote: true); append("\n")
        } else {
            append("# HELP "); append(metadataName); append(" "); appendEscaped(f.help, to: &out, quote: false); append("\n")
            append("# TYPE "); append(metadataName); append(" "); append(f.type == .info ? "gauge" : f.type.rawValue); append("\n")
        }
        let sampleName: [UInt8]
        switch f.type {
        case .counter: sampleName = Array((openMetrics ? f.openMetricsName + "_total" : f.name).utf8)
        case .info: sampleName = Array((openMetrics ? f.openMetricsName + "_info" : f.name).utf8)
        default: sampleName = Array(f.name.utf8)
        }
        let bucketName = Array((f.name + "_bucket").utf8)
        let countName = Array((f.name + "_count").utf8)
        let sumName = Array((f.name + "_sum").utf8)
        let le = Array("le=\"".utf8)
        let quantile = Array("quantile=\"".utf8)
        for sample in f.samples {
            let labels = sample.labelBlock
            switch sample.value {
            case .number(let v):
                line(sampleName, labels, value: v)
            case .histogram(let buckets, let count, let sum):
                let bounds = boundStrings(buckets)
                for (i, b) in buckets.enumerated() {
                    line(bucketName, labels, extraName: le, extraValue: bounds[i], value: Double(b.cumulative))
                }
                if openMetrics {
                    // OpenMetrics: `_count` if and only if `_sum` (no sum with negative observations).
                    if let sum {
                        line(countName, labels, value: Double(count))
                        line(sumName, labels, value: sum)
                    }
                } else {
                    if let sum { line(sumName, labels, value: sum) }
                    line(countName, labels, value: Double(count))
                }
            case .summary(let quantiles, let count, let sum):
                for q in quantiles {
                    line(sampleName, labels, extraName: quantile, extraValue: Array(PrometheusNaming.formatBound(q.quantile, openMetrics: openMetrics).utf8),
                         value: q.value)
                }
                if openMetrics {
                    if let sum {
                        line(countName, labels, value: Double(count))
                        line(sumName, labels, value: sum)
                    }
                } else {
                    if let sum { line(sumName, labels, value: sum) }
                    line(countName, labels, value: Double(count))
                }
            }
        }
    }

    private mutating func boundStrings(_ buckets: [(le: Double, cumulative: UInt64)]) -> [[UInt8]] {
        if buckets.count == cachedBounds.count && zip(buckets, cachedBounds).allSatisfy({ $0.le == $1 }) {
            return cachedBoundStrings
        }
        cachedBounds = buckets.map(\.le)
        cachedBoundStrings = cachedBounds.map { Array(PrometheusNaming.formatBound($0, openMetrics: openMetrics).utf8) }
        return cachedBoundStrings
    }

    private mutating func line(_ name: [UInt8], _ labels: [UInt8], extraName: [UInt8] = [], extraValue: [UInt8] = [], value: Double) {
        out.append(contentsOf: name)
        if !labels.isEmpty || !extraName.isEmpty {
            out.append(UInt8(ascii: "{"))
            out.append(contentsOf: labels)
            if !extraName.isEmpty {
                if !labels.isEmpty { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: extraName)
                out.append(contentsOf: extraValue)
                out.append(UInt8(ascii: "\""))
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: " "))
        appendNumber(value)
        out.append(UInt8(ascii: "\n"))
    }

    /// `PrometheusNaming.formatNumber`, with integers written digit by digit (no String on the way).
    private mutating func appendNumber(_ v: Double) {
        if v == v.rounded(.towardZero) && abs(v) < 1e15 {
            var n = Int64(v)
            if n == 0 {
                out.append(UInt8(ascii: "0"))
                return
            }
            if n < 0 {
                out.append(UInt8(ascii: "-"))
                n = -n
            }
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var count = 0
            withUnsafeMutableBytes(of: &digits) { buf in
                while n > 0 {
                    buf[15 - count] = UInt8(ascii: "0") + UInt8(n % 10)
                    n /= 10
                    count += 1
                }
                out.append(contentsOf: buf[(16 - count)...])
            }
            return
        }
        append(PrometheusNaming.formatNumber(v))
    }

    @inline(__always)
    private mutating func append(_ s: String) {
        out.append(contentsOf: s.utf8)
    }
}
