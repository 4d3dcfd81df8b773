import OTLPWire

/// One connection of `--client raw`, replaced when it dies (the target restarted, a GOAWAY): the workers
/// of the connection keep a copy and ask for a new one only after a failed call on a closed channel.
actor RawConnectionSlot {
    private var current: RawGRPCConnection
    let address: Target.Address

    init(_ connection: RawGRPCConnection, address: Target.Address) {
        current = connection
        self.address = address
    }

    func replace(_ dead: RawGRPCConnection) async -> RawGRPCConnection? {
        if current.channel !== dead.channel, current.channel.isActive { return current }
        guard let fresh = try? await RawGRPCConnection.connect(address) else { return nil }
        current = fresh
        return fresh
    }

    func get() -> RawGRPCConnection { current }

    func close() async { await current.close() }
}

/// Runs `send` over raw HTTP/2 connections (`--client raw`).
enum RawGRPCSender {
    static let codeNames = [1: "cancelled", 2: "unknown", 3: "invalidArgument", 4: "deadlineExceeded", 5: "notFound",
                            7: "permissionDenied", 8: "resourceExhausted", 12: "unimplemented", 13: "internalError",
                            14: "unavailable", 16: "unauthenticated"]

    struct ConnectError: Error, CustomStringConvertible {
        let description: String
    }

    static func run(target: Target, pool: RequestPool, plan: SendPlan, settings: GRPCSender.Settings) async throws -> [WorkerStats] {
        var made: [RawConnectionSlot] = []
        for _ in 0..<settings.connections {
            do {
                made.append(RawConnectionSlot(try await RawGRPCConnection.connect(target.address), address: target.address))
            } catch {
                throw ConnectError(description: "cannot connect to \(target): \(error)")
            }
        }
        let slots = made
        // Framed once: the pool's bodies are already gzip-compressed when settings.gzip.
        let framed = pool.requests.map { RawGRPCConnection.frame($0, compressed: settings.gzip) }
        let tail = pool.tail.map { RawGRPCConnection.frame($0, compressed: settings.gzip) }
        let stats = await withTaskGroup(of: WorkerStats.self) { group in
            for c in 0..<settings.connections {
                for s in 0..<settings.inflight {
                    group.addTask {
                        var connection = await slots[c].get()
                        var headers = connection.headers(gzip: settings.gzip, timeout: settings.timeout)
                        return await GRPCSender.paced(worker: c * settings.inflight + s, pool: pool, plan: plan) { seq, n in
                            let body = n < pool.spansPerRequest ? (tail ?? framed[0]) : framed[seq % framed.count]
                            let r = await connection.call(headers: headers, framedMessage: body, timeout: settings.timeout)
                            if r.status == 0 {
                                let rejected = r.response.isEmpty ? 0 : ((try? OTLPProtobuf.decodeResponse(r.response))?.partialSuccess?.rejected ?? 0)
                                return .ok(rejected: rejected)
                            }
                            if r.status < 0, !connection.channel.isActive, let fresh = await slots[c].replace(connection) {
                                connection = fresh
                                headers = fresh.headers(gzip: settings.gzip, timeout: settings.timeout)
                            }
                            let kind = r.status < 0 ? "transport" : "grpc_" + (codeNames[r.status] ?? "code\(r.status)")
                            return .failed(kind: kind, unavailable: r.status == 14 || r.status < 0)
                        }
                    }
                }
            }
            var all: [WorkerStats] = []
            for await w in group { all.append(w) }
            return all
        }
        for slot in slots { await slot.close() }
        return stats
    }
}
