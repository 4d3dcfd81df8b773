#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Pipeline
import Redaction
import SidecarConfig

/// `otel-sidecar redact --config F`: masks each line of stdin with the configuration's redaction rules and
/// prints it, so operators can test their rules before deploying.
struct Redact: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Mask lines from stdin with the redaction rules of --config and print them.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let config = try options.load()
        let processors: Processors
        do {
            processors = try Processors(config: config.processors, counters: CounterRegistry())
        } catch {
            printError("invalid configuration:")
            for issue in error.issues { printError("  \(issue)") }
            throw ExitCode(2)
        }
        while let line = readLine(strippingNewline: true) {
            print(processors.redactLine(line))
        }
    }
}
