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
            json ? AnyLogHandler(JSONLogHandler(label: label, level: level)) : AnyLogHandler(TextLogHandler(label: label, level: level))
        }
        return Logger(label: "otel-sidecar")
    }
}

/// Type erasure so the bootstrap closure returns one type.
struct AnyLogHandler: LogHandler {
    var base: any LogHandler

    init(_ base: any LogHandler) { self.base = base }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        base.log(event: event)
    }
}
