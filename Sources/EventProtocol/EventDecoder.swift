#if canImport(Glibc)
import Glibc
#endif
import OTLPWire
import SidecarModel

/// Decodes event-protocol lines: one JSON object per line, `"type"` naming `span`, `metric`, `log` or
/// `resource`. Field names follow OTLP/JSON; attributes are a flat JSON object.
public struct EventDecoder: Sendable {
    public var limits: EventLimits
    /// Source of ids for spans sent without them, and of "now" for missing times.
    public var clock: @Sendable () -> UInt64
    public var randomID: @Sendable () -> UInt64

    public init(limits: EventLimits = EventLimits(), clock: @escaping @Sendable () -> UInt64 = EventDecoder.wallClockNanos,
                randomID: @escaping @Sendable () -> UInt64 = { UInt64.random(in: 1...UInt64.max) }) {
        self.limits = limits
        self.clock = clock
        self.randomID = randomID
    }

    public static let wallClockNanos: @Sendable () -> UInt64 = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Decodes one line (without its newline).
    public func decode(_ line: UnsafeRawBufferPointer) throws(EventError) -> Event {
        guard line.count <= limits.maxLineBytes else {
            throw EventError(.lineTooLong, "line of \(line.count) bytes exceeds max_line_bytes \(limits.maxLineBytes)")
        }
        guard let base = line.baseAddress, line.count > 0 else { throw EventError(.invalidJSON, "empty line") }
        var s = JSONScanner(base: base.assumingMemoryBound(to: UInt8.self), count: line.count, maxDepth: limits.maxDepth + 1)
        var fields = LineFields()
        do throws(WireError) {
            try fields.scan(&s, limits: limits)
            try s.expectEnd()
        } catch {
            throw Self.translate(error)
        }
        return try fields.build(self)
    }

    public func decode(_ line: [UInt8]) throws(EventError) -> Event {
        var result: Result<Event, EventError>!
        line.withUnsafeBytes { raw in
            do throws(EventError) { result = .success(try decode(raw)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    public func decode(_ line: String) throws(EventError) -> Event {
        try decode(Array(line.utf8))
    }

    static func translate(_ e: WireError) -> EventError {
        switch e.code {
        case .invalidUTF8: return EventError(.invalidUTF8, "\(e.message) at byte \(e.offset)")
        case .depthExceeded: return EventError(.tooDeep, "\(e.message) at byte \(e.offset)")
        case .tooLarge: return EventError(.tooManyAttributes, "\(e.message) at byte \(e.offset)")
        case .wrongType: return EventError(.wrongType, "\(e.message) at byte \(e.offset)")
        case .invalidID, .invalidNumber: return EventError(.invalidValue, "\(e.message) at byte \(e.offset)")
        default: return EventError(.invalidJSON, "\(e.message) at byte \(e.offset)")
        }
    }
}
