import Pipeline
import SidecarModel
import Testing
@testable import Redaction

/// What each built-in detector takes and what it leaves alone (the examples of docs/redaction.md).
struct DetectorTests {
    static let redactor = Fixtures.redactor()

    @Test(arguments: [
        ("card 4111 1111 1111 1111 ok", "card [REDACTED:card] ok"),
        ("amex 3782-822463-10005", "amex [REDACTED:card]"),
        ("mc 5555555555554444", "mc [REDACTED:card]"),
        ("iban DE89 3704 0044 0532 0130 00 paid", "iban [REDACTED:iban] paid"),
        ("GB82WEST12345698765432", "[REDACTED:iban]"),
        ("ssn 078-05-1120", "ssn [REDACTED:us_ssn]"),
        ("call +1 (415) 555-2671 now", "call [REDACTED:phone] now"),
        ("Tel. 030 1234567", "Tel. [REDACTED:phone]"),
        ("phone: 4155552671", "phone: [REDACTED:phone]"),
        ("from 203.0.113.7:443", "from [REDACTED:ipv4]:443"),
        ("[2001:db8::1]:443", "[[REDACTED:ipv6]]:443"),
        ("Authorization: Bearer abc123DEF456ghi789", "Authorization: Bearer [REDACTED:bearer]"),
        ("t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "t=[REDACTED:jwt]"),
        ("key AKIAIOSFODNN7EXAMPLE", "key [REDACTED:aws_access_key]"),
        ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "[REDACTED:github_token]"),
        ("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "[REDACTED:slack_token]"),
        ("?api_key=Zx81kQp2Lm93Vb7Tn4Wc&page=2", "?api_key=[REDACTED:api_key]&page=2"),
        ("password=hunter2 user=bob", "password=[REDACTED:api_key] user=bob"),
        ("OPENAI_API_KEY=sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12", "OPENAI_API_KEY=[REDACTED:api_key]"),
    ])
    func detects(input: String, expected: String) {
        #expect(Self.redactor.redactLine(input) == expected)
    }

    @Test(arguments: [
        "ts_ms=1705312245123",                      // 13-digit ms timestamp: no issuer, fails Luhn or both
        "order 4111 1111 1111 1112",                // Luhn fails
        "order_id=9234567890123456",                // no issuer prefix
        "DE89 3704 0044 0532 0130 01",              // IBAN check digits wrong
        "v1.2.3.4", "version 10.0.0.1", "build=1.2.3.4", "1.2.3.4-beta", "Chrome/120.0.6099.109",
        "127.0.0.1:8080", "0.0.0.0", "[::1]:9090", "10:30:45", "00:1a:2b:3c:4d:5e",
        "2024-01-15T10:30:45.123Z", "15.01.2024 10:16", "01/15/2024", "1705312245",
        "550e8400-e29b-41d4-a716-446655440000", "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
        "bearer of bad news", "Basic information", "max_tokens=4096", "token_type=Bearer", "secret_name=db-creds",
        "logo@2x.png", "name@1.2.3", "$1,234.56", "0.4111111111111111",
    ])
    func leavesAlone(input: String) {
        #expect(Self.redactor.redactLine(input) == input)
    }

    /// `service.version: 1.2.3.4` is a version; the same text under another key is an address.
    @Test func ipDetectorsSkipVersionKeys() {
        var traces = Fixtures.traces([Fixtures.span(attributes: [
            Attribute("service.version", "1.2.3.4"), Attribute("client.address", "1.2.3.4"),
        ])])
        Self.redactor.redact(&traces)
        let attrs = Fixtures.firstSpan(traces).attributes
        #expect(attrs[key: "service.version"] == .string("1.2.3.4"))
        #expect(attrs[key: "client.address"] == .string("[REDACTED:ipv4]"))
    }

    /// The prefilter signature agrees with its tables.
    @Test func signatureMatchesTables() {
        var f = Features()
        typealias S = Features.Signature
        for (table, set) in [(S.digits, { (v: Int) in f.digits = v }), (S.dots, { f.dots = $0 }), (S.colons, { f.colons = $0 }),
                             (S.cardDigits, { f.cardDigits = $0 }), (S.phoneDigits, { f.phoneDigits = $0 })] as [([(Int, UInt64)], (Int) -> Void)] {
            for (minimum, bit) in table {
                f = Features()
                set(minimum)
                #expect(f.signature & bit != 0)
                f = Features()
                set(minimum - 1)
                #expect(f.signature & bit == 0)
            }
        }
    }
}
