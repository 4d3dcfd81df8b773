import SidecarModel

// `Export{Trace,Metrics,Logs}ServiceResponse`: 1 partial_success, whose fields are
// 1 rejected_{spans,data_points,log_records} (int64) and 2 error_message. The three share one shape.

extension ProtoReader {
    mutating func exportResponse() throws(WireError) -> ExportResponse {
        var resp = ExportResponse()
        while true {
            switch try nextField() {
            case 0: return resp
            case 1:
                var p = resp.partialSuccess ?? PartialSuccess()
                if try message({ (r: inout ProtoReader) throws(WireError) in
                    while true {
                        switch try r.nextField() {
                        case 0: return
                        case 1: if let v = try r.uint64Field() { p.rejected = Int64(bitPattern: v) }
                        case 2: if let v = try r.stringField() { p.errorMessage = v }
                        default: try r.skipField()
                        }
                    }
                }) != nil { resp.partialSuccess = p }
            default: try skipField()
            }
        }
    }
}

extension ProtoWriter {
    mutating func exportResponse(_ r: ExportResponse) {
        guard let p = r.partialSuccess else { return }
        message(1) { w in
            w.int64(1, p.rejected)
            w.string(2, p.errorMessage)
        }
    }
}
