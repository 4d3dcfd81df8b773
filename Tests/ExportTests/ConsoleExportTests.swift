import Delivery
import Foundation
import Logging
import OTLPWire
import SidecarConfig
import SidecarModel
import Testing
@testable import Export

struct ConsoleExportTests {
    @Test func appendsOneOTLPJSONLinePerBatchToTheFile() async throws {
        let path = NSTemporaryDirectory() + "console-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var e = SidecarConfiguration.Exporter(name: "debug", protocol: .console)
        e.path = path
        let made = try ExportClients.make(for: e, logger: Logger(label: "t"))
        #expect(made.services.isEmpty)
        for s in Signal.allCases { #expect(await made.client.export(Samples.batch(s)) == .success) }
        await made.client.shutdown()
        #expect(await made.client.export(Samples.batch(.traces)) == .retryable(reason: "client_stopped", retryAfter: nil))
        let lines = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 3)
        guard lines.count == 3 else { return }
        #expect(try OTLPJSON.decodeTraces(Array(lines[0].utf8)) == Samples.traces)
        #expect(try OTLPJSON.decodeMetrics(Array(lines[1].utf8)) == Samples.metrics)
        #expect(try OTLPJSON.decodeLogs(Array(lines[2].utf8)) == Samples.logs)
        #expect(lines[0].hasPrefix("{\"resourceSpans\":"))
    }

    @Test func undecodableBatchIsPermanent() async throws {
        let client = try ConsoleExportClient(name: "debug", path: "/dev/null")
        #expect(await client.export(EncodedBatch(signal: .traces, itemCount: 1, bytes: [0xFF, 0xFF, 0xFF])) == .permanent(reason: "decode"))
        await client.shutdown()
    }

    @Test func unopenableFileFailsAtSetup() {
        var e = SidecarConfiguration.Exporter(name: "debug", protocol: .console)
        e.path = "/nonexistent-dir/x.jsonl"
        #expect(throws: ExportSetupError.self) { try ExportClients.make(for: e, logger: Logger(label: "t")) }
    }
}
