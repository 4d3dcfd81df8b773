#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import Pipeline

/// The credentials of the process at the other end of a Unix stream socket, as the kernel recorded them at
/// `connect()` (Linux `SO_PEERCRED`).
public struct PeerCredentials: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    public var description: String { "pid=\(pid) uid=\(uid) gid=\(gid)" }

    /// `struct ucred` (pid_t, uid_t, gid_t); Glibc only exports it under _GNU_SOURCE, so it is mirrored here.
    struct RawUcred: Sendable {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads the peer's credentials of an accepted Unix-socket channel (any `SocketOptionProvider`).
    public static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(Unavailable(description: "the channel has no socket options"))
        }
        let future: EventLoopFuture<RawUcred> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)
        )
        return future.map { PeerCredentials(pid: $0.pid, uid: $0.uid, gid: $0.gid) }
        #else
        return channel.eventLoop.makeFailedFuture(Unavailable(description: "SO_PEERCRED is Linux-only"))
        #endif
    }
}

/// Which peers may connect to a Unix socket (`allowed_uids`, `allowed_gids`). Both empty: anyone who can
/// open the socket file (its mode and group decide). Otherwise a peer is admitted when its uid is in
/// `uids` or its (primary) gid is in `gids`.
public struct PeerAllowlist: Sendable, Hashable {
    public var uids: Set<UInt32>
    public var gids: Set<UInt32>

    public init(uids: some Sequence<UInt32> = [], gids: some Sequence<UInt32> = []) {
        self.uids = Set(uids)
        self.gids = Set(gids)
    }

    public static let anyone = PeerAllowlist()

    public var isUnrestricted: Bool { uids.isEmpty && gids.isEmpty }

    public func admits(_ peer: PeerCredentials) -> Bool {
        isUnrestricted || uids.contains(peer.uid) || gids.contains(peer.gid)
    }
}

/// Applies a `PeerAllowlist` to accepted Unix-socket connections, for any receiver: call `admit(_:)` first in
/// the child channel initializer. A rejected peer (or one whose credentials cannot be read) is counted in
/// `otel_sidecar_receiver_peer_rejected_total{receiver}`, logged (rate-limited, ids only) and closed
/// before a byte is read.
public final class PeerGate: Sendable {
    public struct Rejected: Error, CustomStringConvertible {
        public var peer: PeerCredentials?
        public var description: String { peer.map { "peer \($0) is not allowed" } ?? "peer credentials unavailable" }
    }

    public let receiver: String
    public let allowlist: PeerAllowlist
    let rejected: Counter
    let log: RateLimitedLog

    public init(receiver: String, allowlist: PeerAllowlist, counters: CounterRegistry, logger: Logger) {
        self.receiver = receiver
        self.allowlist = allowlist
        self.rejected = counters.counter("otel_sidecar_receiver_peer_rejected_total", [("receiver", receiver)])
        self.log = RateLimitedLog(logger: logger)
    }

    /// Succeeds when the peer may talk to the receiver; otherwise fails with `Rejected` after closing the
    /// channel (so a channel initializer can simply `flatMap` its setup onto it).
    public func admit(_ channel: any Channel) -> EventLoopFuture<Void> {
        if allowlist.isUnrestricted { return channel.eventLoop.makeSucceededVoidFuture() }
        return PeerCredentials.of(channel).flatMapErrorThrowing { _ in
            throw Rejected(peer: nil)
        }.flatMapThrowing { [allowlist] peer in
            guard allowlist.admits(peer) else { throw Rejected(peer: peer) }
        }.flatMapErrorThrowing { [self] error in
            rejected.add()
            let peer = (error as? Rejected)?.peer
            log.warning("rejected peer", metadata: [
                "receiver": "\(receiver)",
                "peer.uid": "\(peer.map { String($0.uid) } ?? "unknown")",
                "peer.gid": "\(peer.map { String($0.gid) } ?? "unknown")",
                "peer.pid": "\(peer.map { String($0.pid) } ?? "unknown")",
            ])
            channel.close(promise: nil)
            throw error
        }
    }
}
