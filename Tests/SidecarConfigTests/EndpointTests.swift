import Testing
@testable import SidecarConfig

@Suite struct EndpointTests {
    typealias Endpoint = Config.ExporterEndpoint

    @Test(arguments: [
        ("http://jaeger:4317", Config.ExporterProtocol.grpc, false, Endpoint(transport: .tcp(host: "jaeger", port: 4317), usesTLS: false, path: "")),
        ("https://c.example.com", .grpc, false, Endpoint(transport: .tcp(host: "c.example.com", port: 443), usesTLS: true, path: "")),
        ("collector:4317", .grpc, false, Endpoint(transport: .tcp(host: "collector", port: 4317), usesTLS: true, path: "")),
        ("collector:4317", .grpc, true, Endpoint(transport: .tcp(host: "collector", port: 4317), usesTLS: false, path: "")),
        ("unix:///run/c.sock", .grpc, false, Endpoint(transport: .unix(path: "/run/c.sock"), usesTLS: false, path: "")),
        ("http://[::1]:4318/otlp", .httpProtobuf, false, Endpoint(transport: .tcp(host: "::1", port: 4318), usesTLS: false, path: "/otlp")),
        ("http+unix://%2Frun%2Fc.sock/v1/traces", .httpJSON, false, Endpoint(transport: .unix(path: "/run/c.sock"), usesTLS: false, path: "/v1/traces")),
        ("unix:///run/h.sock", .httpProtobuf, false, Endpoint(transport: .unix(path: "/run/h.sock"), usesTLS: false, path: "")),
    ])
    func endpointsParse(text: String, protocol: Config.ExporterProtocol, insecure: Bool, expected: Endpoint) throws {
        #expect(try Endpoint.parse(text, protocol: `protocol`, insecure: insecure).get() == expected)
    }

    @Test(arguments: [
        ("collector:4318", Config.ExporterProtocol.httpProtobuf),
        ("ftp://x:1", .grpc),
        ("http://x:4317/path", .grpc),
        ("http+unix://%2Fs.sock", .grpc),
        ("http://x:70000", .httpProtobuf),
        ("http://x:0", .httpProtobuf),
        ("http://user:pass@x:1", .httpProtobuf),
        ("http://x:1/?q=1", .httpProtobuf),
        ("unix://relative.sock", .grpc),
        ("http://::1:4318", .httpProtobuf),
        ("http://:4318", .httpProtobuf),
        ("collector", .grpc),
    ])
    func endpointsReject(text: String, protocol: Config.ExporterProtocol) {
        #expect(throws: Config.EndpointError.self) { try Endpoint.parse(text, protocol: `protocol`, insecure: false).get() }
    }

    @Test(arguments: [("127.0.0.1:4317", "127.0.0.1", 4317), ("[::1]:0", "::1", 0), ("localhost:65535", "localhost", 65535)])
    func listenAddressesParse(text: String, host: String, port: Int) throws {
        let address = try ListenAddressParser.parse(text).get()
        #expect(address == Config.ListenAddress(host: host, port: port))
        #expect(address.description == text)
    }

    @Test(arguments: ["127.0.0.1", ":4317", "::1:4317", "[::1]", "host:65536", "host:-1", "host:http", "[::1]x:1", "a b:1", ""])
    func listenAddressesReject(text: String) {
        #expect(throws: Config.EndpointError.self) { try ListenAddressParser.parse(text).get() }
    }

    @Test func exporterEndpointErrorsPointAtTheKey() {
        let yaml = """
            exporters:
              - name: a
                protocol: grpc
                traces_endpoint: http+unix://%2Fx.sock
                endpoint: http://ok:4317
            """
        let issues = loadIssues(yaml)
        #expect(issues.map(\.description) == [
            "exporters[0].traces_endpoint (line 4): http+unix:// is for the http protocols; for grpc write unix:///path.sock",
        ])
    }

    @Test func consoleTakesPathNotEndpoint() {
        let issues = loadIssues("exporters:\n  - {name: c, protocol: console, endpoint: 'http://x:1'}\n  - {name: d, protocol: grpc, endpoint: 'http://x:1', path: /tmp/x}\n")
        #expect(issues.map(\.keyPath) == ["exporters[0].endpoint", "exporters[1].path"])
    }
}
