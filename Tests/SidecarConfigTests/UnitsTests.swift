import Testing
@testable import SidecarConfig

@Suite struct UnitsTests {
    @Test(arguments: [
        ("100ms", Duration.milliseconds(100)),
        ("5s", .seconds(5)),
        ("2m", .seconds(120)),
        ("1h", .seconds(3600)),
        ("1m30s", .seconds(90)),
        ("1.5s", .milliseconds(1500)),
        ("0", .zero),
        ("0s", .zero),
        ("250us", .microseconds(250)),
        ("7ns", .nanoseconds(7)),
        ("1h2m3s4ms", .milliseconds(3_723_004)),
    ])
    func durationsParse(text: String, expected: Duration) {
        #expect(ConfigUnits.parseDuration(text) == expected)
    }

    @Test(arguments: ["", "5", "s", "-5s", "5 s", "5sec", "1.s", ".5s", "5s ", "1d", "99999999999999999999h", "1e3s", "lots"])
    func durationsReject(text: String) {
        #expect(ConfigUnits.parseDuration(text) == nil)
    }

    @Test(arguments: [
        (Duration.seconds(90), "1m30s"), (.milliseconds(200), "200ms"), (.zero, "0s"),
        (.seconds(300), "5m"), (.milliseconds(1500), "1s500ms"), (.seconds(7200), "2h"),
    ])
    func durationsFormatAndParseBack(duration: Duration, text: String) {
        #expect(ConfigUnits.formatDuration(duration) == text)
        #expect(ConfigUnits.parseDuration(text) == duration)
    }

    @Test(arguments: [
        ("4096", 4096), ("0", 0), ("64MiB", 64 * 1024 * 1024), ("1GiB", 1 << 30), ("512KiB", 512 * 1024),
        ("10MB", 10_000_000), ("1KB", 1000), ("1kb", 1000), ("2 MiB", 2 << 20), ("1.5KiB", 1536), ("1.5GB", 1_500_000_000),
        ("100B", 100), ("1TiB", 1 << 40),
    ])
    func sizesParse(text: String, expected: Int) {
        #expect(ConfigUnits.parseSize(text) == expected)
    }

    @Test(arguments: ["", "lots", "-1", "64M", "64 ", "1.5B", "1.0001KiB", "MiB", "64MiBs", "9999999999999TiB", "1e6", "0x10"])
    func sizesReject(text: String) {
        #expect(ConfigUnits.parseSize(text) == nil)
    }

    @Test(arguments: [(64 << 20, "64MiB"), (10_000_000, "10MB"), (1000, "1KB"), (1_000_001, "1000001"), (0, "0"), (1536, "1536")])
    func sizesFormat(bytes: Int, text: String) {
        #expect(ConfigUnits.formatSize(bytes) == text)
        #expect(ConfigUnits.parseSize(text) == bytes)
    }

    @Test func sizeKeysRejectJunkWithTheUnitHint() {
        let issues = loadIssues("receivers:\n  events:\n    max_line_bytes: 0\n  otlp:\n    grpc:\n      max_message_bytes: 4 megs\n")
        #expect(issues.map(\.message) == ["must be at least 1, got 0", "expected a size such as 64MiB, got '4 megs'"])
    }
}
