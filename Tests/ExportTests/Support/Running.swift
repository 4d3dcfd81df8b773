import Logging
import ServiceLifecycle

/// Runs `services` in a `ServiceGroup` around `body`, then shuts them down gracefully (as the sidecar does).
func withServices<T>(_ services: [any Service], logger: Logger = Logger(label: "test"), _ body: () async throws -> T) async throws -> T {
    let group = ServiceGroup(services: services, gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let result = try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}
