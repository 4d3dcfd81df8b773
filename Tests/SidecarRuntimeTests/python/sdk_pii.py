#!/usr/bin/env python3
"""Export spans and a log record with personal data in every field, over OTLP/gRPC, with the real SDK.

    sdk_pii.py ENDPOINT        (unix:///path.sock or host:port)

Prints the PII values it embedded, one per line, so the caller can check none of them leaves the sidecar.
"""
import sys

from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry._logs import LogRecord
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry import trace
from opentelemetry.trace import Link, Status, StatusCode

PII = {
    "email": "jane.doe@example.com",
    "card": "4111 1111 1111 1111",
    "phone": "+14155552671",
    "ssn": "078-05-1120",
    "iban": "DE89370400440532013000",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "bearer": "Bearer abcdef0123456789abcdef0123456789",
    "aws": "AKIAIOSFODNN7EXAMPLE",
    "owner_email": "ops.owner@example.org",
}


def main():
    endpoint = sys.argv[1]
    resource = Resource.create({"service.name": "pii-test", "owner.contact": PII["owner_email"]})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=endpoint, insecure=True, timeout=10)))
    tracer = provider.get_tracer("pii-test")
    linked = trace.SpanContext(trace_id=0x0AF7651916CD43DD8448EB211C80319C, span_id=0xB7AD6B7169203331, is_remote=True)
    with tracer.start_as_current_span("checkout for " + PII["email"], links=[Link(linked, {"token": PII["jwt"]})],
                                      attributes={"user.email": PII["email"], "payment": "card " + PII["card"],
                                                  "contacts": [PII["phone"], "ssn " + PII["ssn"]],
                                                  "http.request.header.authorization": PII["bearer"],
                                                  "note": "aws key " + PII["aws"]}) as span:
        span.add_event("payment", {"iban": "IBAN " + PII["iban"]})
        span.set_status(Status(StatusCode.ERROR, "declined for " + PII["email"]))
    provider.shutdown()

    logs = LoggerProvider(resource=resource)
    logs.add_log_record_processor(SimpleLogRecordProcessor(OTLPLogExporter(endpoint=endpoint, insecure=True, timeout=10)))
    logger = logs.get_logger("pii-test")
    logger.emit(LogRecord(body="card " + PII["card"] + " declined for " + PII["email"], severity_text="WARN",
                          attributes={"phone": PII["phone"]}))
    logs.shutdown()
    for v in PII.values():
        print(v)


if __name__ == "__main__":
    main()
