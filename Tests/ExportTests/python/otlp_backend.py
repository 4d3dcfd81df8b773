"""An OTLP backend for the exporter tests: grpcio + opentelemetry-proto (gRPC) and http.server (OTLP/HTTP).

It decodes every request with opentelemetry-proto, records it as one JSON line (``--record``), and answers
as scripted (``--script``). Listeners (each optional):

  --grpc-port P        gRPC on 127.0.0.1:P (0 = any free port)
  --grpc-unix PATH     gRPC on a Unix socket
  --grpc-sniff-port P  a TCP proxy in front of the gRPC port that reads the client's HTTP/2 DATA frames and
                       records, per stream, whether the gRPC message's compressed flag is set
                       (grpcio does not show ``grpc-encoding`` to the servicer)
  --http-port P        OTLP/HTTP on 127.0.0.1:P
  --http-unix PATH     OTLP/HTTP on a Unix socket
  --tls-cert/--tls-key PEM files: the gRPC TCP listener uses TLS; with --tls-client-ca it requires a client
                       certificate signed by that CA (mTLS)
  --http-tls           the OTLP/HTTP TCP listener uses the same TLS settings (HTTPS)

When listening, it writes ``--ready FILE`` (JSON: the ports) and serves until killed.

Script: a comma-separated list of answers, one per request in order (after it runs out: ``ok``). One script
is shared by all listeners. Answers:
  ok                       success
  unavailable              gRPC UNAVAILABLE / HTTP 503
  invalid_argument         gRPC INVALID_ARGUMENT / HTTP 400
  resource_exhausted[:S]   gRPC RESOURCE_EXHAUSTED, with RetryInfo of S seconds when given
  http:CODE[:S]            HTTP status CODE, with Retry-After: S when given (gRPC: UNKNOWN)
  partial:N:MSG            success with partial_success rejecting N items and the message MSG
  slow:S                   sleep S seconds, then success

--require-header NAME=VALUE: a request without it is answered UNAUTHENTICATED / 401 (and recorded).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import os
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
import zlib
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import error_details_pb2, status_pb2
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2 as logs_pb
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2_grpc as logs_grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2 as metrics_pb
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2_grpc as metrics_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2 as trace_pb
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc as trace_grpc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "InteropTests", "python"))
from otlpjson import from_otlp_json, to_otlp_json  # noqa: E402

REQUESTS = {"traces": trace_pb.ExportTraceServiceRequest, "metrics": metrics_pb.ExportMetricsServiceRequest,
            "logs": logs_pb.ExportLogsServiceRequest}
RESPONSES = {"traces": trace_pb.ExportTraceServiceResponse, "metrics": metrics_pb.ExportMetricsServiceResponse,
             "logs": logs_pb.ExportLogsServiceResponse}
PARTIAL_FIELD = {"traces": "rejected_spans", "metrics": "rejected_data_points", "logs": "rejected_log_records"}


class Backend:
    def __init__(self, record_path: str, script: list[str], require: tuple[str, str] | None):
        self.lock = threading.Lock()
        self.record_file = open(record_path, "a", buffering=1)
        self.script = script
        self.require = require

    def next_answer(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else "ok"

    def record(self, entry: dict) -> None:
        line = json.dumps(entry, sort_keys=True)
        with self.lock:
            self.record_file.write(line + "\n")
            self.record_file.flush()

    def authorized(self, headers: dict[str, str]) -> bool:
        return self.require is None or headers.get(self.require[0]) == self.require[1]

    def response(self, signal: str, answer: str):
        resp = RESPONSES[signal]()
        if answer.startswith("partial:"):
            _, n, msg = answer.split(":", 2)
            ps = resp.partial_success
            setattr(ps, PARTIAL_FIELD[signal], int(n))
            ps.error_message = msg
        return resp


def item_count(signal: str, req) -> int:
    n = 0
    if signal == "traces":
        for rs in req.resource_spans:
            for ss in rs.scope_spans:
                n += len(ss.spans)
    elif signal == "logs":
        for rl in req.resource_logs:
            for sl in rl.scope_logs:
                n += len(sl.log_records)
    else:
        for rm in req.resource_metrics:
            for sm in rm.scope_metrics:
                for m in sm.metrics:
                    kind = m.WhichOneof("data")
                    if kind:
                        n += len(getattr(m, kind).data_points)
    return n


# ---------------------------------------------------------------- gRPC


def grpc_servicer(backend: Backend, signal: str, base):
    class Servicer(base):
        def Export(self, request, context):
            headers = {k: (v if isinstance(v, str) else base64.b64encode(v).decode()) for k, v in context.invocation_metadata()}
            answer = backend.next_answer() if backend.authorized(headers) else "unauthenticated"
            backend.record({"transport": "grpc", "signal": signal, "path": f"/{signal}/Export", "headers": headers,
                            "answer": answer, "items": item_count(signal, request),
                            "request": json.loads(to_otlp_json(request))})
            if answer == "unauthenticated":
                context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong credentials")
            if answer == "unavailable":
                context.abort(grpc.StatusCode.UNAVAILABLE, "scripted unavailable")
            if answer == "invalid_argument":
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, "scripted invalid argument")
            if answer.startswith("resource_exhausted"):
                parts = answer.split(":")
                status = status_pb2.Status(code=grpc.StatusCode.RESOURCE_EXHAUSTED.value[0], message="scripted exhaustion")
                if len(parts) > 1:
                    secs = float(parts[1])
                    info = error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(
                        seconds=int(secs), nanos=int(round((secs - int(secs)) * 1e9))))
                    detail = any_pb2.Any()
                    detail.Pack(info)
                    status.details.append(detail)
                    context.set_trailing_metadata((("grpc-status-details-bin", status.SerializeToString()),))
                context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "scripted exhaustion")
            if answer.startswith("http:"):
                context.abort(grpc.StatusCode.UNKNOWN, "scripted http answer on grpc")
            if answer.startswith("slow:"):
                time.sleep(float(answer.split(":")[1]))
            return backend.response(signal, answer)

    return Servicer()


def start_grpc(backend: Backend, args) -> tuple[grpc.Server, int | None]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    trace_grpc.add_TraceServiceServicer_to_server(grpc_servicer(backend, "traces", trace_grpc.TraceServiceServicer), server)
    metrics_grpc.add_MetricsServiceServicer_to_server(grpc_servicer(backend, "metrics", metrics_grpc.MetricsServiceServicer), server)
    logs_grpc.add_LogsServiceServicer_to_server(grpc_servicer(backend, "logs", logs_grpc.LogsServiceServicer), server)
    port = None
    if args.grpc_port is not None:
        if args.tls_cert and not args.http_tls:
            key = open(args.tls_key, "rb").read()
            cert = open(args.tls_cert, "rb").read()
            ca = open(args.tls_client_ca, "rb").read() if args.tls_client_ca else None
            creds = grpc.ssl_server_credentials([(key, cert)], root_certificates=ca, require_client_auth=ca is not None)
            port = server.add_secure_port(f"127.0.0.1:{args.grpc_port}", creds)
        else:
            port = server.add_insecure_port(f"127.0.0.1:{args.grpc_port}")
    if args.grpc_unix:
        server.add_insecure_port(f"unix:{args.grpc_unix}")
    server.start()
    return server, port


class H2Sniffer:
    """Reads the client→server half of an h2c connection: for the first DATA frame of each stream, records
    the gRPC length-prefixed message's compressed flag (byte 0)."""

    def __init__(self, backend: Backend):
        self.backend = backend
        self.buf = b""
        self.preface_done = False
        self.seen: set[int] = set()

    def feed(self, data: bytes) -> None:
        self.buf += data
        if not self.preface_done:
            if len(self.buf) < 24:
                return
            self.buf = self.buf[24:]
            self.preface_done = True
        while len(self.buf) >= 9:
            length = int.from_bytes(self.buf[0:3], "big")
            if len(self.buf) < 9 + length:
                return
            ftype, flags = self.buf[3], self.buf[4]
            stream = int.from_bytes(self.buf[5:9], "big") & 0x7FFFFFFF
            payload = self.buf[9:9 + length]
            self.buf = self.buf[9 + length:]
            if ftype == 0 and stream not in self.seen and payload:
                if flags & 0x8:  # PADDED
                    payload = payload[1:]
                if payload:
                    self.seen.add(stream)
                    self.backend.record({"transport": "grpc-frame", "stream": stream, "compressed": payload[0] == 1})


def start_sniffer(backend: Backend, listen_port: int, upstream_port: int) -> int:
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", listen_port))
    lsock.listen(16)

    def pump(src, dst, sniffer):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if sniffer:
                    sniffer.feed(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def accept_loop():
        while True:
            client, _ = lsock.accept()
            upstream = socket.create_connection(("127.0.0.1", upstream_port))
            threading.Thread(target=pump, args=(client, upstream, H2Sniffer(backend)), daemon=True).start()
            threading.Thread(target=pump, args=(upstream, client, None), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    return lsock.getsockname()[1]


# ---------------------------------------------------------------- OTLP/HTTP


def signal_for_path(path: str) -> str | None:
    p = path.lower()
    for signal, word in (("traces", "trace"), ("metrics", "metric"), ("logs", "log")):
        if word in p:
            return signal
    return None


def make_handler(backend: Backend):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def address_string(self) -> str:  # a Unix socket's client_address is ''
            return "unix" if not self.client_address else str(self.client_address[0])

        def log_message(self, fmt, *args) -> None:
            pass

        def reply(self, code: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            encoding = headers.get("content-encoding", "")
            body = gzip.decompress(raw) if encoding == "gzip" else (zlib.decompress(raw) if encoding == "deflate" else raw)
            content_type = headers.get("content-type", "")
            is_json = content_type.startswith("application/json")
            signal = signal_for_path(self.path)
            answer = backend.next_answer() if backend.authorized(headers) else "unauthenticated"
            entry = {"transport": "http", "signal": signal, "path": self.path, "headers": headers, "answer": answer,
                     "content_type": content_type, "content_encoding": encoding, "wire_bytes": len(raw)}
            if signal is None:
                backend.record(entry)
                return self.reply(404, b"unknown path", "text/plain")
            try:
                req = from_otlp_json(body.decode(), REQUESTS[signal]) if is_json else REQUESTS[signal].FromString(body)
            except Exception as e:  # noqa: BLE001
                entry["decode_error"] = str(e)
                backend.record(entry)
                return self.reply(400, b"undecodable", "text/plain")
            entry["items"] = item_count(signal, req)
            entry["request"] = json.loads(to_otlp_json(req))
            backend.record(entry)
            ctype = "application/json" if is_json else "application/x-protobuf"

            def status_body(code: int, msg: str) -> bytes:
                st = status_pb2.Status(code=code, message=msg)
                return json.dumps({"code": code, "message": msg}).encode() if is_json else st.SerializeToString()

            if answer == "unauthenticated":
                return self.reply(401, status_body(16, "missing or wrong credentials"), ctype)
            if answer == "unavailable":
                return self.reply(503, status_body(14, "scripted unavailable"), ctype)
            if answer == "invalid_argument":
                return self.reply(400, status_body(3, "scripted invalid argument"), ctype)
            if answer.startswith("resource_exhausted"):
                parts = answer.split(":")
                extra = {"Retry-After": parts[1]} if len(parts) > 1 else {}
                return self.reply(429, status_body(8, "scripted exhaustion"), ctype, extra)
            if answer.startswith("http:"):
                parts = answer.split(":")
                extra = {"Retry-After": parts[2]} if len(parts) > 2 else {}
                return self.reply(int(parts[1]), status_body(2, "scripted"), ctype, extra)
            if answer.startswith("slow:"):
                time.sleep(float(answer.split(":")[1]))
            resp = backend.response(signal, answer)
            out = to_otlp_json(resp).encode() if is_json else resp.SerializeToString()
            self.reply(200, out, ctype)

    return Handler


class UnixHTTPServer(ThreadingHTTPServer):
    address_family = socket.AF_UNIX

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)
        self.server_name = "unix"
        self.server_port = 0

    def get_request(self):
        request, _ = super().get_request()
        return request, ("unix", 0)


def serve_http(server) -> None:
    threading.Thread(target=server.serve_forever, daemon=True).start()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--record", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--script", default="")
    ap.add_argument("--require-header")
    ap.add_argument("--grpc-port", type=int)
    ap.add_argument("--grpc-unix")
    ap.add_argument("--grpc-sniff-port", type=int)
    ap.add_argument("--http-port", type=int)
    ap.add_argument("--http-unix")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--tls-client-ca")
    ap.add_argument("--http-tls", action="store_true")
    args = ap.parse_args()
    # grpcio's threads keep the default SIGTERM action from ending the process: exit at once instead.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))

    require = None
    if args.require_header:
        name, value = args.require_header.split("=", 1)
        require = (name.lower(), value)
    backend = Backend(args.record, [s for s in args.script.split(",") if s], require)
    ready: dict[str, int] = {}
    servers = []
    if args.grpc_port is not None or args.grpc_unix:
        server, port = start_grpc(backend, args)
        servers.append(server)
        if port is not None:
            ready["grpc_port"] = port
            if args.grpc_sniff_port is not None:
                ready["grpc_sniff_port"] = start_sniffer(backend, args.grpc_sniff_port, port)
    if args.http_port is not None:
        httpd = ThreadingHTTPServer(("127.0.0.1", args.http_port), make_handler(backend))
        if args.http_tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(args.tls_cert, args.tls_key)
            if args.tls_client_ca:
                ctx.verify_mode = ssl.CERT_REQUIRED
                ctx.load_verify_locations(args.tls_client_ca)
            httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
        serve_http(httpd)
        ready["http_port"] = httpd.server_address[1]
    if args.http_unix:
        if os.path.exists(args.http_unix):
            os.unlink(args.http_unix)
        serve_http(UnixHTTPServer(args.http_unix, make_handler(backend)))
    tmp = args.ready + ".tmp"
    with open(tmp, "w") as f:
        json.dump(ready, f)
    os.replace(tmp, args.ready)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
