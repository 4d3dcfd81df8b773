import Delivery
import Logging
import SidecarConfig
import SidecarModel
import Testing
@testable import Export

/// URL rules of the OTLP/HTTP exporter (the OTLP exporter specification's endpoint section).
struct EndpointRulesTests {
    static func urls(_ configure: (inout SidecarConfiguration.Exporter) -> Void) throws -> [Signal: String] {
        var e = SidecarConfiguration.Exporter(name: "x", protocol: .httpProtobuf)
        configure(&e)
        return try HTTPExportTargets.make(e).urls
    }

    @Test(arguments: [
        ("http://collector:4318", "http://collector:4318/v1/traces"),
        ("http://collector:4318/", "http://collector:4318/v1/traces"),
        ("https://collector/otlp//", "https://collector:443/otlp/v1/traces"),
        ("http://[::1]:4318/base", "http://[::1]:4318/base/v1/traces"),
        ("unix:///run/otel.sock", "http+unix://%2Frun%2Fotel.sock/v1/traces"),
        ("http+unix://%2Frun%2Fotel.sock/api", "http+unix://%2Frun%2Fotel.sock/api/v1/traces"),
    ])
    func baseEndpointGetsV1Signal(endpoint: String, expected: String) throws {
        #expect(try Self.urls { $0.endpoint = endpoint }[.traces] == expected)
    }

    @Test func signalEndpointsAreUsedAsGiven() throws {
        let urls = try Self.urls {
            $0.endpoint = "http://base:4318"
            $0.tracesEndpoint = "http://traces:9411/api/v2/otlp"
            $0.metricsEndpoint = "http://metrics:9090"
        }
        #expect(urls[.traces] == "http://traces:9411/api/v2/otlp")
        #expect(urls[.metrics] == "http://metrics:9090/")
        #expect(urls[.logs] == "http://base:4318/v1/logs")
    }

    @Test func serverNameBecomesTheURLHostAndTheRealHostAnOverride() throws {
        var e = SidecarConfiguration.Exporter(name: "x", protocol: .httpJSON, endpoint: "https://10.0.0.5:4318")
        e.tls.serverName = "collector.internal"
        let t = try HTTPExportTargets.make(e)
        #expect(t.urls[.logs] == "https://collector.internal:4318/v1/logs")
        #expect(t.dnsOverride == ["collector.internal": "10.0.0.5"])
    }

    @Test func onlyConfiguredSignalsHaveAURL() throws {
        let urls = try Self.urls { $0.endpoint = "http://c:4318"; $0.signals = [.logs] }
        #expect(urls.keys.sorted { $0.rawValue < $1.rawValue } == [.logs])
    }

    @Test(arguments: [SidecarConfiguration.ExporterProtocol.grpc, .httpProtobuf])
    func badEndpointFailsWithItsKey(proto: SidecarConfiguration.ExporterProtocol) {
        var e = SidecarConfiguration.Exporter(name: "x", protocol: proto, endpoint: "http://c:4318")
        e.tracesEndpoint = "ftp://nope"
        do {
            _ = try ExportClients.make(for: e, logger: Logger(label: "t"))
            Issue.record("expected a setup error")
        } catch {
            #expect(error.key == "traces_endpoint")
            #expect(error.exporter == "x")
        }
    }

    @Test func grpcSharesOneConnectionServicePerExporter() throws {
        var e = SidecarConfiguration.Exporter(name: "g", protocol: .grpc, endpoint: "http://127.0.0.1:4317")
        e.logsEndpoint = "unix:///tmp/other.sock"
        let made = try ExportClients.make(for: e, logger: Logger(label: "t"))
        #expect(made.services.count == 1)
        #expect(made.services.first is GRPCConnectionsService)
    }
}
