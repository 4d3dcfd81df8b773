import Foundation
import Testing

/// The live /metrics endpoint as Prometheus sees it: `promtool check metrics` (Debian's `prometheus`
/// package) finds no error and no lint warning, and a real Prometheus scraping the sidecar answers PromQL
/// over the span-derived metrics with what the test's known load implies.
@Suite("Prometheus endpoint with promtool and a real Prometheus", .serialized)
struct PrometheusTests {
    static func get(_ url: String) throws -> String {
        try Shell.httpGet(url)
    }

    static func send(_ lines: [String], to socket: String) async throws {
        let c = try UnixClient(path: socket)
        c.send(lines.joined(separator: "\n") + "\n")
        c.shutdownWrite()
        _ = try await offThread { c.readAll() }
    }

    static var everyKind: [String] {
        (0..<60).map { i in #"{"type":"span","name":"tool","kind":"server","durationMs":40,"attributes":{"i":\#(i)},"status":"ok"}"# } + [
            #"{"type":"metric","name":"mcp.calls","kind":"counter","value":2,"attributes":{"tool":"x \"quoted\"\nnewline"}}"#,
            #"{"type":"metric","name":"mcp.latency","kind":"histogram","value":0.2,"unit":"s"}"#,
            #"{"type":"metric","name":"queue.depth","kind":"gauge","value":7,"unit":"By"}"#,
            #"{"type":"metric","name":"inflight","kind":"updowncounter","value":-1}"#,
            #"{"type":"resource","attributes":{"service.name":"gw","service.instance.id":"gw-1","deployment.environment.name":"test"}}"#,
            #"{"type":"span","name":"with-resource","durationMs":1}"#,
            #"{"type":"metric","name":"after.resource","kind":"counter","value":1,"scope":{"name":"gw-lib","version":"2.0","attributes":{"team":"edge"}}}"#,
        ]
    }

    @Test func promtoolFindsNothingToCriticise() async throws {
        try await LiveSidecar.with { live in
            try await Self.send(Self.everyKind, to: live.eventsSocket)
            let address = try #require(live.address("prometheus (tcp)"))
            #expect(try await live.eventually { ((try? Self.get("http://\(address)/metrics")) ?? "").contains("after_resource_total") })
            let body = try Self.get("http://\(address)/metrics")
            for family in ["traces_span_metrics_calls_total", "traces_span_metrics_duration_seconds_bucket", "mcp_calls_total",
                           "mcp_latency_seconds_bucket", "queue_depth_bytes", "inflight", "target_info", "otel_sidecar_event_lines_total",
                           "process_resident_memory_bytes"] {
                #expect(body.contains(family), "missing \(family)")
            }
            let file = live.dir + "/metrics.txt"
            try body.write(toFile: file, atomically: true, encoding: .utf8)
            let r = try await offThread { try Shell.run("/bin/sh", ["-c", "promtool check metrics < '\(file)'"]) }
            #expect(r.status == 0, "promtool: \(r.output)")
            #expect(r.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool: \(r.output)")
        }
    }

    @Test func aRealPrometheusScrapesAndAnswersPromQL() async throws {
        try await LiveSidecar.with { live in
            let target = try #require(live.address("prometheus (tcp)"))
            let prom = try PrometheusServer.start(scraping: target, dir: live.dir)
            defer { prom.stop() }
            // Load 1, before Prometheus has scraped anything: 60 server spans of 40 ms.
            try await Self.send((0..<60).map { _ in #"{"type":"span","name":"tool","kind":"server","durationMs":40}"# }, to: live.eventsSocket)
            let calls = #"sum(traces_span_metrics_calls_total{span_name="tool"})"#
            #expect(try await prom.eventually(calls) { $0 == 60 })
            // p99 of 40 ms spans must fall in the (25 ms, 50 ms] bucket.
            let p99 = try await prom.value(#"histogram_quantile(0.99, sum by (le) (traces_span_metrics_duration_seconds_bucket{span_name="tool"}))"#)
            #expect(p99.map { $0 > 0.025 && $0 <= 0.05 } == true, "p99 = \(String(describing: p99))")
            // Load 2: 60 more; the counter reaches 120 and rate() over the window sees the increase.
            try await Self.send((0..<60).map { _ in #"{"type":"span","name":"tool","kind":"server","durationMs":40}"# }, to: live.eventsSocket)
            #expect(try await prom.eventually(calls) { $0 == 120 })
            let rate = try await prom.value(#"sum(rate(traces_span_metrics_calls_total{span_name="tool"}[1m]))"#)
            #expect(rate.map { $0 > 0 && $0 <= 120 } == true, "rate = \(String(describing: rate))")
        }
    }
}

/// A Prometheus server (Debian's `prometheus` binary) on loopback with a temporary TSDB, scraping one target every second.
struct PrometheusServer: @unchecked Sendable {
    let process: Process
    let address: String

    static func start(scraping target: String, dir: String) throws -> PrometheusServer {
        let binary = ["/usr/bin/prometheus", "/usr/local/bin/prometheus"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let binary else { throw Shell.Failure(description: "prometheus is missing: apt-get install prometheus") }
        let port = Shell.freePort()
        let config = dir + "/prometheus.yml"
        try """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: otel-sidecar
            honor_labels: true
            static_configs:
              - targets: ['\(target)']
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["--config.file=\(config)", "--storage.tsdb.path=\(dir)/tsdb", "--web.listen-address=127.0.0.1:\(port)", "--log.level=error"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return PrometheusServer(process: p, address: "127.0.0.1:\(port)")
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    /// The scalar value of an instant query, or nil when the result is empty.
    func value(_ query: String) async throws -> Double? {
        var c = URLComponents(string: "http://\(address)/api/v1/query")!
        c.queryItems = [URLQueryItem(name: "query", value: query)]
        let url = c.url!.absoluteString
        let body: String? = try await offThread { try? Shell.httpGet(url) }
        guard let body, let obj = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              let d = obj["data"] as? [String: Any], let result = d["result"] as? [[String: Any]],
              let first = result.first, let v = first["value"] as? [Any], v.count == 2, let s = v[1] as? String
        else { return nil }
        return Double(s)
    }

    /// Polls a query (bounded: Prometheus's first scrape comes some seconds after it starts).
    func eventually(_ query: String, _ ok: (Double) -> Bool) async throws -> Bool {
        for _ in 0..<240 {
            if let v = try await value(query), ok(v) { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }
}

enum Shell {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Result: Sendable {
        var status: Int32
        var output: String
    }

    static func run(_ path: String, _ args: [String]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// A blocking HTTP/1.0 GET of `http://host:port/path?query`; returns the body of a 2xx answer.
    static func httpGet(_ url: String) throws -> String {
        guard url.hasPrefix("http://") else { throw Failure(description: "not an http URL: \(url)") }
        let rest = url.dropFirst(7)
        let hostPort = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(hostPort.count)
        let parts = hostPort.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw Failure(description: "bad URL \(url)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr(String(parts[0]))
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw Failure(description: "cannot connect to \(hostPort)") }
        let request = "GET \(path.isEmpty ? "/" : String(path)) HTTP/1.0\r\nHost: \(hostPort)\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        let text = String(decoding: out, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "no HTTP answer from \(hostPort)") }
        let status = text[..<split.lowerBound].split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        guard (200..<300).contains(status) else { throw Failure(description: "HTTP \(status) from \(url)") }
        return String(text[split.upperBound...])
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
