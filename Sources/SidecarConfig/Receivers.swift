extension SidecarConfiguration {
    /// `receivers`.
    public struct Receivers: Sendable, Equatable {
        /// `receivers.events`: NDJSON events on a Unix socket.
        public var events: EventsReceiver
        /// `receivers.otlp`: `grpc` and `http`.
        public var otlp: OTLPReceivers

        public init(events: EventsReceiver = .default, otlp: OTLPReceivers = .default) {
            self.events = events
            self.otlp = otlp
        }

        public static let `default` = Receivers()
    }

    /// Who may connect to a receiver's Unix socket. YAML keys sit flat in the receiver:
    /// `socket_mode`, `socket_group`, `allowed_uids`, `allowed_gids`.
    public struct SocketAccess: Sendable, Equatable {
        /// `socket_mode`, an octal string, default `"0660"` (stored as the number 0o660).
        public var mode: UInt32
        /// `socket_group`: group name or numeric id to chown the socket to; default none.
        public var group: String?
        /// `allowed_uids`: peer uids (SO_PEERCRED) allowed to connect; empty (default) = any.
        public var allowedUIDs: [UInt32]
        /// `allowed_gids`: peer gids allowed to connect; empty (default) = any.
        public var allowedGIDs: [UInt32]

        public init(mode: UInt32 = 0o660, group: String? = nil, allowedUIDs: [UInt32] = [], allowedGIDs: [UInt32] = []) {
            self.mode = mode
            self.group = group
            self.allowedUIDs = allowedUIDs
            self.allowedGIDs = allowedGIDs
        }

        public static let `default` = SocketAccess()
    }

    /// `receivers.events`.
    public struct EventsReceiver: Sendable, Equatable {
        /// `enabled`, default `true`.
        public var enabled: Bool
        /// `socket`: stream socket path, default `/run/otel-sidecar/events.sock`; `""` = none.
        public var socket: String?
        /// `datagram_socket`: one event per datagram; default none.
        public var datagramSocket: String?
        /// `socket_mode`, `socket_group`, `allowed_uids`, `allowed_gids`.
        public var access: SocketAccess
        /// `max_line_bytes`, default 1MiB: a longer line is answered with an error and skipped.
        public var maxLineBytes: Int
        /// `max_attributes`, default 128 per event.
        public var maxAttributes: Int
        /// `max_depth`, default 8: nesting depth of attribute values.
        public var maxDepth: Int

        public init(
            enabled: Bool = true,
            socket: String? = "/run/otel-sidecar/events.sock",
            datagramSocket: String? = nil,
            access: SocketAccess = .default,
            maxLineBytes: Int = 1 << 20,
            maxAttributes: Int = 128,
            maxDepth: Int = 8
        ) {
            self.enabled = enabled
            self.socket = socket
            self.datagramSocket = datagramSocket
            self.access = access
            self.maxLineBytes = maxLineBytes
            self.maxAttributes = maxAttributes
            self.maxDepth = maxDepth
        }

        public static let `default` = EventsReceiver()
    }

    /// `receivers.otlp`.
    public struct OTLPReceivers: Sendable, Equatable {
        public var grpc: OTLPGRPCReceiver
        public var http: OTLPHTTPReceiver

        public init(grpc: OTLPGRPCReceiver = .default, http: OTLPHTTPReceiver = .default) {
            self.grpc = grpc
            self.http = http
        }

        public static let `default` = OTLPReceivers()
    }

    /// `receivers.otlp.grpc`.
    public struct OTLPGRPCReceiver: Sendable, Equatable, ListenerReceiver {
        /// `enabled`, default `true`.
        public var enabled: Bool
        /// `socket`, default `/run/otel-sidecar/otlp-grpc.sock`; `""` = no Unix socket.
        public var socket: String?
        /// `endpoint`, default `127.0.0.1:4317`; `""` = no TCP listener.
        public var endpoint: ListenAddress?
        /// `max_message_bytes`, default 4MiB.
        public var maxMessageBytes: Int
        /// `socket_mode`, `socket_group`, `allowed_uids`, `allowed_gids`.
        public var access: SocketAccess

        public init(
            enabled: Bool = true,
            socket: String? = "/run/otel-sidecar/otlp-grpc.sock",
            endpoint: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 4317),
            maxMessageBytes: Int = 4 << 20,
            access: SocketAccess = .default
        ) {
            self.enabled = enabled
            self.socket = socket
            self.endpoint = endpoint
            self.maxMessageBytes = maxMessageBytes
            self.access = access
        }

        public static let `default` = OTLPGRPCReceiver()
    }

    /// `receivers.otlp.http`.
    public struct OTLPHTTPReceiver: Sendable, Equatable, ListenerReceiver {
        /// `enabled`, default `true`.
        public var enabled: Bool
        /// `socket`, default `/run/otel-sidecar/otlp-http.sock`; `""` = no Unix socket.
        public var socket: String?
        /// `endpoint`, default `127.0.0.1:4318`; `""` = no TCP listener.
        public var endpoint: ListenAddress?
        /// `max_body_bytes`, default 4MiB (after decompression).
        public var maxBodyBytes: Int
        /// `socket_mode`, `socket_group`, `allowed_uids`, `allowed_gids`.
        public var access: SocketAccess

        public init(
            enabled: Bool = true,
            socket: String? = "/run/otel-sidecar/otlp-http.sock",
            endpoint: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 4318),
            maxBodyBytes: Int = 4 << 20,
            access: SocketAccess = .default
        ) {
            self.enabled = enabled
            self.socket = socket
            self.endpoint = endpoint
            self.maxBodyBytes = maxBodyBytes
            self.access = access
        }

        public static let `default` = OTLPHTTPReceiver()
    }

    /// The keys the two OTLP receivers share.
    public protocol ListenerReceiver {
        var enabled: Bool { get set }
        var socket: String? { get set }
        var endpoint: ListenAddress? { get set }
        var access: SocketAccess { get set }
    }
}
