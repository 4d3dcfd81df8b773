#!/usr/bin/env python3
"""Instruction counts per span for the receive path, stage by stage (part of `make bench`).

    instructions.py --bench .build/release/otel-sidecar-bench [--requests 20] [--json FILE]

Runs `otel-sidecar-bench --workload STAGE N` under `valgrind --tool=callgrind` (instruction counts do not
depend on the machine's load, so they track regressions between commits where time is too noisy) and
subtracts a run with 0 requests (setup: building the workload, starting the runtime). Each request is 512
MCP tool-call spans of 8 attributes. valgrind cannot read the DWARF Swift emits, so the binary is run from a
copy without debug sections (`strip --strip-debug`); symbols stay for `callgrind_annotate`.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

STAGES = [("decode", "protobuf decode"), ("process", "processors (default rules)"),
          ("span-metrics", "span metrics into the store"), ("encode", "protobuf encode"), ("all", "all four")]
SPANS_PER_REQUEST = 512


def instructions(binary, stage, requests, tmp):
    out = os.path.join(tmp, "cg.%s.%d.out" % (stage, requests))
    subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, binary, "--workload", stage, str(requests)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        for line in f:
            m = re.match(r"^summary:\s+(\d+)", line)
            if m:
                return int(m.group(1)), out
    raise SystemExit("no callgrind summary in " + out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--json")
    ap.add_argument("--keep", help="directory to keep the callgrind files in (for callgrind_annotate)")
    a = ap.parse_args()
    if not shutil.which("valgrind"):
        print("\n## Instructions per span (callgrind)\n\nvalgrind is not installed: skipped (apt-get install valgrind).")
        return
    tmp = a.keep or tempfile.mkdtemp(prefix="otel-sidecar-callgrind-")
    os.makedirs(tmp, exist_ok=True)
    binary = os.path.join(tmp, "otel-sidecar-bench")
    subprocess.run(["strip", "--strip-debug", "-o", binary, a.bench], check=True)
    setup, _ = instructions(binary, "decode", 0, tmp)
    spans = a.requests * SPANS_PER_REQUEST
    rows = []
    for stage, label in STAGES:
        total, _ = instructions(binary, stage, a.requests, tmp)
        rows.append({"stage": label, "instructions_per_span": round((total - setup) / spans)})
    print("\n## Instructions per span (callgrind, %d requests of %d spans)\n" % (a.requests, SPANS_PER_REQUEST))
    print("Command: `Tests/Benchmarks/instructions.py --bench .build/release/otel-sidecar-bench` (in `make bench`). "
          "Setup (a run with 0 requests, %d instructions) is subtracted.\n" % setup)
    print("| stage | instructions/span |")
    print("|---|---:|")
    for r in rows:
        print("| %s | %s |" % (r["stage"], format(r["instructions_per_span"], ",")))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"requests": a.requests, "spans_per_request": SPANS_PER_REQUEST, "setup": setup, "stages": rows}, f)
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
