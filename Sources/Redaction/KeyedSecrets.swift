/// The `api_key` detector's scanner for secrets written next to their name: `api_key=…` (query
/// strings, logfmt), `X-Api-Key: …` (headers, YAML) and `"client_secret": "…"` (JSON).
///
/// At each `=` or `:` it reads the key before it. Keys naming a password (`password`, `passwd`,
/// `passphrase`, `pass`, `pwd`, `secret`) have any value masked; keys naming a token (`token`, `api_key`,
/// `access_key`, `private_key`, `credential`, `authorization`, `signature`, `session`, `cookie`, `auth`,
/// `sid`, `sig`, …`key`) have the value masked when it looks like one: 16+ characters, letters mixed with
/// digits (or both cases), made of token characters only and at least 3 bits of entropy per character.
/// Keys that describe a secret
/// rather than hold one (`token_count`, `max_tokens`, `secret_name`, `token_type`, `password_policy`) are
/// left alone.
enum KeyedSecrets {
    enum Tier { case none, password, token }

    /// A string with none of these (ignoring case) has no key the scanner would act on.
    static let stems = [
        "pass", "pwd", "pw=", "pw:", "pw\"", "secret", "token", "key", "cred", "auth", "sig", "sess", "cookie", "sid", "jwt",
    ]

    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var found: [Range<Int>] = []
        let n = bytes.count
        var p = 0
        while p < n {
            let b = bytes[p]
            guard b == UInt8(ascii: "=") || b == UInt8(ascii: ":") else {
                p += 1
                continue
            }
            if b == UInt8(ascii: ":"), p + 2 < n, bytes[p + 1] == UInt8(ascii: "/"), bytes[p + 2] == UInt8(ascii: "/") {
                p += 3
                continue
            }
            guard let keyRange = key(before: p, in: bytes), case let t = tier(of: bytes, keyRange), t != .none,
                  let value = value(after: p, in: bytes)
            else {
                p += 1
                continue
            }
            if !alreadyMasked(bytes, value), t == .password || (isTokenLike(bytes, value) && Validators.looksLikeSecret(bytes, value)) {
                found.append(value)
            }
            p = max(p + 1, value.upperBound)
        }
        return found
    }

    @inline(__always)
    static func isKeyChar(_ b: UInt8) -> Bool {
        Validators.isDigit(b) || Validators.isAlpha(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
    }

    static func key(before p: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var end = p
        var spaces = 0
        while end > 0, bytes[end - 1] == UInt8(ascii: " "), spaces < 2 {
            end -= 1
            spaces += 1
        }
        if end > 0, bytes[end - 1] == UInt8(ascii: "\"") || bytes[end - 1] == UInt8(ascii: "'") { end -= 1 }
        var start = end
        while start > 0, isKeyChar(bytes[start - 1]), end - start < 64 { start -= 1 }
        return start < end ? start..<end : nil
    }

    static func value(after p: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let n = bytes.count
        var v = p + 1
        var spaces = 0
        while v < n, bytes[v] == UInt8(ascii: " "), spaces < 3 {
            v += 1
            spaces += 1
        }
        guard v < n else { return nil }
        let quote = bytes[v]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            let start = v + 1
            var end = start
            while end < n, bytes[end] != quote, bytes[end] != UInt8(ascii: "\n"), end - start < 4096 { end += 1 }
            return start < end ? start..<end : nil
        }
        var end = v
        while end < n, !isDelimiter(bytes[end]) { end += 1 }
        return v < end ? v..<end : nil
    }

    /// Only characters tokens are made of (base64, hex, URL-safe): `user:1234:profile` is not one.
    static func isTokenLike(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        for i in range {
            let b = bytes[i]
            if Validators.isDigit(b) || Validators.isAlpha(b) { continue }
            switch b {
            case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"),
                 UInt8(ascii: "="), UInt8(ascii: "-"), UInt8(ascii: "%"):
                continue
            default:
                return false
            }
        }
        return true
    }

    @inline(__always)
    static func isDelimiter(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "&"),
             UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "<"),
             UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "|"), UInt8(ascii: "`"):
            return true
        default:
            return false
        }
    }

    /// Values that are already placeholders: `[REDACTED…`, `[HASH…`, `<redacted>`, `${VAR}`, `****`.
    static func alreadyMasked(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        let first = bytes[range.lowerBound]
        if first == UInt8(ascii: "[") || first == UInt8(ascii: "<") { return true }
        if first == UInt8(ascii: "$"), range.count > 1, bytes[range.lowerBound + 1] == UInt8(ascii: "{") { return true }
        return bytes[range].allSatisfy { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "x") || $0 == UInt8(ascii: "X") }
    }

    private static let passwordStems: [[UInt8]] = ["password", "passwd", "passphrase", "secret"].map { Array($0.utf8) }
    private static let passwordExact: [[UInt8]] = ["pass", "pwd", "pw"].map { Array($0.utf8) }
    private static let tokenStems: [[UInt8]] = [
        "token", "apikey", "accesskey", "secretkey", "privatekey", "credential", "authorization",
        "signature", "session", "cookie", "subscriptionkey", "accountkey", "masterkey",
    ].map { Array($0.utf8) }
    private static let tokenExact: [[UInt8]] = ["auth", "sid", "sig", "key", "jwt"].map { Array($0.utf8) }
    /// A key ending in one of these describes a secret (its name, size, type, lifetime) rather than holding it.
    private static let describingSuffixes: [[UInt8]] = [
        "name", "names", "ref", "arn", "path", "file", "version", "count", "counts", "type", "length", "len", "size",
        "expiry", "expires", "expiresat", "expiresin", "ttl", "url", "uri", "policy", "provider", "format", "kind",
        "mode", "limit", "usage", "tokens", "hint", "enabled", "required", "source", "header", "field",
        "location", "endpoint", "algorithm", "alg", "strength", "reset", "changed", "updatedat", "createdat", "manager",
    ].map { Array($0.utf8) }

    /// The key's tier, judged on its letters and digits in lower case.
    static func tier(of bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Tier {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
            var n = 0
            for i in range where n < 64 {
                let b = bytes[i]
                if Validators.isDigit(b) { buffer[n] = b; n += 1 } else if Validators.isAlpha(b) { buffer[n] = b | 0x20; n += 1 }
            }
            return tier(normalized: UnsafeBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    static func tier(normalized: UnsafeBufferPointer<UInt8>) -> Tier {
        guard !normalized.isEmpty else { return .none }
        func equals(_ list: [[UInt8]]) -> Bool { list.contains { $0.elementsEqual(normalized) } }
        func containsAny(_ list: [[UInt8]]) -> Bool { list.contains { stem in Self.contains(normalized, stem) } }
        if equals(passwordExact) { return .password }
        if equals(tokenExact) { return .token }
        let describing = describingSuffixes.contains { suffix in
            normalized.count > suffix.count && normalized.suffix(suffix.count).elementsEqual(suffix)
        }
        if describing { return .none }
        if containsAny(passwordStems) { return .password }
        if containsAny(tokenStems) { return .token }
        if normalized.count > 3, normalized.suffix(3).elementsEqual("key".utf8) { return .token }
        return .none
    }

    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0], UnsafeBufferPointer(rebasing: haystack[i..<i + needle.count]).elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
