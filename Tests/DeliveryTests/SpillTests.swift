#if canImport(Glibc)
import Glibc
#endif
@testable import Delivery
import SidecarModel
import Testing

@Suite struct DiskSpillTests {
    func record(_ s: Signal, _ items: Int, fill: UInt8, size: Int = 100) -> EncodedBatch {
        EncodedBatch(signal: s, itemCount: items, bytes: [UInt8](repeating: fill, count: size))
    }

    func segments(_ dir: String, _ s: Signal) -> [String] {
        ((try? SpillFiles.list(dir + "/" + s.rawValue)) ?? []).filter { $0.hasSuffix(".seg") }.sorted().map { dir + "/" + s.rawValue + "/" + $0 }
    }

    func readAll(_ spill: DiskSpill, _ s: Signal, commit: Bool = true) -> [EncodedBatch] {
        var out: [EncodedBatch] = []
        while case .batch(let r) = spill.read(s, limits: BatchLimits(maxItems: 1, maxBytes: 1)) {
            out.append(r.batch)
            if commit { spill.commit(r) } else { break }
        }
        return out
    }

    @Test func writeCloseRecoverInOrder() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let settings = DiskSpill.Settings(directory: tmp.path + "/spill", maxBytes: 1 << 20, fsync: .always)
        do {
            let spill = try DiskSpill(settings: settings)
            let r = spill.append([record(.traces, 3, fill: 1), record(.logs, 2, fill: 2), record(.traces, 4, fill: 3)], now: .zero)
            #expect(r.appended == 3 && r.failure == nil)
            #expect(spill.pendingItems == SignalCounts(traces: 7, logs: 2))
            spill.close()
        }
        let spill = try DiskSpill(settings: settings)
        #expect(spill.recovery.items == SignalCounts(traces: 7, logs: 2))
        #expect(spill.recovery.records == SignalCounts(traces: 2, logs: 1))
        #expect(spill.recovery.truncatedSegments == 0)
        let t = readAll(spill, .traces)
        #expect(t == [record(.traces, 3, fill: 1), record(.traces, 4, fill: 3)])
        #expect(readAll(spill, .logs) == [record(.logs, 2, fill: 2)])
        #expect(spill.pendingItems.isZero)
        #expect(spill.bytesOnDisk == 0)
        #expect(segments(settings.directory, .traces).isEmpty)
    }

    @Test func readsAreBatchedUpToTheLimits() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let spill = try DiskSpill(settings: .init(directory: tmp.path, maxBytes: 1 << 20))
        _ = spill.append((1...5).map { record(.traces, 2, fill: UInt8($0), size: 10) }, now: .zero)
        guard case .batch(let r) = spill.read(.traces, limits: BatchLimits(maxItems: 6, maxBytes: 1000)) else { Issue.record("no batch"); return }
        #expect(r.records == 3 && r.batch.itemCount == 6 && r.batch.bytes.count == 30)
        // Not committed: the same records come again.
        guard case .batch(let again) = spill.read(.traces, limits: BatchLimits(maxItems: 6, maxBytes: 1000)) else { Issue.record("no batch"); return }
        #expect(again.batch == r.batch)
        spill.commit(r)
        guard case .batch(let rest) = spill.read(.traces, limits: BatchLimits(maxItems: 6, maxBytes: 1000)) else { Issue.record("no batch"); return }
        #expect(rest.records == 2 && rest.batch.itemCount == 4)
    }

    @Test func cursorSurvivesRestartSoDeliveredRecordsAreNotRepeated() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let settings = DiskSpill.Settings(directory: tmp.path, maxBytes: 1 << 20, fsync: .always)
        do {
            let spill = try DiskSpill(settings: settings)
            _ = spill.append((1...4).map { record(.logs, 1, fill: UInt8($0)) }, now: .zero)
            guard case .batch(let r) = spill.read(.logs, limits: BatchLimits(maxItems: 2, maxBytes: 1 << 20)) else { Issue.record("no batch"); return }
            spill.commit(r)
            spill.close()
        }
        let spill = try DiskSpill(settings: settings)
        #expect(spill.recovery.items.logs == 2)
        #expect(readAll(spill, .logs).map { $0.bytes[0] } == [3, 4])
    }

    @Test func garbageTailIsTruncatedAndCounted() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let settings = DiskSpill.Settings(directory: tmp.path, maxBytes: 1 << 20, fsync: .always)
        do {
            let spill = try DiskSpill(settings: settings)
            _ = spill.append([record(.traces, 1, fill: 1), record(.traces, 2, fill: 2), record(.traces, 3, fill: 3)], now: .zero)
            spill.close()
        }
        let files = segments(tmp.path, .traces)
        #expect(files.count == 1)
        let garbage: [UInt8] = Array("this is not a record, it is what a crash mid-write leaves".utf8)
        appendBytes(files[0], garbage)
        let spill = try DiskSpill(settings: settings)
        #expect(spill.recovery.truncatedSegments == 1)
        #expect(spill.recovery.truncatedBytes == garbage.count)
        #expect(spill.recovery.items.traces == 6)
        #expect(readAll(spill, .traces).map(\.itemCount) == [1, 2, 3])
    }

    @Test(arguments: [0, 4, 10, 16, 19, 20, 60, 119])
    func damagedLastRecordIsCutOff(offsetInRecord: Int) throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let settings = DiskSpill.Settings(directory: tmp.path, maxBytes: 1 << 20, fsync: .never)
        do {
            let spill = try DiskSpill(settings: settings)
            _ = spill.append([record(.metrics, 5, fill: 1), record(.metrics, 7, fill: 2)], now: .zero)
            spill.close()
        }
        // Each record is 20 + 100 bytes; flip one byte of the second (header or payload).
        let file = segments(tmp.path, .metrics)[0]
        flipByte(file, at: 120 + offsetInRecord)
        let spill = try DiskSpill(settings: settings)
        #expect(spill.recovery.truncatedSegments == 1)
        #expect(spill.recovery.truncatedBytes == 120)
        #expect(spill.recovery.items.metrics == 5)
        #expect(readAll(spill, .metrics) == [record(.metrics, 5, fill: 1)])
    }

    @Test func damageFoundWhileReadingDiscardsTheRestOfTheSegment() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let spill = try DiskSpill(settings: .init(directory: tmp.path, maxBytes: 1 << 20, fsync: .never))
        _ = spill.append([record(.logs, 2, fill: 1), record(.logs, 3, fill: 2)], now: .zero)
        flipByte(segments(tmp.path, .logs)[0], at: 50)
        guard case .corrupt(let lost) = spill.read(.logs, limits: BatchLimits()) else { Issue.record("expected corrupt"); return }
        #expect(lost == 5)
        #expect(spill.pendingItems.isZero && spill.bytesOnDisk == 0)
        guard case .empty = spill.read(.logs, limits: BatchLimits()) else { Issue.record("expected empty"); return }
    }

    @Test func budgetIsEnforcedAndSpaceComesBackPerSegment() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        // Records of 120 bytes, segments of at most 240, budget 600: five records.
        let spill = try DiskSpill(settings: .init(directory: tmp.path, maxBytes: 600, fsync: .interval, segmentBytes: 240))
        var accepted = 0
        for i in 0..<8 {
            let r = spill.append([record(.traces, 1, fill: UInt8(i))], now: .zero)
            if r.failure == nil { accepted += 1 } else { #expect(r.failure == .full) }
        }
        #expect(accepted == 5)
        #expect(spill.bytesOnDisk == 600)
        #expect(segments(tmp.path, .traces).count == 3)
        // All-or-nothing for a group that does not fit.
        #expect(spill.append([record(.logs, 1, fill: 0)], now: .zero).failure == .full)
        // Delivering the first record frees nothing (its segment holds another); the second frees 240 bytes.
        let limits = BatchLimits(maxItems: 1, maxBytes: 1)
        guard case .batch(let r1) = spill.read(.traces, limits: limits) else { Issue.record("no batch"); return }
        spill.commit(r1)
        #expect(spill.bytesOnDisk == 600)
        guard case .batch(let r2) = spill.read(.traces, limits: limits) else { Issue.record("no batch"); return }
        spill.commit(r2)
        #expect(spill.bytesOnDisk == 360)
        #expect(segments(tmp.path, .traces).count == 2)
        #expect(spill.append([record(.logs, 1, fill: 0), record(.logs, 1, fill: 0)], now: .zero).failure == nil)
    }

    @Test func oneProcessPerDirectory() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let settings = DiskSpill.Settings(directory: tmp.path + "/a/b", maxBytes: 1 << 20)
        let first = try DiskSpill(settings: settings)
        #expect(throws: SpillError.self) { _ = try DiskSpill(settings: settings) }
        first.close()
        let again = try DiskSpill(settings: settings)
        again.close()
    }

    @Test func damagedCursorMeansRedeliveryNotLoss() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let settings = DiskSpill.Settings(directory: tmp.path, maxBytes: 1 << 20, fsync: .always)
        do {
            let spill = try DiskSpill(settings: settings)
            _ = spill.append((1...3).map { record(.traces, 1, fill: UInt8($0)) }, now: .zero)
            guard case .batch(let r) = spill.read(.traces, limits: BatchLimits(maxItems: 1, maxBytes: 1)) else { Issue.record("no batch"); return }
            spill.commit(r)
            spill.close()
        }
        flipByte(tmp.path + "/traces/cursor", at: 3)
        let spill = try DiskSpill(settings: settings)
        #expect(spill.recovery.ignoredCursors == 1)
        #expect(readAll(spill, .traces).map { $0.bytes[0] } == [1, 2, 3])
    }
}

func appendBytes(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_APPEND)
    precondition(fd >= 0)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
}

func flipByte(_ path: String, at offset: Int) {
    let fd = open(path, O_RDWR)
    precondition(fd >= 0)
    var b: UInt8 = 0
    _ = pread(fd, &b, 1, off_t(offset))
    b ^= 0x5A
    _ = pwrite(fd, &b, 1, off_t(offset))
    close(fd)
}
