import Logging
import MetricStore
import Pipeline
import ServiceLifecycle
import SidecarModel

/// The periodic OTLP export of the metric store (`metrics.export_interval`, `OTEL_METRIC_EXPORT_INTERVAL`):
/// every interval, the aggregated series — metric events, OTLP metrics received (delta made cumulative) and
/// span-derived metrics — go to each exporter as cumulative OTLP metrics, through its delivery (queue,
/// batcher, retries). Metrics received are never forwarded raw: the store owns the metrics signal.
///
/// On graceful shutdown it exports once more (after the receivers stopped, before the exporters drain:
/// see the registration order in `SidecarApp`), so what arrived last is not left behind.
struct MetricExportService: Service, CustomStringConvertible {
    let store: MetricStore
    let sinks: [any TelemetrySink]
    let interval: Duration
    /// Attributes of the resource given to series that arrived without one (span-derived metrics, metric
    /// events from a connection that sent no `resource` line): the sidecar's own.
    let ownResource: Resource
    let counters: CounterRegistry
    let logger: Logger

    var description: String { "MetricExportService" }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    break
                }
                exportOnce()
            }
        }
        exportOnce()
    }

    /// One collection: the store's cumulative series to every sink. Returns the data points handed over.
    @discardableResult
    func exportOnce() -> Int {
        var data = store.cumulativeMetrics()
        for i in data.resourceMetrics.indices where data.resourceMetrics[i].resource == nil {
            data.resourceMetrics[i].resource = ownResource
        }
        let points = data.dataPointCount
        counters.counter("otel_sidecar_metric_store_exports_total").add()
        guard points > 0 else { return 0 }
        counters.counter("otel_sidecar_metric_store_exported_points_total").add(UInt64(points))
        for sink in sinks {
            // A refusal (queue full with `overflow: refuse`) is counted by the exporter; the next collection
            // carries the same cumulative series again, so nothing is lost but resolution.
            _ = sink.consume(.metrics(data))
        }
        logger.debug("exported aggregated metrics", metadata: ["points": "\(points)", "exporters": "\(sinks.count)"])
        return points
    }
}

/// Passes traces and logs to an exporter and keeps metrics away from it: the metric store owns the metrics
/// signal and exports its aggregated series on the interval (`MetricExportService`).
struct NoRawMetrics: TelemetrySink {
    let inner: any TelemetrySink
    var name: String { inner.name }

    func consume(_ batch: TelemetryBatch) -> SubmitResult {
        if case .metrics = batch { return .accepted }
        return inner.consume(batch)
    }
}
