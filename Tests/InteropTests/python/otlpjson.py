"""Conversion between protobuf messages and OTLP/JSON.

OTLP/JSON is the standard protobuf JSON mapping (lowerCamelCase keys, 64-bit
integers as decimal strings, bytes as base64, "NaN"/"Infinity"/"-Infinity"
for non-finite doubles) with two OTLP-specific rules:

* enum values are emitted as integers, never as names;
* the id fields ``trace_id``, ``span_id`` and ``parent_span_id`` (in Span,
  Span.Link, Exemplar and LogRecord) are hex strings, not base64. We emit
  lowercase hex; on input hex is accepted in either case, as the spec says.

The conversion is driven by the message descriptors, so it only touches real
id fields and never user data (attribute keys/values never become JSON keys).

Public API:
    to_otlp_json(message, indent=None) -> str
    from_otlp_json(text, message_cls, ignore_unknown_fields=False) -> message
    lint_otlp_json(text, message_cls) -> list[str]   (format problems, if any)
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any, List, Optional

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor

__all__ = ["to_otlp_json", "from_otlp_json", "lint_otlp_json", "ID_FIELDS"]

#: bytes fields that OTLP/JSON encodes as hex instead of base64.
ID_FIELDS = frozenset({"trace_id", "span_id", "parent_span_id"})

_HEX_RE = re.compile(r"\A(?:[0-9a-fA-F]{2})*\Z")
_LOWER_HEX_RE = re.compile(r"\A(?:[0-9a-f]{2})*\Z")

_INT64_TYPES = frozenset(
    {
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_UINT64,
        FieldDescriptor.TYPE_SINT64,
        FieldDescriptor.TYPE_FIXED64,
        FieldDescriptor.TYPE_SFIXED64,
    }
)


def _is_id_field(field: FieldDescriptor) -> bool:
    return field.type == FieldDescriptor.TYPE_BYTES and field.name in ID_FIELDS


def _field_for_key(desc: Descriptor, key: str) -> Optional[FieldDescriptor]:
    """Find a field by its JSON name or its original proto name (both are
    accepted by the protobuf JSON parser)."""
    for f in desc.fields:
        if f.json_name == key or f.name == key:
            return f
    return None


def _walk(obj: Any, desc: Descriptor, convert, path: str) -> None:
    """Apply ``convert(value, path) -> value`` to every id field in the
    JSON object ``obj`` that represents a message of type ``desc``.
    Mutates ``obj`` in place."""
    if not isinstance(obj, dict):
        return
    for key in list(obj.keys()):
        field = _field_for_key(desc, key)
        if field is None:
            continue
        value = obj[key]
        sub = f"{path}.{key}" if path else key
        if _is_id_field(field):
            if field.is_repeated:  # not the case in OTLP, but be general
                if isinstance(value, list):
                    obj[key] = [convert(v, f"{sub}[{i}]") for i, v in enumerate(value)]
            else:
                obj[key] = convert(value, sub)
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            if field.is_repeated and isinstance(value, list):
                for i, v in enumerate(value):
                    _walk(v, field.message_type, convert, f"{sub}[{i}]")
            else:
                _walk(value, field.message_type, convert, sub)


def _b64_to_hex(value: Any, path: str) -> Any:
    if not isinstance(value, str):
        return value
    return base64.b64decode(value, validate=True).hex()


def _hex_to_b64(value: Any, path: str) -> Any:
    if value is None:
        return value
    if not isinstance(value, str):
        raise ValueError(f"{path}: id must be a hex string, got {type(value).__name__}")
    if not _HEX_RE.match(value):
        raise ValueError(f"{path}: id is not a hex string of even length: {value!r}")
    return base64.b64encode(bytes.fromhex(value)).decode("ascii")


def to_dict(message) -> dict:
    """Protobuf message -> OTLP/JSON object (python dict)."""
    d = json_format.MessageToDict(
        message,
        preserving_proto_field_name=False,
        use_integers_for_enums=True,
    )
    _walk(d, message.DESCRIPTOR, _b64_to_hex, "")
    return d


def to_otlp_json(message, indent: Optional[int] = None) -> str:
    """Serialize ``message`` as OTLP/JSON text (UTF-8 safe, non-ASCII kept)."""
    return json.dumps(
        to_dict(message),
        indent=indent,
        ensure_ascii=False,
        allow_nan=False,  # non-finite doubles are already the strings "NaN" etc.
        separators=(",", ": ") if indent is not None else (",", ":"),
    )


def _reject_constant(name: str):
    raise ValueError(f"bare JSON token {name} is not valid JSON; use the string \"{name}\"")


def _loads_strict(text):
    """json.loads that rejects bare NaN/Infinity and duplicate object keys."""

    def pairs_hook(pairs):
        out = {}
        for k, v in pairs:
            if k in out:
                raise ValueError(f"duplicate JSON object key {k!r}")
            out[k] = v
        return out

    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8")
    return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=pairs_hook)


def from_otlp_json(text, message_cls, ignore_unknown_fields: bool = False):
    """Parse OTLP/JSON ``text`` (str or UTF-8 bytes) into a new ``message_cls``.

    Strict by default: unknown keys, duplicate keys, bare NaN/Infinity and
    malformed hex ids raise ``ValueError`` / ``json_format.ParseError``.
    """
    obj = _loads_strict(text)
    if not isinstance(obj, dict):
        raise ValueError("top-level OTLP/JSON value must be an object")
    _walk(obj, message_cls.DESCRIPTOR, _hex_to_b64, "")
    msg = message_cls()
    json_format.ParseDict(obj, msg, ignore_unknown_fields=ignore_unknown_fields)
    return msg


def lint_otlp_json(text, message_cls) -> List[str]:
    """Report places where ``text`` deviates from the canonical OTLP/JSON form
    that we want our own encoder to emit (it may still be parseable):

    * keys that are not the lowerCamelCase JSON name, or unknown keys;
    * enum values written as names instead of integers;
    * 64-bit integers written as JSON numbers instead of decimal strings;
    * id fields that are not lowercase hex.
    Duplicate keys and bare NaN/Infinity are reported too.
    """
    problems: List[str] = []
    try:
        obj = _loads_strict(text)
    except ValueError as e:
        return [f"$: {e}"]

    def check_scalar(field: FieldDescriptor, value: Any, path: str) -> None:
        if _is_id_field(field):
            if not isinstance(value, str) or not _LOWER_HEX_RE.match(value):
                problems.append(f"{path}: id should be lowercase hex, got {value!r}")
        elif field.type == FieldDescriptor.TYPE_ENUM:
            if not isinstance(value, int) or isinstance(value, bool):
                problems.append(f"{path}: enum should be an integer, got {value!r}")
        elif field.type in _INT64_TYPES:
            if not isinstance(value, str):
                problems.append(f"{path}: 64-bit integer should be a decimal string, got {value!r}")

    def walk(o: Any, desc: Descriptor, path: str) -> None:
        if not isinstance(o, dict):
            problems.append(f"{path or '$'}: expected an object for {desc.name}, got {type(o).__name__}")
            return
        for key, value in o.items():
            sub = f"{path}.{key}" if path else key
            field = _field_for_key(desc, key)
            if field is None:
                problems.append(f"{sub}: unknown key for {desc.full_name}")
                continue
            if key != field.json_name:
                problems.append(f"{sub}: key should be {field.json_name!r} (lowerCamelCase)")
            if value is None:
                continue
            if field.is_repeated:
                if not isinstance(value, list):
                    problems.append(f"{sub}: expected an array")
                    continue
                for i, v in enumerate(value):
                    if field.type == FieldDescriptor.TYPE_MESSAGE:
                        walk(v, field.message_type, f"{sub}[{i}]")
                    else:
                        check_scalar(field, v, f"{sub}[{i}]")
            elif field.type == FieldDescriptor.TYPE_MESSAGE:
                walk(value, field.message_type, sub)
            else:
                check_scalar(field, value, sub)

    walk(obj, message_cls.DESCRIPTOR, "")
    return problems
