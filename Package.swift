// swift-tools-version:6.2
import PackageDescription

// Every dependency is named with its reason in docs/architecture.md.
// Swift 6 language mode (complete concurrency checking) and warnings as errors, everywhere.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "otel-sidecar",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "otel-sidecar", targets: ["otel-sidecar"]),
        .library(name: "SidecarModel", targets: ["SidecarModel"]),
        .library(name: "OTLPWire", targets: ["OTLPWire"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
    ],
    targets: [
        // The telemetry model: value types, no dependencies.
        .target(name: "SidecarModel", swiftSettings: strictSettings),
        // Our OTLP codec: protobuf and OTLP/JSON straight between bytes and the model.
        .target(name: "OTLPWire", dependencies: ["SidecarModel"], swiftSettings: strictSettings),
        // The newline-delimited JSON event protocol for proxies without an SDK (docs/protocol.md).
        .target(name: "EventProtocol", dependencies: ["SidecarModel", "OTLPWire"], swiftSettings: strictSettings),
        // YAML + environment configuration with validation by key path.
        .target(
            name: "SidecarConfig",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        // The pipeline core: batches, fan-out, counters, readiness, console exporter. No NIO.
        .target(
            name: "Pipeline",
            dependencies: ["SidecarModel", "OTLPWire"],
            swiftSettings: strictSettings
        ),
        // Receivers (SwiftNIO): the event-protocol Unix socket; OTLP/gRPC and OTLP/HTTP to come.
        .target(
            name: "Ingest",
            dependencies: [
                "Pipeline", "EventProtocol", "OTLPWire", "SidecarModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Wiring: configuration to services, the ServiceGroup, logging, systemd notification.
        .target(
            name: "SidecarRuntime",
            dependencies: [
                "Pipeline", "Ingest", "EventProtocol", "OTLPWire", "SidecarConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "otel-sidecar",
            dependencies: [
                "SidecarRuntime", "SidecarConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // `make bench`: a bench executable that measures against baselines in the same run.
        .executableTarget(
            name: "otel-sidecar-bench",
            dependencies: ["SidecarModel", "OTLPWire"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "SidecarModelTests", dependencies: ["SidecarModel"], swiftSettings: strictSettings),
        .testTarget(name: "OTLPWireTests", dependencies: ["OTLPWire", "SidecarModel"], swiftSettings: strictSettings),
        .testTarget(name: "EventProtocolTests", dependencies: ["EventProtocol", "SidecarModel"], swiftSettings: strictSettings),
        .testTarget(name: "SidecarConfigTests", dependencies: ["SidecarConfig"], swiftSettings: strictSettings),
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
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
