import Foundation
import Testing
@testable import SidecarConfig

@Suite struct DeployFilesTests {
    @Test func theExampleLoads() throws {
        let yaml = try String(contentsOf: repositoryFile("deploy/config/example.yaml"), encoding: .utf8)
        let config = try #require(load(yaml))
        #expect(config.service.resource["deployment.environment"] == "dev")
        #expect(config.processors.sampling.sampler == .parentBasedTraceIDRatio)
        #expect(config.processors.redaction.builtins[.ipv4] == false)
        #expect(config.processors.redaction.masks.first?.pattern == "CUST-[0-9]{8}$")
        #expect(config.exporters.first?.queue.spill.enabled == true)
        #expect(config.exporters.last?.path == "/var/log/otel-sidecar/debug.jsonl")
        #expect(!config.storeIsEnabled)
    }

    @Test func theExampleTakesItsVariables() throws {
        let yaml = try String(contentsOf: repositoryFile("deploy/config/example.yaml"), encoding: .utf8)
        let config = try #require(load(yaml, env: ["DEPLOY_ENV": "prod", "COLLECTOR_API_KEY": "k"]))
        #expect(config.service.resource["deployment.environment"] == "prod")
        #expect(config.exporters.first?.headers["x-api-key"]?.value == "k")
    }

    @Test func theMinimalFileLoads() throws {
        let yaml = try String(contentsOf: repositoryFile("deploy/config/minimal.yaml"), encoding: .utf8)
        let config = try #require(load(yaml))
        #expect(config.receivers.events.socket == ".run/events.sock")
        #expect(config.receivers.otlp.grpc.socket == ".run/otlp-grpc.sock")
        #expect(config.receivers.otlp.http.socket == ".run/otlp-http.sock")
        #expect(config.exporters.map(\.protocol) == [.console])
        #expect(config.logging.level == .info)
    }

    /// The example in docs/configuration.md (the first yaml block after "## Example") loads.
    @Test func theDocumentationExampleLoads() throws {
        let doc = try String(contentsOf: repositoryFile("docs/configuration.md"), encoding: .utf8)
        let section = try #require(doc.range(of: "\n## Example\n"))
        let rest = doc[section.upperBound...]
        let start = try #require(rest.range(of: "```yaml\n"))
        let end = try #require(rest[start.upperBound...].range(of: "```"))
        let config = try #require(load(String(rest[start.upperBound..<end.lowerBound])))
        #expect(config.exporters.map(\.name) == ["otlp", "phoenix"])
        #expect(config.exporters.first?.queue.spill.directory == "/var/lib/otel-sidecar/spill/otlp")
        #expect(config.receivers.otlp.grpc.endpoint == nil)
        #expect(config.processors.redaction.builtins[.ipv4] == false)
    }
}
