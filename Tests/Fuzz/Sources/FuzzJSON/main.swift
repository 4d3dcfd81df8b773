import OTLPWire

/// Every OTLP/JSON decoder over the same input; whatever decodes must re-encode and decode again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let t = try? OTLPJSON.decodeTraces(bytes) {
        let again = OTLPJSON.encode(t)
        precondition((try? OTLPJSON.decodeTraces(again)) != nil)
    }
    if let m = try? OTLPJSON.decodeMetrics(bytes) { _ = OTLPJSON.encode(m) }
    if let l = try? OTLPJSON.decodeLogs(bytes) { _ = OTLPJSON.encode(l) }
    _ = try? OTLPJSON.decodeResponse(bytes)
    return 0
}

// SwiftPM links executables with `main` aliased to `FuzzJSON_main`, so libFuzzer's own `main` is not used:
// start its driver from here instead.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("FuzzJSON_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data, size) }
}
