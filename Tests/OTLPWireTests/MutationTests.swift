import SidecarModel
import Testing

@testable import OTLPWire

/// Deterministic pseudo-random numbers (SplitMix64) so a failing case can be replayed from its index.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Truncated, bit-flipped, spliced and padded variants of valid requests: decoders must return a model or a
/// `WireError`, never crash or hang; whatever decodes must re-encode.
@Suite("Mutation robustness")
struct MutationTests {
    static let protobufSeeds: [[UInt8]] = [
        OTLPProtobuf.encode(Samples.traces), OTLPProtobuf.encode(Samples.metrics), OTLPProtobuf.encode(Samples.logs),
    ]
    static let jsonSeeds: [[UInt8]] = [
        OTLPJSON.encode(Samples.traces), OTLPJSON.encode(Samples.metrics), OTLPJSON.encode(Samples.logs),
    ]

    static func mutate(_ seeds: [[UInt8]], _ rng: inout SplitMix64) -> [UInt8] {
        var b = seeds[Int(rng.next() % UInt64(seeds.count))]
        let rounds = 1 + Int(rng.next() % 3)
        for _ in 0..<rounds {
            guard !b.isEmpty else { break }
            let at = Int(rng.next() % UInt64(b.count))
            switch rng.next() % 6 {
            case 0: b.removeSubrange(at...)  // truncate
            case 1: b[at] ^= UInt8(1 << (rng.next() % 8))  // flip a bit
            case 2: b[at] = UInt8(truncatingIfNeeded: rng.next())  // random byte
            case 3:  // splice with another seed's tail
                let other = seeds[Int(rng.next() % UInt64(seeds.count))]
                let from = Int(rng.next() % UInt64(other.count))
                b = Array(b[..<at]) + other[from...]
            case 4:  // duplicate a slice
                let len = min(b.count - at, 1 + Int(rng.next() % 64))
                b.insert(contentsOf: b[at..<(at + len)], at: at)
            default:  // insert varint-ish garbage
                b.insert(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, UInt8(truncatingIfNeeded: rng.next())], at: at)
            }
        }
        return b
    }

    struct Tally {
        var cases = 0
        var decoded = 0
        var rejected = 0
    }

    func run(cases: Int, seed: UInt64, json: Bool) -> Tally {
        var rng = SplitMix64(state: seed)
        var t = Tally()
        for _ in 0..<cases {
            let input = Self.mutate(json ? Self.jsonSeeds : Self.protobufSeeds, &rng)
            t.cases += 1
            do {
                if json {
                    switch rng.next() % 3 {
                    case 0: _ = OTLPJSON.encode(try OTLPJSON.decodeTraces(input))
                    case 1: _ = OTLPJSON.encode(try OTLPJSON.decodeMetrics(input))
                    default: _ = OTLPJSON.encode(try OTLPJSON.decodeLogs(input))
                    }
                } else {
                    switch rng.next() % 3 {
                    case 0: _ = OTLPProtobuf.encode(try OTLPProtobuf.decodeTraces(input))
                    case 1: _ = OTLPProtobuf.encode(try OTLPProtobuf.decodeMetrics(input))
                    default: _ = OTLPProtobuf.encode(try OTLPProtobuf.decodeLogs(input))
                    }
                }
                t.decoded += 1
            } catch {
                t.rejected += 1
                #expect(error.offset >= 0 && error.offset <= input.count)
            }
        }
        return t
    }

    @Test func protobufMutations() {
        let t = run(cases: 80_000, seed: 0x5EED_0001, json: false)
        print("mutation test (protobuf): \(t.cases) cases, \(t.decoded) decoded, \(t.rejected) rejected with an error")
        #expect(t.cases == 80_000)
        #expect(t.rejected > 0 && t.decoded > 0)
    }

    @Test func jsonMutations() {
        let t = run(cases: 40_000, seed: 0x5EED_0002, json: true)
        print("mutation test (OTLP/JSON): \(t.cases) cases, \(t.decoded) decoded, \(t.rejected) rejected with an error")
        #expect(t.rejected > 0 && t.decoded > 0)
    }
}
