@testable import MetricStore
import SidecarModel
import Testing

@Suite("OTel → Prometheus translation")
struct TranslationTests {
    @Test(arguments: [
        ("http.server.request.duration", "s", AggregationKind.histogram, "http_server_request_duration_seconds", "seconds"),
        ("http.server.active_requests", "{request}", .upDownCounter, "http_server_active_requests", ""),
        ("system.memory.usage", "By", .gauge, "system_memory_usage_bytes", "bytes"),
        ("latency", "ms", .histogram, "latency_milliseconds", "milliseconds"),
        ("requests", "1", .counter, "requests_total", ""),
        ("requests", "{request}", .counter, "requests_total", ""),
        ("cpu.utilization", "1", .gauge, "cpu_utilization_ratio", "ratio"),
        ("tool.calls", "", .counter, "tool_calls_total", ""),
        ("tool.calls_total", "", .counter, "tool_calls_total", ""),
        ("io.time", "s", .counter, "io_time_seconds_total", "seconds"),
        ("process.cpu.time_seconds_total", "s", .counter, "process_cpu_time_seconds_total", "seconds"),
        ("foo.duration_seconds", "s", .histogram, "foo_duration_seconds", "seconds"),
        ("bytes.sent", "By", .counter, "bytes_sent_total", ""),
        ("network.io", "By/s", .gauge, "network_io_bytes_per_second", "bytes_per_second"),
        ("packets.rate", "{packet}/s", .gauge, "packets_rate_per_second", "per_second"),
        ("speed", "m/s", .gauge, "speed_meters_per_second", "meters_per_second"),
        ("temperature", "Cel", .gauge, "temperature_celsius", "celsius"),
        ("usage", "%", .gauge, "usage_percent", "percent"),
        ("power", "kW", .gauge, "power_kW", "kW"),
        ("9lives", "", .gauge, "_9lives", ""),
        ("héllo wörld", "", .gauge, "h_llo_w_rld", ""),
        ("a..b__c", "", .gauge, "a_b_c", ""),
        ("foo:bar", "", .gauge, "foo:bar", ""),
        ("rpc.latency", "s", .summary, "rpc_latency_seconds", "seconds"),
        ("size", "By", .exponentialHistogram, "size_bytes", "bytes"),
    ])
    func familyNames(name: String, unit: String, kind: AggregationKind, expected: String, expectedUnit: String) {
        let (family, suffix) = PrometheusNaming.familyName(name, unit: unit, kind: kind)
        #expect(family == expected)
        #expect(suffix == expectedUnit)
    }

    @Test(arguments: [
        ("service.name", "service_name"), ("http.response.status_code", "http_response_status_code"), ("9x", "key_9x"),
        ("__reserved", "_reserved"), ("a-b/c", "a_b_c"), ("ünï", "_n_"), ("otel.metric.overflow", "otel_metric_overflow"),
        ("already_fine", "already_fine"), ("colon:key", "colon_key"),
    ])
    func labelNames(key: String, expected: String) {
        #expect(PrometheusNaming.labelName(key) == expected)
    }

    @Test func labelValuesFollowTheAttributeStringForm() {
        #expect(PrometheusNaming.labelValue("text") == "text")
        #expect(PrometheusNaming.labelValue(true) == "true")
        #expect(PrometheusNaming.labelValue(-42) == "-42")
        #expect(PrometheusNaming.labelValue(1.5) == "1.5")
        #expect(PrometheusNaming.labelValue(2.0) == "2")
        #expect(PrometheusNaming.labelValue(.bytes([1, 2, 3, 4])) == "AQIDBA==")
        #expect(PrometheusNaming.labelValue(.array(["a", 1, .map([Attribute("k", "v\"q")])])) == #"["a",1,{"k":"v\"q"}]"#)
        #expect(PrometheusNaming.labelValue(.empty) == "")
    }

    @Test(arguments: [
        (1.0, "1"), (0.25, "0.25"), (-3.0, "-3"), (1e21, "1e+21"), (1e-7, "1e-07"), (.nan, "NaN"), (.infinity, "+Inf"),
        (-.infinity, "-Inf"), (123456789.0, "123456789"), (0.1 + 0.2, "0.30000000000000004"),
    ])
    func sampleValues(value: Double, expected: String) {
        #expect(PrometheusNaming.formatNumber(value) == expected)
    }

    @Test func boundsAreFloatLiteralsInOpenMetrics() {
        #expect(PrometheusNaming.formatBound(1, openMetrics: true) == "1.0")
        #expect(PrometheusNaming.formatBound(1, openMetrics: false) == "1")
        #expect(PrometheusNaming.formatBound(0.005, openMetrics: true) == "0.005")
        #expect(PrometheusNaming.formatBound(.infinity, openMetrics: true) == "+Inf")
    }

    @Test func attributesThatBecomeTheSameLabelAreJoinedInKeyOrder() {
        let f = Fixture()
        f.send([gauge("g", 1, [Attribute("a.b", "dot"), Attribute("a-b", "dash"), Attribute("a_b", "underscore")])])
        // Keys sort as "a-b" < "a.b" < "a_b".
        #expect(f.text().contains(#"g{a_b="dash;dot;underscore"} 1"#))
    }

    @Test func attributesNamedLikeGeneratedLabelsAreRenamed() {
        let f = Fixture()
        f.send([gauge("g", 1, [Attribute("le", "x"), Attribute("job", "mine"), Attribute("quantile", "q")])],
               resource: Resource(attributes: [Attribute("service.name", "svc")]))
        #expect(f.text().contains(#"g{exported_job="mine",exported_le="x",exported_quantile="q",job="svc"} 1"#))
    }

    @Test func jobAndInstanceComeFromTheServiceAttributes() {
        let f = Fixture(MetricStoreConfig(resourceAttributesAsLabels: ["deployment.environment"]))
        let resource = Resource(attributes: [
            Attribute("service.name", "gateway"), Attribute("service.namespace", "mcp"), Attribute("service.instance.id", "pod-1"),
            Attribute("deployment.environment", "prod"), Attribute("host.name", "node-7"),
        ])
        f.send([sum("calls", .int(1))], resource: resource, scope: InstrumentationScope(name: "gw.metrics", version: "1.2.0"))
        let text = f.text()
        #expect(text.contains(#"calls_total{deployment_environment="prod",instance="pod-1",job="mcp/gateway",otel_scope_name="gw.metrics",otel_scope_version="1.2.0"} 1"#))
        #expect(text.contains("# HELP target_info Target metadata\n# TYPE target_info gauge\n"))
        #expect(text.contains(#"target_info{deployment_environment="prod",host_name="node-7",instance="pod-1",job="mcp/gateway"} 1"#))
    }

    @Test func scopesWithAttributesGetAnInfoMetric() {
        let f = Fixture()
        f.send([sum("calls", .int(1))], scope: InstrumentationScope(name: "lib", version: "2", attributes: [Attribute("library.mascot", "bear")]))
        let text = f.text()
        #expect(text.contains(#"otel_scope_info{library_mascot="bear",otel_scope_name="lib",otel_scope_version="2"} 1"#))
        #expect(text.contains(#"calls_total{otel_scope_name="lib",otel_scope_version="2"} 1"#))
    }
}
