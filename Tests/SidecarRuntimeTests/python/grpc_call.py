#!/usr/bin/env python3
"""One OTLP/gRPC TraceService/Export call with grpcio; prints the outcome as JSON.

    grpc_call.py TARGET [--garbage]      TARGET: unix:///path.sock or host:port

{"code": "OK"|"RESOURCE_EXHAUSTED"|..., "message": str, "retry_delay_seconds": float|null}
The RetryInfo delay is read from the grpc-status-details-bin trailer (google.rpc.Status).
"""
import json
import sys

import grpc
from google.rpc import error_details_pb2, status_pb2
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span


def main():
    target = sys.argv[1]
    garbage = "--garbage" in sys.argv
    req = ExportTraceServiceRequest(resource_spans=[ResourceSpans(scope_spans=[ScopeSpans(spans=[
        Span(trace_id=b"\x01" * 16, span_id=b"\x02" * 8, name="refused?")])])]).SerializeToString()
    if garbage:
        req = b"\x0a\xff\xff\xff\xff\x0f"  # a length that runs past the end
    channel = grpc.insecure_channel(target)
    call = channel.unary_unary("/opentelemetry.proto.collector.trace.v1.TraceService/Export",
                               request_serializer=None, response_deserializer=None)
    out = {"code": "OK", "message": "", "retry_delay_seconds": None}
    try:
        call(req, timeout=10)
    except grpc.RpcError as e:
        out["code"] = e.code().name
        out["message"] = e.details()
        for key, value in e.trailing_metadata() or ():
            if key == "grpc-status-details-bin":
                st = status_pb2.Status.FromString(value)
                for d in st.details:
                    if d.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
                        info = error_details_pb2.RetryInfo()
                        d.Unpack(info)
                        out["retry_delay_seconds"] = info.retry_delay.seconds + info.retry_delay.nanos / 1e9
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
