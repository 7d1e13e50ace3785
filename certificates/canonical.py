"""RFC 8785 (JSON Canonicalization Scheme) for the values the log writes: objects, arrays,
strings, integers, booleans and null. Floats are refused rather than risk a second serialization
of the same number (no entry or tree head has one).

Keys are sorted by their UTF-16 code units (RFC 8785 §3.2.3), strings escaped as ECMAScript's
JSON.stringify does (only ", \\ and the C0 controls; the short forms \\b \\f \\n \\r \\t), the
output is UTF-8 with no whitespace. tests/certificates/test_canonical.py checks it against the
rfc8785 package.
"""

import json

MAX_SAFE_INTEGER = 2**53 - 1  # I-JSON (RFC 7493): larger integers lose precision in other readers


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _encode(value, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError(f"integer {value} is outside the I-JSON range")
        out.append(str(value))
    elif isinstance(value, str):
        # ensure_ascii=False escapes exactly ", \ and U+0000..U+001F, with ECMAScript's short forms
        # and lower-case \u00xx for the rest, which is RFC 8785 §3.2.2.2.
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, dict):
        out.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if not isinstance(key, str):
                raise TypeError("object keys must be strings")
            if i:
                out.append(",")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            _encode(value[key], out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise TypeError(f"cannot canonicalize {type(value).__name__}")


def canonical_json(value) -> bytes:
    """The RFC 8785 canonical form of `value`, as UTF-8 bytes."""
    out: list[str] = []
    _encode(value, out)
    return "".join(out).encode("utf-8")
