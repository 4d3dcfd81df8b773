import GRPCCore
import GRPCNIOTransportHTTP2
import NIOPosix

/// OTLP/gRPC sender with grpc-swift-2 (`--client grpc-swift`, the sidecar's own gRPC stack): one
/// `GRPCClient` (one HTTP/2 connection) per `--connections`, each with `--inflight` concurrent unary calls
/// replaying the pre-encoded pool. Also holds the paced send loop that `--client raw` shares.
enum GRPCSender {
    struct Settings: Sendable {
        var connections: Int
        var inflight: Int
        var gzip: Bool
        var timeout: Duration
    }

    static func makeTransport(_ address: Target.Address, gzip: Bool) throws -> HTTP2ClientTransport.Posix {
        let target: any ResolvableTarget = switch address {
        case .unix(let path): .unixDomainSocket(path: path)
        case .tcp(let host, let port):
            host.contains(":") ? .ipv6(address: host, port: port) : (host.first?.isNumber == true ? .ipv4(address: host, port: port) : .dns(host: host, port: port))
        }
        let config = HTTP2ClientTransport.Posix.Config.defaults { c in
            if gzip { c.compression = .init(algorithm: .gzip, enabledAlgorithms: .gzip) }
            c.backoff = .init(initial: .milliseconds(100), max: .seconds(1), multiplier: 1.6, jitter: 0.2)
        }
        return try HTTP2ClientTransport.Posix(
            target: target, transportSecurity: .plaintext, config: config,
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton
        )
    }

    static func run(target: Target, pool: RequestPool, plan: SendPlan, settings: Settings) async throws -> [WorkerStats] {
        var made: [GRPCClient<HTTP2ClientTransport.Posix>] = []
        for _ in 0..<settings.connections {
            made.append(GRPCClient(transport: try makeTransport(target.address, gzip: settings.gzip)))
        }
        let clients = made
        return try await withThrowingTaskGroup(of: [WorkerStats].self) { group in
            for client in clients {
                group.addTask {
                    try await client.runConnections()
                    return []
                }
            }
            let workers = await withTaskGroup(of: WorkerStats.self) { inner in
                for c in 0..<settings.connections {
                    for s in 0..<settings.inflight {
                        let worker = c * settings.inflight + s
                        inner.addTask {
                            await sendLoop(client: clients[c], worker: worker, pool: pool, plan: plan, settings: settings)
                        }
                    }
                }
                var all: [WorkerStats] = []
                for await w in inner { all.append(w) }
                return all
            }
            for client in clients { client.beginGracefulShutdown() }
            var out: [WorkerStats] = []
            for try await w in group { out += w }
            return out + workers
        }
    }

    /// What one call came to.
    enum Outcome: Sendable {
        case ok(rejected: Int64)
        case failed(kind: String, unavailable: Bool)
    }

    /// The paced send loop shared by both clients: claims spans, waits for its slot at the offered rate,
    /// calls `call(seq, spans)` and records latency and outcome.
    static func paced(
        worker: Int, pool: RequestPool, plan: SendPlan, call: (_ seq: Int, _ spans: Int) async -> Outcome
    ) async -> WorkerStats {
        var stats = WorkerStats()
        var seq = worker
        let phase = plan.phase(worker: worker, unitsPerSend: pool.spansPerRequest)
        while true {
            let notBefore = plan.notBefore(sentUnits: stats.sentSpans, phase: phase)
            if notBefore > 0 {
                let now = Mono.nanos()
                if notBefore > now { try? await Task.sleep(for: .nanoseconds(Int64(notBefore - now)), tolerance: .zero) }
            }
            let n = plan.claim(pool.spansPerRequest, now: Mono.nanos())
            if n == 0 { break }
            stats.sentSpans += n
            stats.sentRequests += 1
            stats.wireBytes += pool.body(seq: seq, spans: n).count
            let t0 = Mono.nanos()
            let outcome = await call(seq, n)
            stats.latency.record(Mono.nanos() - t0)
            seq += plan.workers
            switch outcome {
            case .ok(let rejected):
                stats.ackRequests += 1
                stats.ackSpans += n - Int(min(Int64(n), rejected))
                if rejected > 0 { stats.error("partial_success_rejected_spans", Int(rejected)) }
            case .failed(let kind, let unavailable):
                stats.error(kind)
                // Do not spin on a target that is down.
                if unavailable { try? await Task.sleep(for: .milliseconds(10)) }
            }
        }
        return stats
    }

    static func sendLoop(
        client: GRPCClient<HTTP2ClientTransport.Posix>, worker: Int, pool: RequestPool, plan: SendPlan, settings: Settings
    ) async -> WorkerStats {
        var options = CallOptions.defaults
        options.timeout = settings.timeout
        options.compression = settings.gzip ? .gzip : CompressionAlgorithm.none
        options.waitForReady = false  // fail fast (UNAVAILABLE) when the target is down; a connecting call still waits
        return await paced(worker: worker, pool: pool, plan: plan) { seq, n in
            do {
                let result = try await client.unary(
                    request: ClientRequest(message: pool.body(seq: seq, spans: n)), descriptor: OTLPMethods.traces,
                    serializer: PassThroughSerializer(), deserializer: RejectedCountDeserializer(), options: options
                ) { response in
                    response.accepted.flatMap { $0.message }
                }
                switch result {
                case .success(let rejected): return .ok(rejected: rejected)
                case .failure(let error): return .failed(kind: "grpc_\(error.code)", unavailable: error.code == .unavailable)
                }
            } catch let error as RPCError {
                return .failed(kind: "grpc_\(error.code)", unavailable: error.code == .unavailable)
            } catch {
                return .failed(kind: "transport", unavailable: true)
            }
        }
    }
}
