import OTLPWire

/// Every protobuf decoder over the same input; whatever decodes must re-encode and decode again equal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if let t = try? OTLPProtobuf.decodeTraces(bytes) {
        let again = OTLPProtobuf.encode(t)
        precondition(OTLPProtobuf.encode(try! OTLPProtobuf.decodeTraces(again)) == again)
    }
    if let m = try? OTLPProtobuf.decodeMetrics(bytes) { _ = OTLPProtobuf.encode(m) }
    if let l = try? OTLPProtobuf.decodeLogs(bytes) { _ = OTLPProtobuf.encode(l) }
    _ = try? OTLPProtobuf.decodeResponse(bytes)
    return 0
}

// SwiftPM links executables with `main` aliased to `FuzzProtobuf_main`, so libFuzzer's own `main` is not used:
// start its driver from here instead.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("FuzzProtobuf_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data, size) }
}
