/// The processors' counter names (docs/redaction.md, "Metrics"). Counts only, never values; labels
/// are rule names from the configuration, built-in names and fixed words, so cardinality is bounded.
public enum RedactionMetrics {
    /// `{kind="builtin"|"mask"|"key", rule}`: values (or matches within values) masked, hashed or dropped.
    public static let redactions = "otel_sidecar_processor_redactions_total"
    /// `{kind, rule}`: scans stopped by the match limit, JIT stack or time budget; the value was masked whole.
    public static let limitHits = "otel_sidecar_processor_redaction_limit_hits_total"
    /// `{processor="sampling", signal="traces", reason="sampled_out"|"rate_limited"}`: intentional drops.
    public static let droppedItems = "otel_sidecar_processor_dropped_items_total"
    /// `{limit="attributes"|"attribute_value_length"|"events"|"links"}`: items removed or values cut.
    public static let limitTruncations = "otel_sidecar_processor_limit_truncations_total"
}
