#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks that run on a regex candidate before it is masked: the part of each built-in detector that a
/// regular expression cannot say (checksums, ranges, shapes). Each returns the range to mask, or nil.
typealias Validator = @Sendable (UnsafeBufferPointer<UInt8>, Range<Int>) -> Range<Int>?

enum Validators {
    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- UInt8(ascii: "a") < 26 }

    // MARK: Payment cards

    /// Luhn, an issuer prefix and a length that issuer uses, one kind of separator.
    static let card: Validator = { bytes, range in
        var digits: [UInt8] = []
        digits.reserveCapacity(19)
        var separator: UInt8 = 0
        for i in range {
            let b = bytes[i]
            if isDigit(b) {
                digits.append(b &- UInt8(ascii: "0"))
            } else {
                if separator == 0 { separator = b } else if separator != b { return nil }
            }
        }
        guard (13...19).contains(digits.count), luhn(digits), issuerAccepts(digits) else { return nil }
        return range
    }

    static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (i, d) in digits.reversed().enumerated() {
            var v = Int(d)
            if i % 2 == 1 {
                v *= 2
                if v > 9 { v -= 9 }
            }
            sum += v
        }
        return sum % 10 == 0
    }

    /// Issuer identification number ranges with the lengths their cards have.
    static func issuerAccepts(_ d: [UInt8]) -> Bool {
        func prefix(_ n: Int) -> Int { d.prefix(n).reduce(0) { $0 * 10 + Int($1) } }
        let n = d.count
        let p1 = prefix(1), p2 = prefix(2), p3 = prefix(3), p4 = prefix(4), p6 = prefix(6)
        if p1 == 4 { return n == 13 || n == 16 || n == 19 }                       // Visa
        if (51...55).contains(p2) || (2221...2720).contains(p4) { return n == 16 }  // Mastercard
        if p2 == 34 || p2 == 37 { return n == 15 }                                 // American Express
        if p4 == 6011 || p2 == 65 || (644...649).contains(p3) || (622126...622925).contains(p6) {
            return (16...19).contains(n)                                           // Discover
        }
        if (3528...3589).contains(p4) { return (16...19).contains(n) }             // JCB
        if (300...305).contains(p3) || p2 == 36 || p2 == 38 || p2 == 39 { return (14...19).contains(n) }  // Diners
        if p2 == 62 || p2 == 81 { return (16...19).contains(n) }                   // UnionPay
        if p2 == 50 || (56...69).contains(p2) { return (13...19).contains(n) }     // Maestro and others
        if (2200...2204).contains(p4) { return n == 16 }                           // Mir
        return false
    }

    // MARK: IBAN

    /// ISO 13616 lengths by country.
    static let ibanLengths: [UInt16: Int] = {
        let table: [(String, Int)] = [
            ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16), ("BG", 22),
            ("BH", 22), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22), ("CY", 28), ("CZ", 24), ("DE", 22),
            ("DK", 18), ("DO", 28), ("EE", 20), ("EG", 29), ("ES", 24), ("FI", 18), ("FO", 18), ("FR", 27),
            ("GB", 22), ("GE", 22), ("GI", 23), ("GL", 18), ("GR", 27), ("GT", 28), ("HR", 21), ("HU", 28),
            ("IE", 22), ("IL", 23), ("IQ", 23), ("IS", 26), ("IT", 27), ("JO", 30), ("KW", 30), ("KZ", 20),
            ("LB", 28), ("LC", 32), ("LI", 21), ("LT", 20), ("LU", 20), ("LV", 21), ("MC", 27), ("MD", 24),
            ("ME", 22), ("MK", 19), ("MR", 27), ("MT", 31), ("MU", 30), ("NL", 18), ("NO", 15), ("PK", 24),
            ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("SA", 24), ("SC", 31),
            ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("ST", 25), ("SV", 28), ("TL", 23), ("TN", 24),
            ("TR", 26), ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20),
        ]
        var map: [UInt16: Int] = [:]
        for (code, length) in table {
            let u = Array(code.utf8)
            map[UInt16(u[0]) << 8 | UInt16(u[1])] = length
        }
        return map
    }()

    /// Country length and ISO 7064 mod 97-10; the candidate may run past the IBAN (a following
    /// word), so the masked range ends after the country's number of characters.
    static let iban: Validator = { bytes, range in
        let c0 = bytes[range.lowerBound] & ~0x20, c1 = bytes[range.lowerBound + 1] & ~0x20
        guard let length = ibanLengths[UInt16(c0) << 8 | UInt16(c1)] else { return nil }
        var chars: [UInt8] = []
        chars.reserveCapacity(length)
        var end = range.lowerBound
        for i in range {
            let b = bytes[i]
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "-") { continue }
            chars.append(b)
            end = i + 1
            if chars.count == length { break }
        }
        guard chars.count == length, mod97(chars) == 1 else { return nil }
        // The IBAN must end at a boundary: not in the middle of a longer alphanumeric run.
        if end < range.upperBound, isDigit(bytes[end]) || isAlpha(bytes[end]) { return nil }
        return range.lowerBound..<end
    }

    static func mod97(_ chars: [UInt8]) -> Int {
        var remainder = 0
        let rotated = chars[4...] + chars[..<4]
        for b in rotated {
            if isDigit(b) {
                remainder = (remainder * 10 + Int(b &- UInt8(ascii: "0"))) % 97
            } else if isAlpha(b) {
                let v = Int((b | 0x20) &- UInt8(ascii: "a")) + 10
                remainder = (remainder * 100 + v) % 97
            } else {
                return -1
            }
        }
        return remainder
    }

    // MARK: Phone numbers

    /// 7 to 15 digits, and not a date (`01.02.2024`, `03/15/2024`, `2024-01-15`).
    static let phone: Validator = { bytes, range in
        var digits = 0
        var groups = 0
        var inGroup = false
        for i in range {
            if isDigit(bytes[i]) {
                digits += 1
                if !inGroup { groups += 1 }
                inGroup = true
            } else {
                inGroup = false
            }
        }
        guard (7...15).contains(digits) else { return nil }
        if bytes[range.lowerBound] != UInt8(ascii: "+"), groups >= 3, startsWithDate(bytes, range) { return nil }
        return range
    }

    /// `01.02.2024`, `03/15/2024`, `2024-01-15`, alone or followed by a time (`01.04.2024 10:16`): three
    /// digit groups shaped like a date with one separator (not a space), not continued by the same
    /// separator (French numbers are `06.12.34.56.78`).
    static func startsWithDate(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var groups: [Int] = []
        var separators: [UInt8] = []
        var current = 0
        var i = range.lowerBound
        while i < range.upperBound, separators.count < 3 {
            let b = bytes[i]
            if isDigit(b) {
                current += 1
            } else {
                if current > 0 { groups.append(current) }
                current = 0
                separators.append(b)
            }
            i += 1
        }
        if current > 0 { groups.append(current) }
        guard groups.count >= 3, separators.count >= 2, separators[0] == separators[1], separators[0] != UInt8(ascii: " ") else { return false }
        if separators.count == 3, separators[2] == separators[0] { return false }
        let dayMonthYear = groups[0] <= 2 && groups[1] <= 2 && (groups[2] == 4 || groups[2] == 2)
        let yearMonthDay = groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2
        return dayMonthYear || yearMonthDay
    }

    // MARK: IP addresses

    /// Loopback, "this network" and multicast/reserved addresses carry nothing personal.
    static let ipv4: Validator = { bytes, range in
        var first = 0
        for i in range {
            let b = bytes[i]
            if b == UInt8(ascii: ".") { break }
            first = first * 10 + Int(b &- UInt8(ascii: "0"))
        }
        if first == 0 || first == 127 || first >= 224 { return nil }
        return range
    }

    /// A full parse: groups of 1-4 hex digits, at most one `::`, 8 groups (an IPv4 tail counts 2),
    /// at least two non-zero groups (so `::`, `::1` stay). A trailing `.` (end of sentence) is left out.
    static let ipv6: Validator = { bytes, range in
        var end = range.upperBound
        while end > range.lowerBound, bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }
        let text = Array(bytes[range.lowerBound..<end])
        guard parseIPv6(text) else { return nil }
        return range.lowerBound..<end
    }

    static func parseIPv6(_ text: [UInt8]) -> Bool {
        let colon = UInt8(ascii: ":")
        var doubleAt: Int? = nil
        var i = 0
        while i + 1 < text.count {
            if text[i] == colon && text[i + 1] == colon {
                guard doubleAt == nil, i + 2 >= text.count || text[i + 2] != colon else { return false }
                doubleAt = i
                i += 2
                continue
            }
            i += 1
        }
        func groups(_ part: ArraySlice<UInt8>) -> [ArraySlice<UInt8>]? {
            if part.isEmpty { return [] }
            let g = part.split(separator: colon, omittingEmptySubsequences: false)
            return g.contains(where: \.isEmpty) ? nil : g
        }
        let all: [ArraySlice<UInt8>]
        if let d = doubleAt {
            guard let head = groups(text[0..<d]), let tail = groups(text[(d + 2)...]) else { return false }
            all = head + tail
        } else {
            guard let g = groups(text[...]) else { return false }
            all = g
        }
        var count = 0
        var nonZero = 0
        for (index, part) in all.enumerated() {
            if index == all.count - 1, part.contains(UInt8(ascii: ".")) {
                guard parseIPv4(part) else { return false }
                count += 2
                nonZero += 1
                continue
            }
            guard part.count <= 4, part.allSatisfy({ HexDigitsLite.isHex($0) }) else { return false }
            count += 1
            if part.contains(where: { $0 != UInt8(ascii: "0") }) { nonZero += 1 }
        }
        guard doubleAt != nil ? count <= 7 : count == 8 else { return false }
        return nonZero >= 2
    }

    static func parseIPv4(_ part: ArraySlice<UInt8>) -> Bool {
        let octets = part.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        for o in octets {
            guard (1...3).contains(o.count), o.allSatisfy(isDigit) else { return false }
            let v = o.reduce(0) { $0 * 10 + Int($1 &- UInt8(ascii: "0")) }
            guard v <= 255 else { return false }
        }
        return true
    }

    // MARK: Tokens

    /// Bearer/Basic credentials: a digit, or mixed case and 16+ characters, so prose
    /// ("bearer authentication") is left alone.
    static let credential: Validator = { bytes, range in
        looksLikeCredential(bytes, range, minimumMixed: 16) ? range : nil
    }

    static func looksLikeCredential(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, minimumMixed: Int) -> Bool {
        var digit = false, upper = false, lower = false
        for i in range {
            let b = bytes[i]
            if isDigit(b) { digit = true } else if b &- UInt8(ascii: "A") < 26 { upper = true } else if b &- UInt8(ascii: "a") < 26 { lower = true }
        }
        if digit && (upper || lower) { return true }
        return upper && lower && range.count >= minimumMixed
    }

    /// A secret-looking value: 16+ characters, Shannon entropy ≥ 3 bits per character,
    /// and letters mixed with digits (or both cases).
    static func looksLikeSecret(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.count >= 16 else { return false }
        guard looksLikeCredential(bytes, range, minimumMixed: 16) else { return false }
        return entropy(bytes, range) >= 3.0
    }

    static func entropy(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        for i in range { counts[Int(bytes[i])] += 1 }
        let n = Double(range.count)
        var h = 0.0
        for c in counts where c > 0 {
            let p = Double(c) / n
            h -= p * log2(p)
        }
        return h
    }
}

enum HexDigitsLite {
    @inline(__always)
    static func isHex(_ b: UInt8) -> Bool {
        Validators.isDigit(b) || (b | 0x20) &- UInt8(ascii: "a") < 6
    }
}
