import Foundation
import OTLPWire
import SidecarModel
import Testing

/// OTLP/HTTP from curl: protobuf and JSON, Unix socket and TCP, HTTP/1.1 and h2c, gzip bodies made by gzip(1).
@Suite struct CurlExportTests {
    @Test func protobufTracesOverUnixSocketAndTCP() async throws {
        try await LiveOTLP.with { live in
            let sent = Samples.traces(spans: 3)
            let file = try live.file("traces.pb", OTLPProtobuf.encode(sent))
            for transport in [["--unix-socket", live.socketPath], []] {
                let base = transport.isEmpty ? live.baseURL : "http://sidecar"
                let r = try await CurlResponse.send(base + "/v1/traces", transport + [
                    "-H", "Content-Type: application/x-protobuf", "--data-binary", "@\(file)",
                ], in: live.dir)
                #expect(r.status == 200)
                #expect(r.httpVersion == "1.1")
                #expect(r.header("content-type") == "application/x-protobuf")
                #expect(try OTLPProtobuf.decodeResponse(r.body) == ExportResponse())
            }
            #expect(live.sink.traces == [sent, sent])
            #expect(live.counter("otel_sidecar_receiver_received_items_total", [("receiver", "otlp_http"), ("signal", "traces")]) == 6)
            #expect(live.counter("otel_sidecar_receiver_accepted_items_total", [("receiver", "otlp_http"), ("signal", "traces")]) == 6)
        }
    }

    @Test func jsonLogsAndMetricsWithCharset() async throws {
        try await LiveOTLP.with { live in
            let logs = try live.file("logs.json", OTLPJSON.encode(Samples.logs))
            let metrics = try live.file("metrics.json", OTLPJSON.encode(Samples.metrics))
            for (path, file) in [("/v1/logs", logs), ("/v1/metrics", metrics)] {
                let r = try await CurlResponse.send(live.baseURL + path, [
                    "-H", "Content-Type: application/json; charset=utf-8", "--data-binary", "@\(file)",
                ], in: live.dir)
                #expect(r.status == 200)
                #expect(r.header("content-type") == "application/json")
                #expect(String(decoding: r.body, as: UTF8.self) == "{}")
            }
            #expect(live.sink.logs == [Samples.logs])
            #expect(live.sink.metrics == [Samples.metrics])
        }
    }

    @Test func gzipBodiesFromTheGzipTool() async throws {
        try await LiveOTLP.with { live in
            let pb = try live.file("m.pb.gz", try await Peers.gzip(OTLPProtobuf.encode(Samples.metrics)))
            let json = try live.file("t.json.gz", try await Peers.gzip(OTLPJSON.encode(Samples.traces(spans: 2))))
            let a = try await CurlResponse.send("http://sidecar/v1/metrics", [
                "--unix-socket", live.socketPath, "-H", "Content-Type: application/x-protobuf", "-H", "Content-Encoding: gzip",
                "--data-binary", "@\(pb)",
            ], in: live.dir)
            let b = try await CurlResponse.send(live.baseURL + "/v1/traces", [
                "-H", "Content-Type: application/json", "-H", "Content-Encoding: gzip", "--data-binary", "@\(json)",
            ], in: live.dir)
            #expect(a.status == 200)
            #expect(b.status == 200)
            #expect(live.sink.metrics == [Samples.metrics])
            #expect(live.sink.traces == [Samples.traces(spans: 2)])
        }
    }

    @Test func h2cPriorKnowledgeOverUnixSocketAndTCP() async throws {
        try await LiveOTLP.with { live in
            let sent = Samples.traces(spans: 4)
            let file = try live.file("traces.pb", OTLPProtobuf.encode(sent))
            let gz = try live.file("logs.json.gz", try await Peers.gzip(OTLPJSON.encode(Samples.logs)))
            let a = try await CurlResponse.send("http://sidecar/v1/traces", [
                "--http2-prior-knowledge", "--unix-socket", live.socketPath,
                "-H", "Content-Type: application/x-protobuf", "--data-binary", "@\(file)",
            ], in: live.dir)
            let b = try await CurlResponse.send(live.baseURL + "/v1/logs", [
                "--http2-prior-knowledge", "-H", "Content-Type: application/json", "-H", "Content-Encoding: gzip", "--data-binary", "@\(gz)",
            ], in: live.dir)
            let c = try await CurlResponse.send(live.baseURL + "/v1/nope", ["--http2-prior-knowledge", "-H", "Content-Type: application/json", "-d", "{}"], in: live.dir)
            #expect(a.status == 200 && a.httpVersion == "2")
            #expect(b.status == 200 && b.httpVersion == "2")
            #expect(b.header("content-type") == "application/json")
            #expect(c.status == 404 && c.httpVersion == "2")
            #expect(live.sink.traces == [sent])
            #expect(live.sink.logs == [Samples.logs])
        }
    }

    /// h2load (nghttp2) drives many concurrent streams over a few h2c connections, TCP and Unix socket.
    @Test func h2loadConcurrentStreams() async throws {
        let h2load = try Peers.tool("h2load", package: "nghttp2-client")
        try await LiveOTLP.with { live in
            let file = try live.file("traces.pb", OTLPProtobuf.encode(Samples.traces(spans: 2)))
            let common = ["-n", "200", "-c", "4", "-m", "8", "-d", file, "-H", "content-type: application/x-protobuf"]
            let tcp = try await Peers.run(h2load, common + [live.baseURL + "/v1/traces"])
            let unix = try await Peers.run(h2load, common + ["-B", "unix:\(live.socketPath)", "http://sidecar/v1/traces"])
            for out in [tcp, unix] {
                #expect(out.status == 0, "\(out.stderr)")
                #expect(out.text.contains("200 succeeded, 0 failed, 0 errored"), "\(out.text)")
                #expect(out.text.contains("status codes: 200 2xx"), "\(out.text)")
            }
            #expect(live.sink.spanCount == 800)
        }
    }

    /// The examples of docs/receivers-http.md, as written there.
    @Test func documentedExamples() async throws {
        try await LiveOTLP.with { live in
            let json = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /","kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000500000000"}]}]}]}"#
            let ok = try await Peers.curl(["--unix-socket", live.socketPath, "-H", "Content-Type: application/json", "-d", json, "http://sidecar/v1/traces"])
            #expect(ok.text == "{}")
            let span = try #require(live.sink.traces.first?.resourceSpans.first?.scopeSpans.first?.spans.first)
            #expect(span.name == "GET /" && span.kind == .server && span.endTimeUnixNano == 1_700_000_000_500_000_000)
            let bad = try await Peers.curl(["-i", "-H", "Content-Type: application/json", "-d", #"{"resourceSpans":["#, live.baseURL + "/v1/traces"])
            #expect(bad.text.hasPrefix("HTTP/1.1 400 Bad Request"))
            #expect(bad.text.contains(#"{"code":3,"message":"malformed traces request: "#))
        }
    }
}
