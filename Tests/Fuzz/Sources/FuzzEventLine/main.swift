import EventProtocol

/// The event-line decoder over arbitrary bytes, split at newlines as the receiver does.
let decoder = EventDecoder(limits: EventLimits(maxLineBytes: 1 << 16, maxAttributes: 128, maxDepth: 8), clock: { 1 }, randomID: { 7 })

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var start = 0
    while start <= size {
        var end = start
        while end < size && data[end] != 0x0A { end += 1 }
        let line = UnsafeRawBufferPointer(start: data + start, count: end - start)
        if let event = try? decoder.decode(line) {
            var batch = EventBatch(resource: nil)
            switch event {
            case .span(let s, let scope): batch.add(span: s, scope: scope)
            case .log(let l, let scope): batch.add(log: l, scope: scope)
            case .metric(let m): batch.add(metric: m)
            case .resource(let r): batch.resource = r
            }
            _ = batch.traces
            _ = batch.metrics
            _ = batch.logs
        }
        start = end + 1
    }
    return 0
}

// SwiftPM links executables with `main` aliased to `FuzzEventLine_main`: start libFuzzer's driver from there.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("FuzzEventLine_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data, size) }
}
