"""OpenAPI schema post-processing (drf-spectacular POSTPROCESSING_HOOKS): the error answers every API
operation can give, documented once here rather than on each view, so the schema matches what the
API answers (tests/api/test_schema_fuzz.py checks it with schemathesis)."""

DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
# A validation error: messages per request field (or a single "detail").
FIELD_ERRORS = {
    "type": "object", "description": "Messages per field of the request",
    "additionalProperties": {"oneOf": [{"type": "array", "items": {"type": "string"}},
                                       {"type": "object"}, {"type": "string"}]},
}

# Status: (when it is answered, schema). 401/403: token or role; 404: an id, or a page past the end;
# 405: a method the path does not take; 413: a body over REQUEST_MAX_BODY_BYTES; 429: a rate limit
# (with Retry-After); 400: NUL characters or out-of-range integers anywhere (common.middleware).
COMMON = {
    "400": ("Bad input", FIELD_ERRORS),
    "401": ("No, expired or revoked token", DETAIL),
    "403": ("Not allowed for this account's role", DETAIL),
    "404": ("No such object for this account, or a page past the end", DETAIL),
    "413": ("Request body too large", DETAIL),
    "429": ("Rate limit reached: retry after Retry-After seconds", DETAIL),
}


def error_responses(result, generator, request, public):
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, (description, schema) in COMMON.items():
                if status not in responses:
                    responses[status] = {"description": description,
                                         "content": {"application/json": {"schema": schema}}}
                elif status == "400":
                    # Views describe their 400 loosely or by one field; any field may carry messages.
                    responses[status].setdefault("content", {})["application/json"] = {"schema": FIELD_ERRORS}
                elif "content" not in responses[status]:
                    responses[status]["content"] = {"application/json": {"schema": DETAIL}}
    return result
