/// What one pass over a string's bytes tells the prefilters, so most rules never call the regex engine.
/// The first pass is short and branch-free; digit runs and colon shapes are measured in a second pass
/// only when the string has enough digits or colons for them to matter.
struct Features: Equatable {
    /// `Features.Flag` bits of the bytes seen.
    var flags: UInt32 = 0
    var digits = 0
    var dots = 0
    /// Colons right after a hex digit or another colon (IPv6 shapes; not JSON's `":`); counted only
    /// when there are two colons or more.
    var colons = 0
    /// Digits in the longest run of `[0-9 -]` (card numbers, SSNs); measured from 7 digits on.
    var cardDigits = 0
    /// Digits in the longest run of `[0-9 .()/+-]` and spaces (phone numbers); measured from 7 digits on.
    var phoneDigits = 0
    /// Two letters followed by two digits somewhere (an IBAN's start); measured from 7 digits on.
    var ibanShape = false
    /// Some literal's first three bytes (probably) occur (see ``LiteralIndex``).
    var literalPair = false

    enum Flag {
        static let at: UInt32 = 1 << 0
        static let colon: UInt32 = 1 << 1
        static let equals: UInt32 = 1 << 2
        static let dot: UInt32 = 1 << 3
        static let plus: UInt32 = 1 << 4
        static let dash: UInt32 = 1 << 5
        static let space: UInt32 = 1 << 6
        static let upper: UInt32 = 1 << 7
        static let lower: UInt32 = 1 << 8
        static let digit: UInt32 = 1 << 9
        static let high: UInt32 = 1 << 10
        static let paren: UInt32 = 1 << 11
        static let slash: UInt32 = 1 << 12
        static let underscore: UInt32 = 1 << 13
    }

    @inline(__always)
    func has(_ flag: UInt32) -> Bool { flags & flag != 0 }

    /// The flags (bits 0-13), threshold bits and "any of" bits that ``Prefilter`` masks test.
    enum Signature {
        /// Thresholds with a bit each: (minimum, bit).
        static let digits: [(Int, UInt64)] = [(4, 1 << 16), (8, 1 << 17)]
        static let dots: [(Int, UInt64)] = [(2, 1 << 18), (3, 1 << 19)]
        static let colons: [(Int, UInt64)] = [(2, 1 << 20)]
        static let cardDigits: [(Int, UInt64)] = [(9, 1 << 21), (13, 1 << 22)]
        static let phoneDigits: [(Int, UInt64)] = [(7, 1 << 23)]
        static let ibanShape: UInt64 = 1 << 24
        static let literalPair: UInt64 = 1 << 25
        static let anyBits: [UInt32: UInt64] = [
            Flag.colon | Flag.equals: 1 << 32,
            Flag.dash | Flag.slash: 1 << 33,
            Flag.upper | Flag.lower: 1 << 34,
        ]

        /// The bit for exactly `minimum` (0: none). A threshold without a bit is a programming error.
        static func bit(for minimum: Int, in table: [(Int, UInt64)]) -> UInt64 {
            if minimum == 0 { return 0 }
            // safe: thresholds come only from the built-in detector table, never from configuration or data.
            guard let entry = table.first(where: { $0.0 == minimum }) else { preconditionFailure("no signature bit for \(minimum)") }
            return entry.1
        }
    }

    /// The signature: flags plus the bits of ``Signature``'s tables (kept in step with them; a test checks).
    var signature: UInt64 {
        var s = UInt64(flags)
        if digits >= 4 { s |= 1 << 16 }
        if digits >= 8 { s |= 1 << 17 }
        if dots >= 2 { s |= 1 << 18 }
        if dots >= 3 { s |= 1 << 19 }
        if colons >= 2 { s |= 1 << 20 }
        if cardDigits >= 9 { s |= 1 << 21 }
        if cardDigits >= 13 { s |= 1 << 22 }
        if phoneDigits >= 7 { s |= 1 << 23 }
        if ibanShape { s |= Signature.ibanShape }
        if literalPair { s |= Signature.literalPair }
        if flags & (Flag.colon | Flag.equals) != 0 { s |= 1 << 32 }
        if flags & (Flag.dash | Flag.slash) != 0 { s |= 1 << 33 }
        if flags & (Flag.upper | Flag.lower) != 0 { s |= 1 << 34 }
        return s
    }

    init() {}

    /// `triples`: a 65536-bit hashed set of byte triples (``LiteralIndex/triples``), or nil.
    init(_ bytes: UnsafeBufferPointer<UInt8>, triples: UnsafePointer<UInt64>? = nil) {
        let table = ByteClass.table
        var flags: UInt32 = 0
        var digits = 0
        var pairHit: UInt64 = 0
        if let triples {
            var window: UInt32 = 0
            for b in bytes {
                let e = table[Int(b)]
                flags |= UInt32(e.flag)
                let k = Int(e.kind)
                digits &+= k & 1
                window = window << 8 | UInt32(b)
                let h = LiteralIndex.tripleHash(window)
                pairHit |= triples[h >> 6] >> UInt64(h & 63)
            }
        } else {
            for b in bytes {
                let e = table[Int(b)]
                flags |= UInt32(e.flag)
                digits &+= Int(e.kind) & 1
            }
        }
        self.flags = flags
        self.digits = digits
        literalPair = bytes.count >= 3 && pairHit & 1 != 0
        if digits >= 7 { measureDigitRuns(bytes, table) }
        if flags & Flag.dot != 0 { dots = Self.count(UInt8(ascii: "."), in: bytes) }
        if flags & Flag.colon != 0 { colons = Self.ipv6Colons(bytes, table) }
    }

    private static func count(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for b in bytes where b == byte { n &+= 1 }
        return n
    }

    private mutating func measureDigitRuns(_ bytes: UnsafeBufferPointer<UInt8>, _ table: UnsafePointer<ByteClass.Entry>) {
        var card = 0, cardBest = 0, phone = 0, phoneBest = 0
        // Last four bytes as 2-bit classes (1 letter, 2 digit): 01 01 10 10 is letter letter digit digit.
        var shape = 0
        var iban = false
        for b in bytes {
            let k = Int(table[Int(b)].kind)
            let d = k & 1
            card = k & 3 != 0 ? card &+ d : 0
            phone = k & 5 != 0 ? phone &+ d : 0
            cardBest = max(cardBest, card)
            phoneBest = max(phoneBest, phone)
            let cls = d == 1 ? 2 : ((k >> 7) & 1)
            shape = (shape << 2 | cls) & 0xFF
            iban = iban || shape == 0b0101_1010
        }
        cardDigits = cardBest
        phoneDigits = phoneBest
        ibanShape = iban
    }

    private static func ipv6Colons(_ bytes: UnsafeBufferPointer<UInt8>, _ table: UnsafePointer<ByteClass.Entry>) -> Int {
        var count = 0
        var previousHexOrColon = 0
        for b in bytes {
            let k = Int(table[Int(b)].kind)
            count &+= (k >> 5) & previousHexOrColon
            previousHexOrColon = ((k >> 6) | (k >> 5)) & 1
        }
        return count
    }
}

/// Byte classes for ``Features``: a flag bit and run-membership bits per byte.
enum ByteClass {
    static let digit: UInt8 = 1
    static let cardSeparator: UInt8 = 2
    static let phoneSeparator: UInt8 = 4
    static let token: UInt8 = 8
    static let dot: UInt8 = 16
    static let colon: UInt8 = 32
    static let hex: UInt8 = 64
    static let letter: UInt8 = 128

    struct Entry {
        var flag: UInt16
        var kind: UInt8
    }

    /// Read-only after its one-time initialisation; never freed.
    nonisolated(unsafe) static let table: UnsafePointer<Entry> = {
        let entries = (0..<256).map { entry(UInt8($0)) }
        let storage = UnsafeMutablePointer<Entry>.allocate(capacity: 256)
        storage.initialize(from: entries, count: 256)
        return UnsafePointer(storage)  // lives for the process
    }()

    private static func entry(_ b: UInt8) -> Entry {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Entry(flag: UInt16(Features.Flag.digit), kind: digit | token | hex)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Entry(flag: UInt16(Features.Flag.upper), kind: token | hex | letter)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Entry(flag: UInt16(Features.Flag.lower), kind: token | hex | letter)
        case UInt8(ascii: "G")...UInt8(ascii: "Z"): return Entry(flag: UInt16(Features.Flag.upper), kind: token | letter)
        case UInt8(ascii: "g")...UInt8(ascii: "z"): return Entry(flag: UInt16(Features.Flag.lower), kind: token | letter)
        case UInt8(ascii: "_"): return Entry(flag: UInt16(Features.Flag.underscore), kind: token)
        case UInt8(ascii: "-"): return Entry(flag: UInt16(Features.Flag.dash), kind: token | cardSeparator | phoneSeparator)
        case UInt8(ascii: " "): return Entry(flag: UInt16(Features.Flag.space), kind: cardSeparator | phoneSeparator)
        case UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): return Entry(flag: UInt16(Features.Flag.space), kind: 0)
        case UInt8(ascii: "."): return Entry(flag: UInt16(Features.Flag.dot), kind: phoneSeparator | dot)
        case UInt8(ascii: "("), UInt8(ascii: ")"): return Entry(flag: UInt16(Features.Flag.paren), kind: phoneSeparator)
        case UInt8(ascii: "/"): return Entry(flag: UInt16(Features.Flag.slash), kind: phoneSeparator)
        case UInt8(ascii: "+"): return Entry(flag: UInt16(Features.Flag.plus), kind: phoneSeparator)
        case UInt8(ascii: "@"): return Entry(flag: UInt16(Features.Flag.at), kind: 0)
        case UInt8(ascii: ":"): return Entry(flag: UInt16(Features.Flag.colon), kind: colon)
        case UInt8(ascii: "="): return Entry(flag: UInt16(Features.Flag.equals), kind: 0)
        case 0x80...0xFF: return Entry(flag: UInt16(Features.Flag.high), kind: 0)
        default: return Entry(flag: 0, kind: 0)
        }
    }
}
