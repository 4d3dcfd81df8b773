import ArgumentParser

extension Loadgen {
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay pre-encoded MCP tool-call spans to an OTLP (gRPC, HTTP) or event-protocol endpoint.",
            discussion: """
            Targets: grpc://HOST:PORT, grpc+unix:///path, http://HOST:PORT[/url-path] (default /v1/traces), \
            http+unix:///path[:/url-path], events+unix:///path, events+unixgram:///path. \
            Requests are encoded once before the clock starts (a pool of --pool distinct requests, unique span \
            and trace ids within the pool). Latency is per request (gRPC/HTTP) or per write() call (events).
            """
        )

        @Option(help: "Where to send (see above).")
        var target: String

        @Option(help: "Offered spans per second over all connections; 0 = flat out.")
        var rate: Double = 0

        @Option(help: "Run this many seconds (default 10 when --spans is not given).")
        var duration: Double?

        @Option(help: "Send exactly this many spans, then stop.")
        var spans: Int?

        @Option(help: "Connections (gRPC: HTTP/2 connections; HTTP: keep-alive connections; events: Unix connections).")
        var connections: Int = 1

        @Option(help: "gRPC: concurrent calls per connection.")
        var inflight: Int = 1

        @Option(help: "gRPC client: raw (swift-nio-http2, pre-framed and pre-gzipped requests) or grpc-swift (grpc-swift-2).")
        var client: GRPCClientKind = .raw

        @Option(name: .customLong("spans-per-request"), help: "Spans per OTLP request (events: always 1 span per line).")
        var spansPerRequest: Int = 512

        @Option(help: "Distinct pre-encoded requests (OTLP) or lines × 64 (events) to cycle through.")
        var pool: Int = 64

        @Option(name: .customLong("lines-per-write"), help: "Events: at most this many lines per write(); 0 = up to 64 KiB.")
        var linesPerWrite: Int = 0

        @Flag(help: "gzip request bodies (HTTP and --client raw: each body compressed once up front; --client grpc-swift: per message in the transport).")
        var gzip = false

        @Option(help: "Per-request timeout in seconds (gRPC deadline, HTTP read timeout).")
        var timeout: Double = 10

        @Option(help: "Write the report as JSON to this file.")
        var json: String?

        @Flag(help: "Exit 1 unless every span sent was acknowledged.")
        var requireAll = false

        func validate() throws {
            if duration != nil && spans != nil { throw ValidationError("give --duration or --spans, not both") }
            if let d = duration, d <= 0 { throw ValidationError("--duration must be > 0") }
            if let n = spans, n <= 0 { throw ValidationError("--spans must be > 0") }
            if connections < 1 || inflight < 1 || spansPerRequest < 1 || pool < 1 { throw ValidationError("counts must be ≥ 1") }
            if rate < 0 { throw ValidationError("--rate must be ≥ 0") }
        }

        func run() async throws {
            Sockets.ignoreSIGPIPE()
            let target: Target
            do { target = try Target.parse(self.target) } catch { throw ValidationError(error.description) }
            let seconds = spans == nil ? (duration ?? 10) : nil
            let salt = SpanShape.mix(Mono.wallNanos() ^ UInt64(getpid()))
            var requestPool: RequestPool?
            var linePool: EventLinePool?
            switch target.proto {
            case .grpc, .http:
                let full = spans.map { min(pool, max(1, $0 / spansPerRequest)) } ?? pool
                let tail = spans.map { $0 % spansPerRequest } ?? 0
                requestPool = try RequestPool(count: full, spansPerRequest: spansPerRequest, tailSpans: tail,
                                              gzipBodies: gzip && (target.proto == .http || client == .raw), salt: salt)
            case .events, .eventsDatagram:
                linePool = EventLinePool(count: max(pool * 64, 1), salt: salt)
            }
            let workers = target.proto == .grpc ? connections * inflight : connections
            let cpu0 = Mono.processCPUSeconds()
            let t0 = Mono.nanos()
            let plan = SendPlan(spans: spans, duration: seconds, rate: rate, workers: workers, start: t0)
            let results: [WorkerStats]
            switch target.proto {
            case .grpc:
                let settings = GRPCSender.Settings(connections: connections, inflight: inflight, gzip: gzip, timeout: .milliseconds(Int64(timeout * 1000)))
                switch client {
                case .raw: results = try await RawGRPCSender.run(target: target, pool: requestPool!, plan: plan, settings: settings)
                case .grpcSwift: results = try await GRPCSender.run(target: target, pool: requestPool!, plan: plan, settings: settings)
                }
            case .http:
                results = await HTTPSender.run(target: target, pool: requestPool!, plan: plan, connections: connections, gzip: gzip, timeout: timeout)
            case .events, .eventsDatagram:
                guard case .unix(let path) = target.address else { throw ValidationError("events targets are Unix sockets") }
                results = await EventSender.run(pool: linePool!, plan: plan, connections: connections, settings: .init(
                    path: path, datagram: target.proto == .eventsDatagram, linesPerWrite: linesPerWrite))
            }
            let wall = Double(Mono.nanos() - t0) / 1e9
            var total = WorkerStats()
            for r in results { total.merge(r) }
            let report = SendReport(
                target: target.text, transport: target.proto == .grpc ? "grpc (\(client.rawValue))" : target.proto.rawValue, connections: connections,
                inflight: target.proto == .grpc ? inflight : 1, spansPerRequest: spansPerRequest, gzip: gzip,
                offeredRate: rate, seconds: wall, cpuSeconds: Mono.processCPUSeconds() - cpu0,
                protobufBytesPerRequest: requestPool?.protobufBytes ?? 0, eventLineBytes: linePool?.meanBytes ?? 0, total: total
            )
            print(report.text, terminator: "")
            if let json { try writeFile(json, report.json.render(pretty: true) + "\n") }
            if requireAll && (total.ackSpans != total.sentSpans || !total.errors.isEmpty) { throw ExitCode(1) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum GRPCClientKind: String, ExpressibleByArgument, Sendable {
    case raw
    case grpcSwift = "grpc-swift"
}
