/// HELP text of the sidecar's own metrics (docs/metrics.md lists the same names with their labels).
/// A name missing here is still exposed, with a generic help text; add new names here and to the docs.
public enum SelfTelemetryHelp {
    public static let text: [String: String] = [
        // Receivers and the pipeline.
        "otel_sidecar_receiver_connections_total": "Connections accepted, by receiver.",
        "otel_sidecar_receiver_received_items_total": "Spans, data points or log records decoded, by receiver and signal.",
        "otel_sidecar_receiver_accepted_items_total": "Items the pipeline accepted, by receiver and signal.",
        "otel_sidecar_receiver_refused_items_total": "Items refused (the client was told to retry), by receiver and signal.",
        // Event protocol.
        "otel_sidecar_event_lines_total": "Event-protocol lines read, by receiver.",
        "otel_sidecar_event_errors_total": "Event-protocol lines rejected, by receiver and reason.",
        "otel_sidecar_event_error_replies_dropped_total": "Error replies not written back because the client did not read them, by receiver.",
        "otel_sidecar_receiver_request_errors_total": "OTLP requests rejected, by receiver and reason.",
        "otel_sidecar_receiver_peer_rejected_total": "Unix-socket connections refused by the peer allowlist, by receiver.",
        "otel_sidecar_http_request_errors_total": "HTTP requests rejected by the server, by server and reason.",
        // Processors.
        "otel_sidecar_processor_redactions_total": "Values (or matches within values) masked, hashed or dropped, by kind and rule.",
        "otel_sidecar_processor_redaction_limit_hits_total": "Redaction scans stopped by a limit (the value was masked whole), by kind and rule.",
        "otel_sidecar_processor_dropped_items_total": "Items dropped on purpose by a processor, by processor, signal and reason.",
        "otel_sidecar_processor_limit_truncations_total": "Items removed or values cut by the limits processor, by limit.",
        // Exporters (delivery).
        "otel_sidecar_exporter_received_items_total": "Items handed to an exporter's queue, by exporter and signal.",
        "otel_sidecar_exporter_recovered_items_total": "Items recovered from the disk spill at start, by exporter and signal.",
        "otel_sidecar_exporter_refused_items_total": "Items an exporter's queue refused (the client was told to retry), by exporter and signal.",
        "otel_sidecar_exporter_sent_items_total": "Items written or sent by an exporter, by exporter and signal.",
        "otel_sidecar_exporter_failed_items_total": "Items an export attempt failed for, by exporter and signal.",
        "otel_sidecar_exporter_spilled_items_total": "Items written to the disk spill, by exporter and signal.",
        "otel_sidecar_exporter_dropped_items_total": "Items an exporter dropped, by exporter, signal and reason.",
        "otel_sidecar_exporter_batches_total": "Batches flushed, by exporter, signal and trigger.",
        "otel_sidecar_exporter_queue_items": "Items in an exporter's memory queue, by exporter and signal.",
        "otel_sidecar_exporter_in_flight_items": "Items being exported, by exporter and signal.",
        "otel_sidecar_exporter_spill_items": "Items in an exporter's disk spill, by exporter and signal.",
        "otel_sidecar_exporter_queue_bytes": "Bytes in an exporter's memory queue.",
        "otel_sidecar_exporter_queue_capacity_items": "Capacity of an exporter's memory queue in items.",
        "otel_sidecar_exporter_queue_capacity_bytes": "Capacity of an exporter's memory queue in bytes.",
        "otel_sidecar_exporter_spill_bytes": "Bytes in an exporter's disk spill.",
        "otel_sidecar_exporter_spill_capacity_bytes": "Byte budget of an exporter's disk spill.",
        "otel_sidecar_exporter_spill_truncated_segments_total": "Damaged spill segment tails truncated at recovery.",
        "otel_sidecar_exporter_spill_truncated_bytes_total": "Bytes of damaged spill segment tails truncated at recovery.",
        "otel_sidecar_exporter_breaker_state": "Circuit breaker state: 0 closed, 1 open, 2 half-open.",
        "otel_sidecar_exporter_breaker_transitions_total": "Circuit breaker transitions, by the state entered.",
        "otel_sidecar_exporter_breaker_time_in_state_seconds": "Seconds spent in each circuit breaker state so far.",
        "otel_sidecar_exporter_export_attempts_total": "Export requests, by outcome.",
        "otel_sidecar_exporter_export_duration_seconds": "Duration of export requests in seconds.",
        // Metric store.
        "otel_sidecar_metric_store_points_total": "Metric data points aggregated into the metric store.",
        "otel_sidecar_metric_store_exports_total": "Periodic collections of the metric store for the OTLP export.",
        "otel_sidecar_metric_store_exported_points_total": "Data points handed to the exporters by the periodic collections.",
        "otel_sidecar_metric_store_dropped_points_total": "Metric data points the metric store dropped, by reason.",
        "otel_sidecar_metric_store_overflow_points_total": "Data points aggregated into an overflow series because their metric reached its cardinality limit.",
        "otel_sidecar_metric_store_rebucketed_points_total": "Histogram points mapped approximately onto different bucket bounds.",
        "otel_sidecar_metric_store_expired_series_total": "Series removed after not being updated for the expiry.",
        "otel_sidecar_metric_store_series": "Series in the metric store at the last sweep.",
        "otel_sidecar_metric_store_metrics": "Metric names in the metric store at the last sweep.",
        "otel_sidecar_prometheus_hidden_series": "Series left out of the last scrape, by reason: name_conflict (their Prometheus name clashed with another metric's) or duplicate_labels.",
        // Span-derived metrics.
        "otel_sidecar_span_metrics_spans_total": "Spans turned into span-derived metrics.",
        "otel_sidecar_span_metrics_ignored_values_total": "Span attribute values not added to an attribute sum, by reason.",
    ]

    static func help(for name: String, isCounter: Bool) -> String {
        text[name] ?? (isCounter ? "Sidecar counter \(name)." : "Sidecar gauge \(name).")
    }
}
