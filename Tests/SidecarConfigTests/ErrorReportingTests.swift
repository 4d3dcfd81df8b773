import Testing
@testable import SidecarConfig

@Suite struct ErrorReportingTests {
    @Test func threeMistakesAreAllReportedWithKeyPathAndLine() {
        let yaml = """
            service:
              name: checkout
            exporters:
              - name: jaeger
                protocol: grpc
                endpoint: http://jaeger:4317
                queue:
                  max_itmes: 10
              - name: phoenix
                protocol: http/protobuf
                endpoint: http://phoenix:6006
                queue:
                  max_bytes: lots
            logging:
              level: loud
              format: [json]
            """
        let issues = loadIssues(yaml)
        let byPath = Dictionary(issues.map { ($0.keyPath, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(issues.count == 4, "\(issues)")

        let unknown = byPath["exporters[0].queue.max_itmes"]
        #expect(unknown?.line == 8)
        #expect(unknown?.message == "unknown key 'max_itmes'; did you mean 'max_items'?")

        let size = byPath["exporters[1].queue.max_bytes"]
        #expect(size?.line == 13)
        #expect(size?.description == "exporters[1].queue.max_bytes (line 13): expected a size such as 64MiB, got 'lots'")

        let level = byPath["logging.level"]
        #expect(level?.line == 15)
        #expect(level?.message == "invalid value 'loud'; expected one of trace, debug, info, notice, warning, error, critical")

        let format = byPath["logging.format"]
        #expect(format?.line == 16)
        #expect(format?.message.contains("got a list") == true)
    }

    @Test func wrongTypesAreReported() {
        let yaml = """
            receivers: enabled
            processors:
              sampling:
                ratio: often
                keep_errors: yes
              limits:
                max_events: -1
            store: {enabled: maybe}
            """
        let issues = loadIssues(yaml)
        #expect(issues.map(\.keyPath) == [
            "receivers", "processors.sampling.ratio", "processors.sampling.keep_errors",
            "processors.limits.max_events", "store.enabled",
        ])
        #expect(issues.map(\.line) == [1, 4, 5, 7, 8])
        #expect(issues[2].message == "expected true or false, got 'yes'")
        #expect(issues[3].message == "must be at least 0, got -1")
    }

    @Test func unknownKeyWithoutACloseMatchListsTheKeys() {
        let issues = loadIssues("health:\n  banana: /x\n")
        #expect(issues.first?.message == "unknown key 'banana'; expected one of live_path, ready_path")
        #expect(issues.first?.keyPath == "health.banana")
    }

    @Test func invalidYAMLIsOneIssueWithALine() {
        let issues = loadIssues("service:\n  name: [unclosed\nlogging: {}\n")
        #expect(issues.count == 1)
        #expect(issues.first?.keyPath == "")
        #expect(issues.first?.line != nil)
        #expect(issues.first?.message.hasPrefix("invalid YAML") == true)
    }

    @Test func duplicateKeysAreReported() {
        let issues = loadIssues("logging:\n  level: info\n  level: debug\n")
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("duplicate key 'level'") == true)
    }

    @Test func requiredKeysAndRelationsAreChecked() {
        let yaml = """
            exporters:
              - name: Bad Name
                endpoint: ftp://x
              - name: b
                protocol: grpc
                endpoint: http://b:4317
                tls: {cert_file: /c.pem}
                batch: {max_bytes: 128MiB, max_items: 10}
                retry: {initial: 1m, max: 30s}
                circuit_breaker: {cooldown: 10m}
              - name: b
                protocol: http/json
            """
        let issues = loadIssues(yaml)
        let messages = Dictionary(issues.map { ($0.keyPath, $0.message) }, uniquingKeysWith: { $0 + " | " + $1 })
        #expect(messages["exporters[0].name"]?.contains("invalid name 'Bad Name'") == true)
        #expect(messages["exporters[0].protocol"]?.hasPrefix("missing required key 'protocol'") == true)
        #expect(messages["exporters[1].tls.cert_file"] == "cert_file and key_file must be set together")
        #expect(messages["exporters[1].batch.max_bytes"] == "128MiB is more than queue.max_bytes (64MiB)")
        #expect(messages["exporters[1].retry.initial"] == "1m is more than retry.max (30s)")
        #expect(messages["exporters[1].circuit_breaker.cooldown"] == "10m is more than circuit_breaker.max_cooldown (5m)")
        #expect(messages["exporters[2].name"] == "duplicate exporter name 'b' (also exporters[1])")
        #expect(messages["exporters[2].endpoint"] == "missing required key 'endpoint' (no endpoint for traces, metrics, logs)")
        let retryLine = issues.first { $0.keyPath == "exporters[1].retry.initial" }?.line
        #expect(retryLine == 9)
    }

    @Test func redactionRulesAreChecked() {
        let yaml = """
            processors:
              redaction:
                builtins: {emial: false}
                masks:
                  - {name: a, pattern: x, action: hash, scope: [log_body, log_body]}
                  - {name: a}
            """
        let issues = loadIssues(yaml)
        let paths = issues.map(\.keyPath)
        #expect(paths.contains("processors.redaction.builtins.emial"))
        #expect(paths.contains("processors.redaction.masks[0].scope"))
        #expect(paths.contains("processors.redaction.masks[0].action"))
        #expect(paths.contains("processors.redaction.masks[1].name"))
        #expect(paths.contains("processors.redaction.masks[1].pattern"))
        #expect(issues.first { $0.keyPath.hasSuffix("builtins.emial") }?.message.contains("expected one of email,") == true)
    }

    @Test func listenerConflictsAreReported() {
        let yaml = """
            receivers:
              otlp:
                http: {endpoint: "127.0.0.1:9464"}
                grpc: {socket: "", endpoint: ""}
            """
        let issues = loadIssues(yaml)
        #expect(issues.map(\.keyPath) == ["receivers.otlp.grpc", "prometheus.endpoint"])
    }

    @Test func deeplyNestedInputIsAnIssueNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let issues = loadIssues("service:\n  name: " + deep + "\n")
        #expect(issues.count == 1)
        #expect(issues.first?.message.hasPrefix("invalid YAML") == true)
    }

    @Test func longValuesAreShortenedInMessages() {
        let long = String(repeating: "x", count: 10_000)
        let issues = loadIssues("logging:\n  level: \(long)\n")
        #expect(issues.count == 1)
        #expect((issues.first?.message.count ?? .max) < 200)
    }

    @Test func descriptionListsOneIssuePerLine() {
        let errors = ConfigErrors(issues: [
            ConfigIssue(keyPath: "a.b", message: "bad", line: 3),
            ConfigIssue(keyPath: "c", message: "worse"),
        ])
        #expect(errors.description == "a.b (line 3): bad\nc: worse")
    }
}
