import Foundation
import OTLPWire
import SidecarModel
import Testing

@Suite("Event socket receiver, live", .serialized)
struct EventSocketTests {
    @Test func goodLinesArriveAndBadLinesAreAnsweredAndCounted() async throws {
        try await LiveSidecar.with { live in
            let c = try UnixClient(path: live.eventsSocket)
            c.send("""
            {"type":"resource","attributes":{"service.name":"gw"}}
            {"type":"span","name":"a","traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","attributes":{"k":"v"}}
            not json
            {"type":"span"}

            {"type":"span","name":"b","durationMs":3}\r
            {"type":"log","body":"hello"}

            """)
            c.shutdownWrite()
            let replies = try await offThread { c.readAll() }.split(separator: "\n").map(String.init)
            #expect(replies.count == 2)
            #expect(replies.first?.contains(#""line":3"#) == true)
            #expect(replies.first?.contains("invalid_json") == true)
            #expect(replies.last?.contains(#""line":4"#) == true)
            #expect(replies.last?.contains("missing_field") == true)

            #expect(try await live.eventually { live.exportedSpans().count == 2 })
            let spans = live.exportedSpans()
            #expect(spans.map(\.name) == ["a", "b"])
            #expect(spans[0].attributes == [Attribute("k", "v")])
            let traces = live.consoleLines().compactMap { try? OTLPJSON.decodeTraces(Array($0.utf8)) }
            #expect(traces.first?.resourceSpans.first?.resource?.attributes == [Attribute("service.name", "gw")])
            #expect(live.counter("otel_sidecar_event_errors_total", [("receiver", "events"), ("reason", "invalid_json")]) == 1)
            #expect(live.counter("otel_sidecar_event_errors_total", [("receiver", "events"), ("reason", "missing_field")]) == 1)
            #expect(live.counter("otel_sidecar_receiver_received_items_total", [("receiver", "events"), ("signal", "traces")]) == 2)
            #expect(live.counter("otel_sidecar_receiver_received_items_total", [("receiver", "events"), ("signal", "logs")]) == 1)
        }
    }

    @Test func socatAsTheClient() async throws {
        try await LiveSidecar.with { live in
            let socket = live.eventsSocket
            let r = try await offThread {
                try Shell.run("/bin/sh", ["-c", #"printf '%s\n%s\n' '{"type":"span","name":"from-socat"}' 'oops' | socat -t 2 - UNIX-CONNECT:"# + socket])
            }
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains(#""line":2"#), "\(r.output)")
            #expect(try await live.eventually { live.exportedSpans().map(\.name) == ["from-socat"] })
        }
    }

    @Test func aGarbageFloodOnOneConnectionDoesNotCostAnotherConnectionItsData() async throws {
        try await LiveSidecar.with { live in
            let bad = try UnixClient(path: live.eventsSocket)
            let good = try UnixClient(path: live.eventsSocket)
            let garbage = String(repeating: "{{{{ nope\n", count: 2000) + String(repeating: "x", count: 10_000) + "\n"
            for i in 0..<500 {
                if i % 50 == 0 { bad.send(garbage) }
                good.send(#"{"type":"span","name":"good-\#(i)","durationMs":1}"# + "\n")
            }
            good.shutdownWrite()
            bad.shutdownWrite()
            _ = try await offThread { good.readAll() }
            #expect(try await live.eventually { live.exportedSpans().count == 500 })
            let names = Set(live.exportedSpans().map(\.name))
            #expect(names == Set((0..<500).map { "good-\($0)" }))
            // The flooding connection is processed on its own; its errors are all counted by reason.
            #expect(try await live.eventually {
                live.counter("otel_sidecar_event_errors_total", [("receiver", "events"), ("reason", "line_too_long")]) == 10
            })
            #expect(live.counter("otel_sidecar_event_errors_total", [("receiver", "events"), ("reason", "invalid_json")]) == 20_000)
        }
    }

    @Test func aLineSplitAcrossWritesAndADisconnectMidLine() async throws {
        try await LiveSidecar.with { live in
            let c = try UnixClient(path: live.eventsSocket)
            c.send(#"{"type":"span","na"#)
            try await Task.sleep(for: .milliseconds(20))
            c.send(#"me":"split"}"# + "\n" + #"{"type":"span","name":"cut"#)
            c.shutdownWrite()
            _ = try await offThread { c.readAll() }
            #expect(try await live.eventually {
                live.counter("otel_sidecar_event_errors_total", [("receiver", "events"), ("reason", "truncated")]) == 1
            })
            #expect(live.exportedSpans().map(\.name) == ["split"])
        }
    }

    @Test func socketAndDirectoryPermissions() async throws {
        try await LiveSidecar.with { live in
            var st = stat()
            #expect(stat(live.eventsSocket, &st) == 0)
            #expect(st.st_mode & 0o777 == 0o660)
            #expect(stat(live.dir + "/run", &st) == 0)
            #expect(st.st_mode & 0o777 == 0o750)
        }
    }

    @Test func aPeerOutsideTheAllowlistIsRejectedAndCounted() async throws {
        // These tests run as one uid; an allowlist that names only another uid must shut it out.
        let other = getuid() == 12345 ? 12346 : 12345
        try await LiveSidecar.with(eventsExtra: "allowed_uids: [\(other)]") { live in
            let c = try UnixClient(path: live.eventsSocket)
            c.send(#"{"type":"span","name":"should-not-arrive"}"# + "\n")
            let answer = try await offThread { c.readAll() }
            #expect(answer.isEmpty)
            #expect(try await live.eventually {
                live.counter("otel_sidecar_receiver_peer_rejected_total", [("receiver", "events")]) == 1
            })
            #expect(live.exportedSpans().isEmpty)
        }
        try await LiveSidecar.with(eventsExtra: "allowed_uids: [\(getuid())]") { live in
            let c = try UnixClient(path: live.eventsSocket)
            c.send(#"{"type":"span","name":"allowed"}"# + "\n")
            c.shutdownWrite()
            _ = try await offThread { c.readAll() }
            #expect(try await live.eventually { live.exportedSpans().map(\.name) == ["allowed"] })
        }
    }

    @Test func aStaleSocketIsReplacedButALiveOneIsNot() async throws {
        let dir = LiveSidecar.makeDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/run", withIntermediateDirectories: true)
        // A stale socket file: bound, then its process is gone (closed without unlinking).
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let path = Array((dir + "/run/events.sock").utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: path) }
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        close(fd)
        try await LiveSidecar.with(dir: dir) { live in
            // Started fine over the stale file; a second sidecar on the same live socket must refuse.
            let second = SidecarTestSupport.app(try LiveSidecar.config(dir: dir))
            await #expect(throws: (any Error).self) { try await second.makeServiceGroup(signals: []).run() }
            #expect(FileManager.default.fileExists(atPath: live.eventsSocket))
        }
    }

    static func sendDatagrams(_ messages: [String], to path: String) -> [Int] {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        return messages.map { msg in
            msg.utf8CString.withUnsafeBufferPointer { b in
                withUnsafePointer(to: &addr) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, b.baseAddress, b.count - 1, 0, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                    }
                }
            }
        }
    }

    @Test func oneEventPerDatagram() async throws {
        try await LiveSidecar.with { live in
            let messages = [#"{"type":"span","name":"dgram-1"}"#, "garbage", #"{"type":"span","name":"dgram-2"}"# + "\n"]
            let sent = Self.sendDatagrams(messages, to: live.dir + "/run/events.dgram")
            #expect(sent == messages.map(\.utf8.count))
            let arrived = try await live.eventually { live.exportedSpans().count == 2 }
            #expect(arrived)
            #expect(Set(live.exportedSpans().map(\.name)) == ["dgram-1", "dgram-2"])
            #expect(live.counter("otel_sidecar_event_errors_total", [("receiver", "events"), ("reason", "invalid_json")]) == 1)
        }
    }

    @Test func systemdNotificationsAreSent() async throws {
        let dir = LiveSidecar.makeDirectory()
        let notifyPath = dir + "/notify.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: Array(notifyPath.utf8)) }
        #expect(withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } } == 0)
        try await LiveSidecar.with(dir: dir, notifySocket: notifyPath) { _ in }
        var messages: [String] = []
        var buf = [UInt8](repeating: 0, count: 256)
        while true {
            let n = recv(fd, &buf, buf.count, Int32(MSG_DONTWAIT))
            if n <= 0 { break }
            messages.append(String(decoding: buf[0..<n], as: UTF8.self))
        }
        #expect(messages == ["READY=1", "STOPPING=1"])
    }
}

enum SidecarTestSupport {
    static func app(_ config: SidecarConfiguration) -> SidecarApp {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return SidecarApp(config: config, logger: logger, notifySocket: nil)
    }
}

import Logging
import SidecarConfig
import SidecarRuntime
