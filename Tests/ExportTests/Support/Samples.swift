import Delivery
import Foundation
import OTLPWire
import SidecarConfig
import SidecarModel
import Testing

/// Telemetry with known values, and checks that what the backend decoded (opentelemetry-proto, recorded as
/// OTLP/JSON) is exactly that.
enum Samples {
    static let traceID = TraceID(hex: "5b8efff798038103d269b633813fc60c")!
    static let resource = Resource(attributes: [Attribute("service.name", "checkout"), Attribute("host.id", .int(7))])
    static let scope = InstrumentationScope(name: "otel-sidecar-tests", version: "1.2.3")

    static var traces: TracesData {
        TracesData(resourceSpans: [ResourceSpans(resource: resource, scopeSpans: [ScopeSpans(scope: scope, spans: [
            Span(traceId: traceID, spanId: SpanID(hex: "eee19b7ec3c1b174")!, name: "GET /cart", kind: .server,
                 startTimeUnixNano: 1_700_000_000_000_000_000, endTimeUnixNano: 1_700_000_000_250_000_000,
                 attributes: [Attribute("http.status_code", .int(200)), Attribute("user.masked", "***"),
                              Attribute("ratio", .double(0.25)), Attribute("cached", .bool(true))]),
            Span(traceId: traceID, spanId: SpanID(hex: "0102030405060708")!, parentSpanId: SpanID(hex: "eee19b7ec3c1b174")!,
                 name: "SELECT cart", kind: .client,
                 startTimeUnixNano: 1_700_000_000_010_000_000, endTimeUnixNano: 1_700_000_000_020_000_000,
                 attributes: [Attribute("db.system", "postgresql")], status: SpanStatus(code: .error, message: "timeout")),
        ])])])
    }

    static var metrics: MetricsData {
        MetricsData(resourceMetrics: [ResourceMetrics(resource: resource, scopeMetrics: [ScopeMetrics(scope: scope, metrics: [
            Metric(name: "requests", unit: "1", data: .sum(Sum(dataPoints: [
                NumberDataPoint(attributes: [Attribute("route", "/cart")], startTimeUnixNano: 1_700_000_000_000_000_000,
                                timeUnixNano: 1_700_000_060_000_000_000, value: .int(42)),
                NumberDataPoint(attributes: [Attribute("route", "/pay")], startTimeUnixNano: 1_700_000_000_000_000_000,
                                timeUnixNano: 1_700_000_060_000_000_000, value: .int(3)),
            ], aggregationTemporality: .cumulative, isMonotonic: true))),
            Metric(name: "queue.depth", data: .gauge([NumberDataPoint(timeUnixNano: 1_700_000_060_000_000_000, value: .double(12.5))])),
        ])])])
    }

    static var logs: LogsData {
        LogsData(resourceLogs: [ResourceLogs(resource: resource, scopeLogs: [ScopeLogs(scope: scope, logRecords: [
            LogRecord(timeUnixNano: 1_700_000_000_500_000_000, observedTimeUnixNano: 1_700_000_000_600_000_000,
                      severityNumber: .warn, severityText: "WARN", body: "payment retried",
                      attributes: [Attribute("attempt", .int(2))], traceId: traceID, spanId: SpanID(hex: "eee19b7ec3c1b174")!),
        ])])])
    }

    static func batch(_ signal: Signal) -> EncodedBatch {
        switch signal {
        case .traces: EncodedBatch(.traces(traces))
        case .metrics: EncodedBatch(.metrics(metrics))
        case .logs: EncodedBatch(.logs(logs))
        }
    }

    static func exporter(_ proto: SidecarConfiguration.ExporterProtocol, _ endpoint: String?, name: String = "backend",
                         compression: SidecarConfiguration.Compression = .none, timeout: Duration = .seconds(15)) -> SidecarConfiguration.Exporter {
        var e = SidecarConfiguration.Exporter(name: name, protocol: proto, endpoint: endpoint)
        e.compression = compression
        e.timeout = timeout
        return e
    }

    /// The recorded request (OTLP/JSON written by opentelemetry-proto) decoded by our codec equals the model,
    /// and a few fields read straight from the JSON match (independent of our decoder).
    static func expectReceived(_ record: [String: Any], _ signal: Signal, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(record["signal"] as? String == signal.rawValue, sourceLocation: sourceLocation)
        let request = try #require(record["request"] as? [String: Any], sourceLocation: sourceLocation)
        let json = Array(try JSONSerialization.data(withJSONObject: request))
        switch signal {
        case .traces:
            #expect(try OTLPJSON.decodeTraces(json) == traces, sourceLocation: sourceLocation)
            let rs = (request["resourceSpans"] as? [[String: Any]])?.first
            let ss = (rs?["scopeSpans"] as? [[String: Any]])?.first
            let spans = ss?["spans"] as? [[String: Any]] ?? []
            #expect(spans.map { $0["name"] as? String } == ["GET /cart", "SELECT cart"], sourceLocation: sourceLocation)
            #expect(spans.first?["traceId"] as? String == traceID.hex, sourceLocation: sourceLocation)
            #expect(spans.last?["parentSpanId"] as? String == "eee19b7ec3c1b174", sourceLocation: sourceLocation)
            #expect(spans.first?["startTimeUnixNano"] as? String == "1700000000000000000", sourceLocation: sourceLocation)
            #expect((ss?["scope"] as? [String: Any])?["name"] as? String == "otel-sidecar-tests", sourceLocation: sourceLocation)
            #expect(record["items"] as? Int == 2, sourceLocation: sourceLocation)
        case .metrics:
            #expect(try OTLPJSON.decodeMetrics(json) == metrics, sourceLocation: sourceLocation)
            let rm = (request["resourceMetrics"] as? [[String: Any]])?.first
            let metrics = ((rm?["scopeMetrics"] as? [[String: Any]])?.first?["metrics"] as? [[String: Any]]) ?? []
            #expect(metrics.map { $0["name"] as? String } == ["requests", "queue.depth"], sourceLocation: sourceLocation)
            let points = (metrics.first?["sum"] as? [String: Any])?["dataPoints"] as? [[String: Any]] ?? []
            #expect(points.map { $0["asInt"] as? String } == ["42", "3"], sourceLocation: sourceLocation)
            #expect(record["items"] as? Int == 3, sourceLocation: sourceLocation)
        case .logs:
            #expect(try OTLPJSON.decodeLogs(json) == logs, sourceLocation: sourceLocation)
            let rl = (request["resourceLogs"] as? [[String: Any]])?.first
            let log = ((rl?["scopeLogs"] as? [[String: Any]])?.first?["logRecords"] as? [[String: Any]])?.first
            #expect((log?["body"] as? [String: Any])?["stringValue"] as? String == "payment retried", sourceLocation: sourceLocation)
            #expect(log?["severityNumber"] as? Int == 13, sourceLocation: sourceLocation)
            #expect(record["items"] as? Int == 1, sourceLocation: sourceLocation)
        }
    }
}
