import Pipeline
import SidecarConfig
import SidecarModel

/// The processors the pipeline runs in the receiving task, before fan-out (`processors`): sampling,
/// limits and PII redaction. Immutable and `Sendable`; cheap to rebuild on reload.
///
/// The result is the one of the documented order limits → redaction → sampling. Sampling runs first
/// because its decision reads only the trace id, flags, status and the resource's `service.name`, which
/// the other two never change (rate-limit buckets use the unmasked service name), so dropped spans cost
/// no redaction work.
public final class Processors: Sendable {
    public let redactor: Redactor
    public let sampler: Sampler
    public let limits: Limits
    private let samplingNeeded: Bool

    /// Compiles the redaction rules; throws every problem with its key path
    /// (`processors.redaction.masks[0].pattern: invalid regular expression at offset 3: …`).
    public init(
        config: SidecarConfiguration.Processors, counters: CounterRegistry, clock: any NanosecondClock = MonotonicClock()
    ) throws(ConfigErrors) {
        redactor = try Redactor(settings: config.redaction, counters: counters)
        sampler = Sampler(settings: config.sampling, counters: counters, clock: clock)
        limits = Limits(settings: config.limits, counters: counters)
        samplingNeeded = !sampler.keepsEverything
    }

    /// Every problem the configuration's patterns have (for `otel-sidecar validate`).
    public static func check(_ config: SidecarConfiguration.Processors) -> [ConfigIssue] {
        Redactor.check(config.redaction)
    }

    /// The processed batch, or nil when nothing is left (every span sampled out, or an empty batch).
    public func process(_ batch: consuming TelemetryBatch) -> TelemetryBatch? {
        switch consume batch {
        case .traces(var data):
            if samplingNeeded, sampler.sample(&data) == 0 { return nil }
            limits.apply(&data)
            redactor.redact(&data)
            return data.spanCount == 0 ? nil : .traces(data)
        case .metrics(var data):
            redactor.redact(&data)
            return data.dataPointCount == 0 ? nil : .metrics(data)
        case .logs(var data):
            limits.apply(&data)
            redactor.redact(&data)
            return data.logRecordCount == 0 ? nil : .logs(data)
        }
    }

    /// One line masked with the redaction rules (`otel-sidecar redact`).
    public func redactLine(_ line: String) -> String {
        redactor.redactLine(line)
    }
}
