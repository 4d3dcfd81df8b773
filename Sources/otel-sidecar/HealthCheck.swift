#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

/// `otel-sidecar healthcheck --url http://127.0.0.1:9464/readyz`: exit 0 when the URL answers 2xx, 1
/// otherwise. For container HEALTHCHECKs in images without curl. Plain HTTP/1.0 to a loopback host:port.
struct HealthCheck: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "healthcheck", abstract: "Exit 0 if the URL answers 2xx (for container health checks).")

    @Option(help: "http://HOST:PORT/PATH (IPv4 literal or localhost).")
    var url: String = "http://127.0.0.1:9464/readyz"

    @Option(help: "Give up after this many seconds.")
    var timeout: Int = 3

    func run() throws {
        guard url.hasPrefix("http://") else { throw ValidationError("only http:// URLs are supported") }
        let rest = url.dropFirst("http://".count)
        let hostPort = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(hostPort.count)
        let parts = hostPort.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw ValidationError("expected http://HOST:PORT/PATH") }
        let host = parts[0] == "localhost" ? "127.0.0.1" : String(parts[0])

        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ExitCode(1) }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { throw ValidationError("host must be an IPv4 address or localhost") }
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else {
            print("unhealthy: cannot connect to \(hostPort)")
            throw ExitCode(1)
        }
        let request = "GET \(path.isEmpty ? "/" : String(path)) HTTP/1.0\r\nHost: \(hostPort)\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var buf = [UInt8](repeating: 0, count: 64)
        let n = recv(fd, &buf, buf.count, 0)
        let statusLine = n > 0 ? String(decoding: buf[0..<n], as: UTF8.self) : ""
        let code = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        if (200..<300).contains(code) {
            print("healthy: \(code)")
        } else {
            print("unhealthy: \(code == 0 ? "no answer" : String(code))")
            throw ExitCode(1)
        }
    }
}
