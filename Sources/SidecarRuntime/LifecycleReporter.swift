import Logging
import Pipeline
import ServiceLifecycle

/// Announces readiness once every listener is bound (log line, `onReady`, systemd `READY=1`) and marks the
/// sidecar as shutting down (readiness false, `STOPPING=1`) when graceful shutdown starts.
struct LifecycleReporter: Service {
    let readiness: Readiness
    let logger: Logger
    let notifySocket: String?
    let onReady: @Sendable ([(String, String)]) -> Void

    func run() async throws {
        // Poll briefly rather than park on a continuation: this stays cancellable if startup fails.
        while !readiness.isReady {
            try await Task.sleep(for: .milliseconds(5))
        }
        let addresses = readiness.addresses
        logger.info("ready", metadata: ["listeners": "\(addresses.map { "\($0.0)=\($0.1)" }.joined(separator: ","))"])
        SystemdNotify.send("READY=1", socketPath: notifySocket)
        onReady(addresses)
        try? await gracefulShutdown()
        readiness.markShuttingDown()
        SystemdNotify.send("STOPPING=1", socketPath: notifySocket)
        logger.info("shutting down")
    }
}

extension LifecycleReporter: CustomStringConvertible {
    var description: String { "LifecycleReporter" }
}
