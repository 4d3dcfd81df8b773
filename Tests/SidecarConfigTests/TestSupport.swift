import Foundation
import Testing
@testable import SidecarConfig

typealias Config = SidecarConfiguration

/// Loads and expects success, recording the issues as the failure when there are any.
func load(_ yaml: String?, env: [String: String] = [:], overrides: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) -> Config? {
    do {
        return try ConfigLoader.load(yaml: yaml, environment: env, overrides: overrides)
    } catch {
        Issue.record("unexpected configuration errors:\n\(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Loads and expects failure; returns the issues (empty, with a recorded failure, on success).
func loadIssues(_ yaml: String?, env: [String: String] = [:], overrides: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigIssue] {
    do {
        _ = try ConfigLoader.load(yaml: yaml, environment: env, overrides: overrides)
        Issue.record("expected configuration errors, but it loaded", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.issues
    }
}

/// The repository root, from this file's real location (the test folder may be reached through a symlink).
func repositoryFile(_ relativePath: String) -> URL {
    URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(relativePath)
}
