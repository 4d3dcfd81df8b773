import Foundation
import Testing
@testable import SidecarConfig

@Suite struct RoundTripTests {
    /// Every section away from its defaults, including strings that need quoting and `$`.
    static var everythingChanged: Config {
        var config = Config.default
        config.service.name = "svc: \"quoted\" $HOME ${X} #not-a-comment"
        config.service.resource = ["deployment.environment": "prod", "multi": "line\none\ttab", "ünï": "cödé"]
        config.service.shutdownGracePeriod = .milliseconds(1500)
        config.receivers.events.socket = nil
        config.receivers.events.datagramSocket = "/run/d.sock"
        config.receivers.events.access = Config.SocketAccess(mode: 0o600, group: "proxy", allowedUIDs: [0, 1000], allowedGIDs: [4294967295])
        config.receivers.events.maxLineBytes = 12345
        config.receivers.otlp.grpc.endpoint = Config.ListenAddress(host: "::1", port: 0)
        config.receivers.otlp.http.enabled = false
        config.receivers.otlp.http.socket = nil
        config.receivers.otlp.http.maxBodyBytes = 10_000_000
        config.processors.redaction.builtins[.ipv4] = false
        config.processors.redaction.blockedKeys = ["password", "x-*"]
        config.processors.redaction.allowedKeys = ["http.method"]
        config.processors.redaction.masks = [
            Config.Mask(name: "m1", pattern: #"^\d{3}-\d{2}$"#, replacement: "$1 [x]", action: .hash, keys: ["k"], scope: [.logBody]),
            Config.Mask(name: "m2", pattern: "a|b", action: .drop),
        ]
        config.processors.redaction.hashKey = Config.Secret("h$k")
        config.processors.sampling = Config.SamplingSettings(sampler: .traceIDRatio, ratio: 0.1, rateLimit: 12.5, keepErrors: false)
        config.processors.limits = Config.LimitSettings(maxAttributes: 1, maxAttributeValueLength: 2, maxEvents: 3, maxLinks: 4)
        var exporter = Config.Exporter(name: "vendor", protocol: .httpJSON, endpoint: "https://v:443/base")
        exporter.logsEndpoint = "https://v/logs"
        exporter.signals = [.logs, .traces]
        exporter.headers = ["authorization": Config.Secret("Bearer x")]
        exporter.headersFile = "/secrets/h"
        exporter.compression = .none
        exporter.timeout = .seconds(3)
        exporter.tls = Config.Exporter.TLS(caFile: "/ca", certFile: "/c", keyFile: "/k", serverName: "v", insecureSkipVerify: true)
        exporter.queue.overflow = .refuse
        exporter.queue.spill = Config.Exporter.Spill(enabled: true, directory: "/spill", maxBytes: 3 << 30, mode: .writeAhead, fsync: .always, fsyncInterval: .milliseconds(10))
        exporter.batch = Config.Exporter.Batch(maxItems: 10, maxBytes: 1000, maxDelay: .milliseconds(5))
        exporter.retry = Config.Exporter.Retry(enabled: false, initial: .seconds(1), max: .seconds(2), multiplier: 2.5, randomization: 0, maxElapsed: .zero)
        exporter.circuitBreaker = Config.Exporter.CircuitBreaker(enabled: false, failureThreshold: 2, failureRatio: 1, window: .seconds(5), minRequests: 1, cooldown: .seconds(1), maxCooldown: .seconds(1))
        var console = Config.Exporter(name: "console", protocol: .console)
        console.path = "/tmp/out.jsonl"
        config.exporters = [exporter, console]
        config.prometheus = Config.PrometheusSettings(enabled: false, endpoint: Config.ListenAddress(host: "0.0.0.0", port: 9100), path: "/m")
        config.health = Config.HealthSettings(livePath: "/live", readyPath: "/ready")
        config.logging = Config.LogSettings(level: .trace, format: .json)
        config.store = Config.StoreSettings(enabled: .on, maxSpans: 5)
        return config
    }

    @Test func aConfigurationWithEverythingChangedRoundTrips() throws {
        let original = Self.everythingChanged
        let text = original.renderYAML(redactSecrets: false)
        let loaded = try #require(load(text, env: ["HOME": "/root", "X": "x"]))
        #expect(loaded == original)
        #expect(loaded != Config.default)
    }

    @Test func theExampleFileRoundTrips() throws {
        let yaml = try String(contentsOf: repositoryFile("deploy/config/example.yaml"), encoding: .utf8)
        let config = try #require(load(yaml))
        let again = try #require(load(config.renderYAML(redactSecrets: false)))
        #expect(again == config)
        #expect(config.exporters.map(\.name) == ["otlp", "jaeger", "debug"])
    }

    @Test func renderedOutputHasEveryKey() throws {
        let text = Self.everythingChanged.renderYAML()
        for key in ["shutdown_grace_period:", "datagram_socket:", "allowed_gids:", "max_body_bytes:", "hash_key_file:", "match_limit:",
                    "fsync_interval:", "max_cooldown:", "insecure_skip_verify:", "ready_path:", "max_spans:", "logs_endpoint:"] {
            #expect(text.contains(key), "missing \(key)")
        }
        #expect(Config.default.renderYAML().contains("exporters: []"))
    }

    /// The example file documents every key: each key path of the schema is set in it.
    @Test func theExampleFileSetsEveryKey() throws {
        let yaml = try String(contentsOf: repositoryFile("deploy/config/example.yaml"), encoding: .utf8)
        let (_, context) = ConfigLoader.run(yaml: yaml, environment: [:], overrides: [])
        #expect(context.issues.isEmpty)
        let setInExample = Set(context.explicit.map(Self.normalized))
        let allKeys = Self.keyPaths(renderSection(Self.everythingChanged, fields: Schema.root), prefix: "")
        let missing = allKeys.subtracting(setInExample).sorted()
        #expect(missing.isEmpty, "example.yaml does not show: \(missing)")
    }

    /// `exporters[3].queue` → `exporters[].queue`.
    static func normalized(_ path: String) -> String {
        path.replacingOccurrences(of: #"\[[0-9]+\]"#, with: "[]", options: .regularExpression)
    }

    /// Leaf and section key paths of a rendered tree; map entries (resource, headers, builtins) count as their map.
    static func keyPaths(_ value: RenderedValue, prefix: String) -> Set<String> {
        let maps: Set<String> = ["service.resource", "exporters[].headers", "processors.redaction.builtins"]
        switch value {
        case .mapping(let entries) where !maps.contains(prefix):
            var paths: Set<String> = prefix.isEmpty ? [] : [prefix]
            for (key, child) in entries { paths.formUnion(keyPaths(child, prefix: prefix.isEmpty ? key : prefix + "." + key)) }
            return paths
        case .sequence(let items) where items.contains { if case .mapping = $0 { true } else { false } }:
            var paths: Set<String> = [prefix]
            for item in items { paths.formUnion(keyPaths(item, prefix: prefix + "[]")) }
            return paths
        default:
            return [prefix]
        }
    }
}
