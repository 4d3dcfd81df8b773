#if canImport(Glibc)
import Glibc
#endif

/// A failed file operation of the disk spill: what, where, and `errno`.
public struct SpillError: Error, CustomStringConvertible, Sendable, Equatable {
    public var operation: String
    public var path: String
    public var errno: Int32

    public var description: String {
        "spill: \(operation) \(path): \(String(cString: strerror(errno)))"
    }
}

/// Thin POSIX wrappers (no Foundation): the spill needs exact control of writes, truncation and fsync.
enum SpillFiles {
    static func makeDirectories(_ path: String) throws(SpillError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw SpillError(operation: "mkdir", path: prefix, errno: errno)
            }
        }
    }

    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0o600) throws(SpillError) -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw SpillError(operation: "open", path: path, errno: errno)
        }
    }

    /// File names in a directory (without `.` and `..`).
    static func list(_ dir: String) throws(SpillError) -> [String] {
        guard let d = opendir(dir) else { throw SpillError(operation: "opendir", path: dir, errno: errno) }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: &e.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func size(_ fd: Int32) -> Int {
        var st = stat()
        return fstat(fd, &st) == 0 ? Int(st.st_size) : 0
    }

    /// Writes all of `parts` at the end of `fd` (opened with O_APPEND).
    static func writeAll(_ fd: Int32, _ parts: [UnsafeRawBufferPointer]) -> Int32? {
        for p in parts {
            var off = 0
            while off < p.count {
                let n = write(fd, p.baseAddress! + off, p.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                off += n
            }
        }
        return nil
    }

    /// Reads exactly `count` bytes at `offset`; nil on a short read or an error.
    static func readExactly(_ fd: Int32, offset: Int, count: Int) -> [UInt8]? {
        if count == 0 { return [] }
        var buf = [UInt8](repeating: 0, count: count)
        let ok = buf.withUnsafeMutableBytes { raw -> Bool in
            var done = 0
            while done < count {
                let n = pread(fd, raw.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                if n == 0 { return false }
                done += n
            }
            return true
        }
        return ok ? buf : nil
    }

    static func syncFile(_ fd: Int32) {
        _ = fdatasync(fd)
    }

    static func syncDirectory(_ dir: String) {
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
