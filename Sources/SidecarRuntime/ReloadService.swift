import Logging
import Pipeline
import Redaction
import SidecarConfig
import ServiceLifecycle
import UnixSignals

/// SIGHUP re-reads the configuration and swaps in new processors (redaction, sampling, limits). A bad new
/// configuration keeps the old rules and logs why (key paths only, never values). Other sections need a
/// restart; a change there is logged.
struct ReloadService: Service, CustomStringConvertible {
    let pipeline: Pipeline
    let counters: CounterRegistry
    let logger: Logger
    let load: @Sendable () throws -> SidecarConfiguration

    var description: String { "ReloadService" }

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        let reloads = counters.counter("otel_sidecar_config_reloads_total", [("result", "success")])
        let failures = counters.counter("otel_sidecar_config_reloads_total", [("result", "failure")])
        for await _ in signals.cancelOnGracefulShutdown() {
            do {
                let config = try load()
                let processors = try Processors(config: config.processors, counters: counters)
                pipeline.replaceProcessor(processors)
                reloads.add()
                logger.notice("reloaded the processors section on SIGHUP")
            } catch let e as ConfigErrors {
                failures.add()
                logger.error("reload failed; keeping the previous rules", metadata: ["issues": "\(e.issues.map(\.description).joined(separator: "; "))"])
            } catch {
                failures.add()
                logger.error("reload failed; keeping the previous rules", metadata: ["error": "\(error)"])
            }
        }
    }
}
