#!/usr/bin/env python3
"""The Python SDK exports into rotel (a Rust OTLP collector, PyPI wheel `rotel`), which exports into us.

    via_rotel.py SIDECAR_GRPC_ADDRESS      e.g. 127.0.0.1:43117

Starts rotel-agent on free loopback ports with its OTLP exporter (gRPC, no compression) pointed at the
sidecar, runs sdk_export.py against rotel, stops rotel with SIGTERM (it flushes on shutdown) and prints
what the SDK recorded (sdk_export.py's JSON).
"""
import os
import signal
import socket
import subprocess
import sys
import time

import rotel

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, deadline=20.0):
    end = time.time() + deadline
    while time.time() < end:
        if proc.poll() is not None:
            sys.exit("rotel-agent exited early with %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit("rotel-agent did not listen on %d" % port)


def main():
    sidecar = sys.argv[1]
    agent = os.path.join(os.path.dirname(rotel.__file__), "rotel-agent")
    grpc_port, http_port = free_port(), free_port()
    proc = subprocess.Popen([
        agent, "start",
        "--otlp-grpc-endpoint", "127.0.0.1:%d" % grpc_port,
        "--otlp-http-endpoint", "127.0.0.1:%d" % http_port,
        "--exporter", "otlp",
        "--otlp-exporter-endpoint", "http://%s" % sidecar,
        "--otlp-exporter-protocol", "grpc",
        "--otlp-exporter-compression", "none",
        "--batch-timeout", "100ms",
    ], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_listening(grpc_port, proc)
        out = subprocess.run([sys.executable, os.path.join(HERE, "sdk_export.py"), "grpc", "127.0.0.1:%d" % grpc_port],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            sys.exit("sdk_export.py failed: " + out.stderr)
        time.sleep(0.5)  # let rotel's 100 ms batch timer fire before asking it to stop
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _, err = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            err = b""
    if proc.returncode not in (0, -signal.SIGTERM):
        sys.stderr.write(err.decode(errors="replace")[-2000:])
    sys.stdout.write(out.stdout)


if __name__ == "__main__":
    main()
