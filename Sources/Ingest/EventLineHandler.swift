#if canImport(Glibc)
import Glibc
#endif
import EventProtocol
import Logging
import NIOCore
import OTLPWire
import Pipeline
import SidecarModel

/// Counters of one event receiver, created once and shared by its connections.
public final class EventReceiverStats: Sendable {
    let lines: Counter
    let errors: [EventErrorReason: Counter]
    let repliesDropped: Counter
    let truncated: Counter
    let connections: Counter
    let received: [Signal: Counter]
    let refused: [Signal: Counter]

    public init(receiver: String, counters: CounterRegistry) {
        lines = counters.counter("otel_sidecar_event_lines_total", [("receiver", receiver)])
        var e: [EventErrorReason: Counter] = [:]
        for r in EventErrorReason.allCases {
            e[r] = counters.counter("otel_sidecar_event_errors_total", [("receiver", receiver), ("reason", r.rawValue)])
        }
        errors = e
        repliesDropped = counters.counter("otel_sidecar_event_error_replies_dropped_total", [("receiver", receiver)])
        truncated = counters.counter("otel_sidecar_event_errors_total", [("receiver", receiver), ("reason", "truncated")])
        connections = counters.counter("otel_sidecar_receiver_connections_total", [("receiver", receiver)])
        var rc: [Signal: Counter] = [:]
        var rf: [Signal: Counter] = [:]
        for s in Signal.allCases {
            rc[s] = counters.counter("otel_sidecar_receiver_received_items_total", [("receiver", receiver), ("signal", s.rawValue)])
            rf[s] = counters.counter("otel_sidecar_receiver_refused_items_total", [("receiver", receiver), ("signal", s.rawValue)])
        }
        received = rc
        refused = rf
    }
}

/// Splits a Unix stream into lines, decodes each, submits one batch per read, and answers bad lines with
/// `{"error":"...","line":N}` on the same connection. Runs on the connection's event loop; never waits on
/// the pipeline. Error replies are skipped (and counted) when the client does not read them.
final class EventLineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let receiver: String
    let decoder: EventDecoder
    let pipeline: Pipeline
    let stats: EventReceiverStats
    let log: RateLimitedLog

    private var carry: [UInt8] = []
    private var discardingLongLine = false
    private var lineNumber = 0
    private var resource: Resource?
    private var replies: [UInt8] = []

    init(receiver: String, decoder: EventDecoder, pipeline: Pipeline, stats: EventReceiverStats, log: RateLimitedLog) {
        self.receiver = receiver
        self.decoder = decoder
        self.pipeline = pipeline
        self.stats = stats
        self.log = log
    }

    func channelActive(context: ChannelHandlerContext) {
        stats.connections.add()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        var batch = EventBatch(resource: resource)
        buffer.withUnsafeReadableBytes { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            let count = raw.count
            var start = 0
            while start < count {
                guard let nl = memchr(base + start, 0x0A, count - start) else {
                    appendPartial(UnsafeRawBufferPointer(start: base + start, count: count - start))
                    return
                }
                let end = UnsafeRawPointer(nl).assumingMemoryBound(to: UInt8.self) - base
                let segment = UnsafeRawBufferPointer(start: base + start, count: end - start)
                if discardingLongLine {
                    discardingLongLine = false
                } else if carry.isEmpty {
                    handleLine(segment, into: &batch, context: context)
                } else {
                    carry.append(contentsOf: segment)
                    if carry.count > decoder.limits.maxLineBytes {
                        carry.removeAll(keepingCapacity: false)
                        lineNumber += 1
                        reject(EventError(.lineTooLong, "line exceeds max_line_bytes \(decoder.limits.maxLineBytes)"))
                    } else {
                        let line = carry
                        carry.removeAll(keepingCapacity: true)
                        line.withUnsafeBytes { handleLine($0, into: &batch, context: context) }
                    }
                }
                start = end + 1
            }
        }
        submit(&batch)
        flushReplies(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !carry.isEmpty {
            // The client went away mid-line: the partial line is counted, never guessed at.
            stats.truncated.add()
            carry.removeAll()
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func appendPartial(_ bytes: UnsafeRawBufferPointer) {
        if discardingLongLine { return }
        if carry.count + bytes.count > decoder.limits.maxLineBytes {
            carry.removeAll(keepingCapacity: false)
            discardingLongLine = true
            lineNumber += 1
            reject(EventError(.lineTooLong, "line exceeds max_line_bytes \(decoder.limits.maxLineBytes)"))
            return
        }
        carry.append(contentsOf: bytes)
    }

    private func handleLine(_ line: UnsafeRawBufferPointer, into batch: inout EventBatch, context: ChannelHandlerContext) {
        var line = line
        if let last = line.last, last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        lineNumber += 1
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }  // blank lines are allowed
        stats.lines.add()
        do throws(EventError) {
            switch try decoder.decode(line) {
            case .span(let s, let scope): batch.add(span: s, scope: scope)
            case .log(let l, let scope): batch.add(log: l, scope: scope)
            case .metric(let m): batch.add(metric: m)
            case .resource(let r):
                submit(&batch)
                resource = r
                batch = EventBatch(resource: r)
            }
        } catch {
            reject(error)
        }
    }

    private func reject(_ error: EventError) {
        stats.errors[error.reason]?.add()
        log.warning("rejected event line", metadata: ["receiver": "\(receiver)", "reason": "\(error.reason.rawValue)", "line": "\(lineNumber)"])
        var w = JSONWriter(capacity: 96)
        w.object { w in
            w.key("error")
            w.string(error.description)
            w.key("line")
            w.int(Int64(lineNumber))
        }
        replies.append(contentsOf: w.buf)
        replies.append(0x0A)
    }

    private func submit(_ batch: inout EventBatch) {
        if let t = batch.traces { account(pipeline.submit(.traces(t), receiver: receiver), .traces, t.spanCount) }
        if let l = batch.logs { account(pipeline.submit(.logs(l), receiver: receiver), .logs, l.logRecordCount) }
        if let m = batch.metrics { account(pipeline.submit(.metrics(m), receiver: receiver), .metrics, m.dataPointCount) }
        batch = EventBatch(resource: resource)
    }

    private func account(_ result: SubmitResult, _ signal: Signal, _ n: Int) {
        stats.received[signal]?.add(UInt64(n))
        if case .refused = result { stats.refused[signal]?.add(UInt64(n)) }
    }

    private func flushReplies(context: ChannelHandlerContext) {
        guard !replies.isEmpty else { return }
        defer { replies.removeAll(keepingCapacity: true) }
        // A client that never reads must not stall us: replies are dropped once its buffer is full.
        guard context.channel.isWritable else {
            stats.repliesDropped.add()
            return
        }
        var out = context.channel.allocator.buffer(capacity: replies.count)
        out.writeBytes(replies)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }
}
