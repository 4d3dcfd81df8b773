import Testing
@testable import SidecarConfig

@Suite struct ExpansionTests {
    @Test func variablesDefaultsAndEscapes() throws {
        let yaml = """
            service:
              name: ${NAME}
              resource:
                region: ${REGION:-eu-west-1}
                empty_uses_default: ${EMPTY:-fallback}
                price: "$$5 and $$${NAME}"
                pattern: '^a$'
                mixed: pre-${NAME}-post
            """
        let config = try #require(load(yaml, env: ["NAME": "checkout", "EMPTY": ""]))
        #expect(config.service.name == "checkout")
        #expect(config.service.resource == [
            "region": "eu-west-1",
            "empty_uses_default": "fallback",
            "price": "$5 and $checkout",
            "pattern": "^a$",
            "mixed": "pre-checkout-post",
        ])
    }

    @Test func typedValuesAreExpandedBeforeParsing() throws {
        let yaml = "exporters:\n  - {name: a, protocol: grpc, endpoint: 'http://x:4317', timeout: '${T}', queue: {max_bytes: '${Q:-8MiB}'}}\n"
        let config = try #require(load(yaml, env: ["T": "2s"]))
        #expect(config.exporters.first?.timeout == .seconds(2))
        #expect(config.exporters.first?.queue.maxBytes == 8 << 20)
    }

    @Test func anUnsetVariableWithoutDefaultIsAnIssueWithItsKeyPath() {
        let yaml = """
            service:
              name: ok
            exporters:
              - name: otlp
                protocol: grpc
                endpoint: ${COLLECTOR_URL}
            """
        let issues = loadIssues(yaml)
        #expect(issues.count == 1)
        #expect(issues.first?.keyPath == "exporters[0].endpoint")
        #expect(issues.first?.line == 6)
        #expect(issues.first?.message == "environment variable 'COLLECTOR_URL' is not set (write ${COLLECTOR_URL:-default} to give a default)")
    }

    @Test func aValueCannotInjectStructure() throws {
        let injected = "x\nlogging:\n  level: trace"
        let config = try #require(load("service:\n  name: ${EVIL}\n", env: ["EVIL": injected]))
        #expect(config.service.name == injected)
        #expect(config.logging.level == .info)
    }

    @Test func keysAreNotExpanded() throws {
        let config = try #require(load("service:\n  resource:\n    ${KEY}: v\n", env: ["KEY": "k"]))
        #expect(config.service.resource == ["${KEY}": "v"])
    }

    @Test(arguments: [
        ("${UNCLOSED", "unterminated '${'"),
        ("${1BAD}", "invalid variable name '1BAD'"),
        ("${}", "invalid variable name ''"),
    ])
    func malformedReferencesAreIssues(value: String, message: String) {
        let issues = loadIssues("service:\n  name: '\(value)'\n")
        #expect(issues.count == 1)
        #expect(issues.first?.message.hasPrefix(message) == true, "\(issues)")
        #expect(issues.first?.keyPath == "service.name")
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("a$b", "a$b"),
        ("trailing$", "trailing$"),
        ("$$", "$"),
        ("$${X}", "${X}"),
        ("${X}${X}", "xx"),
        ("${UNSET:-}", ""),
        ("${UNSET:-a:-b}", "a:-b"),
    ])
    func expansionTable(input: String, expected: String) {
        #expect(VariableExpansion.expand(input, environment: ["X": "x"]) == .success(expected))
    }
}
