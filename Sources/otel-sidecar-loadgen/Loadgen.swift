import ArgumentParser

/// `otel-sidecar-loadgen`: load generator, event-socket write latency and a counting OTLP sink (issue #8).
@main
struct Loadgen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "otel-sidecar-loadgen",
        abstract: "Benchmark tools for otel-sidecar: a load generator, an event-socket latency probe and a counting OTLP sink.",
        subcommands: [Send.self, WriteLatency.self, Sink.self]
    )
}
