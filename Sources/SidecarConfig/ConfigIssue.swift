/// One problem in the configuration, with where it is.
public struct ConfigIssue: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key path, e.g. `exporters[1].queue.max_bytes`; empty for the document itself.
    public var keyPath: String
    /// What is wrong, never including a secret value.
    public var message: String
    /// The line in the YAML file, when the problem comes from the file.
    public var line: Int?

    public init(keyPath: String, message: String, line: Int? = nil) {
        self.keyPath = keyPath
        self.message = message
        self.line = line
    }

    /// `exporters[1].queue.max_bytes (line 12): expected a size such as 64MiB, got 'lots'`.
    public var description: String {
        let place = keyPath.isEmpty ? "<document>" : keyPath
        if let line { return "\(place) (line \(line)): \(message)" }
        return "\(place): \(message)"
    }
}

/// Every problem found while loading, in the order found (file, environment, overrides, then
/// checks across keys). Loading never stops at the first one.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(issues: [ConfigIssue]) {
        self.issues = issues
    }

    /// One issue per line.
    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
