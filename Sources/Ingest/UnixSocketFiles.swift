#if canImport(Glibc)
import Glibc
#endif

/// Preparing a Unix socket path safely: a private directory, and a stale socket file replaced only when
/// nothing answers on it.
public enum UnixSocketFiles {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Creates the socket's directory (mode 0750) if missing and removes a stale socket file.
    /// Fails if another process is accepting connections on `path`, or if `path` is not a socket.
    public static func prepare(path: String) throws(Failure) {
        let dir = directory(of: path)
        if !dir.isEmpty, dir != "/" {
            try makeDirectories(dir)
        }
        var st = stat()
        guard lstat(path, &st) == 0 else { return }  // nothing there
        guard (st.st_mode & S_IFMT) == S_IFSOCK else {
            throw Failure(description: "\(path) exists and is not a socket; refusing to replace it")
        }
        if isAnswering(path) {
            throw Failure(description: "another process is listening on \(path)")
        }
        unlink(path)
    }

    /// Sets the socket file's mode (e.g. 0660) and, when given, its group.
    public static func applyAccess(path: String, mode: UInt32, group: String?) throws(Failure) {
        if let group {
            guard let gr = getgrnam(group) else { throw Failure(description: "unknown group \(group) for \(path)") }
            guard chown(path, UInt32.max, gr.pointee.gr_gid) == 0 else {
                throw Failure(description: "cannot set group \(group) on \(path): \(String(cString: strerror(errno)))")
            }
        }
        guard chmod(path, mode_t(mode)) == 0 else {
            throw Failure(description: "cannot set mode \(String(mode, radix: 8)) on \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    static func makeDirectories(_ dir: String) throws(Failure) {
        var st = stat()
        if stat(dir, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw Failure(description: "\(dir) is not a directory") }
            return
        }
        let parent = directory(of: dir)
        if !parent.isEmpty, parent != "/" { try makeDirectories(parent) }
        if mkdir(dir, 0o750) != 0 && errno != EEXIST {
            throw Failure(description: "cannot create directory \(dir): \(String(cString: strerror(errno)))")
        }
    }

    /// Whether something accepts connections on the socket at `path`.
    static func isAnswering(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return false }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return rc == 0
    }
}
