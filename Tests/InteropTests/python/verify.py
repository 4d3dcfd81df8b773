#!/usr/bin/env python3
"""Compare an OTLP message produced by our codec against a golden, field by field.

    python verify.py TYPE GOLDEN OURS [--json] [--strict-presence] [--max-diffs N]
    python verify.py TYPE GOLDEN --self-check

TYPE is one of: traces, metrics, logs, traces_response, metrics_response,
logs_response (see MANIFEST.txt). GOLDEN is a .pb file (or an OTLP/JSON
file if its name ends in .json). OURS is protobuf bytes, or OTLP/JSON with
--json (then it is also linted for canonical OTLP/JSON form: lowerCamelCase
keys, integer enums, 64-bit ints as strings, lowercase hex ids).

Exit status: 0 equal, 1 different (or OURS unparsable / badly formatted),
2 usage error or unreadable golden.

Comparison rules:
* doubles are compared by bit pattern, so -0.0 != 0.0; any NaN equals any NaN
  (JSON cannot carry NaN payloads);
* oneof members: the chosen member must match (string_value "" is not
  "no value"); proto3 `optional` fields (histogram sum/min/max): presence
  must match;
* a singular sub-message that is absent compares equal to one that is
  present but empty, unless --strict-presence (OTLP gives no meaning to the
  difference; the wire does);
* unknown fields: if OURS carries unknown fields at some message, they must
  equal the golden's there (we must never invent field numbers).
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import struct
import sys
from typing import Any, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from google.protobuf import descriptor_pb2  # noqa: E402
from google.protobuf.descriptor import Descriptor, FieldDescriptor  # noqa: E402

import otlpjson  # noqa: E402
from otlptypes import MESSAGE_TYPES  # noqa: E402

try:  # protobuf >= 4.21
    from google.protobuf import unknown_fields as _unknown_fields
except ImportError:  # pragma: no cover
    _unknown_fields = None


# --------------------------------------------------------------------------
# descriptor helpers
# --------------------------------------------------------------------------

KEYVALUE = "opentelemetry.proto.common.v1.KeyValue"

_SYNTHETIC_CACHE: dict = {}


def synthetic_oneofs(desc: Descriptor) -> frozenset:
    """Names of the synthetic oneofs generated for proto3 `optional` fields."""
    got = _SYNTHETIC_CACHE.get(desc.full_name)
    if got is None:
        dp = descriptor_pb2.DescriptorProto()
        desc.CopyToProto(dp)
        got = frozenset(dp.oneof_decl[f.oneof_index].name for f in dp.field if f.proto3_optional)
        _SYNTHETIC_CACHE[desc.full_name] = got
    return got


def real_oneof(field: FieldDescriptor):
    o = field.containing_oneof
    if o is None or o.name in synthetic_oneofs(field.containing_type):
        return None
    return o


def is_proto3_optional(field: FieldDescriptor) -> bool:
    o = field.containing_oneof
    return o is not None and o.name in synthetic_oneofs(field.containing_type)


def double_bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def doubles_equal(a: float, b: float) -> bool:
    if math.isnan(a) and math.isnan(b):
        return True
    return double_bits(a) == double_bits(b)


def fmt_value(field: FieldDescriptor, v: Any) -> str:
    t = field.type
    if t in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        if math.isnan(v):
            return "nan"
        if v == 0.0:
            return "-0.0" if math.copysign(1.0, v) < 0 else "0.0"
        return repr(v)
    if t == FieldDescriptor.TYPE_BYTES:
        if field.name in otlpjson.ID_FIELDS:
            return f"0x{v.hex()}" if v else "<empty>"
        return _short(repr(v))
    if t == FieldDescriptor.TYPE_STRING:
        return _short(repr(v))
    if t == FieldDescriptor.TYPE_ENUM:
        ev = field.enum_type.values_by_number.get(v)
        return f"{v} ({ev.name})" if ev else f"{v} (unknown)"
    return repr(v)


def _short(s: str, limit: int = 120) -> str:
    return s if len(s) <= limit else f"{s[:limit]}... ({len(s)} chars)"


def scalar_equal(field: FieldDescriptor, a: Any, b: Any) -> bool:
    if field.type in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return doubles_equal(a, b)
    return type(a) is type(b) and a == b


def _describe_string_diff(a: str, b: str) -> str:
    n = min(len(a), len(b))
    i = next((k for k in range(n) if a[k] != b[k]), n)
    return f" (first difference at char {i}; lengths {len(a)} vs {len(b)})"


def unknown_fields_of(msg) -> List[tuple]:
    if _unknown_fields is None:
        return []
    return [(f.field_number, f.wire_type, _uf_data(f.data)) for f in _unknown_fields.UnknownFieldSet(msg)]


def _uf_data(d):
    if hasattr(d, "__iter__") and not isinstance(d, (bytes, str)):  # group
        return tuple((f.field_number, f.wire_type, _uf_data(f.data)) for f in d)
    return d


# --------------------------------------------------------------------------
# comparison
# --------------------------------------------------------------------------


class Differ:
    def __init__(self, strict_presence: bool = False):
        self.strict_presence = strict_presence
        self.diffs: List[str] = []
        self._keys: List[str] = []  # keys of the KeyValues we are inside, for hints

    def add(self, path: str, msg: str) -> None:
        hint = f"  [key {self._keys[-1]!r}]" if self._keys else ""
        self.diffs.append(f"{path}: {msg}{hint}")

    def compare(self, golden, ours, path: str = "") -> List[str]:
        self._msg(golden, ours, path)
        return self.diffs

    def _msg(self, g, o, path: str) -> None:
        desc: Descriptor = g.DESCRIPTOR
        seen_oneofs = set()
        for field in desc.fields:
            p = f"{path}.{field.name}" if path else field.name
            oneof = real_oneof(field)
            if oneof is not None:
                if oneof.name in seen_oneofs:
                    continue
                seen_oneofs.add(oneof.name)
                self._oneof(g, o, oneof, path)
                continue
            if field.is_repeated:
                self._repeated(field, getattr(g, field.name), getattr(o, field.name), p)
            elif field.type == FieldDescriptor.TYPE_MESSAGE:
                gh, oh = g.HasField(field.name), o.HasField(field.name)
                if gh != oh and self.strict_presence:
                    self.add(p, f"presence golden={'set' if gh else 'unset'} ours={'set' if oh else 'unset'}")
                self._msg(getattr(g, field.name), getattr(o, field.name), p)
            elif is_proto3_optional(field):
                gh, oh = g.HasField(field.name), o.HasField(field.name)
                if gh != oh:
                    gv = fmt_value(field, getattr(g, field.name)) if gh else "<absent>"
                    ov = fmt_value(field, getattr(o, field.name)) if oh else "<absent>"
                    self.add(p, f"golden={gv} ours={ov}")
                elif gh:
                    self._scalar(field, getattr(g, field.name), getattr(o, field.name), p)
            else:
                self._scalar(field, getattr(g, field.name), getattr(o, field.name), p)
        self._unknown(g, o, path)

    def _oneof(self, g, o, oneof, path: str) -> None:
        gw, ow = g.WhichOneof(oneof.name), o.WhichOneof(oneof.name)
        if gw != ow:
            def show(m, which):
                if which is None:
                    return "<none>"
                f = m.DESCRIPTOR.fields_by_name[which]
                if f.type == FieldDescriptor.TYPE_MESSAGE:
                    return which
                return f"{which}={fmt_value(f, getattr(m, which))}"

            self.add(path or "<root>", f"oneof {oneof.name}: golden={show(g, gw)} ours={show(o, ow)}")
            return
        if gw is None:
            return
        field = g.DESCRIPTOR.fields_by_name[gw]
        p = f"{path}.{gw}" if path else gw
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            self._msg(getattr(g, gw), getattr(o, gw), p)
        else:
            self._scalar(field, getattr(g, gw), getattr(o, gw), p)

    def _repeated(self, field: FieldDescriptor, gl, ol, p: str) -> None:
        if len(gl) != len(ol):
            self.add(p, f"length golden={len(gl)} ours={len(ol)}")
        for i in range(min(len(gl), len(ol))):
            if field.type == FieldDescriptor.TYPE_MESSAGE:
                is_kv = field.message_type.full_name == KEYVALUE
                if is_kv:
                    self._keys.append(gl[i].key)
                self._msg(gl[i], ol[i], f"{p}[{i}]")
                if is_kv:
                    self._keys.pop()
            else:
                self._scalar(field, gl[i], ol[i], f"{p}[{i}]")

    def _scalar(self, field: FieldDescriptor, gv, ov, p: str) -> None:
        if not scalar_equal(field, gv, ov):
            extra = ""
            if field.type == FieldDescriptor.TYPE_STRING and len(gv) + len(ov) > 120:
                extra = _describe_string_diff(gv, ov)
            self.add(p, f"golden={fmt_value(field, gv)} ours={fmt_value(field, ov)}{extra}")

    def _unknown(self, g, o, path: str) -> None:
        ou = unknown_fields_of(o)
        if not ou:
            return
        gu = unknown_fields_of(g)
        if ou != gu:
            nums = sorted({n for n, _, _ in ou})
            self.add(path or "<root>", f"ours has unknown fields {nums} not matching the golden's {sorted({n for n, _, _ in gu})}")


def compare(golden, ours, strict_presence: bool = False) -> List[str]:
    return Differ(strict_presence).compare(golden, ours)


# --------------------------------------------------------------------------
# self-check
# --------------------------------------------------------------------------


def _leaves(msg, path=""):
    """Yield (container_msg, field, index_or_None, path) for every set scalar."""
    for field, value in msg.ListFields():
        p = f"{path}.{field.name}" if path else field.name
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if field.is_repeated:
                for i, sub in enumerate(value):
                    yield from _leaves(sub, f"{p}[{i}]")
            else:
                yield from _leaves(value, p)
        elif field.is_repeated:
            for i in range(len(value)):
                yield msg, field, i, f"{p}[{i}]"
        else:
            yield msg, field, None, p


def _mutated(field: FieldDescriptor, v):
    t = field.type
    if t in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        if math.isnan(v):
            return 0.0
        return struct.unpack("<d", struct.pack("<Q", double_bits(v) ^ (1 << 63)))[0]  # flip sign bit
    if t == FieldDescriptor.TYPE_BOOL:
        return not v
    if t == FieldDescriptor.TYPE_STRING:
        return v + "\u00e9"
    if t == FieldDescriptor.TYPE_BYTES:
        return v + b"\x00"
    if t == FieldDescriptor.TYPE_ENUM:
        return v + 1 if v < 2**31 - 1 else v - 1
    # integers: stay in range
    return v - 1 if v > 0 else v + 1


def _set(container, field: FieldDescriptor, idx, value) -> None:
    if idx is not None:
        getattr(container, field.name)[idx] = value
    else:
        setattr(container, field.name, value)


def self_check(cls, golden_path: str, golden_bytes: bytes, is_json: bool) -> int:
    problems = []
    golden = otlpjson.from_otlp_json(golden_bytes, cls) if is_json else cls.FromString(golden_bytes)

    # 1. protobuf binary round trip
    back = cls.FromString(golden.SerializeToString())
    problems += [f"pb round-trip: {d}" for d in compare(golden, back, strict_presence=True)]

    # 2. OTLP/JSON round trip (unknown fields cannot survive JSON)
    known = copy.deepcopy(golden)
    known.DiscardUnknownFields()
    text = otlpjson.to_otlp_json(golden)
    problems += [f"json lint: {d}" for d in otlpjson.lint_otlp_json(text, cls)]
    back = otlpjson.from_otlp_json(text, cls)
    problems += [f"json round-trip: {d}" for d in compare(known, back, strict_presence=True)]

    # 3. sibling NAME.json / NAME.pb must describe the same message
    base, ext = os.path.splitext(golden_path)
    sibling = base + (".pb" if is_json else ".json")
    if os.path.exists(sibling):
        with open(sibling, "rb") as f:
            sb = f.read()
        other = cls.FromString(sb) if is_json else otlpjson.from_otlp_json(sb, cls)
        problems += [f"{os.path.basename(sibling)}: {d}" for d in compare(known, other, strict_presence=True)]
        if not is_json:
            problems += [f"{os.path.basename(sibling)} lint: {d}" for d in otlpjson.lint_otlp_json(sb, cls)]

    # 4. the comparator is sensitive: mutate single leaves, expect a diff at that path
    mutant = copy.deepcopy(golden)
    leaves = list(_leaves(mutant))
    step = max(1, len(leaves) // 64)
    probed = 0
    for container, field, idx, path in leaves[::step]:
        old = getattr(container, field.name)[idx] if idx is not None else getattr(container, field.name)
        new = _mutated(field, old)
        _set(container, field, idx, new)
        diffs = compare(golden, mutant)
        _set(container, field, idx, old)  # restore
        probed += 1
        if not any(d.startswith(path + ":") for d in diffs):
            problems.append(f"comparator missed a mutation at {path}: {old!r} -> {new!r}")
    if compare(golden, mutant, strict_presence=True):
        problems.append("mutation probe did not restore the message")

    # 5. -0.0 vs 0.0 and NaN handling of the comparator itself
    if doubles_equal(-0.0, 0.0) or not doubles_equal(float("nan"), -float("nan")):
        problems.append("doubles_equal is broken")

    for p in problems:
        print(p)
    if problems:
        print(f"SELF-CHECK FAILED: {len(problems)} problem(s)")
        return 1
    print(
        f"self-check OK: {os.path.basename(golden_path)} ({len(golden_bytes)} bytes; pb and JSON round-trips equal; "
        f"{probed} leaf mutations detected)"
    )
    return 0


# --------------------------------------------------------------------------


ID_FIELDS = ("trace_id", "span_id", "parent_span_id")


def clear_zero_ids(msg) -> None:
    """Clear id fields whose bytes are all zero, recursively."""
    for fd, value in msg.ListFields():
        if fd.type == FieldDescriptor.TYPE_BYTES and fd.name in ID_FIELDS:
            if value and not any(value):
                msg.ClearField(fd.name)
        elif fd.type == FieldDescriptor.TYPE_MESSAGE:
            if fd.is_repeated:
                if fd.message_type.GetOptions().map_entry:
                    continue
                for m in value:
                    clear_zero_ids(m)
            else:
                clear_zero_ids(value)


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("type", choices=sorted(MESSAGE_TYPES))
    ap.add_argument("golden")
    ap.add_argument("ours", nargs="?")
    ap.add_argument("--json", action="store_true", help="OURS is OTLP/JSON (default: protobuf binary)")
    ap.add_argument("--no-lint", action="store_true", help="with --json: do not fail on non-canonical JSON form")
    ap.add_argument("--strict-presence", action="store_true", help="absent vs. present-but-empty sub-messages differ")
    ap.add_argument("--max-diffs", type=int, default=50, help="print at most N differences (default 50)")
    ap.add_argument("--zero-ids-as-absent", action="store_true",
                    help="treat all-zero trace/span ids in GOLDEN as absent (the Collector's pdata and otel-sidecar "
                         "normalise them so; both mean 'invalid id')")
    ap.add_argument("--self-check", action="store_true", help="round-trip GOLDEN through otlpjson and test the comparator")
    args = ap.parse_args(argv)

    cls = MESSAGE_TYPES[args.type]
    golden_is_json = args.golden.endswith(".json")
    try:
        with open(args.golden, "rb") as f:
            golden_bytes = f.read()
    except OSError as e:
        print(f"cannot read golden: {e}", file=sys.stderr)
        return 2

    if args.self_check:
        if args.ours:
            ap.error("--self-check takes no OURS file")
        return self_check(cls, args.golden, golden_bytes, golden_is_json)
    if not args.ours:
        ap.error("OURS is required (or use --self-check)")

    try:
        golden = otlpjson.from_otlp_json(golden_bytes, cls) if golden_is_json else cls.FromString(golden_bytes)
    except Exception as e:  # noqa: BLE001
        print(f"cannot parse golden {args.golden} as {cls.DESCRIPTOR.full_name}: {e}", file=sys.stderr)
        return 2

    try:
        with open(args.ours, "rb") as f:
            ours_bytes = f.read()
    except OSError as e:
        print(f"cannot read ours: {e}")
        return 1

    lint: List[str] = []
    try:
        if args.json:
            ours = otlpjson.from_otlp_json(ours_bytes, cls)
            if not args.no_lint:
                lint = otlpjson.lint_otlp_json(ours_bytes, cls)
        else:
            ours = cls.FromString(ours_bytes)
    except Exception as e:  # noqa: BLE001
        kind = "OTLP/JSON" if args.json else "protobuf"
        print(f"ours: cannot parse {args.ours} as {kind} {cls.DESCRIPTOR.full_name}: {type(e).__name__}: {e}")
        return 1

    if args.json or golden_is_json:
        # JSON cannot carry unknown fields: compare known fields only
        golden = copy.deepcopy(golden)
        golden.DiscardUnknownFields()

    if args.zero_ids_as_absent:
        golden = copy.deepcopy(golden)
        clear_zero_ids(golden)

    diffs = compare(golden, ours, strict_presence=args.strict_presence)
    for d in lint[: args.max_diffs]:
        print(f"format: {d}")
    for d in diffs[: args.max_diffs]:
        print(d)
    total = len(diffs) + len(lint)
    if total > args.max_diffs:
        print(f"... ({len(diffs)} field differences, {len(lint)} format problems in total)")
    if total:
        print(f"MISMATCH: {len(diffs)} field difference(s), {len(lint)} format problem(s)")
        return 1
    note = ""
    if not args.json and not golden_is_json:
        note = " (byte-identical)" if ours_bytes == golden_bytes else " (semantically equal, bytes differ)"
    print(f"OK: {os.path.basename(args.ours)} matches {os.path.basename(args.golden)}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
