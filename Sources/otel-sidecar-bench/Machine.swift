#if canImport(Glibc)
import Glibc
#endif

/// The machine a report was produced on: cores, CPU model, memory, date.
enum Machine {
    static func describe() -> String {
        let cores = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        let cpu = firstLine(of: "/proc/cpuinfo", prefix: "model name").map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingSpaces } ?? "" } ?? "unknown CPU"
        let mem = firstLine(of: "/proc/meminfo", prefix: "MemTotal").map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingSpaces } ?? "" } ?? "?"
        var t = time(nil)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        let date = "\(tmv.tm_year + 1900)-\(tmv.tm_mon + 1 < 10 ? "0" : "")\(tmv.tm_mon + 1)-\(tmv.tm_mday < 10 ? "0" : "")\(tmv.tm_mday)"
        return "\(cores) cores, \(cpu), \(mem) memory, \(date)"
    }

    static func firstLine(of path: String, prefix: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>?
        var cap = 0
        defer { free(line) }
        while getline(&line, &cap, f) > 0 {
            let s = String(cString: line!)
            if s.hasPrefix(prefix) { return s }
        }
        return nil
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(self.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" }).reversed())
    }
}
