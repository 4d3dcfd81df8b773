#if canImport(Glibc)
import Glibc
#endif
import SidecarConfig
import SidecarModel
import Synchronization

/// The optional on-disk buffer of one exporter: an append-only log of checksummed records per signal, in
/// segment files under a byte budget.
///
/// Layout: `<directory>/LOCK` (held with `flock` while open: one process per directory),
/// `<directory>/<signal>/<16 hex digits>.seg` (segments, written in order) and `<directory>/<signal>/cursor`
/// (the read position: segment number, offset and a CRC). Records are read in order, and a read is only
/// *committed* (the cursor moved, a fully read segment deleted) once its batch has been delivered or
/// counted, so a crash can repeat a batch but never skip one (at-least-once).
///
/// Opening recovers what a previous run left: every record is checked; at the first bad one (torn write,
/// flipped bits, garbage) the segment is truncated there and the loss is counted, never fatal.
public final class DiskSpill: Sendable {
    public struct Settings: Sendable, Equatable {
        public var directory: String
        /// The budget: all segment files together stay at or below this.
        public var maxBytes: Int
        public var fsync: SidecarConfiguration.FsyncPolicy
        public var fsyncInterval: Duration
        /// A segment is closed and a new one started past this size (default: budget / 16, 256 KiB…64 MiB).
        /// Space comes back one whole segment at a time, once every record in it was delivered.
        public var segmentBytes: Int

        public init(directory: String, maxBytes: Int = 1 << 30, fsync: SidecarConfiguration.FsyncPolicy = .interval,
                    fsyncInterval: Duration = .seconds(1), segmentBytes: Int? = nil) {
            self.directory = directory
            self.maxBytes = max(0, maxBytes)
            self.fsync = fsync
            self.fsyncInterval = fsyncInterval
            self.segmentBytes = segmentBytes ?? min(64 << 20, max(256 << 10, maxBytes / 16))
        }

        public init(_ c: SidecarConfiguration.Exporter.Spill) {
            self.init(directory: c.directory, maxBytes: c.maxBytes, fsync: c.fsync, fsyncInterval: c.fsyncInterval)
        }
    }

    /// What opening found on disk.
    public struct Recovery: Sendable, Equatable {
        /// Valid records not yet delivered, per signal.
        public var records = SignalCounts()
        /// Their items, per signal: delivered first.
        public var items = SignalCounts()
        /// Bytes of the segments kept.
        public var bytes = 0
        /// Segments cut at a bad record, and the bytes cut off.
        public var truncatedSegments = 0
        public var truncatedBytes = 0
        /// Cursor files that were unreadable or did not point at a record (their segment is read again).
        public var ignoredCursors = 0
    }

    /// Records read for one batch; commit it once the batch was delivered or counted.
    public struct Read: Sendable {
        public var batch: EncodedBatch
        public var records: Int
        let seq: UInt64
        let start: Int
        let end: Int
    }

    public enum ReadResult: Sendable {
        case batch(Read)
        /// The next record is damaged: the rest of its segment (these items) was discarded.
        case corrupt(lostItems: Int)
        case empty
    }

    public enum AppendFailure: Error, Sendable, Equatable {
        /// The budget does not allow it.
        case full
        case closed
        case io(SpillError)
    }

    struct Segment {
        var seq: UInt64
        var size: Int
        var remainingItems: Int
    }

    struct Log {
        let signal: Signal
        let dir: String
        var segments: [Segment] = []
        /// Offset of the next unread record in `segments[0]`.
        var cursorOffset = 0
        var pendingItems = 0
        /// Open on `segments.last` while it is the segment being appended to.
        var writeFD: Int32 = -1
        var readFD: Int32 = -1
        var readSeq: UInt64 = 0
        var dirty = false
    }

    struct State {
        var logs: [Log]
        var totalBytes = 0
        var nextSeq: UInt64 = 1
        var lastSync: Duration = .zero
        var lockFD: Int32 = -1
        var closed = false
    }

    public let settings: Settings
    public let recovery: Recovery
    private let state: Mutex<State>

    /// Opens (creating) the directory, takes its lock and recovers what is there.
    public init(settings: Settings, now: Duration = .zero) throws(SpillError) {
        self.settings = settings
        try SpillFiles.makeDirectories(settings.directory)
        let lockPath = settings.directory + "/LOCK"
        let lockFD = try SpillFiles.openFile(lockPath, O_RDWR | O_CREAT)
        if flock(lockFD, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            Glibc.close(lockFD)
            throw SpillError(operation: "lock (is another otel-sidecar using it?)", path: lockPath, errno: e)
        }
        var s = State(logs: [])
        s.lockFD = lockFD
        s.lastSync = now
        var rec = Recovery()
        do {
            for signal in Signal.allCases {
                let dir = settings.directory + "/" + signal.rawValue
                try SpillFiles.makeDirectories(dir)
                var log = Log(signal: signal, dir: dir)
                try Self.recover(&log, nextSeq: &s.nextSeq, recovery: &rec)
                s.totalBytes += log.segments.reduce(0) { $0 + $1.size }
                s.logs.append(log)
            }
        } catch {
            Glibc.close(lockFD)
            throw error
        }
        recovery = rec
        state = Mutex(s)
    }

    deinit {
        close()
    }

    // MARK: queries

    /// Items waiting on disk, per signal.
    public var pendingItems: SignalCounts {
        state.withLock { s in
            var c = SignalCounts()
            for l in s.logs { c[l.signal] = l.pendingItems }
            return c
        }
    }

    public func hasPending(_ signal: Signal) -> Bool {
        state.withLock { $0.logs[signal.index].pendingItems > 0 }
    }

    /// Bytes of all segment files (the budget's measure).
    public var bytesOnDisk: Int { state.withLock { $0.totalBytes } }

    // MARK: append

    /// Appends records (any signals), all or none as far as the budget goes: fails with `.full` before
    /// writing anything when they do not all fit. On an I/O error the records before the failing one stay
    /// written: `appended` says how many.
    public func append(_ batches: [EncodedBatch], now: Duration) -> (appended: Int, failure: AppendFailure?) {
        state.withLock { s in
            if s.closed { return (0, .closed) }
            let needed = batches.reduce(0) { $0 + SpillRecord.headerSize + $1.byteCount }
            if s.totalBytes + needed > settings.maxBytes { return (0, .full) }
            for (i, b) in batches.enumerated() {
                if let e = write(b, into: &s.logs[b.signal.index], nextSeq: &s.nextSeq) { return (i, .io(e)) }
                s.totalBytes += SpillRecord.headerSize + b.byteCount
            }
            switch settings.fsync {
            case .always: syncDirty(&s, now: now)
            case .interval: if now - s.lastSync >= settings.fsyncInterval { syncDirty(&s, now: now) }
            case .never: break
            }
            return (batches.count, nil)
        }
    }

    private func write(_ b: EncodedBatch, into log: inout Log, nextSeq: inout UInt64) -> SpillError? {
        let size = SpillRecord.headerSize + b.byteCount
        if log.writeFD >= 0, let last = log.segments.last, last.size > 0, last.size + size > settings.segmentBytes {
            finishActive(&log)
        }
        if log.writeFD < 0 {
            let seq = nextSeq
            let path = log.dir + "/" + SpillRecord.segmentName(seq)
            do {
                log.writeFD = try SpillFiles.openFile(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND)
            } catch {
                return error
            }
            nextSeq += 1
            if log.segments.isEmpty { log.cursorOffset = 0 }
            log.segments.append(Segment(seq: seq, size: 0, remainingItems: 0))
            if settings.fsync == .always { SpillFiles.syncDirectory(log.dir) }
        }
        let header = SpillRecord.header(for: b)
        let err = header.withUnsafeBytes { h in b.bytes.withUnsafeBytes { p in SpillFiles.writeAll(log.writeFD, [h, p]) } }
        let last = log.segments.count - 1
        if let err {
            // Remove a partial record so the segment stays readable.
            _ = ftruncate(log.writeFD, off_t(log.segments[last].size))
            return SpillError(operation: "write", path: log.dir + "/" + SpillRecord.segmentName(log.segments[last].seq), errno: err)
        }
        log.segments[last].size += size
        log.segments[last].remainingItems += b.itemCount
        log.pendingItems += b.itemCount
        log.dirty = true
        return nil
    }

    private func finishActive(_ log: inout Log) {
        guard log.writeFD >= 0 else { return }
        if settings.fsync != .never && log.dirty { SpillFiles.syncFile(log.writeFD) }
        log.dirty = false
        Glibc.close(log.writeFD)
        log.writeFD = -1
    }

    // MARK: read and commit

    /// Reads the next batch of `signal` from the cursor (within one segment): as many records as the limits
    /// allow, at least one. Does not move the cursor: `commit` does.
    public func read(_ signal: Signal, limits: BatchLimits) -> ReadResult {
        state.withLock { s in
            guard !s.closed else { return .empty }
            var log = s.logs[signal.index]
            defer { s.logs[signal.index] = log }
            guard let seg = log.segments.first, log.cursorOffset < seg.size else { return .empty }
            if log.readFD < 0 || log.readSeq != seg.seq {
                if log.readFD >= 0 { Glibc.close(log.readFD) }
                log.readFD = (try? SpillFiles.openFile(log.dir + "/" + SpillRecord.segmentName(seg.seq), O_RDONLY)) ?? -1
                log.readSeq = seg.seq
            }
            var offset = log.cursorOffset
            var payload: [UInt8] = []
            var items = 0, records = 0
            var corrupt = log.readFD < 0
            while !corrupt && offset < seg.size {
                guard seg.size - offset >= SpillRecord.headerSize,
                      let hb = SpillFiles.readExactly(log.readFD, offset: offset, count: SpillRecord.headerSize),
                      let h = SpillRecord.parse(hb, signal: signal),
                      offset + SpillRecord.headerSize + h.length <= seg.size else { corrupt = true; break }
                if records > 0 && (items + h.items > limits.maxItems || payload.count + h.length > limits.maxBytes) { break }
                guard let p = SpillFiles.readExactly(log.readFD, offset: offset + SpillRecord.headerSize, count: h.length),
                      SpillRecord.payloadIsValid(p, h) else { corrupt = true; break }
                if records == 0 { payload = p } else { payload += p }
                items += h.items
                records += 1
                offset += SpillRecord.headerSize + h.length
            }
            if records == 0 {
                guard corrupt else { return .empty }
                // Damaged after it was written (or the file vanished): give up the rest of the segment.
                let lost = seg.remainingItems
                log.pendingItems -= lost
                s.totalBytes -= seg.size
                removeFirstSegment(&log)
                return .corrupt(lostItems: lost)
            }
            let batch = EncodedBatch(signal: signal, itemCount: items, bytes: payload)
            return .batch(Read(batch: batch, records: records, seq: seg.seq, start: log.cursorOffset, end: offset))
        }
    }

    /// Marks a read as done (delivered or counted): moves the cursor past it and deletes a segment once
    /// every record in it is done.
    public func commit(_ r: Read) {
        state.withLock { s in
            guard !s.closed else { return }
            var log = s.logs[r.batch.signal.index]
            defer { s.logs[r.batch.signal.index] = log }
            guard let seg = log.segments.first, seg.seq == r.seq, log.cursorOffset == r.start else { return }
            log.cursorOffset = r.end
            log.segments[0].remainingItems -= r.batch.itemCount
            log.pendingItems -= r.batch.itemCount
            if r.end >= seg.size {
                s.totalBytes -= seg.size
                removeFirstSegment(&log)
            }
            writeCursor(log, seq: r.seq, offset: r.end)
        }
    }

    private func removeFirstSegment(_ log: inout Log) {
        guard let seg = log.segments.first else { return }
        if log.readFD >= 0 && log.readSeq == seg.seq {
            Glibc.close(log.readFD)
            log.readFD = -1
        }
        if log.segments.count == 1 && log.writeFD >= 0 {
            Glibc.close(log.writeFD)
            log.writeFD = -1
            log.dirty = false
        }
        unlink(log.dir + "/" + SpillRecord.segmentName(seg.seq))
        log.segments.removeFirst()
        log.cursorOffset = 0
    }

    private func writeCursor(_ log: Log, seq: UInt64, offset: Int) {
        var b = [UInt8](repeating: 0, count: 20)
        SpillRecord.put64(&b, 0, seq)
        SpillRecord.put64(&b, 8, UInt64(offset))
        SpillRecord.put(&b, 16, b.withUnsafeBytes { CRC32C.extend(0, UnsafeRawBufferPointer(rebasing: $0[0..<16])) })
        let tmp = log.dir + "/cursor.tmp"
        guard let fd = try? SpillFiles.openFile(tmp, O_WRONLY | O_CREAT | O_TRUNC) else { return }
        let err = b.withUnsafeBytes { SpillFiles.writeAll(fd, [$0]) }
        if err == nil && settings.fsync == .always { SpillFiles.syncFile(fd) }
        Glibc.close(fd)
        if err == nil { rename(tmp, log.dir + "/cursor") }
    }

    // MARK: sync and close

    /// With `fsync: interval`, syncs when the interval has passed. Returns when it is next due (nil: nothing
    /// unsynced, or another policy).
    @discardableResult
    public func syncIfDue(now: Duration) -> Duration? {
        guard settings.fsync == .interval else { return nil }
        return state.withLock { s -> Duration? in
            guard !s.closed, s.logs.contains(where: \.dirty) else { return nil }
            if now - s.lastSync >= settings.fsyncInterval { syncDirty(&s, now: now); return nil }
            return s.lastSync + settings.fsyncInterval
        }
    }

    /// Syncs everything written (unless `fsync: never`).
    public func sync(now: Duration) {
        guard settings.fsync != .never else { return }
        state.withLock { syncDirty(&$0, now: now) }
    }

    private func syncDirty(_ s: inout State, now: Duration) {
        for i in s.logs.indices where s.logs[i].dirty && s.logs[i].writeFD >= 0 {
            SpillFiles.syncFile(s.logs[i].writeFD)
            s.logs[i].dirty = false
        }
        s.lastSync = now
    }

    /// Syncs (unless `fsync: never`), closes the files and releases the directory lock. Idempotent.
    public func close() {
        state.withLock { s in
            guard !s.closed else { return }
            s.closed = true
            for i in s.logs.indices {
                if settings.fsync != .never && s.logs[i].dirty && s.logs[i].writeFD >= 0 { SpillFiles.syncFile(s.logs[i].writeFD) }
                if s.logs[i].writeFD >= 0 { Glibc.close(s.logs[i].writeFD) }
                if s.logs[i].readFD >= 0 { Glibc.close(s.logs[i].readFD) }
                s.logs[i].writeFD = -1
                s.logs[i].readFD = -1
            }
            if s.lockFD >= 0 { Glibc.close(s.lockFD) }
            s.lockFD = -1
        }
    }

    // MARK: recovery

    private static func readCursor(_ dir: String) -> (seq: UInt64, offset: Int)?? {
        guard let fd = try? SpillFiles.openFile(dir + "/cursor", O_RDONLY) else { return .some(nil) }
        defer { Glibc.close(fd) }
        guard SpillFiles.size(fd) == 20, let b = SpillFiles.readExactly(fd, offset: 0, count: 20) else { return nil }
        let crc = b.withUnsafeBytes { CRC32C.extend(0, UnsafeRawBufferPointer(rebasing: $0[0..<16])) }
        guard crc == SpillRecord.get(b, 16) else { return nil }
        let off = SpillRecord.get64(b, 8)
        guard off <= UInt64(Int.max) else { return nil }
        return .some((SpillRecord.get64(b, 0), Int(off)))
    }

    private static func recover(_ log: inout Log, nextSeq: inout UInt64, recovery: inout Recovery) throws(SpillError) {
        let names = try SpillFiles.list(log.dir)
        unlink(log.dir + "/cursor.tmp")
        let seqs = names.compactMap(SpillRecord.segmentSeq).sorted()
        // nil: present but unreadable (ignored, counted); .some(nil): no cursor file.
        let cursorRead = readCursor(log.dir)
        var cursor: (seq: UInt64, offset: Int)?
        switch cursorRead {
        case .none: recovery.ignoredCursors += 1
        case .some(let c): cursor = c
        }
        for seq in seqs {
            nextSeq = max(nextSeq, seq + 1)
            let path = log.dir + "/" + SpillRecord.segmentName(seq)
            if let c = cursor, seq < c.seq {
                unlink(path)
                continue
            }
            let fd = try SpillFiles.openFile(path, O_RDWR)
            var size = SpillFiles.size(fd)
            var offset = 0
            var boundaries: [(offset: Int, items: Int)] = []
            while offset < size {
                guard size - offset >= SpillRecord.headerSize,
                      let hb = SpillFiles.readExactly(fd, offset: offset, count: SpillRecord.headerSize),
                      let h = SpillRecord.parse(hb, signal: log.signal),
                      offset + SpillRecord.headerSize + h.length <= size,
                      let p = SpillFiles.readExactly(fd, offset: offset + SpillRecord.headerSize, count: h.length),
                      SpillRecord.payloadIsValid(p, h) else { break }
                boundaries.append((offset, h.items))
                offset += SpillRecord.headerSize + h.length
            }
            if offset < size {
                _ = ftruncate(fd, off_t(offset))
                SpillFiles.syncFile(fd)
                recovery.truncatedSegments += 1
                recovery.truncatedBytes += size - offset
                size = offset
            }
            Glibc.close(fd)
            var start = 0
            if let c = cursor, seq == c.seq {
                if c.offset == size || boundaries.contains(where: { $0.offset == c.offset }) {
                    start = c.offset
                } else {
                    recovery.ignoredCursors += 1
                }
            }
            if start >= size {
                unlink(path)
                continue
            }
            let kept = boundaries.filter { $0.offset >= start }
            let items = kept.reduce(0) { $0 + $1.items }
            if log.segments.isEmpty { log.cursorOffset = start }
            log.segments.append(Segment(seq: seq, size: size, remainingItems: items))
            log.pendingItems += items
            recovery.records[log.signal] += kept.count
            recovery.items[log.signal] += items
            recovery.bytes += size
        }
    }
}
