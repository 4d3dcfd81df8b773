import Testing
@testable import SidecarConfig

@Suite struct SecretsTests {
    let yaml = """
        processors:
          redaction:
            hash_key: hash-SECRET-1
        exporters:
          - name: vendor
            protocol: http/protobuf
            endpoint: https://vendor:4318
            headers: {authorization: Bearer header-SECRET-2}
        """

    @Test func renderYAMLRedactsHeaderValuesAndTheHashKey() throws {
        let config = try #require(load(yaml, env: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_EXPORTER_OTLP_HEADERS": "x-token=env-SECRET-3"]))
        let text = config.renderYAML()
        for secret in ["hash-SECRET-1", "header-SECRET-2", "env-SECRET-3", "SECRET"] {
            #expect(!text.contains(secret))
        }
        #expect(text.contains("authorization: \"<redacted>\""))
        #expect(text.contains("x-token: \"<redacted>\""))
        #expect(text.contains("hash_key: \"<redacted>\""))
        #expect(config.renderYAML(redactSecrets: false).contains("Bearer header-SECRET-2"))
    }

    @Test func printingTheConfigurationDoesNotShowSecrets() throws {
        let config = try #require(load(yaml))
        #expect(!String(describing: config).contains("SECRET"))
        #expect(!String(reflecting: config).contains("SECRET"))
        #expect(config.exporters[0].headers["authorization"]?.value == "Bearer header-SECRET-2")
    }

    @Test func secretFilesAreReadThroughTheGivenReader() throws {
        let yaml = """
            processors:
              redaction:
                hash_key_file: /secrets/hash
                masks: [{name: id, pattern: 'ID-[0-9]+', action: hash}]
            exporters:
              - name: vendor
                protocol: grpc
                endpoint: https://vendor:4317
                headers: {x-inline: inline}
                headers_file: /secrets/headers
            """
        let files = [
            "/secrets/hash": "  key-from-file\n",
            "/secrets/headers": "# vendor auth\nx-api-key: abc:def\r\n\nx-inline: from-file\n",
        ]
        let config = try #require(load(yaml)).resolvingSecretFiles { path in
            guard let text = files[path] else { throw CocoaLikeError() }
            return text
        }
        #expect(config.processors.redaction.hashKey?.value == "key-from-file")
        #expect(config.exporters[0].headers == ["x-api-key": .init("abc:def"), "x-inline": .init("inline")])
    }

    @Test func unreadableOrMalformedSecretFilesAreIssuesWithoutTheirContent() throws {
        let yaml = """
            processors: {redaction: {hash_key_file: /missing}}
            exporters:
              - {name: a, protocol: grpc, endpoint: 'http://a:4317', headers_file: /bad}
            """
        let config = try #require(load(yaml))
        #expect(throws: ConfigErrors.self) {
            try config.resolvingSecretFiles { path in
                guard path == "/bad" else { throw CocoaLikeError() }
                return "x-ok: fine\nthis-line-is-a-SECRET-without-colon\n"
            }
        }
        do {
            _ = try config.resolvingSecretFiles { path in
                guard path == "/bad" else { throw CocoaLikeError() }
                return "x-ok: fine\nthis-line-is-a-SECRET-without-colon\n"
            }
        } catch {
            #expect(error.issues.map(\.description) == [
                "exporters[0].headers_file: '/bad': line 2: expected 'Name: value'",
                "processors.redaction.hash_key_file: cannot read '/missing'",
            ])
        }
    }

    struct CocoaLikeError: Error {}
}
