import Foundation
import Pipeline
import SidecarModel
import Testing
@testable import Redaction

/// The labeled corpus (Corpus/, made by generate_corpus.py): every built-in kind in many formats,
/// languages and positions, and clean confounders that must pass unchanged.
struct CorpusTests {
    struct PIILine {
        var kind: String
        var secrets: [String]
        var text: String
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func load(_ name: String) throws -> [[String]] {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        return text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    static func piiLines() throws -> [PIILine] {
        try load("pii.tsv").map { PIILine(kind: $0[0], secrets: $0[1].split(separator: "\u{1F}").map(String.init), text: $0[2]) }
    }

    static func cleanLines() throws -> [(category: String, text: String)] {
        try load("clean.tsv").map { ($0[0], $0[1]) }
    }

    @Test func recallAndFalsePositives() throws {
        let redactor = Fixtures.redactor()
        let pii = try Self.piiLines()
        let clean = try Self.cleanLines()
        #expect(pii.count >= 3000)
        #expect(clean.count >= 2000)
        #expect(Set(pii.map(\.kind)) == Set(Config.BuiltinPattern.allCases.map(\.rawValue)))

        var missed: [String] = []
        for line in pii {
            let out = redactor.redactLine(line.text)
            if line.secrets.contains(where: { out.contains($0) }) { missed.append("[\(line.kind)] \(line.text) -> \(out)") }
        }
        var altered: [String] = []
        for line in clean {
            let out = redactor.redactLine(line.text)
            if out != line.text { altered.append("[\(line.category)] \(line.text) -> \(out)") }
        }
        for m in missed.prefix(30) { print("missed: \(m)") }
        for a in altered.prefix(30) { print("altered: \(a)") }
        let found = pii.count - missed.count
        let recall = 100.0 * Double(found) / Double(pii.count)
        let alteredShare = 100.0 * Double(altered.count) / Double(clean.count)
        print("redaction corpus: recall \(Self.percent(recall)) (\(found)/\(pii.count)), clean altered \(Self.percent(alteredShare)) (\(altered.count)/\(clean.count))")
        #expect(missed.isEmpty)
        #expect(alteredShare <= 0.5)
    }

    /// The same corpus as span attribute values and log bodies: the walker reaches every line.
    @Test func corpusThroughTheModel() throws {
        let redactor = Fixtures.redactor()
        let pii = try Self.piiLines()
        var traces = Fixtures.traces(pii.map { Fixtures.span(attributes: [Attribute("detail", .string($0.text))]) })
        redactor.redact(&traces)
        var logs = LogsData(resourceLogs: [ResourceLogs(scopeLogs: [ScopeLogs(logRecords: pii.map { LogRecord(body: .string($0.text)) })])])
        redactor.redact(&logs)
        let spans = traces.resourceSpans[0].scopeSpans[0].spans
        let records = logs.resourceLogs[0].scopeLogs[0].logRecords
        for (i, line) in pii.enumerated() {
            let attribute = spans[i].attributes[key: "detail"]?.stringValue ?? ""
            let body = records[i].body?.stringValue ?? ""
            #expect(!line.secrets.contains { attribute.contains($0) || body.contains($0) }, "\(line.text)")
        }
    }

    static func percent(_ v: Double) -> String {
        let hundredths = Int((v * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)%"
    }
}
