import Foundation

extension SidecarConfiguration {
    /// Reads the secret files: each exporter's `headers_file` (its entries are the base; `headers`
    /// from the file or the environment override entries of the same name) and
    /// `processors.redaction.hash_key_file` (its text without surrounding whitespace becomes
    /// `hash_key`). Call it after ``ConfigLoader/load(yaml:environment:overrides:)`` when starting.
    /// Issues never quote the files' contents.
    public func resolvingSecretFiles(
        readFile: (String) throws -> String = SidecarConfiguration.readTextFile
    ) throws(ConfigErrors) -> SidecarConfiguration {
        var config = self
        var issues: [ConfigIssue] = []
        for index in config.exporters.indices {
            guard let path = config.exporters[index].headersFile else { continue }
            let keyPath = "exporters[\(index)].headers_file"
            guard let text = try? readFile(path) else {
                issues.append(ConfigIssue(keyPath: keyPath, message: "cannot read '\(path)'"))
                continue
            }
            switch Self.parseHeadersFile(text) {
            case .success(let headers):
                config.exporters[index].headers = headers.merging(config.exporters[index].headers) { _, inline in inline }
            case .failure(let failure):
                issues.append(ConfigIssue(keyPath: keyPath, message: "'\(path)': \(failure.message)"))
            }
        }
        if let path = config.processors.redaction.hashKeyFile {
            let keyPath = "processors.redaction.hash_key_file"
            if let text = try? readFile(path) {
                let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if key.isEmpty {
                    issues.append(ConfigIssue(keyPath: keyPath, message: "'\(path)' is empty"))
                } else {
                    config.processors.redaction.hashKey = Secret(key)
                }
            } else {
                issues.append(ConfigIssue(keyPath: keyPath, message: "cannot read '\(path)'"))
            }
        }
        guard issues.isEmpty else { throw ConfigErrors(issues: issues) }
        return config
    }

    /// Reads a UTF-8 text file.
    public static func readTextFile(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    struct HeadersFileFailure: Error, Equatable {
        var message: String
    }

    /// `Name: value` lines; blank lines and lines starting with `#` are skipped.
    static func parseHeadersFile(_ text: String) -> Result<[String: Secret], HeadersFileFailure> {
        var headers: [String: Secret] = [:]
        for (number, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                return .failure(HeadersFileFailure(message: "line \(number + 1): expected 'Name: value'"))
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard case .success = ValueCodec<String>.headerName.parse(name) else {
                return .failure(HeadersFileFailure(message: "line \(number + 1): invalid header name"))
            }
            headers[name] = Secret(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return .success(headers)
    }
}
