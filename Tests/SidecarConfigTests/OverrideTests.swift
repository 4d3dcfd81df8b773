import Testing
@testable import SidecarConfig

@Suite struct OverrideTests {
    let twoExporters = """
        exporters:
          - {name: a, protocol: grpc, endpoint: 'http://a:4317'}
          - {name: b, protocol: console}
        """

    @Test func setsNestedKeysListItemsAndMaps() throws {
        let config = try #require(load(twoExporters, overrides: [
            "exporters[0].endpoint=http://x:4317",
            "exporters[0].queue.spill.enabled=true",
            "exporters[1].signals=[traces, logs]",
            "exporters[0].headers.x-api-key=k",
            "processors.redaction.builtins.email=false",
            "receivers.events.allowed_uids[0]=1000",
            "receivers.events.allowed_uids[1]=1001",
            "receivers.events.socket_mode=0600",
        ]))
        #expect(config.exporters[0].endpoint == "http://x:4317")
        #expect(config.exporters[0].queue.spill.enabled)
        #expect(config.exporters[1].signals == [.traces, .logs])
        #expect(config.exporters[0].headers["x-api-key"]?.value == "k")
        #expect(config.processors.redaction.builtins[.email] == false)
        #expect(config.processors.redaction.builtins[.phone] == true)
        #expect(config.receivers.events.access.allowedUIDs == [1000, 1001])
        #expect(config.receivers.events.access.mode == 0o600)
    }

    @Test func anEmptyValueTurnsAListenerOff() throws {
        let config = try #require(load(nil, overrides: ["receivers.otlp.grpc.endpoint=", "receivers.events.datagram_socket=/run/d.sock"]))
        #expect(config.receivers.otlp.grpc.endpoint == nil)
        #expect(config.receivers.otlp.grpc.socket == "/run/otel-sidecar/otlp-grpc.sock")
        #expect(config.receivers.events.datagramSocket == "/run/d.sock")
    }

    @Test func valuesAreTakenLiterally() throws {
        let config = try #require(load(nil, env: ["X": "expanded"], overrides: ["service.name=${X}"]))
        #expect(config.service.name == "${X}")
    }

    @Test func indexCountAppendsAnExporter() throws {
        let config = try #require(load(nil, overrides: ["exporters[0].name=debug", "exporters[0].protocol=console"]))
        #expect(config.exporters.map(\.name) == ["debug"])
        #expect(config.exporters[0].queue.spill.directory == "/var/lib/otel-sidecar/spill/debug")
    }

    @Test func anAppendedExporterStillNeedsItsRequiredKeys() {
        let issues = loadIssues(nil, overrides: ["exporters[0].name=debug"])
        #expect(issues.map(\.description) == [
            "exporters[0].protocol: missing required key 'protocol'; expected one of grpc, http/protobuf, http/json, console",
        ])
    }

    @Test func badOverridesAreIssuesWithTheirKeyPath() {
        let issues = loadIssues(twoExporters, overrides: [
            "logging.level",
            "logging.levle=debug",
            "exporters[5].name=x",
            "exporters.name=x",
            "service.name.first=x",
            "exporters[0].timeout=soon",
            "a..b=1",
            "exporters[1].signals=[traces",
        ])
        #expect(issues.map(\.keyPath) == [
            "logging.level", "logging.levle", "exporters[5]", "exporters", "service.name",
            "exporters[0].timeout", "a..b", "exporters[1].signals",
        ])
        #expect(issues[1].message == "unknown key 'levle'; did you mean 'level'? (from --set)")
        #expect(issues.allSatisfy { $0.line == nil })
    }

    @Test(arguments: [
        ("a.b[0].c", [PathComponent.key("a"), .key("b"), .index(0), .key("c")]),
        ("exporters[12]", [.key("exporters"), .index(12)]),
        ("x", [.key("x")]),
    ])
    func pathsParse(text: String, expected: [PathComponent]) {
        #expect(ConfigLoader.parsePath(text) == expected)
    }

    @Test(arguments: ["a.", ".a", "a[x]", "a[-1]", "a[0", "[0]", "a[0]b"])
    func malformedPathsAreRejected(text: String) {
        #expect(ConfigLoader.parsePath(text) == nil)
    }
}
