import Yams

/// The state of one load: issues found so far, the line of every key read from the
/// file, and the key paths any source set explicitly (for required keys and derived defaults).
struct DecodeContext {
    enum Source {
        /// The YAML file: `${VAR}` is expanded, lines are known.
        case file
        /// An `OTEL_*` variable: messages name the variable, no lines.
        case environment
        /// A `--set` flag: taken literally, no lines.
        case override
    }

    let environment: [String: String]
    var source: Source = .file
    var issues: [ConfigIssue] = []
    /// Key path → line of its key in the file.
    var lines: [String: Int] = [:]
    /// Key paths that the file, the environment or an override set.
    var explicit: Set<String> = []
    /// Key path → the variable or `--set` that set it last, when not the file.
    var origins: [String: String] = [:]

    init(environment: [String: String]) {
        self.environment = environment
    }

    mutating func report(_ path: String, _ message: String, node: Node? = nil) {
        switch source {
        case .file:
            issues.append(ConfigIssue(keyPath: path, message: message, line: node?.mark?.line ?? line(for: path)))
        case .environment:
            issues.append(ConfigIssue(keyPath: path, message: message, line: nil))
        case .override:
            issues.append(ConfigIssue(keyPath: path, message: message + " (from --set)", line: nil))
        }
    }

    /// Reports a problem found after loading, at the line of the key when the file set it;
    /// skipped when the key already has an issue (an unset variable, a malformed value), so one
    /// mistake is reported once.
    mutating func reportAtKey(_ path: String, _ message: String) {
        guard !issues.contains(where: { $0.keyPath == path }) else { return }
        if let origin = origins[path] {
            issues.append(ConfigIssue(keyPath: path, message: "\(message) (from \(origin))", line: nil))
        } else {
            issues.append(ConfigIssue(keyPath: path, message: message, line: line(for: path)))
        }
    }

    /// Records that `path` was set, and where: a file line, or `origin` (a variable name) for the
    /// environment, or `--set`.
    mutating func mark(_ path: String, keyNode: Node?, origin: String? = nil) {
        explicit.insert(path)
        switch source {
        case .file:
            if let line = keyNode?.mark?.line { lines[path] = line }
        case .environment:
            origins[path] = origin
        case .override:
            origins[path] = "--set"
        }
    }

    /// Forgets what was recorded below `path` (a list about to be replaced whole).
    mutating func forget(below path: String) {
        explicit = explicit.filter { !$0.hasPrefix(path + "[") && !$0.hasPrefix(path + ".") }
    }

    /// The line of `path`, or of its nearest parent the file set.
    func line(for path: String) -> Int? {
        var current = Substring(path)
        while !current.isEmpty {
            if let line = lines[String(current)] { return line }
            // A list item the file does not have (added by the environment or --set) has no line.
            if current.hasSuffix("]") { return nil }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            current = current[..<cut]
        }
        return nil
    }

    /// A scalar's text (after `${VAR}` expansion for the file), `.null`, or nil when the node is
    /// not a scalar or expansion failed (both reported).
    mutating func scalar(_ node: Node, _ path: String, expected: String) -> ScalarInput? {
        switch node {
        case .scalar(let scalar):
            if scalar.isNull { return .null }
            guard source == .file else { return .text(scalar.string) }
            switch VariableExpansion.expand(scalar.string, environment: environment) {
            case .success(let text): return .text(text)
            case .failure(let error):
                report(path, error.message, node: node)
                return nil
            }
        case .mapping:
            report(path, "expected \(expected), got a mapping", node: node)
        case .sequence:
            report(path, "expected \(expected), got a list", node: node)
        case .alias:
            report(path, "expected \(expected), got an alias", node: node)
        }
        return nil
    }
}

enum ScalarInput: Equatable {
    case text(String)
    case null
}

extension Node.Scalar {
    /// A plain `~`, `null` or empty scalar. Quoted `""` is an empty string, not null.
    var isNull: Bool {
        guard style == .plain || style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(string)
    }
}

/// `parent.child`, or `child` at the root.
func joinPath(_ parent: String, _ key: String) -> String {
    parent.isEmpty ? key : parent + "." + key
}

/// The message for an unknown key, with the closest known key when one is close.
func unknownKeyMessage(_ key: String, known: [String]) -> String {
    let best = key.count > 64 ? nil : known
        .map { (candidate: $0, distance: editDistance(key, $0)) }
        .min { $0.distance < $1.distance }
    let limit = key.count <= 4 ? 1 : key.count <= 8 ? 2 : 3
    if let best, best.distance <= limit {
        return "unknown key '\(excerpt(key))'; did you mean '\(best.candidate)'?"
    }
    return "unknown key '\(excerpt(key))'; expected one of \(known.joined(separator: ", "))"
}

/// Edit distance over characters, counting an adjacent swap as one edit (optimal string alignment).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
            }
        }
    }
    return table[a.count][b.count]
}
