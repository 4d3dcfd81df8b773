@testable import Delivery
import SidecarModel
import Testing

@Suite struct RetryClassificationTests {
    static let retryableGRPC: Set<GRPCStatusCode> = [.cancelled, .deadlineExceeded, .aborted, .outOfRange, .unavailable, .dataLoss]

    @Test(arguments: GRPCStatusCode.allCases)
    func grpcCodesWithoutRetryInfo(code: GRPCStatusCode) {
        let o = ExportOutcome.grpc(status: code.rawValue)
        let reason = "grpc_" + code.name.lowercased()
        if code == .ok {
            #expect(o == .success)
        } else if Self.retryableGRPC.contains(code) {
            #expect(o == .retryable(reason: reason, retryAfter: nil))
        } else {
            // RESOURCE_EXHAUSTED without RetryInfo is permanent by the spec.
            #expect(o == .permanent(reason: reason))
        }
    }

    @Test func resourceExhaustedIsRetryableOnlyWithRetryInfo() {
        #expect(ExportOutcome.grpc(status: 8, retryInfo: .seconds(3)) == .retryable(reason: "grpc_resource_exhausted", retryAfter: .seconds(3)))
        #expect(ExportOutcome.grpc(status: 8) == .permanent(reason: "grpc_resource_exhausted"))
        #expect(ExportOutcome.grpc(status: 14, retryInfo: .seconds(2)) == .retryable(reason: "grpc_unavailable", retryAfter: .seconds(2)))
        #expect(ExportOutcome.grpc(status: 3, retryInfo: .seconds(2)) == .permanent(reason: "grpc_invalid_argument"))
        #expect(ExportOutcome.grpc(status: 99) == .permanent(reason: "grpc_unknown_code"))
    }

    @Test(arguments: [200, 202, 204, 400, 401, 403, 404, 408, 413, 429, 500, 501, 502, 503, 504, 505])
    func httpStatuses(status: Int) {
        let o = ExportOutcome.http(status: status, retryAfter: .seconds(7))
        switch status {
        case 200...299: #expect(o == .success)
        case 429, 502, 503, 504: #expect(o == .retryable(reason: "http_\(status)", retryAfter: .seconds(7)))
        default: #expect(o == .permanent(reason: "http_\(status)"))
        }
    }

    @Test func retryAfterHeader() {
        #expect(ExportOutcome.parseRetryAfter("120") == .seconds(120))
        #expect(ExportOutcome.parseRetryAfter(" 0 ") == .seconds(0))
        #expect(ExportOutcome.parseRetryAfter("-1") == nil)
        #expect(ExportOutcome.parseRetryAfter("soon") == nil)
        #expect(ExportOutcome.parseRetryAfter("1.5") == nil)
        // Wed, 21 Oct 2015 07:28:00 GMT is 1445412480.
        #expect(ExportOutcome.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", nowUnixSeconds: 1_445_412_470) == .seconds(10))
        #expect(ExportOutcome.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", nowUnixSeconds: 1_445_412_490) == .seconds(0))
        #expect(ExportOutcome.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        #expect(ExportOutcome.parseRetryAfter("Wed, 32 Oct 2015 07:28:00 GMT", nowUnixSeconds: 0) == nil)
        #expect(ExportOutcome.parseIMFFixdate("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(ExportOutcome.parseIMFFixdate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
    }

    @Test func partialSuccessFromResponse() {
        #expect(ExportOutcome.fromResponse(ExportResponse()) == .success)
        #expect(ExportOutcome.fromResponse(ExportResponse(partialSuccess: PartialSuccess(rejected: 0, errorMessage: "warning"))) == .success)
        #expect(ExportOutcome.fromResponse(ExportResponse(partialSuccess: PartialSuccess(rejected: 3, errorMessage: "bad"))) == .partialSuccess(rejected: 3, message: "bad"))
    }
}
