import Testing
@testable import SidecarConfig

/// defaults < file < environment < --set, key by key.
@Suite struct PrecedenceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String?
        var env: [String: String]
        var overrides: [String]
        var expected: String
        var testDescription: String { "file=\(file ?? "-") env=\(env) set=\(overrides) → \(expected)" }
    }

    @Test(arguments: [
        Case(file: nil, env: [:], overrides: [], expected: "otel-sidecar"),
        Case(file: "from-file", env: [:], overrides: [], expected: "from-file"),
        Case(file: "from-file", env: ["OTEL_SERVICE_NAME": "from-env"], overrides: [], expected: "from-env"),
        Case(file: "from-file", env: ["OTEL_SERVICE_NAME": ""], overrides: [], expected: "from-file"),
        Case(file: "from-file", env: ["OTEL_SERVICE_NAME": "from-env"], overrides: ["service.name=from-flag"], expected: "from-flag"),
        Case(file: nil, env: [:], overrides: ["service.name=from-flag"], expected: "from-flag"),
    ])
    func serviceName(_ c: Case) throws {
        let yaml = c.file.map { "service:\n  name: \($0)\n" }
        let config = try #require(load(yaml, env: c.env, overrides: c.overrides))
        #expect(config.service.name == c.expected)
    }

    @Test func resourceAttributesMergeWithEnvironmentWinning() throws {
        let yaml = "service:\n  resource:\n    team: payments\n    region: eu\n"
        let env = ["OTEL_RESOURCE_ATTRIBUTES": "region=us%2Deast, note=a%20b%2Cc ,k8s.pod.name=p-1"]
        let config = try #require(load(yaml, env: env, overrides: ["service.resource.k8s.pod.name=p-2"]))
        #expect(config.service.resource == ["team": "payments", "region": "us-east", "note": "a b,c", "k8s.pod.name": "p-2"])
    }

    @Test func malformedResourceAttributesNameTheVariable() {
        let issues = loadIssues(nil, env: ["OTEL_RESOURCE_ATTRIBUTES": "a=1,oops"])
        #expect(issues.map(\.description) == [
            "service.resource: OTEL_RESOURCE_ATTRIBUTES: entry 2 has no '='; expected key=value pairs separated by commas",
        ])
    }

    @Test(arguments: [
        (nil, [:], [], Config.Sampler.parentBasedAlwaysOn, 1.0),
        ("traceidratio", [:], [], .traceIDRatio, 0.5),
        ("traceidratio", ["OTEL_TRACES_SAMPLER": "always_off"], [], .alwaysOff, 0.5),
        ("traceidratio", ["OTEL_TRACES_SAMPLER_ARG": "0.1"], [], .traceIDRatio, 0.1),
        ("traceidratio", ["OTEL_TRACES_SAMPLER_ARG": "0.1"], ["processors.sampling.ratio=0.2"], .traceIDRatio, 0.2),
        (nil, ["OTEL_TRACES_SAMPLER": "parentbased_traceidratio"], ["processors.sampling.sampler=always_on"], .alwaysOn, 1.0),
    ] as [(String?, [String: String], [String], Config.Sampler, Double)])
    func sampler(file: String?, env: [String: String], overrides: [String], sampler: Config.Sampler, ratio: Double) throws {
        let yaml = file.map { "processors:\n  sampling:\n    sampler: \($0)\n    ratio: 0.5\n" }
        let config = try #require(load(yaml, env: env, overrides: overrides))
        #expect(config.processors.sampling.sampler == sampler)
        #expect(config.processors.sampling.ratio == ratio)
    }

    @Test func invalidSamplerVariableListsTheChoices() {
        let issues = loadIssues(nil, env: ["OTEL_TRACES_SAMPLER": "jaeger_remote", "OTEL_TRACES_SAMPLER_ARG": "2"])
        #expect(issues.map(\.keyPath) == ["processors.sampling.sampler", "processors.sampling.ratio"])
        #expect(issues.first?.message.hasPrefix("OTEL_TRACES_SAMPLER: invalid value 'jaeger_remote'; expected one of always_on,") == true)
        #expect(issues.last?.message == "OTEL_TRACES_SAMPLER_ARG: must be between 0.0 and 1.0, got 2.0")
    }

    @Test(arguments: [
        (nil, [:], [], "127.0.0.1:9464"),
        ("0.0.0.0:9100", [:], [], "0.0.0.0:9100"),
        ("0.0.0.0:9100", ["OTEL_EXPORTER_PROMETHEUS_PORT": "9200"], [], "0.0.0.0:9200"),
        ("0.0.0.0:9100", ["OTEL_EXPORTER_PROMETHEUS_HOST": "::1"], [], "[::1]:9100"),
        (nil, ["OTEL_EXPORTER_PROMETHEUS_HOST": "metrics.local", "OTEL_EXPORTER_PROMETHEUS_PORT": "1234"], [], "metrics.local:1234"),
        (nil, ["OTEL_EXPORTER_PROMETHEUS_PORT": "1234"], ["prometheus.endpoint=[::]:99"], "[::]:99"),
    ] as [(String?, [String: String], [String], String)])
    func prometheusEndpoint(file: String?, env: [String: String], overrides: [String], expected: String) throws {
        let yaml = file.map { "prometheus:\n  endpoint: \"\($0)\"\n" }
        let config = try #require(load(yaml, env: env, overrides: overrides))
        #expect(config.prometheus.endpoint.description == expected)
    }

    @Test func limitsFromTheEnvironment() throws {
        let env = [
            "OTEL_ATTRIBUTE_COUNT_LIMIT": "64", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "1024",
            "OTEL_SPAN_EVENT_COUNT_LIMIT": "16", "OTEL_SPAN_LINK_COUNT_LIMIT": "8",
        ]
        let config = try #require(load("processors:\n  limits:\n    max_attributes: 10\n    max_links: 1\n", env: env, overrides: ["processors.limits.max_links=2"]))
        #expect(config.processors.limits == Config.LimitSettings(maxAttributes: 64, maxAttributeValueLength: 1024, maxEvents: 16, maxLinks: 2))
    }

    @Test func loggingLevelFromFileThenFlag() throws {
        let yaml = "logging:\n  level: warning\n"
        #expect(load(yaml)?.logging.level == .warning)
        #expect(load(yaml, overrides: ["logging.level=debug"])?.logging.level == .debug)
    }
}
