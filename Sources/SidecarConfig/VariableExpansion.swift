import Foundation

/// `${VAR}` and `${VAR:-default}` in scalar values of the YAML file, after parsing, so a
/// variable's value can never change the YAML structure. `$$` is a literal `$`; a `$` not
/// followed by `{` or `$` stays as it is (so `^abc$` in a pattern needs no escaping).
/// `:-` uses the default when the variable is unset or empty, as in the shell. The default is
/// literal text up to the first `}`; the result is not expanded again.
enum VariableExpansion {
    struct Failure: Error, Equatable {
        var message: String
    }

    static func expand(_ text: String, environment: [String: String]) -> Result<String, Failure> {
        guard text.contains("$") else { return .success(text) }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex else {
                output.append(character)
                index = next
                continue
            }
            if text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
                continue
            }
            guard text[next] == "{" else {
                output.append(character)
                index = next
                continue
            }
            let bodyStart = text.index(after: next)
            guard let close = text[bodyStart...].firstIndex(of: "}") else {
                return .failure(Failure(message: "unterminated '${' (write '$$' for a literal '$')"))
            }
            let body = text[bodyStart..<close]
            let name: Substring
            let fallback: Substring?
            if let separator = body.range(of: ":-") {
                name = body[..<separator.lowerBound]
                fallback = body[separator.upperBound...]
            } else {
                name = body
                fallback = nil
            }
            guard isValidName(name) else {
                return .failure(Failure(message: "invalid variable name '\(excerpt(String(name)))' in '${…}'; names are letters, digits and '_', not starting with a digit"))
            }
            let value = environment[String(name)]
            if let fallback, value == nil || value == "" {
                output += fallback
            } else if let value {
                output += value
            } else {
                return .failure(Failure(message: "environment variable '\(name)' is not set (write ${\(name):-default} to give a default)"))
            }
            index = text.index(after: close)
        }
        return .success(output)
    }

    /// `$` → `$$`, so rendered text loads back to itself.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "$", with: "$$")
    }

    private static func isValidName(_ name: Substring) -> Bool {
        guard let first = name.unicodeScalars.first, !(first >= "0" && first <= "9") else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar == "_" || (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
        }
    }
}
