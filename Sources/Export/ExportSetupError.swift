/// An exporter that cannot be built from its configuration: `exporters[<name>].<key>: <message>`.
/// Never carries a header value.
public struct ExportSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    public var exporter: String
    /// The configuration key, relative to the exporter (`endpoint`, `traces_endpoint`, `tls.ca_file`, `path`).
    public var key: String
    public var message: String

    public init(exporter: String, key: String, message: String) {
        self.exporter = exporter
        self.key = key
        self.message = message
    }

    public var description: String { "exporters[\(exporter)].\(key): \(message)" }
}
