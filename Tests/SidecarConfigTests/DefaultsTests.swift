import Testing
@testable import SidecarConfig

@Suite struct DefaultsTests {
    @Test func noFileGivesTheDefaults() throws {
        let config = try ConfigLoader.load(yaml: nil, environment: [:])
        #expect(config == Config.default)
        #expect(config.service.name == "otel-sidecar")
        #expect(config.service.shutdownGracePeriod == .seconds(10))
        #expect(config.receivers.events.socket == "/run/otel-sidecar/events.sock")
        #expect(config.receivers.events.access.mode == 0o660)
        #expect(config.receivers.otlp.grpc.endpoint == Config.ListenAddress(host: "127.0.0.1", port: 4317))
        #expect(config.receivers.otlp.http.maxBodyBytes == 4 * 1024 * 1024)
        #expect(config.processors.sampling.sampler == .parentBasedAlwaysOn)
        #expect(config.processors.redaction.blockedKeys.contains("set-cookie"))
        #expect(config.processors.redaction.builtins.count == Config.BuiltinPattern.allCases.count)
        #expect(config.exporters.isEmpty)
        #expect(config.prometheus.endpoint.description == "127.0.0.1:9464")
        #expect(config.logging.level == .info && config.logging.format == .auto)
        #expect(config.storeIsEnabled)
    }

    @Test(arguments: ["", "# only a comment\n", "---\n"])
    func anEmptyFileGivesTheDefaults(yaml: String) throws {
        #expect(try ConfigLoader.load(yaml: yaml, environment: [:]) == Config.default)
    }

    @Test func exporterDefaultsFollowTheCollector() throws {
        let config = try #require(load("exporters:\n  - {name: jaeger, protocol: grpc, endpoint: 'http://jaeger:4317'}\n"))
        let exporter = try #require(config.exporters.first)
        #expect(exporter.signals == [.traces, .metrics, .logs])
        #expect(exporter.compression == .gzip && exporter.timeout == .seconds(10))
        #expect(exporter.queue.maxItems == 100_000 && exporter.queue.maxBytes == 64 << 20 && exporter.queue.overflow == .dropOldest)
        #expect(exporter.queue.spill.directory == "/var/lib/otel-sidecar/spill/jaeger")
        #expect(exporter.batch.maxDelay == .milliseconds(200))
        #expect(exporter.retry.initial == .seconds(5) && exporter.retry.max == .seconds(30) && exporter.retry.maxElapsed == .seconds(300))
        #expect(exporter.circuitBreaker.maxCooldown == .seconds(300))
        #expect(!config.storeIsEnabled)
    }

    @Test func maskReplacementDefaultsToItsName() throws {
        let yaml = """
            processors:
              redaction:
                masks:
                  - {name: order, pattern: 'ORD-[0-9]+'}
                  - {name: empty, pattern: 'x', replacement: ""}
            """
        let masks = try #require(load(yaml)).processors.redaction.masks
        #expect(masks.map(\.replacement) == ["[REDACTED:order]", ""])
        #expect(masks[0].scope == Config.RedactionScope.allCases)
        #expect(masks[0].action == .mask)
    }
}
