#if canImport(Glibc)
import Glibc
#endif

/// The process's resource use, read from /proc/self at scrape time (Linux), with the names and meanings of
/// the Prometheus client libraries' process collector.
public struct ProcessMetrics: Sendable, Equatable {
    /// `process_resident_memory_bytes`: /proc/self/statm resident pages × page size.
    public var residentMemoryBytes: Double?
    /// `process_virtual_memory_bytes`: /proc/self/statm size × page size.
    public var virtualMemoryBytes: Double?
    /// `process_cpu_seconds_total`: /proc/self/stat utime + stime over the clock tick rate.
    public var cpuSeconds: Double?
    /// `process_open_fds`: entries of /proc/self/fd, not counting the directory handle used to list them.
    public var openFDs: Double?
    /// `process_max_fds`: the soft RLIMIT_NOFILE.
    public var maxFDs: Double?
    /// `process_start_time_seconds`: /proc/self/stat starttime over the tick rate plus /proc/stat btime.
    public var startTimeSeconds: Double?

    public init(residentMemoryBytes: Double? = nil, virtualMemoryBytes: Double? = nil, cpuSeconds: Double? = nil,
                openFDs: Double? = nil, maxFDs: Double? = nil, startTimeSeconds: Double? = nil) {
        self.residentMemoryBytes = residentMemoryBytes
        self.virtualMemoryBytes = virtualMemoryBytes
        self.cpuSeconds = cpuSeconds
        self.openFDs = openFDs
        self.maxFDs = maxFDs
        self.startTimeSeconds = startTimeSeconds
    }

    /// Reads the current values; a value that cannot be read is nil (and not exposed).
    public static func read() -> ProcessMetrics {
        var m = ProcessMetrics()
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        if let statm = readFile("/proc/self/statm") {
            let fields = statm.split(separator: " ")
            if fields.count >= 2, let size = Double(fields[0]), let resident = Double(fields[1]) {
                m.virtualMemoryBytes = size * pageSize
                m.residentMemoryBytes = resident * pageSize
            }
        }
        if let stat = readFile("/proc/self/stat"), let close = stat.lastIndex(of: ")") {
            // Fields after "pid (comm)": state is field 3, utime 14, stime 15, starttime 22.
            let rest = stat[stat.index(after: close)...].split(separator: " ")
            if rest.count > 19, ticks > 0, let utime = Double(rest[11]), let stime = Double(rest[12]) {
                m.cpuSeconds = (utime + stime) / ticks
                if let start = Double(rest[19]), let boot = bootTime() {
                    m.startTimeSeconds = boot + start / ticks
                }
            }
        }
        m.openFDs = countOpenFDs()
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            m.maxFDs = Double(limit.rlim_cur)
        }
        return m
    }

    private static func bootTime() -> Double? {
        guard let stat = readFile("/proc/stat") else { return nil }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingWhitespace())
        }
        return nil
    }

    private static func countOpenFDs() -> Double? {
        guard let dir = opendir("/proc/self/fd") else { return nil }
        defer { closedir(dir) }
        let own = dirfd(dir)
        var n = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let fd = Int32(name) else { continue }  // "." and ".."
            if fd != own { n += 1 }
        }
        return Double(n)
    }

    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
