"""Message type names used by MANIFEST.txt and verify.py."""

from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

#: TYPE (as written in MANIFEST.txt / passed to verify.py) -> message class
MESSAGE_TYPES = {
    "traces": trace_service_pb2.ExportTraceServiceRequest,
    "metrics": metrics_service_pb2.ExportMetricsServiceRequest,
    "logs": logs_service_pb2.ExportLogsServiceRequest,
    "traces_response": trace_service_pb2.ExportTraceServiceResponse,
    "metrics_response": metrics_service_pb2.ExportMetricsServiceResponse,
    "logs_response": logs_service_pb2.ExportLogsServiceResponse,
}
