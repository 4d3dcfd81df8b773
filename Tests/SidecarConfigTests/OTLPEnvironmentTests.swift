import Testing
@testable import SidecarConfig

@Suite struct OTLPEnvironmentTests {
    @Test func sharedEndpointCreatesAnHTTPExporterForEverySignal() throws {
        let env = [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector:4318",
            "OTEL_EXPORTER_OTLP_HEADERS": "api-key=s%3Dcret,x-tenant = acme ",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "2500",
            "OTEL_EXPORTER_OTLP_COMPRESSION": "none",
            "OTEL_EXPORTER_OTLP_CERTIFICATE": "/ca.pem",
        ]
        let config = try #require(load(nil, env: env))
        #expect(config.exporters.count == 1)
        let otlp = try #require(config.exporters.first)
        #expect(otlp.name == "otlp")
        #expect(otlp.protocol == .httpProtobuf)
        #expect(otlp.endpoint == "https://collector:4318")
        #expect(otlp.tracesEndpoint == nil)
        #expect(otlp.signals == [.traces, .metrics, .logs])
        #expect(otlp.headers == ["api-key": .init("s=cret"), "x-tenant": .init("acme")])
        #expect(otlp.timeout == .milliseconds(2500))
        #expect(otlp.compression == Config.Compression.none)
        #expect(otlp.tls.caFile == "/ca.pem")
        #expect(otlp.queue == Config.Exporter(name: "otlp", protocol: .grpc).queue)
        #expect(!config.storeIsEnabled)
    }

    @Test func withoutAnEndpointVariableNoExporterIsCreated() throws {
        let config = try #require(load(nil, env: ["OTEL_EXPORTER_OTLP_HEADERS": "a=b", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"]))
        #expect(config.exporters.isEmpty)
    }

    @Test func onlyPerSignalEndpointsCreateAnExporterForThoseSignals() throws {
        let env = [
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://tempo:4318/v1/traces",
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "http://loki:3100/otlp/v1/logs",
        ]
        let otlp = try #require(load(nil, env: env)?.exporters.first)
        #expect(otlp.signals == [.traces, .logs])
        #expect(otlp.endpoint == nil)
        #expect(otlp.endpoint(for: .traces)?.url == "http://tempo:4318/v1/traces")
        #expect(otlp.endpoint(for: .logs)?.isSignalSpecific == true)
    }

    @Test func theEnvironmentOverridesTheFileExporterNamedOTLP() throws {
        let yaml = """
            exporters:
              - name: jaeger
                protocol: grpc
                endpoint: http://jaeger:4317
              - name: otlp
                protocol: grpc
                endpoint: http://from-file:4317
                signals: [traces, metrics]
                headers: {x-file: one, x-both: file}
                queue: {max_items: 10000}
            """
        let env = [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://from-env:4317",
            "OTEL_EXPORTER_OTLP_HEADERS": "x-both=env",
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "http://ignored:4317",
            "OTEL_EXPORTER_OTLP_INSECURE": "true",
        ]
        let config = try #require(load(yaml, env: env, overrides: ["exporters[1].timeout=3s"]))
        #expect(config.exporters.map(\.name) == ["jaeger", "otlp"])
        let otlp = config.exporters[1]
        #expect(otlp.protocol == .grpc)
        #expect(otlp.endpoint == "http://from-env:4317")
        #expect(otlp.logsEndpoint == nil)
        #expect(otlp.signals == [.traces, .metrics])
        #expect(otlp.headers == ["x-file": .init("one"), "x-both": .init("env")])
        #expect(otlp.insecure)
        #expect(otlp.queue.maxItems == 10000)
        #expect(otlp.timeout == .seconds(3))
        #expect(config.exporters[0].endpoint == "http://jaeger:4317")
    }

    @Test func perSignalSettingsSplitTheExporter() throws {
        let yaml = """
            exporters:
              - name: otlp
                protocol: http/protobuf
                endpoint: https://vendor:4318
                queue: {max_items: 9000}
            """
        let env = [
            "OTEL_EXPORTER_OTLP_HEADERS": "x-key=shared",
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "x-key=traces-only",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://traces.vendor/v1/traces",
            "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT": "1000",
        ]
        let config = try #require(load(yaml, env: env))
        #expect(config.exporters.map(\.name) == ["otlp", "otlp-traces", "otlp-metrics"])
        let (otlp, traces, metrics) = (config.exporters[0], config.exporters[1], config.exporters[2])

        #expect(otlp.signals == [.logs])
        #expect(otlp.headers == ["x-key": .init("shared")])
        #expect(otlp.timeout == .seconds(10))
        #expect(otlp.tracesEndpoint == nil)

        #expect(traces.signals == [.traces])
        #expect(traces.headers == ["x-key": .init("traces-only")])
        #expect(traces.tracesEndpoint == "https://traces.vendor/v1/traces")
        #expect(traces.endpoint == "https://vendor:4318")
        #expect(traces.queue.maxItems == 9000)
        #expect(traces.queue.spill.directory == "/var/lib/otel-sidecar/spill/otlp-traces")

        #expect(metrics.signals == [.metrics])
        #expect(metrics.headers == ["x-key": .init("shared")])
        #expect(metrics.timeout == .seconds(1))
    }

    @Test func sameValuesPerSignalDoNotSplit() throws {
        let env = [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318",
            "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
            "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION": "gzip",
        ]
        #expect(load(nil, env: env)?.exporters.map(\.name) == ["otlp"])
    }

    @Test func whenEverySignalDiffersOTLPKeepsTheFirst() throws {
        let env = [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318",
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json",
            "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "grpc",
            "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "http/json",
        ]
        let config = try #require(load(nil, env: env))
        #expect(config.exporters.map(\.name) == ["otlp", "otlp-metrics", "otlp-logs"])
        #expect(config.exporters.map(\.signals) == [[.traces], [.metrics], [.logs]])
        #expect(config.exporters.map(\.protocol) == [.httpJSON, .grpc, .httpJSON])
    }

    @Test func badValuesNameTheVariableThatSetThem() {
        let env = [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "console",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "10s",
            "OTEL_EXPORTER_OTLP_HEADERS": "novalue-secret",
        ]
        let issues = loadIssues(nil, env: env)
        #expect(issues.map(\.description) == [
            "exporters[0].protocol: OTEL_EXPORTER_OTLP_PROTOCOL: invalid value 'console'; expected one of grpc, http/protobuf, http/json",
            "exporters[0].timeout: OTEL_EXPORTER_OTLP_TIMEOUT: expected whole milliseconds such as 10000, got '10s'",
            "exporters[0].headers: OTEL_EXPORTER_OTLP_HEADERS: entry 1 has no '='; expected key=value pairs separated by commas",
        ])
        #expect(!issues.contains { $0.message.contains("novalue-secret") })
    }

    @Test func checksOnValuesFromTheEnvironmentNameTheVariableNotAFileLine() {
        let yaml = "exporters:\n  - name: otlp\n    protocol: grpc\n    endpoint: http://file:4317\n"
        let issues = loadIssues(yaml, env: ["OTEL_EXPORTER_OTLP_ENDPOINT": "collector"])
        #expect(issues.map(\.description) == [
            "exporters[0].endpoint: missing port in 'collector'; expected host:port (from OTEL_EXPORTER_OTLP_ENDPOINT)",
        ])
    }
}
