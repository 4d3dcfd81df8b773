#!/usr/bin/env python3
"""Generate the golden OTLP files in ../Goldens with the reference Python
protobuf implementation (PyPI opentelemetry-proto + protobuf).

Deterministic: fixed timestamps, random.Random with a fixed seed, no clock.

    python gen_goldens.py            # (re)write ../Goldens/*
    python gen_goldens.py --check    # exit 1 if the files on disk are stale
    python gen_goldens.py --out DIR  # write somewhere else

For every golden NAME it writes NAME.pb (binary protobuf) and NAME.json
(OTLP/JSON of the same message; indented unless the .pb exceeds 64 KiB,
then compact), and MANIFEST.txt lists "NAME TYPE" lines.

Most goldens are the canonical serialization of a message built here. The
*_wire_quirks goldens are hand-assembled bytes that exercise decoder rules
(unknown fields, fields out of order, repeated occurrences of singular
fields, non-packed repeated scalars, overlong varints); for those the .json
is the canonical OTLP/JSON of what the reference parser decoded.
"""

from __future__ import annotations

import argparse
import os
import random
import struct
import sys
from typing import Any, Callable, Dict, List, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from opentelemetry.proto.collector.logs.v1 import logs_service_pb2 as logs_svc  # noqa: E402
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2 as metrics_svc  # noqa: E402
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2 as trace_svc  # noqa: E402
from opentelemetry.proto.common.v1 import common_pb2 as common  # noqa: E402
from opentelemetry.proto.logs.v1 import logs_pb2 as logs  # noqa: E402
from opentelemetry.proto.metrics.v1 import metrics_pb2 as metrics  # noqa: E402
from opentelemetry.proto.resource.v1 import resource_pb2 as resource  # noqa: E402
from opentelemetry.proto.trace.v1 import trace_pb2 as trace  # noqa: E402

import otlpjson  # noqa: E402
from otlptypes import MESSAGE_TYPES  # noqa: E402

JSON_PRETTY_LIMIT = 64 * 1024  # .pb size above which the .json is written compact

DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "Goldens"))

UINT64_MAX = (1 << 64) - 1
INT64_MAX = (1 << 63) - 1
INT64_MIN = -(1 << 63)
UINT32_MAX = (1 << 32) - 1
INT32_MAX = (1 << 31) - 1
INT32_MIN = -(1 << 31)

NAN = float("nan")
INF = float("inf")
DENORM_MIN = 5e-324  # smallest positive subnormal
DENORM_MAX = 2.225073858507201e-308  # largest subnormal
NORM_MIN = 2.2250738585072014e-308
DBL_MAX = 1.7976931348623157e308

T0 = 1_700_000_000_000_000_000  # 2023-11-14T22:13:20Z in ns; fixed, never "now"

TRACE_ID_A = bytes.fromhex("5b8efff798038103d269b633813fc60c")
TRACE_ID_B = bytes.fromhex("0af7651916cd43dd8448eb211c80319c")
SPAN_ID_1 = bytes.fromhex("eee19b7ec3c1b174")
SPAN_ID_2 = bytes.fromhex("00f067aa0ba902b7")
SPAN_ID_3 = bytes.fromhex("b7ad6b7169203331")
SPAN_ID_4 = bytes.fromhex("0102030405060708")


# --------------------------------------------------------------------------
# AnyValue / KeyValue helpers
# --------------------------------------------------------------------------


class Raw:
    """Wrap a ready AnyValue (e.g. one with no value set)."""

    def __init__(self, value: common.AnyValue):
        self.value = value


class KV:
    """Ordered kvlist (list of pairs, so duplicate keys are possible)."""

    def __init__(self, pairs: List[Tuple[str, Any]]):
        self.pairs = pairs


def av(v: Any) -> common.AnyValue:
    if isinstance(v, Raw):
        out = common.AnyValue()
        out.CopyFrom(v.value)
        return out
    if v is None:
        return common.AnyValue()  # no value set
    if isinstance(v, bool):
        return common.AnyValue(bool_value=v)
    if isinstance(v, int):
        return common.AnyValue(int_value=v)
    if isinstance(v, float):
        return common.AnyValue(double_value=v)
    if isinstance(v, str):
        return common.AnyValue(string_value=v)
    if isinstance(v, (bytes, bytearray)):
        return common.AnyValue(bytes_value=bytes(v))
    if isinstance(v, list):
        out = common.AnyValue()
        out.array_value.SetInParent()  # presence even when empty
        out.array_value.values.extend(av(x) for x in v)
        return out
    if isinstance(v, KV):
        out = common.AnyValue()
        out.kvlist_value.SetInParent()
        out.kvlist_value.values.extend(kv(k, x) for k, x in v.pairs)
        return out
    if isinstance(v, dict):
        return av(KV(list(v.items())))
    raise TypeError(type(v))


def kv(key: str, v: Any) -> common.KeyValue:
    return common.KeyValue(key=key, value=av(v))


def attrs(d) -> List[common.KeyValue]:
    items = d.pairs if isinstance(d, KV) else list(d.items())
    return [kv(k, v) for k, v in items]


def every_anyvalue_type() -> List[common.KeyValue]:
    """One attribute per AnyValue shape, incl. deep nesting and empties."""
    deep: Any = "bottom"
    for level in range(6):
        deep = KV([(f"level{5 - level}", deep), ("n", level)]) if level % 2 else [deep, level, None]
    return attrs(
        KV(
            [
                ("str", "hello"),
                ("str.empty", ""),
                ("bool.true", True),
                ("bool.false", False),
                ("int.positive", 42),
                ("int.negative", -42),
                ("int.zero", 0),
                ("double", 3.141592653589793),
                ("double.zero", 0.0),
                ("double.negzero", -0.0),
                ("bytes", b"\x00\x01\x02\xfe\xff"),
                ("bytes.empty", b""),
                ("array", ["a", 1, 2.5, True, b"\x07", None, [], KV([])]),
                ("array.empty", []),
                ("array.nested", [[1, 2], [[3], ["four", [5.0, [False]]]]]),
                ("kvlist", KV([("k1", "v1"), ("k2", 2), ("k3", [1, "x"]), ("k4", None)])),
                ("kvlist.empty", KV([])),
                ("kvlist.nested", KV([("a", KV([("b", KV([("c", KV([("d", "deep")]))]))]))])),
                ("kvlist.dupkeys", KV([("same", 1), ("same", 2)])),
                ("mixed.deep", deep),
                ("novalue", None),
                ("", "empty key"),
            ]
        )
    )


def resource_full(service: str) -> resource.Resource:
    r = resource.Resource(
        attributes=attrs(
            KV(
                [
                    ("service.name", service),
                    ("service.version", "1.2.3"),
                    ("service.instance.id", "627cc493-f310-47de-96bd-71410b7dec09"),
                    ("host.name", "node-7"),
                    ("process.pid", 4242),
                    ("process.command_args", ["/usr/bin/agent", "--port", "4317"]),
                    ("deployment.environment.name", "staging"),
                    ("k8s.pod.labels", KV([("app", "mcp"), ("tier", "backend")])),
                    ("cloud.availability_zone", ""),
                ]
            )
        ),
        dropped_attributes_count=3,
    )
    r.entity_refs.add(
        schema_url="https://opentelemetry.io/schemas/1.26.0",
        type="service",
        id_keys=["service.name", "service.instance.id"],
        description_keys=["service.version"],
    )
    r.entity_refs.add(type="host", id_keys=["host.name"])
    return r


def scope_full(name: str = "io.example.mcp", version: str = "0.9.1") -> common.InstrumentationScope:
    return common.InstrumentationScope(
        name=name,
        version=version,
        attributes=attrs({"scope.attr": "x", "scope.int": 7, "scope.list": [1, 2, 3]}),
        dropped_attributes_count=2,
    )


# --------------------------------------------------------------------------
# Traces
# --------------------------------------------------------------------------

SCHEMA_RES = "https://opentelemetry.io/schemas/1.26.0"
SCHEMA_SCOPE = "https://opentelemetry.io/schemas/1.27.0"


def traces_full() -> trace_svc.ExportTraceServiceRequest:
    req = trace_svc.ExportTraceServiceRequest()
    rs = req.resource_spans.add(resource=resource_full("checkout"), schema_url=SCHEMA_RES)
    ss = rs.scope_spans.add(scope=scope_full(), schema_url=SCHEMA_SCOPE)

    root = ss.spans.add(
        trace_id=TRACE_ID_A,
        span_id=SPAN_ID_1,
        trace_state="rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
        name="POST /mcp",
        kind=trace.Span.SPAN_KIND_SERVER,
        start_time_unix_nano=T0,
        end_time_unix_nano=T0 + 1_234_567_890,
        attributes=every_anyvalue_type(),
        dropped_attributes_count=1,
        dropped_events_count=2,
        dropped_links_count=3,
        flags=0x301,  # sampled | CONTEXT_HAS_IS_REMOTE | CONTEXT_IS_REMOTE
        status=trace.Status(code=trace.Status.STATUS_CODE_OK, message="all good"),
    )
    root.events.add(
        time_unix_nano=T0 + 10,
        name="exception",
        attributes=attrs(
            {
                "exception.type": "ValueError",
                "exception.message": "bad input",
                "exception.stacktrace": 'Traceback (most recent call last):\n  File "x.py", line 1\n',
            }
        ),
        dropped_attributes_count=4,
    )
    root.events.add(time_unix_nano=T0 + 20, name="no-attrs")
    root.events.add()  # completely empty event
    root.links.add(
        trace_id=TRACE_ID_B,
        span_id=SPAN_ID_2,
        trace_state="vendor=value",
        attributes=attrs({"link.reason": "follows-from", "link.n": 1}),
        dropped_attributes_count=5,
        flags=0x101,
    )
    root.links.add(trace_id=TRACE_ID_B, span_id=SPAN_ID_3)  # minimal link

    kinds = [
        trace.Span.SPAN_KIND_UNSPECIFIED,
        trace.Span.SPAN_KIND_INTERNAL,
        trace.Span.SPAN_KIND_CLIENT,
        trace.Span.SPAN_KIND_PRODUCER,
        trace.Span.SPAN_KIND_CONSUMER,
    ]
    statuses = [
        None,  # no status message at all
        trace.Status(),  # present but empty (== UNSET)
        trace.Status(code=trace.Status.STATUS_CODE_UNSET, message="unset with message"),
        trace.Status(code=trace.Status.STATUS_CODE_ERROR, message="tool failed: timeout"),
        trace.Status(code=trace.Status.STATUS_CODE_ERROR),
    ]
    for i, (k, st) in enumerate(zip(kinds, statuses)):
        sp = ss.spans.add(
            trace_id=TRACE_ID_A,
            span_id=bytes([0x10 + i] * 8),
            parent_span_id=SPAN_ID_1,
            name=f"child-{i}",
            kind=k,
            start_time_unix_nano=T0 + 100 * (i + 1),
            end_time_unix_nano=T0 + 100 * (i + 1) + 50,
            flags=0x01 if i % 2 else 0,
            attributes=attrs({"child.index": i}),
        )
        if st is not None:
            sp.status.CopyFrom(st)
            sp.status.SetInParent()

    # second scope without version/attributes and without schema_url
    ss2 = rs.scope_spans.add(scope=common.InstrumentationScope(name="bare-scope"))
    ss2.spans.add(trace_id=TRACE_ID_B, span_id=SPAN_ID_4, name="lonely", kind=trace.Span.SPAN_KIND_INTERNAL)
    # scope_spans entry with no scope at all
    ss3 = rs.scope_spans.add()
    ss3.spans.add(trace_id=TRACE_ID_B, span_id=SPAN_ID_3, name="no-scope")

    # second resource: no resource message, one empty scope_spans
    rs2 = req.resource_spans.add(schema_url="https://example.com/schema")
    rs2.scope_spans.add(scope=scope_full("second", ""))
    return req


def traces_empty() -> trace_svc.ExportTraceServiceRequest:
    return trace_svc.ExportTraceServiceRequest()


def traces_empty_nested() -> trace_svc.ExportTraceServiceRequest:
    """Present-but-empty messages at every level."""
    req = trace_svc.ExportTraceServiceRequest()
    req.resource_spans.add()  # totally empty ResourceSpans
    rs = req.resource_spans.add()
    rs.resource.SetInParent()  # empty Resource, present
    ss = rs.scope_spans.add()
    ss.scope.SetInParent()  # empty scope, present
    sp = ss.spans.add()  # empty span
    sp.status.SetInParent()
    sp.events.add()
    sp.links.add()
    sp.attributes.add()  # KeyValue with empty key and no value
    kvp = sp.attributes.add(key="v")
    kvp.value.SetInParent()  # value present, no oneof member set
    rs.scope_spans.add()
    return req


UNICODE_STRINGS = {
    "cjk": "漢字かなカナ한국어 中文测试",
    "emoji": "😀🚀👩‍💻🏳️‍🌈🇯🇵 (ZWJ sequences + flags)",
    "astral": "𝄞 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \U0010ffff \U0001f600",
    "combining": "e\u0301 a\u0308 Z\u0351\u0360\u0328a\u0337\u0315l\u0334g\u0322o\u0489",
    "rtl": "مرحبا بالعالم שלום",
    "control": "nul\x00 soh\x01 tab\t nl\n cr\r esc\x1b us\x1f del\x7f c1\x85\x9f",
    "quotes": "double \" single ' backslash \\ slash / backtick ` \\u0041 \\n",
    "separators": "ls\u2028 ps\u2029 bom\ufeff nbsp\u00a0 zwsp\u200b",
    "specials": "\ufffd\ufffe\uffff replacement+nonchars",
    "latin1": "Grüße, naïve café, Øresund, ß",
    "json_like": '{"a": [1, 2], "b": null}',
    "html": "<script>alert('x')</script>&amp;",
}


def traces_unicode() -> trace_svc.ExportTraceServiceRequest:
    req = trace_svc.ExportTraceServiceRequest()
    rs = req.resource_spans.add(
        resource=resource.Resource(attributes=attrs({"service.name": "サービス🚀", **UNICODE_STRINGS})),
        schema_url="https://例え.jp/schemas/ü",
    )
    ss = rs.scope_spans.add(
        scope=common.InstrumentationScope(name="スコープ", version="β-1", attributes=attrs({"ключ": "значение"})),
        schema_url="",
    )
    for i, (k, s) in enumerate(UNICODE_STRINGS.items()):
        sp = ss.spans.add(
            trace_id=TRACE_ID_A,
            span_id=bytes([i + 1] * 8),
            name=s,
            trace_state="k=v",
            kind=trace.Span.SPAN_KIND_INTERNAL,
            start_time_unix_nano=T0 + i,
            end_time_unix_nano=T0 + i + 1,
            attributes=[kv(s, s), kv(k, [s, KV([(s, s)])])],
            status=trace.Status(code=trace.Status.STATUS_CODE_ERROR, message=s),
        )
        sp.events.add(time_unix_nano=T0 + i, name=s, attributes=[kv(s, s)])
        sp.links.add(trace_id=TRACE_ID_B, span_id=SPAN_ID_2, trace_state="", attributes=[kv(s, s)])
    return req


def special_double_attrs() -> List[common.KeyValue]:
    return attrs(
        KV(
            [
                ("nan", NAN),
                ("inf", INF),
                ("-inf", -INF),
                ("-0.0", -0.0),
                ("0.0", 0.0),
                ("denorm.min", DENORM_MIN),
                ("denorm.max", DENORM_MAX),
                ("-denorm.min", -DENORM_MIN),
                ("norm.min", NORM_MIN),
                ("dbl.max", DBL_MAX),
                ("-dbl.max", -DBL_MAX),
                ("1e300", 1e300),
                ("int.max.as.double", 9007199254740993.0),
                ("0.1", 0.1),
                ("1/3", 1 / 3),
                ("int64.max", INT64_MAX),
                ("int64.min", INT64_MIN),
                ("int32.max+1", INT32_MAX + 1),
                ("-1", -1),
                ("js.unsafe", 9007199254740993),
            ]
        )
    )


def traces_maximal() -> trace_svc.ExportTraceServiceRequest:
    req = trace_svc.ExportTraceServiceRequest()
    deep: Any = "floor"
    for i in range(20):
        deep = KV([(f"d{i}", deep)]) if i % 2 == 0 else [deep]
    big_string = "x" * 70_000 + "é" * 1000  # > 2^16 bytes: 3-byte length varint
    rs = req.resource_spans.add(
        resource=resource.Resource(
            attributes=special_double_attrs() + [kv("big", big_string), kv("deep", deep), kv("bigbytes", bytes(range(256)) * 300)],
            dropped_attributes_count=UINT32_MAX,
        ),
        schema_url="s" * 300,
    )
    ss = rs.scope_spans.add(
        scope=common.InstrumentationScope(name="max", version="max", dropped_attributes_count=UINT32_MAX),
        schema_url="s",
    )
    sp = ss.spans.add(
        trace_id=b"\xff" * 16,
        span_id=b"\xff" * 8,
        parent_span_id=b"\xff" * 8,
        trace_state="a=" + "b" * 250,
        name="max",
        kind=trace.Span.SPAN_KIND_CONSUMER,
        start_time_unix_nano=UINT64_MAX,
        end_time_unix_nano=UINT64_MAX,
        attributes=special_double_attrs(),
        dropped_attributes_count=UINT32_MAX,
        dropped_events_count=UINT32_MAX,
        dropped_links_count=UINT32_MAX,
        flags=UINT32_MAX,
        status=trace.Status(code=trace.Status.STATUS_CODE_ERROR, message="m" * 1000),
    )
    sp.events.add(time_unix_nano=UINT64_MAX, name="max", attributes=special_double_attrs(), dropped_attributes_count=UINT32_MAX)
    sp.links.add(
        trace_id=b"\xff" * 16,
        span_id=b"\xff" * 8,
        trace_state="x",
        attributes=special_double_attrs(),
        dropped_attributes_count=UINT32_MAX,
        flags=UINT32_MAX,
    )
    # minimum side: zero ids (all-zero bytes, present) and zero times
    ss.spans.add(
        trace_id=b"\x00" * 16,
        span_id=b"\x00" * 8,
        parent_span_id=b"\x00" * 8,
        name="min",
        start_time_unix_nano=0,
        end_time_unix_nano=1,
        flags=0x80000000,
    )
    # values that need every varint length 1..10 bytes
    ss.spans.add(
        name="varints",
        span_id=SPAN_ID_4,
        trace_id=TRACE_ID_A,
        attributes=[kv(f"2^{n}", (1 << n)) for n in range(0, 63, 7)]
        + [kv(f"2^{n}-1", (1 << n) - 1) for n in range(7, 64, 7)]
        + [kv(f"-2^{n}", -(1 << n)) for n in range(0, 64, 7)],
        dropped_attributes_count=(1 << 28),
        dropped_events_count=(1 << 21) - 1,
    )
    return req


def traces_open_enums() -> trace_svc.ExportTraceServiceRequest:
    """Enum values outside the declared set (proto3 enums are open: they
    must survive decode/encode). Includes a negative value (10-byte varint)."""
    req = trace_svc.ExportTraceServiceRequest()
    ss = req.resource_spans.add().scope_spans.add()
    for i, (k, c) in enumerate([(6, 3), (99, 99), (-1, -1), (INT32_MAX, INT32_MIN)]):
        ss.spans.add(
            trace_id=TRACE_ID_A,
            span_id=bytes([i + 1] * 8),
            name=f"enum-{i}",
            kind=k,
            status=trace.Status(code=c, message="unknown code"),
        )
    return req


def traces_strindex() -> trace_svc.ExportTraceServiceRequest:
    """KeyValue.key_strindex (3) and AnyValue.string_value_strindex (8):
    dictionary-index fields added for profiles; still valid in any signal."""
    req = trace_svc.ExportTraceServiceRequest()
    sp = req.resource_spans.add().scope_spans.add().spans.add(trace_id=TRACE_ID_A, span_id=SPAN_ID_1, name="strindex")
    sp.attributes.add(key_strindex=5, value=common.AnyValue(string_value_strindex=7))
    sp.attributes.add(key="both", key_strindex=1, value=common.AnyValue(string_value_strindex=0))
    sp.attributes.add(key="neg", key_strindex=-1, value=common.AnyValue(string_value_strindex=INT32_MIN))
    return req


MCP_TOOLS = ["get_weather", "search_docs", "read_file", "write_file", "run_query", "list_issues", "send_email", "fetch_url"]


def traces_many() -> trace_svc.ExportTraceServiceRequest:
    """512 MCP-tool-call-like spans (64 traces x 8 spans), 8 attributes each."""
    rng = random.Random(20240611)
    req = trace_svc.ExportTraceServiceRequest()
    rs = req.resource_spans.add(
        resource=resource.Resource(
            attributes=attrs(
                {
                    "service.name": "mcp-gateway",
                    "service.version": "2.4.0",
                    "telemetry.sdk.name": "opentelemetry",
                    "telemetry.sdk.language": "python",
                    "telemetry.sdk.version": "1.45.2",
                }
            )
        ),
        schema_url=SCHEMA_RES,
    )
    ss = rs.scope_spans.add(scope=common.InstrumentationScope(name="mcp.server", version="1.0.0"))
    t = T0
    for trace_no in range(64):
        tid = rng.getrandbits(128).to_bytes(16, "big")
        session = "%032x" % rng.getrandbits(128)
        parent = b""
        for j in range(8):
            sid = rng.getrandbits(64).to_bytes(8, "big")
            tool = rng.choice(MCP_TOOLS)
            dur = rng.randrange(50_000, 2_000_000_000)
            start = t + rng.randrange(0, 1_000_000)
            error = rng.random() < 0.1
            sp = ss.spans.add(
                trace_id=tid,
                span_id=sid,
                parent_span_id=parent,
                name=f"tools/call {tool}",
                kind=trace.Span.SPAN_KIND_SERVER if j == 0 else trace.Span.SPAN_KIND_CLIENT,
                start_time_unix_nano=start,
                end_time_unix_nano=start + dur,
                flags=0x101,
                attributes=attrs(
                    KV(
                        [
                            ("mcp.method.name", "tools/call"),
                            ("gen_ai.tool.name", tool),
                            ("gen_ai.operation.name", "execute_tool"),
                            ("mcp.session.id", session),
                            ("jsonrpc.request.id", rng.randrange(1, 100_000)),
                            ("mcp.protocol.version", "2025-06-18"),
                            ("network.transport", rng.choice(["pipe", "tcp"])),
                            ("gen_ai.tool.call.arguments", '{"q":"%s","limit":%d}' % (tool, rng.randrange(1, 50))),
                        ]
                    )
                ),
                status=trace.Status(code=trace.Status.STATUS_CODE_ERROR, message="tool error") if error else None,
            )
            if not error:
                sp.ClearField("status")
            parent = sid
            t = start + 1
    assert len(ss.spans) == 512
    return req


# --------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------


def exemplars_sample() -> List[metrics.Exemplar]:
    return [
        metrics.Exemplar(
            filtered_attributes=attrs({"user.id": "u-1", "retry": 2}),
            time_unix_nano=T0 + 5,
            as_double=0.25,
            span_id=SPAN_ID_1,
            trace_id=TRACE_ID_A,
        ),
        metrics.Exemplar(time_unix_nano=T0 + 6, as_int=-17, span_id=SPAN_ID_2, trace_id=TRACE_ID_B),
        metrics.Exemplar(time_unix_nano=T0 + 7),  # no value, no ids
    ]


def metrics_all_types() -> metrics_svc.ExportMetricsServiceRequest:
    req = metrics_svc.ExportMetricsServiceRequest()
    rm = req.resource_metrics.add(resource=resource_full("metrics-svc"), schema_url=SCHEMA_RES)
    sm = rm.scope_metrics.add(scope=scope_full("io.example.meter", "3.0"), schema_url=SCHEMA_SCOPE)
    dp_attrs = attrs({"http.route": "/mcp", "http.status_code": 200})

    # Gauge int + double (incl. non-finite)
    m = sm.metrics.add(name="process.threads", description="Thread count", unit="{thread}")
    m.gauge.data_points.add(attributes=dp_attrs, time_unix_nano=T0, as_int=12, exemplars=exemplars_sample())
    m.gauge.data_points.add(time_unix_nano=T0 + 1, start_time_unix_nano=T0 - 1, as_int=-3, flags=0)
    m.gauge.data_points.add(time_unix_nano=T0 + 2, as_int=0)  # oneof set to 0 (present!)
    m = sm.metrics.add(name="cpu.temperature", description="Température 温度", unit="°C")
    for i, v in enumerate([21.5, NAN, INF, -INF, -0.0, 0.0, DENORM_MIN]):
        m.gauge.data_points.add(time_unix_nano=T0 + i, as_double=v, attributes=attrs({"core": i}))
    m.gauge.data_points.add(time_unix_nano=T0 + 99, flags=1)  # no recorded value, no value set

    # Sums: delta/cumulative x monotonic/not, int/double
    for temp in (metrics.AGGREGATION_TEMPORALITY_DELTA, metrics.AGGREGATION_TEMPORALITY_CUMULATIVE):
        for mono in (True, False):
            m = sm.metrics.add(name=f"requests.t{temp}.m{int(mono)}", description="", unit="1")
            m.sum.aggregation_temporality = temp
            m.sum.is_monotonic = mono
            m.sum.data_points.add(
                attributes=dp_attrs,
                start_time_unix_nano=T0,
                time_unix_nano=T0 + 60_000_000_000,
                as_int=1000 + temp,
                exemplars=exemplars_sample()[:1],
            )
            m.sum.data_points.add(start_time_unix_nano=T0, time_unix_nano=T0 + 1, as_double=12.75, flags=1)
    m = sm.metrics.add(name="sum.unspecified")
    m.sum.data_points.add(as_int=1)  # temporality unspecified, not monotonic

    # Histograms
    m = sm.metrics.add(name="http.server.duration", description="Duration of HTTP server requests", unit="ms")
    m.histogram.aggregation_temporality = metrics.AGGREGATION_TEMPORALITY_CUMULATIVE
    m.histogram.data_points.add(
        attributes=dp_attrs,
        start_time_unix_nano=T0,
        time_unix_nano=T0 + 10,
        count=10,
        sum=1234.5,
        bucket_counts=[1, 2, 3, 0, 4],
        explicit_bounds=[0.0, 5.0, 10.0, 25.0],
        exemplars=exemplars_sample(),
        flags=0,
        min=0.5,
        max=800.25,
    )
    m.histogram.data_points.add(  # no sum/min/max (optional fields absent)
        start_time_unix_nano=T0, time_unix_nano=T0 + 11, count=3, bucket_counts=[3], explicit_bounds=[]
    )
    m.histogram.data_points.add(  # optional fields present with zero / -0.0 values
        time_unix_nano=T0 + 12, count=0, sum=0.0, min=-0.0, max=0.0, bucket_counts=[0, 0], explicit_bounds=[1.0]
    )
    m.histogram.data_points.add(time_unix_nano=T0 + 13, flags=1)  # no recorded value
    m = sm.metrics.add(name="histogram.delta.negative", unit="By")
    m.histogram.aggregation_temporality = metrics.AGGREGATION_TEMPORALITY_DELTA
    m.histogram.data_points.add(
        time_unix_nano=T0, count=2, sum=-3.5, min=-2.5, max=-1.0, bucket_counts=[2, 0], explicit_bounds=[-0.0]
    )

    # Exponential histograms
    m = sm.metrics.add(name="rpc.latency.exp", description="exp histogram", unit="s")
    m.exponential_histogram.aggregation_temporality = metrics.AGGREGATION_TEMPORALITY_DELTA
    m.exponential_histogram.data_points.add(
        attributes=dp_attrs,
        start_time_unix_nano=T0,
        time_unix_nano=T0 + 1,
        count=21,
        sum=42.42,
        scale=3,
        zero_count=2,
        positive=metrics.ExponentialHistogramDataPoint.Buckets(offset=-5, bucket_counts=[1, 0, 3, 4]),
        negative=metrics.ExponentialHistogramDataPoint.Buckets(offset=2, bucket_counts=[5, 6]),
        flags=0,
        exemplars=exemplars_sample(),
        min=-12.0,
        max=20.5,
        zero_threshold=1e-9,
    )
    m.exponential_histogram.data_points.add(  # negative scale, no optionals, empty bucket messages
        time_unix_nano=T0 + 2,
        count=7,
        scale=-4,
        zero_count=7,
        positive=metrics.ExponentialHistogramDataPoint.Buckets(),
        negative=metrics.ExponentialHistogramDataPoint.Buckets(offset=-1),
        zero_threshold=0.0,
    )
    m.exponential_histogram.data_points.add(time_unix_nano=T0 + 3, scale=0, flags=1)  # no buckets at all
    m = sm.metrics.add(name="exp.cumulative")
    m.exponential_histogram.aggregation_temporality = metrics.AGGREGATION_TEMPORALITY_CUMULATIVE
    m.exponential_histogram.data_points.add(
        count=1, sum=0.0, min=0.0, max=0.0, scale=20, positive=metrics.ExponentialHistogramDataPoint.Buckets(offset=1 << 20, bucket_counts=[1])
    )

    # Summary
    m = sm.metrics.add(name="legacy.summary", description="prometheus summary", unit="s")
    m.summary.data_points.add(
        attributes=dp_attrs,
        start_time_unix_nano=T0,
        time_unix_nano=T0 + 1,
        count=100,
        sum=55.5,
        quantile_values=[
            metrics.SummaryDataPoint.ValueAtQuantile(quantile=0.0, value=0.01),
            metrics.SummaryDataPoint.ValueAtQuantile(quantile=0.5, value=0.3),
            metrics.SummaryDataPoint.ValueAtQuantile(quantile=0.99, value=2.5),
            metrics.SummaryDataPoint.ValueAtQuantile(quantile=1.0, value=9.0),
        ],
        flags=0,
    )
    m.summary.data_points.add(time_unix_nano=T0 + 2, flags=1)

    # metadata, empty data, no data
    m = sm.metrics.add(name="with.metadata", unit="1", metadata=attrs({"prometheus.type": "counter", "meta.n": 1}))
    m.sum.aggregation_temporality = metrics.AGGREGATION_TEMPORALITY_CUMULATIVE
    m.sum.is_monotonic = True
    m.sum.data_points.add(time_unix_nano=T0, as_double=1.0)
    m = sm.metrics.add(name="gauge.present.empty")
    m.gauge.SetInParent()  # oneof member set, no points
    m = sm.metrics.add(name="summary.present.empty")
    m.summary.SetInParent()
    m = sm.metrics.add(name="exp.present.empty")
    m.exponential_histogram.SetInParent()
    m = sm.metrics.add(name="histogram.present.empty")
    m.histogram.SetInParent()
    sm.metrics.add(name="no.data")  # data oneof not set
    sm.metrics.add()  # completely empty metric

    # second scope + second resource
    sm2 = rm.scope_metrics.add(scope=common.InstrumentationScope(name="other"))
    m = sm2.metrics.add(name="other.gauge")
    m.gauge.data_points.add(as_double=1.5)
    rm2 = req.resource_metrics.add()
    rm2.scope_metrics.add()
    return req


def metrics_empty() -> metrics_svc.ExportMetricsServiceRequest:
    return metrics_svc.ExportMetricsServiceRequest()


def metrics_maximal() -> metrics_svc.ExportMetricsServiceRequest:
    req = metrics_svc.ExportMetricsServiceRequest()
    rm = req.resource_metrics.add(resource=resource.Resource(attributes=special_double_attrs(), dropped_attributes_count=UINT32_MAX))
    sm = rm.scope_metrics.add(scope=common.InstrumentationScope(name="max", dropped_attributes_count=UINT32_MAX))
    ex = [
        metrics.Exemplar(time_unix_nano=UINT64_MAX, as_int=INT64_MIN, trace_id=b"\xff" * 16, span_id=b"\xff" * 8, filtered_attributes=special_double_attrs()),
        metrics.Exemplar(time_unix_nano=UINT64_MAX, as_int=INT64_MAX),
        metrics.Exemplar(as_double=NAN),
        metrics.Exemplar(as_double=-0.0),
        metrics.Exemplar(as_double=-INF),
    ]
    m = sm.metrics.add(name="gauge.int.extremes")
    for v in (INT64_MIN, INT64_MAX, -1, 0):
        m.gauge.data_points.add(start_time_unix_nano=UINT64_MAX, time_unix_nano=UINT64_MAX, as_int=v, flags=UINT32_MAX, exemplars=ex)
    m = sm.metrics.add(name="gauge.double.extremes")
    for v in (NAN, INF, -INF, -0.0, DENORM_MIN, -DENORM_MIN, DENORM_MAX, NORM_MIN, DBL_MAX, -DBL_MAX):
        m.gauge.data_points.add(time_unix_nano=UINT64_MAX, as_double=v)
    m = sm.metrics.add(name="sum.extremes")
    m.sum.aggregation_temporality = metrics.AGGREGATION_TEMPORALITY_CUMULATIVE
    m.sum.is_monotonic = True
    m.sum.data_points.add(start_time_unix_nano=0, time_unix_nano=UINT64_MAX, as_int=INT64_MAX, flags=UINT32_MAX)
    m.sum.data_points.add(time_unix_nano=UINT64_MAX, as_double=DBL_MAX)
    m = sm.metrics.add(name="histogram.extremes")
    m.histogram.aggregation_temporality = metrics.AGGREGATION_TEMPORALITY_DELTA
    m.histogram.data_points.add(
        start_time_unix_nano=UINT64_MAX,
        time_unix_nano=UINT64_MAX,
        count=UINT64_MAX,
        sum=INF,
        min=-INF,
        max=NAN,
        bucket_counts=[UINT64_MAX, 0, 1, UINT64_MAX - 1],
        explicit_bounds=[-INF, -0.0, DENORM_MIN],
        flags=UINT32_MAX,
        exemplars=ex,
    )
    m.histogram.data_points.add(count=1 << 40, sum=DBL_MAX, min=-DBL_MAX, max=DBL_MAX, bucket_counts=list(range(200)), explicit_bounds=[float(i) for i in range(199)])
    m = sm.metrics.add(name="exp.extremes")
    m.exponential_histogram.aggregation_temporality = metrics.AGGREGATION_TEMPORALITY_CUMULATIVE
    EB = metrics.ExponentialHistogramDataPoint.Buckets
    m.exponential_histogram.data_points.add(
        start_time_unix_nano=UINT64_MAX,
        time_unix_nano=UINT64_MAX,
        count=UINT64_MAX,
        sum=NAN,
        scale=INT32_MIN,
        zero_count=UINT64_MAX,
        positive=EB(offset=INT32_MAX, bucket_counts=[UINT64_MAX, 0, 1 << 63]),
        negative=EB(offset=INT32_MIN, bucket_counts=[UINT64_MAX]),
        flags=UINT32_MAX,
        exemplars=ex,
        min=-0.0,
        max=INF,
        zero_threshold=DBL_MAX,
    )
    m.exponential_histogram.data_points.add(scale=INT32_MAX, zero_threshold=DENORM_MIN, positive=EB(offset=-1, bucket_counts=[1]))
    m.exponential_histogram.data_points.add(scale=-1, negative=EB(offset=-(1 << 20)))
    m = sm.metrics.add(name="summary.extremes")
    m.summary.data_points.add(
        start_time_unix_nano=UINT64_MAX,
        time_unix_nano=UINT64_MAX,
        count=UINT64_MAX,
        sum=-0.0,
        quantile_values=[
            metrics.SummaryDataPoint.ValueAtQuantile(quantile=NAN, value=INF),
            metrics.SummaryDataPoint.ValueAtQuantile(quantile=-0.0, value=-INF),
            metrics.SummaryDataPoint.ValueAtQuantile(quantile=DENORM_MIN, value=DBL_MAX),
            metrics.SummaryDataPoint.ValueAtQuantile(),
        ],
        flags=UINT32_MAX,
    )
    m = sm.metrics.add(name="temporality.open.enum")
    m.sum.aggregation_temporality = 7  # unknown enum value must round-trip
    m.sum.data_points.add(as_int=1)
    return req


# --------------------------------------------------------------------------
# Logs
# --------------------------------------------------------------------------


def logs_full() -> logs_svc.ExportLogsServiceRequest:
    req = logs_svc.ExportLogsServiceRequest()
    rl = req.resource_logs.add(resource=resource_full("log-svc"), schema_url=SCHEMA_RES)
    sl = rl.scope_logs.add(scope=scope_full("io.example.logger", "1.0"), schema_url=SCHEMA_SCOPE)
    sl.log_records.add(
        time_unix_nano=T0,
        observed_time_unix_nano=T0 + 1000,
        severity_number=logs.SEVERITY_NUMBER_ERROR,
        severity_text="ERROR",
        body=av("Tool call failed: connection reset"),
        attributes=attrs({"exception.type": "ConnectionResetError", "code.lineno": 120, "retry": True}),
        dropped_attributes_count=3,
        flags=0x01,
        trace_id=TRACE_ID_A,
        span_id=SPAN_ID_1,
        event_name="mcp.tool.error",
    )
    sl.log_records.add(
        time_unix_nano=T0 + 1,
        observed_time_unix_nano=T0 + 2,
        severity_number=logs.SEVERITY_NUMBER_INFO,
        severity_text="INFO",
        body=av(KV([("event", "request"), ("size", 512), ("nested", KV([("ok", True), ("tags", ["a", "b"])])), ("none", None)])),
        trace_id=TRACE_ID_B,
        span_id=SPAN_ID_2,
        flags=0xFF,
    )
    sl.log_records.add(time_unix_nano=T0 + 2, severity_number=logs.SEVERITY_NUMBER_DEBUG, body=av(["line1", 2, 3.5, [True, None], KV([("k", "v")])]))
    sl.log_records.add(time_unix_nano=T0 + 3, severity_number=logs.SEVERITY_NUMBER_WARN, body=av(b"\x89PNG\r\n\x1a\n\x00\xff"))
    sl.log_records.add(time_unix_nano=T0 + 4, body=av(b""))  # empty bytes body (present)
    sl.log_records.add(time_unix_nano=T0 + 5, body=av(""))  # empty string body (present)
    sl.log_records.add(time_unix_nano=T0 + 6, body=av(None))  # body present, no value
    sl.log_records.add(time_unix_nano=T0 + 7, body=av(-7))
    sl.log_records.add(time_unix_nano=T0 + 8, body=av(2.5e-3))
    sl.log_records.add(time_unix_nano=T0 + 9, body=av(False))
    sl.log_records.add(time_unix_nano=T0 + 10, body=av([]))
    sl.log_records.add(time_unix_nano=T0 + 11, body=av(KV([])))
    sl.log_records.add(observed_time_unix_nano=T0 + 12, event_name="only.event.name")  # no body, no time
    sl.log_records.add()  # completely empty record
    for sev in range(0, 25):  # every SeverityNumber
        sl.log_records.add(
            time_unix_nano=T0 + 100 + sev,
            severity_number=sev,
            severity_text=logs.SeverityNumber.Name(sev).replace("SEVERITY_NUMBER_", ""),
            body=av(f"severity {sev}"),
        )
    rl.scope_logs.add(scope=common.InstrumentationScope(name="empty-scope")).log_records.add(body=av("x"))
    req.resource_logs.add().scope_logs.add()
    return req


def logs_empty() -> logs_svc.ExportLogsServiceRequest:
    return logs_svc.ExportLogsServiceRequest()


def logs_unicode() -> logs_svc.ExportLogsServiceRequest:
    req = logs_svc.ExportLogsServiceRequest()
    sl = req.resource_logs.add(resource=resource.Resource(attributes=attrs({"service.name": "ログ"}))).scope_logs.add(
        scope=common.InstrumentationScope(name="日本語")
    )
    for i, (k, s) in enumerate(UNICODE_STRINGS.items()):
        sl.log_records.add(
            time_unix_nano=T0 + i,
            severity_text=s,
            body=av(KV([(s, s), ("list", [s])])) if i % 2 else av(s),
            attributes=[kv(s, s), kv(k, s)],
            event_name=s,
        )
    return req


def logs_maximal() -> logs_svc.ExportLogsServiceRequest:
    req = logs_svc.ExportLogsServiceRequest()
    rl = req.resource_logs.add(resource=resource.Resource(attributes=special_double_attrs(), dropped_attributes_count=UINT32_MAX))
    sl = rl.scope_logs.add(scope=common.InstrumentationScope(name="max", dropped_attributes_count=UINT32_MAX))
    sl.log_records.add(
        time_unix_nano=UINT64_MAX,
        observed_time_unix_nano=UINT64_MAX,
        severity_number=logs.SEVERITY_NUMBER_FATAL4,
        severity_text="FATAL4",
        body=av(KV([(a.key, Raw(a.value)) for a in special_double_attrs()])),
        attributes=special_double_attrs(),
        dropped_attributes_count=UINT32_MAX,
        flags=UINT32_MAX,
        trace_id=b"\xff" * 16,
        span_id=b"\xff" * 8,
        event_name="e" * 5000,
    )
    sl.log_records.add(body=av(NAN))
    sl.log_records.add(body=av(-0.0))
    sl.log_records.add(body=av(INT64_MIN))
    sl.log_records.add(body=av(b"\x00" * 100_000))
    sl.log_records.add(severity_number=100)  # open enum
    sl.log_records.add(severity_number=-5)
    return req


# --------------------------------------------------------------------------
# Wire quirks: hand-assembled bytes
# --------------------------------------------------------------------------


def varint(n: int, min_len: int = 0) -> bytes:
    """Encode n as a varint (negatives as 10-byte two's complement); pad to
    min_len bytes with continuation bytes (overlong but legal encoding)."""
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n or len(out) + 1 < min_len:
            out.append(b | 0x80)
        else:
            out.append(b)
            break
    return bytes(out)


def tag(field: int, wt: int) -> bytes:
    return varint((field << 3) | wt)


def f_varint(field: int, n: int, min_len: int = 0) -> bytes:
    return tag(field, 0) + varint(n, min_len)


def f_fixed64(field: int, n: int) -> bytes:
    return tag(field, 1) + struct.pack("<Q", n & UINT64_MAX)


def f_double(field: int, d: float) -> bytes:
    return tag(field, 1) + struct.pack("<d", d)


def f_fixed32(field: int, n: int) -> bytes:
    return tag(field, 5) + struct.pack("<I", n & UINT32_MAX)


def f_bytes(field: int, b: bytes) -> bytes:
    return tag(field, 2) + varint(len(b)) + b


def f_str(field: int, s: str) -> bytes:
    return f_bytes(field, s.encode("utf-8"))


def zigzag32(n: int) -> int:
    return ((n << 1) ^ (n >> 31)) & UINT32_MAX


UNKNOWN_ALL_WIRE_TYPES = (
    f_varint(100, 12345)
    + f_fixed64(101, 0x0102030405060708)
    + f_bytes(102, b"unknown payload")
    + f_fixed32(103, 0xDEADBEEF)
    + f_bytes(536870911, b"max field number")  # 2^29-1
    + f_varint(19000, 1)  # reserved-for-implementation range, still just unknown
)


def wire_kv_str(key: str, value: str) -> bytes:
    return f_str(1, key) + f_bytes(2, f_str(1, value))


def traces_wire_quirks_bytes() -> bytes:
    # Span with fields in descending order, duplicates, unknown fields, overlong varints
    span = b"".join(
        [
            UNKNOWN_ALL_WIRE_TYPES,
            f_fixed32(16, 0x101),
            f_bytes(15, f_varint(3, 2)),  # status part 1: code=ERROR
            f_bytes(15, f_str(2, "merged")),  # status part 2: message -> merged
            f_varint(14, 1),
            f_varint(12, 2, min_len=5),  # overlong varint for dropped_events_count
            f_bytes(11, f_fixed64(1, T0) + f_str(2, "evt") + UNKNOWN_ALL_WIRE_TYPES),
            f_bytes(9, wire_kv_str("a", "1")),
            f_bytes(9, f_str(1, "oneof.last.wins") + f_bytes(2, f_str(1, "first") + f_varint(3, 99))),
            f_bytes(9, f_str(1, "value.merge") + f_bytes(2, f_str(1, "x")) + f_bytes(2, f_varint(2, 1))),
            f_fixed64(8, T0 + 2),
            f_fixed64(7, T0 + 1),
            f_varint(6, 2),
            f_varint(6, 3),  # kind: last wins -> CLIENT
            f_str(5, "first-name"),
            f_str(5, "last-name"),  # name: last wins
            f_bytes(4, SPAN_ID_2),
            f_str(3, "t=1"),
            f_bytes(2, SPAN_ID_1),
            f_bytes(1, TRACE_ID_A),
            f_bytes(9, wire_kv_str("b", "2")),  # repeated field continues after others
            f_varint(10, 0),  # explicit default value on the wire
            f_str(3, ""),  # trace_state explicitly empty, overriding "t=1"
        ]
    )
    scope = f_str(2, "v1") + f_str(1, "quirk-scope") + UNKNOWN_ALL_WIRE_TYPES
    scope_spans = f_bytes(2, span) + f_bytes(1, scope) + f_str(3, "first-schema") + f_str(3, "last-schema")
    res_part1 = f_bytes(1, wire_kv_str("r1", "x"))
    res_part2 = f_bytes(1, wire_kv_str("r2", "y")) + f_varint(2, 9)
    resource_spans = f_bytes(1, res_part1) + f_bytes(2, scope_spans) + f_bytes(1, res_part2) + UNKNOWN_ALL_WIRE_TYPES
    empty_rs = b""
    return f_bytes(1, resource_spans) + UNKNOWN_ALL_WIRE_TYPES + f_bytes(1, empty_rs)


def metrics_wire_quirks_bytes() -> bytes:
    # HistogramDataPoint with repeated fixed64/double in unpacked and mixed form
    hdp = b"".join(
        [
            f_fixed64(4, 6),  # count
            f_fixed64(6, 1),  # bucket_counts unpacked
            f_fixed64(6, 2),
            f_bytes(6, struct.pack("<QQ", 3, 0)),  # then a packed chunk
            f_fixed64(6, UINT64_MAX),  # then unpacked again
            f_double(7, 1.0),  # explicit_bounds unpacked
            f_bytes(7, struct.pack("<dd", 2.0, -0.0)),  # packed chunk
            f_double(7, float("nan")),
            f_double(5, 99.0),
            f_double(5, 10.5),  # optional sum: last wins
            f_bytes(6, b""),  # empty packed chunk adds nothing
            UNKNOWN_ALL_WIRE_TYPES,
        ]
    )
    histogram = f_bytes(1, hdp) + f_varint(2, 1)
    # Exponential histogram buckets: unpacked uint64 varints + packed chunk
    buckets = f_varint(1, zigzag32(-3)) + f_varint(2, 7) + f_bytes(2, varint(8) + varint(UINT64_MAX)) + f_varint(2, 0)
    edp = f_varint(6, zigzag32(-2)) + f_bytes(8, buckets) + f_bytes(9, f_varint(1, zigzag32(1))) + f_fixed64(4, 5)
    exp = f_bytes(1, edp) + f_varint(2, 2)
    # NumberDataPoint: as_double then as_int -> oneof last wins (int)
    ndp = f_double(4, 1.5) + f_fixed64(6, (-2) & UINT64_MAX) + f_varint(8, 1) + UNKNOWN_ALL_WIRE_TYPES
    ndp2 = f_fixed64(6, 7) + f_double(4, -0.0)  # int then double -> double -0.0
    gauge = f_bytes(1, ndp) + f_bytes(1, ndp2)
    # Metric: data oneof gauge then histogram -> histogram wins; then metric with sum then name
    m1 = f_str(1, "quirk.hist") + f_bytes(5, gauge) + f_bytes(9, histogram)
    m2 = f_bytes(10, exp) + f_str(3, "1") + f_str(1, "quirk.exp")
    m3 = f_bytes(5, gauge) + f_str(1, "quirk.gauge") + f_bytes(5, b"")  # gauge twice: merged (second is empty)
    sm = f_bytes(2, m1) + f_bytes(2, m2) + f_bytes(2, m3)
    rm = f_bytes(2, sm)
    return f_bytes(1, rm)


def logs_wire_quirks_bytes() -> bytes:
    rec = b"".join(
        [
            f_bytes(5, f_str(1, "first body")),
            f_fixed32(8, 1),
            f_bytes(5, f_varint(3, 5)),  # body merged: oneof last wins -> int 5
            f_varint(2, 9),
            f_str(12, "ev"),
            f_fixed64(11, T0),
            f_fixed64(1, T0 - 1),
            f_bytes(10, SPAN_ID_1),
            f_bytes(9, TRACE_ID_A),
            f_varint(2, 17, min_len=10),  # severity overlong 10-byte varint, last wins
            UNKNOWN_ALL_WIRE_TYPES,
        ]
    )
    sl = f_bytes(2, rec) + f_bytes(2, b"") + UNKNOWN_ALL_WIRE_TYPES
    return f_bytes(1, f_bytes(2, sl))


def from_bytes(cls, data: bytes) -> Callable[[], Any]:
    def make():
        m = cls()
        m.ParseFromString(data)
        return m

    make.raw = data  # type: ignore[attr-defined]
    return make


# --------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------


def response(cls, partial_field: str, rejected: int, message: str):
    def make():
        r = cls()
        if rejected or message:
            setattr(r.partial_success, partial_field, rejected)
            r.partial_success.error_message = message
        return r

    return make


# --------------------------------------------------------------------------

GOLDENS: List[Tuple[str, str, Callable[[], Any]]] = [
    ("traces_full", "traces", traces_full),
    ("traces_empty", "traces", traces_empty),
    ("traces_empty_nested", "traces", traces_empty_nested),
    ("traces_unicode", "traces", traces_unicode),
    ("traces_maximal", "traces", traces_maximal),
    ("traces_many", "traces", traces_many),
    ("traces_open_enums", "traces", traces_open_enums),
    ("traces_strindex", "traces", traces_strindex),
    ("traces_wire_quirks", "traces", from_bytes(trace_svc.ExportTraceServiceRequest, traces_wire_quirks_bytes())),
    ("metrics_all_types", "metrics", metrics_all_types),
    ("metrics_empty", "metrics", metrics_empty),
    ("metrics_maximal", "metrics", metrics_maximal),
    ("metrics_wire_quirks", "metrics", from_bytes(metrics_svc.ExportMetricsServiceRequest, metrics_wire_quirks_bytes())),
    ("logs_full", "logs", logs_full),
    ("logs_empty", "logs", logs_empty),
    ("logs_unicode", "logs", logs_unicode),
    ("logs_maximal", "logs", logs_maximal),
    ("logs_wire_quirks", "logs", from_bytes(logs_svc.ExportLogsServiceRequest, logs_wire_quirks_bytes())),
    (
        "traces_response_partial",
        "traces_response",
        response(trace_svc.ExportTraceServiceResponse, "rejected_spans", 3, "3 spans rejected: invalid trace_id length"),
    ),
    ("traces_response_warning", "traces_response", response(trace_svc.ExportTraceServiceResponse, "rejected_spans", 0, "accepted with warnings: attribute values truncated")),
    ("traces_response_empty", "traces_response", response(trace_svc.ExportTraceServiceResponse, "rejected_spans", 0, "")),
    (
        "metrics_response_partial",
        "metrics_response",
        response(metrics_svc.ExportMetricsServiceResponse, "rejected_data_points", 17, "17 data points rejected: NaN in monotonic sum ✗"),
    ),
    ("metrics_response_warning", "metrics_response", response(metrics_svc.ExportMetricsServiceResponse, "rejected_data_points", 0, "accepted with warnings")),
    ("metrics_response_empty", "metrics_response", response(metrics_svc.ExportMetricsServiceResponse, "rejected_data_points", 0, "")),
    (
        "logs_response_partial",
        "logs_response",
        response(logs_svc.ExportLogsServiceResponse, "rejected_log_records", INT64_MAX, "all log records rejected: queue full"),
    ),
    ("logs_response_warning", "logs_response", response(logs_svc.ExportLogsServiceResponse, "rejected_log_records", 0, "accepted with warnings")),
    ("logs_response_empty", "logs_response", response(logs_svc.ExportLogsServiceResponse, "rejected_log_records", 0, "")),
]


def render() -> Dict[str, bytes]:
    """Build every golden; return {filename: content}."""
    files: Dict[str, bytes] = {}
    manifest = []
    for name, typ, make in GOLDENS:
        cls = MESSAGE_TYPES[typ]
        msg = make()
        assert isinstance(msg, cls), (name, type(msg))
        raw = getattr(make, "raw", None)
        pb = raw if raw is not None else msg.SerializeToString(deterministic=True)
        # pretty JSON for reviewable goldens, compact for the big ones
        js = otlpjson.to_otlp_json(msg, indent=2 if len(pb) <= JSON_PRETTY_LIMIT else None) + "\n"
        # self-consistency: both encodings decode to the same message
        back_pb = cls.FromString(pb)
        back_js = otlpjson.from_otlp_json(js, cls)
        assert back_pb.SerializeToString(deterministic=True) == msg.SerializeToString(deterministic=True), name
        assert back_js.SerializeToString(deterministic=True) == _known_only(msg).SerializeToString(deterministic=True), name
        files[f"{name}.pb"] = pb
        files[f"{name}.json"] = js.encode("utf-8")
        manifest.append(f"{name} {typ}")
    files["MANIFEST.txt"] = ("\n".join(manifest) + "\n").encode("ascii")
    return files


def _known_only(msg):
    """Copy of msg without unknown fields (JSON cannot carry them)."""
    out = type(msg)()
    out.CopyFrom(msg)
    out.DiscardUnknownFields()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if files differ from what would be generated")
    args = ap.parse_args()

    files = render()
    if args.check:
        stale = []
        for fn, content in sorted(files.items()):
            path = os.path.join(args.out, fn)
            try:
                with open(path, "rb") as f:
                    if f.read() != content:
                        stale.append(fn)
            except FileNotFoundError:
                stale.append(fn + " (missing)")
        expected = set(files)
        extra = sorted(
            fn for fn in os.listdir(args.out) if (fn.endswith(".pb") or fn.endswith(".json")) and fn not in expected
        )
        for fn in stale:
            print(f"stale: {fn}")
        for fn in extra:
            print(f"unexpected: {fn}")
        if stale or extra:
            print("goldens are out of date; run gen_goldens.py")
            return 1
        print(f"goldens up to date ({len(files)} files)")
        return 0

    os.makedirs(args.out, exist_ok=True)
    for fn, content in sorted(files.items()):
        with open(os.path.join(args.out, fn), "wb") as f:
            f.write(content)
    print(f"wrote {len(files)} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
