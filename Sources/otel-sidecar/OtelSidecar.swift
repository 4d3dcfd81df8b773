#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Logging
import MetricStore
import SidecarConfig
import Redaction
import SidecarRuntime

@main
struct OtelSidecar: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "otel-sidecar",
        abstract: "An OTLP sidecar collector: receives telemetry from a proxy, masks PII, and forwards it.",
        discussion: "Exit codes: 0 clean exit, 1 runtime failure, 2 invalid configuration, 64 bad command line.",
        version: SidecarVersion.string,
        subcommands: [Run.self, Validate.self, ShowConfig.self, Redact.self, HealthCheck.self, Version.self],
        defaultSubcommand: Run.self
    )
}

/// Options shared by the commands that load a configuration.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the YAML configuration file (defaults apply without one).")
    var config: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override one key, e.g. --set logging.level=debug (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    @Option(name: .long, help: "Log format: json or text (default: json unless stderr is a terminal).")
    var logFormat: String?

    /// Flags are the highest precedence: --log-level/--log-format are overrides like --set.
    var allOverrides: [String] {
        var o = overrides
        if let logLevel { o.append("logging.level=\(logLevel)") }
        if let logFormat { o.append("logging.format=\(logFormat)") }
        return o
    }

    /// Loads again for a SIGHUP reload: errors are thrown to the caller (which keeps the old rules).
    func loadQuietly() throws -> SidecarConfiguration {
        let yaml = try config.map { try readFile($0) }
        return try ConfigLoader.load(yaml: yaml, environment: ProcessEnvironment.current, overrides: allOverrides)
            .resolvingSecretFiles(readFile: SidecarConfiguration.readTextFile)
    }

    func load() throws -> SidecarConfiguration {
        var yaml: String?
        if let config {
            do {
                yaml = try readFile(config)
            } catch {
                printError("error: cannot read \(config): \(error)")
                throw ExitCode(2)
            }
        }
        do {
            return try ConfigLoader.load(yaml: yaml, environment: ProcessEnvironment.current, overrides: allOverrides)
                .resolvingSecretFiles(readFile: SidecarConfiguration.readTextFile)
        } catch {
            printError("invalid configuration\(config.map { " in \($0)" } ?? ""):")
            for issue in error.issues { printError("  \(issue)") }
            throw ExitCode(2)
        }
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the sidecar (the default command).")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        let logger = LogBootstrap.bootstrapSidecar(config.logging)
        let loader = options
        let app = SidecarApp(config: config, logger: logger, reloadConfiguration: { try loader.loadQuietly() })
        do {
            try await app.run(onReady: { addresses in Banner.print(addresses) })
        } catch let e as SidecarApp.StartupError {
            logger.error("cannot start", metadata: ["error": "\(e.description)"])
            printError("error: \(e.description)")
            throw ExitCode(1)
        } catch {
            logger.error("stopped with an error", metadata: ["error": "\(error)"])
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a configuration: every error with its key path (exit 2 if any).")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let config = try options.load()
        // Patterns are compiled here too, so a bad regular expression is caught before deploying.
        let issues = Processors.check(config.processors) + MetricStoreConfig.check(config)
        if !issues.isEmpty {
            printError("invalid configuration\(options.config.map { " in \($0)" } ?? ""):")
            for issue in issues { printError("  \(issue)") }
            throw ExitCode(2)
        }
        print("configuration is valid")
    }
}

struct ShowConfig: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Print the effective configuration (secrets shown as <redacted>).")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        print(try options.load().renderYAML(redactSecrets: true), terminator: "")
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")

    func run() {
        print("otel-sidecar \(SidecarVersion.string)")
    }
}

func printError(_ s: String) {
    writeStderr(s + "\n")
}

func readFile(_ path: String) throws -> String {
    guard let f = fopen(path, "rb") else { throw FileError(description: String(cString: strerror(errno))) }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
        if n < chunk.count { break }
    }
    return String(decoding: bytes, as: UTF8.self)
}

struct FileError: Error, CustomStringConvertible {
    var description: String
}

enum ProcessEnvironment {
    static var current: [String: String] {
        var env: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return env
    }
}
