// swift-tools-version:6.2
import PackageDescription

// Every dependency is named with its reason in docs/architecture.md.
// Swift 6 language mode (complete concurrency checking) and warnings as errors, everywhere.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .treatAllWarnings(as: .error),
]

let log = Target.Dependency.product(name: "Logging", package: "swift-log")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")

let package = Package(
    name: "otel-sidecar",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "otel-sidecar", targets: ["otel-sidecar"]),
        .executable(name: "otel-sidecar-loadgen", targets: ["otel-sidecar-loadgen"]),
        .library(name: "SidecarModel", targets: ["SidecarModel"]),
        .library(name: "OTLPWire", targets: ["OTLPWire"]),
        .library(name: "EventProtocol", targets: ["EventProtocol"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // System libraries: PCRE2 (JIT regular expressions for PII masks) and zlib (gzip).
        .systemLibrary(name: "CPCRE2", providers: [.apt(["libpcre2-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // The telemetry model: value types, no dependencies.
        .target(name: "SidecarModel", swiftSettings: strictSettings),
        // Our OTLP codec: protobuf and OTLP/JSON straight between bytes and the model.
        .target(name: "OTLPWire", dependencies: ["SidecarModel"], swiftSettings: strictSettings),
        // The newline-delimited JSON event protocol for proxies without an SDK (docs/protocol.md).
        .target(name: "EventProtocol", dependencies: ["SidecarModel", "OTLPWire"], swiftSettings: strictSettings),
        // YAML + environment configuration with validation by key path.
        .target(name: "SidecarConfig", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: strictSettings),
        // The pipeline core: batches, fan-out, counters, readiness, console exporter. No NIO.
        .target(name: "Pipeline", dependencies: ["SidecarModel", "OTLPWire"], swiftSettings: strictSettings),
        // Processors: PII redaction (PCRE2), sampling, limits. No NIO.
        .target(name: "Redaction", dependencies: ["SidecarModel", "Pipeline", "SidecarConfig", "CPCRE2"], swiftSettings: strictSettings),
        // Metric aggregation, span-derived RED metrics, Prometheus exposition. No NIO.
        .target(name: "MetricStore", dependencies: ["SidecarModel", "OTLPWire", "Pipeline", "EventProtocol", "SidecarConfig"], swiftSettings: strictSettings),
        // Per-exporter delivery: bounded queue, batcher, disk spill, retry, circuit breaker. No NIO.
        .target(
            name: "Delivery",
            dependencies: ["SidecarModel", "OTLPWire", "Pipeline", "SidecarConfig", log, lifecycle],
            swiftSettings: strictSettings
        ),
        // Exporters: OTLP/gRPC (grpc-swift-2), OTLP/HTTP (async-http-client), console; TLS/mTLS, gzip.
        .target(
            name: "Export",
            dependencies: [
                "Delivery", "OTLPWire", "SidecarModel", "SidecarConfig", "Pipeline", "CZlib",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                log, lifecycle,
            ],
            swiftSettings: strictSettings
        ),
        // Receivers (SwiftNIO): event protocol (stream + datagram), OTLP/gRPC, OTLP/HTTP and the HTTP server.
        .target(
            name: "Ingest",
            dependencies: [
                "Pipeline", "EventProtocol", "OTLPWire", "SidecarModel", "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                log, lifecycle,
            ],
            swiftSettings: strictSettings
        ),
        // Wiring: configuration to services, the ServiceGroup, logging, systemd notification.
        .target(
            name: "SidecarRuntime",
            dependencies: [
                "SidecarModel", "Pipeline", "Ingest", "EventProtocol", "OTLPWire", "SidecarConfig", "Redaction", "MetricStore", "Delivery", "Export",
                log, lifecycle,
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "otel-sidecar",
            dependencies: [
                "SidecarRuntime", "SidecarConfig", "Redaction", "MetricStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                log, lifecycle,
            ],
            swiftSettings: strictSettings
        ),
        // `otel-sidecar-loadgen` (issue #8): load generator, event-socket write latency, counting OTLP sink.
        .executableTarget(
            name: "otel-sidecar-loadgen",
            dependencies: [
                "SidecarModel", "OTLPWire", "CZlib",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: strictSettings
        ),
        // Counts heap allocations for the bench executable (it interposes malloc; linked nowhere else).
        .target(name: "CAllocCounter"),
        // `make bench`: a bench executable that measures against baselines in the same run.
        .executableTarget(
            name: "otel-sidecar-bench",
            dependencies: ["SidecarModel", "OTLPWire", "EventProtocol", "Redaction", "MetricStore", "Pipeline", "SidecarConfig", "CAllocCounter"],
            swiftSettings: strictSettings
        ),

        .testTarget(name: "SidecarModelTests", dependencies: ["SidecarModel"], swiftSettings: strictSettings),
        .testTarget(name: "OTLPWireTests", dependencies: ["OTLPWire", "SidecarModel"], swiftSettings: strictSettings),
        .testTarget(name: "EventProtocolTests", dependencies: ["EventProtocol", "SidecarModel"], swiftSettings: strictSettings),
        .testTarget(name: "SidecarConfigTests", dependencies: ["SidecarConfig"], swiftSettings: strictSettings),
        .testTarget(
            name: "RedactionTests",
            dependencies: ["Redaction", "SidecarModel", "Pipeline", "SidecarConfig"],
            exclude: ["Corpus", "generate_corpus.py"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MetricStoreTests",
            dependencies: ["MetricStore", "Pipeline", "EventProtocol", "SidecarModel"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DeliveryTests",
            dependencies: [
                "Delivery", "Pipeline", "SidecarModel", "OTLPWire", "SidecarConfig", log, lifecycle,
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ExportTests",
            dependencies: [
                "Export", "Delivery", "Pipeline", "OTLPWire", "SidecarModel", "SidecarConfig",
                log, lifecycle,
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            exclude: ["python"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IngestHTTPTests",
            dependencies: [
                "Ingest", "Pipeline", "OTLPWire", "SidecarModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                log, lifecycle,
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            exclude: ["python"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InteropTests",
            dependencies: ["OTLPWire", "SidecarModel"],
            exclude: ["python", "Goldens"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SidecarRuntimeTests",
            dependencies: [
                "SidecarRuntime", "SidecarConfig", "Pipeline", "Ingest", "EventProtocol", "SidecarModel", "OTLPWire",
                log, lifecycle, .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            exclude: ["python"],
            swiftSettings: strictSettings
        ),
    ]
)
