import CPCRE2
import Synchronization

/// A compile error for a pattern: PCRE2's message and the byte offset in the pattern.
struct PatternError: Error, Sendable, Equatable {
    var message: String
    var offset: Int
}

/// A compiled PCRE2 pattern (JIT when available), shared read-only by every thread.
///
/// Two codes are kept: the pattern as written, used for short subjects, and a guarded copy that
/// starts with a callout so a scan of a long subject can be stopped at its time budget.
final class PCRE2Pattern: @unchecked Sendable {
    // Immutable after init; PCRE2 documents compiled patterns as safe for concurrent matching.
    private let plain: OpaquePointer
    private let guarded: OpaquePointer
    private let plainJIT: Int32
    private let guardedJIT: Int32
    let source: String

    /// Subjects at least this long are scanned with the guarded code.
    static let guardThreshold = 4096

    init(_ pattern: String) throws(PatternError) {
        source = pattern
        plain = try Self.compile(pattern)
        do {
            guarded = try Self.compile(Self.guardedSource(pattern))
        } catch {
            cpcre2_code_free(plain)
            throw error
        }
        plainJIT = cpcre2_jit_compile(plain) == 0 ? 1 : 0
        guardedJIT = cpcre2_jit_compile(guarded) == 0 ? 1 : 0
    }

    deinit {
        cpcre2_code_free(plain)
        cpcre2_code_free(guarded)
    }

    /// Whether the JIT compiled the pattern (else the interpreter runs it, with depth and heap limits).
    var isJIT: Bool { plainJIT == 1 }

    /// One match of the pattern in `subject` from `offset`.
    @inline(__always)
    func match(_ subject: UnsafeBufferPointer<UInt8>, from offset: Int, scratch: PCRE2Scratch) -> MatchOutcome {
        var start = 0
        var end = 0
        let long = subject.count >= Self.guardThreshold
        let rc = cpcre2_match(
            long ? guarded : plain, long ? guardedJIT : plainJIT, subject.baseAddress, subject.count, offset,
            scratch.raw, &start, &end
        )
        if rc > 0 { return .found(start: start, end: max(start, end)) }
        if rc == CPCRE2_NOMATCH { return .none }
        return .limit(code: rc)
    }

    private static func compile(_ pattern: String) throws(PatternError) -> OpaquePointer {
        var errorCode: Int32 = 0
        var errorOffset = 0
        var bytes = Array(pattern.utf8)
        let code = bytes.withUnsafeMutableBufferPointer { buffer in
            cpcre2_compile(buffer.baseAddress, buffer.count, &errorCode, &errorOffset)
        }
        guard let code else {
            throw PatternError(message: errorMessage(errorCode), offset: errorOffset)
        }
        return code
    }

    /// Inserts `(?C255)` after any leading `(*VERB)` items (which must stay first).
    static func guardedSource(_ pattern: String) -> String {
        var rest = Substring(pattern)
        var prefix = ""
        while rest.hasPrefix("(*"), let close = rest.firstIndex(of: ")") {
            prefix += rest[...close]
            rest = rest[rest.index(after: close)...]
        }
        return prefix + "(?C255)" + rest
    }

    static func errorMessage(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBufferPointer { cpcre2_error_message(code, $0.baseAddress, $0.count) }
        guard n > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(n)], as: UTF8.self)
    }
}

enum MatchOutcome: Equatable {
    case none
    case found(start: Int, end: Int)
    /// A match or depth limit, the JIT stack limit or the time budget: the scan is abandoned.
    case limit(code: Int32)
}

/// Limits shared by every scratch of one redactor.
struct MatchLimits: Sendable, Equatable {
    /// `match_limit`: PCRE2's backtracking budget per match attempt.
    var matchLimit: UInt32
    /// Interpreter recursion depth (the JIT is bounded by its stack instead).
    var depthLimit: UInt32 = 10_000
    /// Interpreter heap, KiB.
    var heapLimitKiB: UInt32 = 20_480
    /// The JIT stack's maximum size, bytes.
    var jitStackBytes: Int = 1 << 20
    /// Wall-clock budget for one rule's scan of one long value (guarded code only), nanoseconds.
    var scanBudgetNanos: UInt64 = 100_000_000
}

/// Per-caller match state (match data, a context carrying the limits, a JIT stack). Never shared:
/// a caller takes one from the pool for a batch and gives it back.
final class PCRE2Scratch: @unchecked Sendable {
    let raw: UnsafeMutablePointer<cpcre2_scratch>
    let limits: MatchLimits
    /// Strings found clean, remembered for this scratch's next batches.
    let cleanCache = CleanStringCache()
    /// Key-rule decisions for keys seen before, for this scratch's next batches.
    let keyCache = KeyDecisionCache()

    init(limits: MatchLimits) {
        self.limits = limits
        raw = .allocate(capacity: 1)
        raw.initialize(to: cpcre2_scratch())
        // Fails only when malloc does (a few hundred bytes); a missing JIT stack falls back to PCRE2's
        // bounded 32 KiB default.
        let rc = cpcre2_scratch_init(raw, limits.matchLimit, limits.depthLimit, limits.heapLimitKiB, limits.jitStackBytes)
        // safe: fails only when malloc of a few hundred bytes fails; there is no way to go on then.
        precondition(rc == 0, "out of memory creating PCRE2 match data")
    }

    deinit {
        cpcre2_scratch_free(raw)
        raw.deinitialize(count: 1)
        raw.deallocate()
    }

    /// Starts the time budget for one scan of a long subject.
    @inline(__always)
    func startBudget() {
        raw.pointee.guard.deadline_ns = cpcre2_monotonic_ns() &+ limits.scanBudgetNanos
        raw.pointee.guard.calls = 0
    }
}

/// A small pool of scratches: one lock round per batch, never per string.
final class ScratchPool: Sendable {
    private let free = Mutex<[PCRE2Scratch]>([])
    let limits: MatchLimits
    /// Kept at most; extra scratches (more concurrent callers than this) are released.
    private let keep = 64

    init(limits: MatchLimits) {
        self.limits = limits
    }

    func withScratch<R>(_ body: (PCRE2Scratch) -> R) -> R {
        let scratch = free.withLock { $0.popLast() } ?? PCRE2Scratch(limits: limits)
        defer {
            free.withLock { pool in
                if pool.count < keep { pool.append(scratch) }
            }
        }
        return body(scratch)
    }
}
