import Foundation
import InMemoryLogging
import OTLPWire
import SidecarModel
import Testing

/// Every error status, its `google.rpc.Status` body in the request's content type, and its counter.
@Suite struct ErrorStatusTests {
    func jsonStatus(_ body: [UInt8]) throws -> (code: Int, message: String) {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        return (try #require(object["code"] as? Int), try #require(object["message"] as? String))
    }

    @Test func malformedProtobufAndJSONAre400WithStatus() async throws {
        try await LiveOTLP.with { live in
            let garbage = try live.file("garbage.pb", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01])
            let r = try await CurlResponse.send(live.baseURL + "/v1/traces", [
                "-H", "Content-Type: application/x-protobuf", "--data-binary", "@\(garbage)",
            ], in: live.dir)
            #expect(r.status == 400)
            #expect(r.header("content-type") == "application/x-protobuf")
            let status = try GoogleRPCStatus.decode(r.body)
            #expect(status.code == 3)
            #expect(status.message.hasPrefix("malformed traces request"))

            let j = try await CurlResponse.send("http://sidecar/v1/logs", [
                "--unix-socket", live.socketPath, "-H", "Content-Type: application/json", "--data-binary", #"{"resourceLogs":[{"#,
            ], in: live.dir)
            #expect(j.status == 400)
            #expect(j.header("content-type") == "application/json")
            let js = try jsonStatus(j.body)
            #expect(js.code == 3)
            #expect(js.message.hasPrefix("malformed logs request"))

            #expect(live.requestErrors("invalid_protobuf") == 1)
            #expect(live.requestErrors("invalid_json") == 1)
            #expect(live.sink.received.isEmpty)
        }
    }

    @Test func unknownPathIs404AndWrongMethodIs405() async throws {
        try await LiveOTLP.with { live in
            let nf = try await CurlResponse.send(live.baseURL + "/v1/spans", ["-H", "Content-Type: application/x-protobuf", "--data-binary", "x"], in: live.dir)
            #expect(nf.status == 404)
            #expect(try GoogleRPCStatus.decode(nf.body).code == 5)

            let get = try await CurlResponse.send(live.baseURL + "/v1/metrics", [], in: live.dir)
            #expect(get.status == 405)
            #expect(get.header("allow") == "POST")
            #expect(try GoogleRPCStatus.decode(get.body).code == 12)

            let put = try await CurlResponse.send(live.baseURL + "/v1/logs", ["-X", "PUT", "-H", "Content-Type: application/json", "-d", "{}"], in: live.dir)
            #expect(put.status == 405)
            #expect(put.header("content-type") == "application/json")
            #expect(try jsonStatus(put.body).code == 12)

            #expect(live.requestErrors("not_found") == 1)
            #expect(live.requestErrors("method_not_allowed") == 2)
        }
    }

    @Test func unsupportedContentTypeOrEncodingIs415() async throws {
        try await LiveOTLP.with { live in
            for contentType in ["text/plain", "application/json; charset=latin1", ""] {
                let r = try await CurlResponse.send(live.baseURL + "/v1/traces", ["-H", "Content-Type: \(contentType)", "--data-binary", "{}"], in: live.dir)
                #expect(r.status == 415, "\(contentType)")
            }
            let br = try await CurlResponse.send(live.baseURL + "/v1/traces", [
                "-H", "Content-Type: application/x-protobuf", "-H", "Content-Encoding: br", "--data-binary", "x",
            ], in: live.dir)
            #expect(br.status == 415)
            #expect(br.header("accept-encoding") == "gzip, deflate, identity")
            #expect(try GoogleRPCStatus.decode(br.body).code == 3)
            #expect(live.requestErrors("unsupported_media_type") == 3)
            #expect(live.requestErrors("unsupported_encoding") == 1)
        }
    }

    @Test func oversizedBodiesAndGzipBombsAre413() async throws {
        try await LiveOTLP.with(.init(maxBodyBytes: 256 * 1024)) { live in
            // Declared length over the limit (curl sends no Expect below 1 MiB: the body is read and dropped).
            let big = try live.file("big.pb", [UInt8](repeating: 0, count: 300 * 1024))
            let a = try await CurlResponse.send(live.baseURL + "/v1/traces", ["-H", "Content-Type: application/x-protobuf", "--data-binary", "@\(big)"], in: live.dir)
            #expect(a.status == 413)
            // 64 MiB of zeros in ~64 KiB of gzip: stopped at the limit while inflating.
            let bomb = try await Peers.gzip([UInt8](repeating: 0, count: 64 << 20))
            #expect(bomb.count < 256 * 1024)
            let bombFile = try live.file("bomb.gz", bomb)
            for extra in [["--unix-socket", live.socketPath], ["--http2-prior-knowledge"]] {
                let base = extra.first == "--unix-socket" ? "http://sidecar" : live.baseURL
                let b = try await CurlResponse.send(base + "/v1/metrics", extra + [
                    "-H", "Content-Type: application/x-protobuf", "-H", "Content-Encoding: gzip", "--data-binary", "@\(bombFile)",
                ], in: live.dir)
                #expect(b.status == 413)
                #expect(try GoogleRPCStatus.decode(b.body).message.contains("decoded request body exceeds max_body_bytes"))
            }
            // A corrupt gzip stream is 400.
            var corrupt = try await Peers.gzip(OTLPProtobuf.encode(Samples.metrics))
            corrupt[corrupt.count / 2] ^= 0xFF
            let c = try await CurlResponse.send(live.baseURL + "/v1/metrics", [
                "-H", "Content-Type: application/x-protobuf", "-H", "Content-Encoding: gzip", "--data-binary", "@\(try live.file("bad.gz", corrupt))",
            ], in: live.dir)
            #expect(c.status == 400)
            #expect(live.requestErrors("body_too_large") == 3)
            #expect(live.requestErrors("invalid_encoding") == 1)
            #expect(live.sink.received.isEmpty)
        }
    }

    @Test func refusedByThePipelineIs429WithRetryAfter() async throws {
        try await LiveOTLP.with(.init(refusing: true)) { live in
            let pb = try live.file("t.pb", OTLPProtobuf.encode(Samples.traces(spans: 3)))
            let r = try await CurlResponse.send(live.baseURL + "/v1/traces", ["-H", "Content-Type: application/x-protobuf", "--data-binary", "@\(pb)"], in: live.dir)
            #expect(r.status == 429)
            #expect(r.header("retry-after") == "1")
            let status = try GoogleRPCStatus.decode(r.body)
            #expect(status.code == 8)
            #expect(status.retryDelay == .seconds(1))

            let json = try live.file("l.json", OTLPJSON.encode(Samples.logs))
            let j = try await CurlResponse.send("http://sidecar/v1/logs", [
                "--http2-prior-knowledge", "--unix-socket", live.socketPath, "-H", "Content-Type: application/json", "--data-binary", "@\(json)",
            ], in: live.dir)
            #expect(j.status == 429)
            #expect(j.header("retry-after") == "1")
            #expect(try jsonStatus(j.body).code == 8)

            #expect(live.counter("otel_sidecar_receiver_refused_items_total", [("receiver", "otlp_http"), ("signal", "traces")]) == 3)
            #expect(live.counter("otel_sidecar_receiver_refused_items_total", [("receiver", "otlp_http"), ("signal", "logs")]) == 2)
            #expect(live.requestErrors("refused") == 0)
        }
    }

    /// Errors are logged by reason only: never a payload byte, a path or a header value. (Each case gets its
    /// own receiver: the error log is rate-limited to a line a second.)
    @Test func logsCarryNoPayloadOrHeaderValues() async throws {
        let secret = "SECRET-\(UUID().uuidString)"
        let cases: [(path: String, args: [String])] = [
            ("/v1/traces", ["-H", "Content-Type: application/json", "-H", "Authorization: Bearer \(secret)",
                            "--data-binary", #"{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":{"stringValue":"\#(secret)"}}]}},"#]),
            // The decoder quotes an unknown enum name: the client is told, the log is not.
            ("/v1/traces", ["-H", "Content-Type: application/json",
                            "--data-binary", #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x","kind":"\#(secret)"}]}]}]}"#]),
            ("/v1/traces", ["-H", "Content-Type: text/\(secret)", "-d", secret]),
            ("/v1/\(secret)", ["-H", "Content-Type: application/json", "-d", "{}"]),
        ]
        for c in cases {
            let handler = InMemoryLogHandler()
            let status = try await LiveOTLP.with(.init(logHandler: handler)) { live in
                try await CurlResponse.send(live.baseURL + c.path, c.args, in: live.dir).status
            }
            #expect(status >= 400)
            let lines = handler.entries.map { "\($0.message) \($0.metadata)" }
            #expect(lines.filter { $0.contains("rejected request") }.count == 1, "\(lines)")
            #expect(!lines.contains { $0.contains(secret) }, "\(lines)")
        }
    }

    @Test func decoderDetailGoesToTheClient() async throws {
        try await LiveOTLP.with { live in
            let r = try await CurlResponse.send(live.baseURL + "/v1/traces", [
                "-H", "Content-Type: application/json",
                "--data-binary", #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x","kind":"SPAN_KIND_NOPE"}]}]}]}"#,
            ], in: live.dir)
            #expect(r.status == 400)
            #expect(try jsonStatus(r.body).message.contains("SPAN_KIND_NOPE"))
        }
    }
}
