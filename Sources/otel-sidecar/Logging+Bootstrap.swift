#if canImport(Glibc)
import Glibc
#endif
import Logging
import SidecarConfig
import SidecarRuntime

enum LogBootstrap {
    /// Bootstraps swift-log once for the process: JSON lines unless stderr is a terminal (format `auto`).
    static func bootstrapSidecar(_ settings: SidecarConfiguration.LogSettings) -> Logger {
        let level = Logger.Level(rawValue: settings.level.rawValue) ?? .info
        let json: Bool
        switch settings.format {
        case .json: json = true
        case .text: json = false
        case .auto: json = isatty(STDERR_FILENO) == 0
        }
        LoggingSystem.bootstrap { label in
            SidecarLogHandler(label: label, level: level, format: json ? .json : .text)
        }
        return Logger(label: "otel-sidecar")
    }
}
