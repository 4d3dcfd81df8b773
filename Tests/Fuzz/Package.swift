// swift-tools-version:6.2
// libFuzzer targets for the decoders. Built and run by `make fuzz` (see docs/testing.md):
//   swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
import PackageDescription

let package = Package(
    name: "otel-sidecar-fuzz",
    dependencies: [.package(name: "otel-sidecar", path: "../..")],
    targets: [
        .executableTarget(name: "FuzzProtobuf", dependencies: [.product(name: "OTLPWire", package: "otel-sidecar")]),
        .executableTarget(name: "FuzzJSON", dependencies: [.product(name: "OTLPWire", package: "otel-sidecar")]),
        .executableTarget(name: "FuzzEventLine", dependencies: [.product(name: "EventProtocol", package: "otel-sidecar")]),
    ]
)
